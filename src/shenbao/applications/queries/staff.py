"""Reads for program staff: the formal-check queue and counts per direction against the quota."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.transitions import SUBMITTED_STATES
from shenbao.calls.models import Call, Direction

QUEUE_STATES = (ApplicationState.SUBMITTED, ApplicationState.ENDORSED)


def formal_check_queue(
    *, call: Call, direction: str | None = None, state: str | None = None, search: str = ""
) -> QuerySet[Application]:
    rows = Application.objects.filter(call=call).select_related("direction", "applicant", "lead_organisation")
    rows = rows.filter(state=state) if state else rows.filter(state__in=QUEUE_STATES)
    if direction:
        rows = rows.filter(direction__code=direction)
    if search:
        rows = rows.filter(
            Q(title__icontains=search) | Q(receipt_number__icontains=search) | Q(applicant__email__icontains=search)
        )
    return rows.order_by("direction__position", "submitted_at", "pk")


def direction_counts(call: Call) -> list[dict[str, Any]]:
    """Per direction: submitted applications, passed formal checks, and the quota to compare with."""
    submitted = list(SUBMITTED_STATES)
    rows = (
        Direction.objects.filter(call=call)
        .annotate(
            submitted=Count("applications", filter=Q(applications__state__in=submitted)),
            passed=Count("applications", filter=Q(applications__state=ApplicationState.CHECK_PASSED)),
        )
        .order_by("position")
    )
    return [{"direction": d, "submitted": d.submitted, "passed": d.passed} for d in rows]


def state_counts(call: Call) -> dict[str, int]:
    """Applications of the call per state (drafts included), every state present with 0 at least."""
    counts = dict(Application.objects.filter(call=call).values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state.value: counts.get(state.value, 0) for state in ApplicationState}
