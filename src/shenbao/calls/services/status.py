"""The one way to change a call's status (CONVENTIONS rule 3): through ``CALL_LIFECYCLE``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shenbao.calls.enums import CallStatus
from shenbao.calls.models import Call
from shenbao.calls.transitions import CALL_LIFECYCLE
from shenbao.core.lifecycle import transition


@transaction.atomic
def change_call_status(*, call: Call, to: str, actor: Any = None, reason: str = "") -> Call:
    locked = Call.objects.select_for_update().get(pk=call.pk)
    transition(locked, CALL_LIFECYCLE, to, actor=actor, data={"reason": reason}, action="shenbao.call.status_changed")
    if call is not locked:
        call.refresh_from_db(fields=["status"])
    return locked


def open_due_calls(*, now: dt.datetime | None = None, actor: Any = None) -> list[str]:
    """Open every published call whose opening has come and whose deadline has not (the scheduled
    job ``open_due_calls``): a published call takes no applications until it is opened."""
    now = now or timezone.now()
    due = Call.objects.filter(status=CallStatus.PUBLISHED, deadline__gt=now).filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=now)
    )
    opened = []
    for call in due.order_by("pk"):
        change_call_status(call=call, to=CallStatus.OPEN, actor=actor, reason="opens_at reached")
        opened.append(call.code)
    return opened
