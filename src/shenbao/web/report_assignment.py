"""The call's reports awaiting expert review (中期检查 / 结题验收), for its officers: the review the call
declares for each report kind (criteria, experts per report, matching by expertise), each report with its
named experts and result, and one button to name the missing experts through the assignment solver."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shenbao.calls.definition.schema import ReportReviewSettings
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.errors import DomainError
from shenbao.projects.enums import ReportKind
from shenbao.projects.models import Report
from shenbao.projects.queries import report_result
from shenbao.projects.services.report_assignment import assign_report_experts, reports_awaiting_review
from shenbao.reviews.algorithms.aggregation import Aggregate
from shenbao.web.common import acting_user, call_for

SHORTFALL_REASONS = {
    "too_few_eligible": gettext_lazy("too few experts free of conflicts"),
    "load_caps": gettext_lazy("the experts' load limits are used up"),
}


@dataclass
class KindRow:
    kind: str
    label: str
    settings: ReportReviewSettings | None
    criteria: list[tuple[str, str, str]]  # name, weight, scale
    reports: list[tuple[Report, Aggregate]]


@login_required
def call_report_reviews(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "projects.assign_report_experts")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            outcome = assign_report_experts(call=call, kind=kind, actor=acting_user(request))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(created)s expert(s) named for %(reports)s report(s).")
                % {"created": outcome.created, "reports": outcome.reports},
            )
            for short in outcome.shortfalls:
                reason = SHORTFALL_REASONS.get(short.reason, short.reason)
                messages.warning(
                    request,
                    _("The report of “%(project)s” still lacks %(missing)s expert(s): %(reason)s.")
                    % {"project": short.project, "missing": short.missing, "reason": reason},
                )
        return redirect("web:call_report_reviews", code=call.code)
    definition = current_definition(call)
    language = get_language()
    rows = []
    for kind in ReportKind:
        settings = definition.report_review(kind.value)
        reports = reports_awaiting_review(call, kind.value)
        rows.append(
            KindRow(
                kind=kind.value,
                label=str(kind.label),
                settings=settings,
                criteria=[
                    (c.name.get(language), f"{c.weight:g}", f"{c.scale_min}–{c.scale_max}")
                    for c in (settings.criteria if settings else [])
                ],
                reports=[(r, report_result(r)) for r in reports],
            )
        )
    return render(request, "web/projects/call_report_reviews.html", {"call": call, "rows": rows})
