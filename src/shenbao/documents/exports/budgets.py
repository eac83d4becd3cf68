"""The budget tables (经费预算表) of a call's applications: one row per application and budget line,
each funding source's amount, the row's total and justification, and a total row per table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shenbao.applications.queries.budgets import budget_tables
from shenbao.calls.definition.budget import FundingSource, unit_label
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.documents.exports.applications import _listed
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters


def budget_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    definition = current_definition(call)
    for a in _listed(call, filters):
        for field, table in budget_tables(definition, a.values).values():
            common = {
                "receipt": a.receipt_number,
                "direction": a.direction.code if a.direction else "",
                "title": a.title,
                "field": field.label.get("zh-hans"),
                "unit": unit_label(table.unit, "zh-hans"),
            }
            for row in table.rows:
                yield {
                    **common,
                    "line": row.code,
                    "label": ("    " if row.subline else "") + row.label.get("zh-hans"),
                    **{s.value: row.amounts.get(s.value) for s in FundingSource},
                    "total": row.total,
                    "note": row.note,
                }
            yield {
                **common,
                "line": "total",
                "label": gettext("Total"),
                **{s.value: table.column_totals[s.value] if s.value in table.sources else None for s in FundingSource},
                "total": table.grand_total,
                "note": "",
            }


BUDGETS = ExportKind(
    code="budgets",
    title=_("Budget tables"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("title", _("Project name"), 36),
        ExportColumn("field", _("Budget table"), 16),
        ExportColumn("unit", _("Unit"), 8),
        ExportColumn("line", _("Line code"), 12),
        ExportColumn("label", _("Budget category"), 20),
        ExportColumn("grant", _("Grant requested"), 12),
        ExportColumn("self_raised", _("Self-raised"), 12),
        ExportColumn("enterprise", _("Enterprise matching"), 12),
        ExportColumn("local_government", _("Local government"), 12),
        ExportColumn("partner", _("Partner side"), 12),
        ExportColumn("total", _("Total"), 12),
        ExportColumn("note", _("Justification"), 40),
    ),
    rows=budget_rows,
)
