"""Export of a call's disbursement (issue 19): one row per tranche of each project (a project without
a schedule has one row), with the committed grant, the condition, the state, the payment and the
reason for a withholding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shenbao.calls.models import Call
from shenbao.core.text import text_get
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters
from shenbao.projects.enums import ProjectStatus, TrancheCondition, TrancheStatus, WithholdCause
from shenbao.projects.models import Project


def disbursement_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    projects = (
        Project.objects.filter(agreement__award__call=call)
        .select_related("agreement__award__application__direction", "agreement__award__application__lead_organisation")
        .prefetch_related("tranches")
        .order_by("agreement__award__application__receipt_number", "pk")
    )
    if filters.direction:
        projects = projects.filter(agreement__award__application__direction__code=filters.direction)
    statuses, conditions, states = dict(ProjectStatus.choices), dict(TrancheCondition.choices), dict(TrancheStatus.choices)
    causes = dict(WithholdCause.choices)
    for project in projects:
        a = project.agreement.award.application
        common = {
            "receipt": a.receipt_number,
            "direction": a.direction.code if a.direction else "",
            "title": project.title,
            "organisation": text_get(a.lead_organisation.name, "zh-hans") if a.lead_organisation else "",
            "status": str(statuses.get(project.status, project.status)),
            "committed_yuan": project.budget_yuan,
        }
        tranches = list(project.tranches.all())
        if not tranches:
            yield common
        for t in tranches:
            yield {
                **common,
                "tranche": t.position,
                "condition": str(conditions.get(t.condition, t.condition)),
                "planned_on": t.planned_on,
                "amount_yuan": t.amount_yuan,
                "tranche_status": str(states.get(t.status, t.status)),
                "withheld": " · ".join(x for x in (str(causes.get(t.withheld_cause, "")), t.withheld_reason) if x),
                "paid_yuan": t.paid_amount_yuan,
                "paid_on": t.paid_on,
                "reference": t.payment_reference,
            }


DISBURSEMENT = ExportKind(
    code="disbursement",
    title=pgettext_lazy("export", "Disbursement"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("title", _("Project name"), 40),
        ExportColumn("organisation", _("Lead organisation"), 30),
        ExportColumn("status", _("Status"), 12),
        ExportColumn("committed_yuan", _("Committed (yuan)"), 16),
        ExportColumn("tranche", _("Tranche"), 8),
        ExportColumn("condition", _("Condition"), 24),
        ExportColumn("planned_on", _("Planned date"), 12),
        ExportColumn("amount_yuan", _("Amount (yuan)"), 14),
        ExportColumn("tranche_status", _("Tranche status"), 14),
        ExportColumn("withheld", _("Reason for withholding"), 30),
        ExportColumn("paid_yuan", _("Paid (yuan)"), 14),
        ExportColumn("paid_on", _("Paid on"), 12),
        ExportColumn("reference", _("Payment reference"), 20),
    ),
    rows=disbursement_rows,
    permission="awards.select",
)
