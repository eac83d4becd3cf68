"""Reads of a call's agreements for staff pages."""

from __future__ import annotations

from django.db.models import Count, Q

from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.transitions import OPEN_STATES
from shenbao.calls.models import Call


def agreement_warnings(call: Call) -> dict[str, int]:
    """How many open agreements of the call have a provisional deadline, and how many are overdue."""
    counts = call.awards.aggregate(
        provisional=Count("agreement", filter=Q(agreement__deadline_provisional=True, agreement__status__in=OPEN_STATES)),
        overdue=Count("agreement", filter=Q(agreement__status=AgreementStatus.OVERDUE)),
    )
    return {"provisional": counts["provisional"] or 0, "overdue": counts["overdue"] or 0}
