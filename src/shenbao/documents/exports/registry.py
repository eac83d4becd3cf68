"""Every table staff can export, by code: applications, rule results, reviews, rankings, awards,
projects (KPI targets against actuals), disbursement (tranches and payments), budgets by category
(requested, approved, spent, paid), the call's statistics
and the bilateral comparison; a later table adds its ``ExportKind`` here; the web
pages and the API list what is registered, each behind its own permission."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shenbao.calls.models import Call
from shenbao.documents.exports.applications import APPLICATIONS, RULE_RESULTS
from shenbao.documents.exports.awards import AWARDS, STATISTICS
from shenbao.documents.exports.base import ExportKind, Filters
from shenbao.documents.exports.bilateral import BILATERAL
from shenbao.documents.exports.budget_execution import BUDGET_EXECUTION
from shenbao.documents.exports.budgets import BUDGETS
from shenbao.documents.exports.disbursement import DISBURSEMENT
from shenbao.documents.exports.projects import PROJECTS
from shenbao.documents.exports.reviews import RANKINGS, REVIEWS
from shenbao.documents.layout.tables import to_csv, to_xlsx

EXPORTS: dict[str, ExportKind] = {
    kind.code: kind
    for kind in (
        APPLICATIONS,
        RULE_RESULTS,
        BUDGETS,
        REVIEWS,
        RANKINGS,
        AWARDS,
        PROJECTS,
        DISBURSEMENT,
        BUDGET_EXECUTION,
        STATISTICS,
        BILATERAL,
    )
}
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    content_type: str
    filename: str


def may_export(user: Any, kind: ExportKind, call: Call) -> bool:
    return bool(user.has_perm(kind.permission, call))


def export_table(*, kind: ExportKind, call: Call, filters: Filters, file_format: str) -> ExportFile:
    """The export as a file.  The caller has checked ``may_export``."""
    columns = kind.header_columns()
    # Headers come in both languages; row texts (states, outcomes, reasons) in the active one.
    rows = kind.rows(call, filters)
    note = filters.describe()
    data = to_xlsx(columns, rows, title=kind.code, note=note) if file_format == "xlsx" else to_csv(columns, rows, note=note)
    return ExportFile(data, FORMATS[file_format], f"{call.code}-{kind.code}{filter_suffix(note)}.{file_format}")


def filter_suffix(note: str) -> str:
    """The filter in a file name: ``-filtered-state_submitted_q_score_80``, safe on every system."""
    if not note:
        return ""
    slug = re.sub(r"[^\w.]+", "_", note, flags=re.UNICODE).strip("_")[:80]
    return f"-filtered-{slug}"
