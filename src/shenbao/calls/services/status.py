"""The one way to change a call's status (CONVENTIONS rule 3)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.calls.enums import CALL_STATUS_LABELS, CallStatus
from shenbao.calls.models import Call
from shenbao.calls.transitions import can_transition
from shenbao.core.audit import log_action
from shenbao.core.choices import label
from shenbao.core.errors import InvalidTransition


@transaction.atomic
def change_call_status(*, call: Call, to: str, actor: Any = None, reason: str = "") -> Call:
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if not can_transition(locked.status, to):
        raise InvalidTransition(
            _("A call cannot go from %(current)s to %(target)s."),
            params={
                "current": label(CALL_STATUS_LABELS, locked.status, CallStatus),
                "target": label(CALL_STATUS_LABELS, to, CallStatus),
            },
        )
    previous = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    log_action(action="shenbao.call.status_changed", obj=locked, actor=actor, data={"from": previous, "to": to, "reason": reason})
    call.status = to
    return locked
