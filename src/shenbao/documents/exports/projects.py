"""Export of a call's projects: one row per KPI target with the latest reported actual and whether it is
met (a project without targets has one row), the same reading as a project's dashboard; a target split
by side or country lists each part's actual, and its conditions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import Call
from shenbao.core.text import text_get
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters
from shenbao.projects.enums import KpiPer, ProjectStatus
from shenbao.projects.models import Project
from shenbao.projects.queries import latest_actuals, read_targets

STATUS_LABELS = {
    "met": _("Target met"),
    "not_met": _("Target not met"),
    "not_reported": _("Not reported yet"),
    "exempt": _("Exempt"),
    "total_only": _("Reported as a total; each part is needed"),
}


def project_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    projects = (
        Project.objects.filter(agreement__award__call=call)
        .select_related("agreement__award__application__direction", "agreement__award__application__lead_organisation")
        .prefetch_related("targets", "reports")
        .order_by("agreement__award__application__direction__position", "agreement__award__rank", "pk")
    )
    if filters.direction:
        projects = projects.filter(agreement__award__application__direction__code=filters.direction)
    language = get_language()
    statuses = dict(ProjectStatus.choices)
    for project in projects:
        a = project.agreement.award.application
        rows = read_targets(project.targets.all(), latest_actuals(project.reports.all()))
        common = {
            "receipt": a.receipt_number,
            "direction": a.direction.code if a.direction else "",
            "title": project.title,
            "organisation": text_get(a.lead_organisation.name, "zh-hans") if a.lead_organisation else "",
            "status": str(statuses.get(project.status, project.status)),
            "start": project.start_date,
            "end": project.end_date,
            "budget_yuan": project.budget_yuan,
            "reports": len(project.reports.all()),
        }
        if not rows:
            yield common
        for row in rows:
            t = row.target
            yield {
                **common,
                "kpi": t.code,
                "kpi_name": text_get(t.name, language),
                "comparator": t.comparator,
                "target": t.target,
                "unit": text_get(t.unit, language),
                "per": str(KpiPer(t.per).label),
                "parts": "; ".join(f"{p.label} {'—' if p.actual is None else f'{p.actual:g}'}" for p in row.parts),
                "conditions": text_get(t.conditions, language) if t.conditions else "",
                "actual": row.actual,
                "met": str(STATUS_LABELS[row.status]),
            }


PROJECTS = ExportKind(
    code="projects",
    title=pgettext_lazy("export", "Projects"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("title", _("Project name"), 40),
        ExportColumn("organisation", _("Lead organisation"), 30),
        ExportColumn("status", _("Status"), 12),
        ExportColumn("start", _("Start"), 12),
        ExportColumn("end", _("End"), 12),
        ExportColumn("budget_yuan", _("Budget (yuan)"), 16),
        ExportColumn("reports", _("Reports"), 8),
        ExportColumn("kpi", _("KPI"), 24),
        ExportColumn("kpi_name", _("KPI name"), 36),
        ExportColumn("comparator", _("Comparator"), 8),
        ExportColumn("target", pgettext_lazy("KPI", "Target"), 10),
        ExportColumn("unit", _("Unit"), 10),
        ExportColumn("actual", _("Latest actual"), 10),
        ExportColumn("met", _("Met?"), 12),
        ExportColumn("per", _("Applies to"), 14),
        ExportColumn("parts", _("Actual per part"), 24),
        ExportColumn("conditions", _("Conditions"), 36),
    ),
    rows=project_rows,
    permission="awards.select",
)
