"""Reads of a call's agreements for staff pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.transitions import OPEN_STATES
from shenbao.calls.models import Call


def agreement_warnings(call: Call) -> dict[str, int]:
    """How many open agreements of the call have a provisional deadline, and how many are overdue."""
    counts = call.awards.aggregate(
        provisional=Count("agreement", filter=Q(agreement__deadline_provisional=True, agreement__status__in=OPEN_STATES)),
        overdue=Count("agreement", filter=Q(agreement__status=AgreementStatus.OVERDUE)),
    )
    return {"provisional": counts["provisional"] or 0, "overdue": counts["overdue"] or 0}


def call_agreement_list(call: Call, *, status: str | None = None, search: str = "") -> QuerySet[Agreement]:
    """The call's agreements for the staff list: of one status if named, whose project name or
    receipt number contains ``search``; one query with the application joined, however many rows."""
    rows = Agreement.objects.filter(award__call=call).select_related("award__application")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(award__application__title__icontains=search) | Q(award__application__receipt_number__icontains=search)
        )
    return rows
