"""Exports of the applications of a call and of their rule results (the formal-check list)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Organisation
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.calls.models import Call
from shenbao.core.text import text_get
from shenbao.core.timeutil import to_beijing
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters
from shenbao.eligibility.engine import Outcome, decode_results
from shenbao.eligibility.messages import OUTCOME_LABELS, result_text
from shenbao.reviews.queries.application_search import staff_application_list


def _organisation(org: Organisation | None) -> str:
    return text_get(org.name, "zh-hans") if org is not None else ""


def _listed(call: Call, filters: Filters) -> QuerySet[Application]:
    """The rows of the staff list under the same filter (its query raises ``QueryError`` if it cannot run)."""
    return staff_application_list(call=call, query=filters.search, state=filters.state, direction=filters.direction)


def application_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    for a in _listed(call, filters):
        results = decode_results(a.check_results)
        yield {
            "receipt": a.receipt_number,
            "direction": a.direction.code if a.direction else "",
            "direction_title": text_get(a.direction.title, "zh-hans") if a.direction else "",
            "title": a.title,
            "english_title": a.english_title,
            "applicant": getattr(getattr(a.applicant, "person", None), "name", ""),
            "email": a.applicant.email,
            "organisation": _organisation(a.lead_organisation),
            "state": str(ApplicationState(a.state).label),
            "submitted_at": to_beijing(a.submitted_at) if a.submitted_at else None,
            "revision": a.revision,
            "requested_yuan": a.requested_yuan,
            "duration_months": a.duration_months,
            "failed": sum(1 for r in results if r.outcome == Outcome.FAIL),
            "needs_review": sum(1 for r in results if r.outcome == Outcome.NEEDS_REVIEW),
        }


def rule_result_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    for a in _listed(call, filters):
        for r in decode_results(a.check_results):
            yield {
                "receipt": a.receipt_number,
                "title": a.title,
                "rule": r.code,
                "kind": r.kind,
                "outcome": str(OUTCOME_LABELS[r.outcome]),
                "reason": result_text(r),
            }


APPLICATIONS = ExportKind(
    code="applications",
    title=_("Applications"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("direction_title", _("Direction title"), 30),
        ExportColumn("title", _("Project name"), 40),
        ExportColumn("english_title", _("English title"), 40),
        ExportColumn("applicant", _("Applicant"), 14),
        ExportColumn("email", _("E-mail address"), 28),
        ExportColumn("organisation", _("Lead organisation"), 30),
        ExportColumn("state", _("State"), 14),
        ExportColumn("submitted_at", _("Submitted at (Beijing time)"), 20),
        ExportColumn("revision", _("Revision"), 8),
        ExportColumn("requested_yuan", _("Requested grant (yuan)"), 16),
        ExportColumn("duration_months", _("Duration (months)"), 10),
        ExportColumn("failed", _("Failed rules"), 10),
        ExportColumn("needs_review", _("Rules needing a person"), 12),
    ),
    rows=application_rows,
)

RULE_RESULTS = ExportKind(
    code="rule-results",
    title=_("Rule results"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("title", _("Project name"), 36),
        ExportColumn("rule", _("Rule"), 20),
        ExportColumn("kind", _("Rule kind"), 18),
        ExportColumn("outcome", _("Outcome"), 12),
        ExportColumn("reason", _("Reason"), 60),
    ),
    rows=rule_result_rows,
)
