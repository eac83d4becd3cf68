"""Program staff pages: their calls and the formal-check (形式审查) queue with bulk decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.applications.enums import ApplicationState, FormalCheckOutcome
from shenbao.applications.models import Application
from shenbao.applications.queries.bilateral import is_bilateral
from shenbao.applications.queries.staff import QUEUE_STATES, direction_counts, formal_check_queue
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.calls.models import Call
from shenbao.calls.queries.roles import calls_managed_by
from shenbao.core.errors import DomainError
from shenbao.documents.exports.registry import EXPORTS, may_export
from shenbao.eligibility.engine import Outcome, decode_results
from shenbao.eligibility.messages import OUTCOME_LABELS, result_text
from shenbao.web.common import acting_user, call_for


def _call_for_staff(request: HttpRequest, code: str) -> Call:
    return call_for(request, code, "calls.change_call")


@login_required
def staff_calls(request: HttpRequest) -> HttpResponse:
    calls = list(calls_managed_by(request.user).order_by("-deadline"))
    context = {
        "calls": calls,
        "can_import": request.user.has_perm("guides.import_guide"),
        # Bilateral calls (seed 003) compare their applications with the partner agency's list; the
        # user manages every call listed, so what is left of applications.compare_partner_list is this.
        "partner_lists": {c.code for c in calls if is_bilateral(c)},
    }
    return render(request, "web/staff/calls.html", context)


@login_required
def formal_check(request: HttpRequest, code: str) -> HttpResponse:
    call = _call_for_staff(request, code)
    direction = request.GET.get("direction") or None
    state = request.GET.get("state") or None
    search = request.GET.get("q", "").strip()
    applications = list(formal_check_queue(call=call, direction=direction, state=state, search=search))
    rows = []
    for application in applications:
        results = decode_results(application.check_results)
        rows.append(
            {
                "application": application,
                "failed": sum(1 for r in results if r.outcome == Outcome.FAIL),
                "review": [
                    {"code": r.code, "label": str(OUTCOME_LABELS[r.outcome]), "text": result_text(r)}
                    for r in results
                    if r.outcome in (Outcome.NEEDS_REVIEW, Outcome.WARN, Outcome.FAIL)
                ],
            }
        )
    context = {
        "call": call,
        "rows": rows,
        "counts": direction_counts(call),
        "states": [(s.value, s.label) for s in ApplicationState if s != ApplicationState.DRAFT],
        "outcomes": FormalCheckOutcome.choices,
        "filters": {"direction": direction or "", "state": state or "", "q": search},
        "queue_states": [s.value for s in QUEUE_STATES],
        "exports": [kind for kind in EXPORTS.values() if may_export(request.user, kind, call)],
        "may_see_statistics": request.user.has_perm("awards.select", call),
        "can_compare_partner_list": request.user.has_perm("applications.compare_partner_list", call),
    }
    return render(request, "web/staff/formal_check.html", context)


@login_required
@require_POST
def formal_check_decide(request: HttpRequest, code: str) -> HttpResponse:
    call = _call_for_staff(request, code)
    ids = [int(x) for x in request.POST.getlist("application") if x.isdecimal() and x.isascii()]
    applications = list(Application.objects.filter(call=call, pk__in=ids))
    back = reverse("web:formal_check", args=[call.code]) + ("?" + request.POST["query"] if request.POST.get("query") else "")
    if not applications:
        messages.error(request, _("Select at least one application."))
        return redirect(back)
    outcome = request.POST.get("outcome", "")
    if outcome not in FormalCheckOutcome.values:
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    reason = request.POST.get("reason", "").strip()
    if outcome in (FormalCheckOutcome.FAIL, FormalCheckOutcome.RETURN) and not reason:
        messages.error(request, _("A failed or returned application needs a reason, which the applicant will see."))
        return redirect(back)
    try:
        decide_formal_check(applications=applications, outcome=outcome, reason=reason, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("%(count)s application(s) decided.") % {"count": len(applications)})
    return redirect(back)
