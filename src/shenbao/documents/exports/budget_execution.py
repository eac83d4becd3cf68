"""Budgets by category of a call's awarded projects (issue 19): per budget category the grant requested,
the grant approved (核定, after any approved reallocation), the spending the latest report gives and the
grant paid to it (the shares staff split each tranche's payment into, ``Tranche.paid_by_category``);
per project a total row with everything paid (a payment recorded before the project had an approved
budget has no split, so the total can exceed the sum of the categories)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shenbao.agreements.models import Agreement
from shenbao.agreements.services.budget import approved_table, category_grant_yuan, requested_table
from shenbao.calls.models import Call
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters
from shenbao.projects.enums import ReportKind, TrancheStatus
from shenbao.projects.models import Project, Report, Tranche


def _spending(project: Project | None) -> dict[str, int] | None:
    """The latest report's spending by category (the final report's over the mid-term one's)."""
    if project is None:
        return None
    reports = {r.kind: r for r in Report.objects.filter(project=project).exclude(spending={})}
    report = reports.get(ReportKind.FINAL) or reports.get(ReportKind.MIDTERM)
    return dict(report.spending) if report is not None else None


def _paid_split(project: Project | None) -> dict[str, int] | None:
    """The paid tranches' shares summed by category; ``None`` without a project."""
    if project is None:
        return None
    paid: dict[str, int] = {}
    for split in Tranche.objects.filter(project=project, status=TrancheStatus.PAID).values_list("paid_by_category", flat=True):
        for code, part in (split or {}).items():
            paid[code] = paid.get(code, 0) + int(part)
    return paid


def budget_execution_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    agreements = (
        Agreement.objects.filter(award__call=call)
        .select_related("award__call", "award__application__direction")
        .order_by("award__application__receipt_number", "pk")
    )
    if filters.direction:
        agreements = agreements.filter(award__application__direction__code=filters.direction)
    for agreement in agreements:
        a = agreement.award.application
        requested, approved = requested_table(agreement), approved_table(agreement)
        source = approved or requested
        if source is None:
            continue
        _field, table = source
        project = Project.objects.filter(agreement=agreement).first()
        spent = _spending(project)
        paid_split = _paid_split(project)
        req = category_grant_yuan(requested[1]) if requested else {}
        appr = category_grant_yuan(approved[1]) if approved else {}
        common = {"receipt": a.receipt_number, "direction": a.direction.code if a.direction else "", "title": a.title}
        for row in table.rows:
            if row.subline:
                continue
            yield {
                **common,
                "category": row.code,
                "label": row.label.get("zh-hans"),
                "requested_yuan": req.get(row.code),
                "approved_yuan": appr.get(row.code),
                "spent_yuan": spent.get(row.code, 0) if spent is not None else None,
                "paid_yuan": paid_split.get(row.code, 0) if paid_split is not None else None,
            }
        paid = (
            Tranche.objects.filter(project=project).aggregate(total=Sum("paid_amount_yuan"))["total"] or 0
            if project is not None
            else None
        )
        yield {
            **common,
            "category": "total",
            "label": gettext("Total"),
            "requested_yuan": sum(req.values()) if req else None,
            "approved_yuan": sum(appr.values()) if appr else None,
            "spent_yuan": sum(spent.values()) if spent is not None else None,
            "paid_yuan": paid,
        }


BUDGET_EXECUTION = ExportKind(
    code="budget_execution",
    title=_("Budgets by category: requested, approved, spent, paid"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("title", _("Project name"), 36),
        ExportColumn("category", _("Line code"), 12),
        ExportColumn("label", _("Budget category"), 20),
        ExportColumn("requested_yuan", _("Grant requested (yuan)"), 16),
        ExportColumn("approved_yuan", _("Grant approved (yuan)"), 16),
        ExportColumn("spent_yuan", _("Spent as reported (yuan)"), 16),
        ExportColumn("paid_yuan", _("Paid (yuan)"), 14),
    ),
    rows=budget_execution_rows,
    permission="awards.select",
)
