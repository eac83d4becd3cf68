"""A status change asked for by staff on the call's page: checked again under the row lock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from shenbao.calls.errors import CallChangedMeanwhile, CallNotReady
from shenbao.calls.models import Call
from shenbao.calls.queries.lifecycle import transition_checks
from shenbao.calls.transitions import CALL_LIFECYCLE
from shenbao.core.lifecycle import transition


@transaction.atomic
def move_call(
    *,
    call: Call,
    to: str,
    expected: str,
    actor: Any,
    acknowledge_reconciliation: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Call:
    """Move the call from ``expected`` (the status the page showed) to ``to``.

    Refused with ``CallChangedMeanwhile`` when the status is no longer ``expected`` (a double click,
    or another officer first), with ``InvalidTransition`` when the table does not allow it, and with
    ``CallNotReady`` when a check fails (a reconciliation difference only unless acknowledged).
    Nothing is written when refused; otherwise one audit entry records the change and the
    acknowledgement."""
    locked = Call.objects.select_for_update().select_related("program").get(pk=call.pk)
    if locked.status != expected:
        # Lazy labels: the message is rendered in the reader's language, wherever it is shown.
        labels = CALL_LIFECYCLE.labels
        raise CallChangedMeanwhile(expected=labels.get(expected, expected), current=labels.get(locked.status, locked.status))
    CALL_LIFECYCLE.check(locked.status, to)
    checks = transition_checks(locked, to, now=now)
    failures = [c.text for c in checks if not c.ok and not (c.acknowledgeable and acknowledge_reconciliation)]
    if failures:
        raise CallNotReady(target=CALL_LIFECYCLE.labels.get(to, to), reasons=failures)
    acknowledged = [c.text for c in checks if not c.ok and c.acknowledgeable]
    data: dict[str, Any] = {"reason": reason}
    if acknowledged:
        data["acknowledged"] = acknowledged
    transition(locked, CALL_LIFECYCLE, to, actor=actor, data=data, action="shenbao.call.status_changed")
    if call is not locked:
        call.refresh_from_db(fields=["status"])
    return locked
