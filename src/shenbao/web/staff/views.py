"""Program staff pages: their calls and the formal-check (形式审查) queue with bulk decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shenbao.applications.enums import ApplicationState, FormalCheckOutcome
from shenbao.applications.models import Application, SavedSearch
from shenbao.applications.queries.bilateral import is_bilateral
from shenbao.applications.queries.staff import QUEUE_STATES, direction_counts
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.searches import delete_search, save_search
from shenbao.calls.models import Call
from shenbao.calls.queries.roles import calls_managed_by
from shenbao.core.errors import DomainError
from shenbao.core.text import text_get
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.registry import EXPORTS, may_export
from shenbao.eligibility.engine import Outcome, decode_results
from shenbao.eligibility.messages import OUTCOME_LABELS, result_text
from shenbao.reviews.queries.application_search import (
    SCORE,
    QueryError,
    field_help,
    parse_query,
    sort_key,
    staff_application_list,
)
from shenbao.web.common import acting_user, call_for
from shenbao.web.lists import paginate, sort_columns, with_params


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


SORT_LABELS = {
    "receipt": gettext_lazy("Receipt number"),
    "title": gettext_lazy("Project name"),
    "direction": None,  # the call's own label ("direction", "topic" …)
    "state": gettext_lazy("State"),
    "score": gettext_lazy("Score"),
    "submitted": gettext_lazy("Submitted"),
}


@login_required
def formal_check(request: HttpRequest, code: str) -> HttpResponse:
    """The staff application list: the formal-check queue by default, any state on request, searched
    with the query language, sorted, paged, and decided in bulk."""
    call = _call_for_staff(request, code)
    direction = request.GET.get("direction") or None
    state = request.GET.get("state") or None
    query = request.GET.get("q", "").strip()
    sort = sort_key(request.GET.get("sort"))
    error = None
    try:
        rows = staff_application_list(call=call, query=query, state=state, direction=direction, sort=sort)
    except QueryError as exc:
        error = {"message": str(exc), "position": exc.position}
        rows = Application.objects.none()
    paging = paginate(request, rows)
    listed = []
    for application in paging.page.object_list:
        results = decode_results(application.check_results)
        listed.append(
            {
                "application": application,
                "score": getattr(application, SCORE, None),
                "failed": sum(1 for r in results if r.outcome == Outcome.FAIL),
                "review": [
                    {"code": r.code, "label": str(OUTCOME_LABELS[r.outcome]), "text": result_text(r)}
                    for r in results
                    if r.outcome in (Outcome.NEEDS_REVIEW, Outcome.WARN, Outcome.FAIL)
                ],
            }
        )
    labels = {**SORT_LABELS, "direction": text_get(call.direction_label, translation.get_language())}
    filters = Filters(direction=direction, state=state, search=query)
    context = {
        "call": call,
        "rows": listed,
        "paging": paging,
        "sort": sort,
        "columns": sort_columns(request, sort, labels),
        "query_error": error,
        "fields": field_help(),
        "saved_searches": list(SavedSearch.objects.filter(user=acting_user(request))),
        "filter_note": filters.describe(),
        "counts": direction_counts(call),
        "states": [(s.value, s.label) for s in ApplicationState if s != ApplicationState.DRAFT],
        "outcomes": FormalCheckOutcome.choices,
        "filters": {"direction": direction or "", "state": state or "", "q": query},
        "queue_states": [s.value for s in QUEUE_STATES],
        "exports": [kind for kind in EXPORTS.values() if may_export(request.user, kind, call)],
        "may_see_statistics": request.user.has_perm("awards.select", call),
        "can_compare_partner_list": request.user.has_perm("applications.compare_partner_list", call),
        "may_send_bulk_mail": request.user.has_perm("calls.send_bulk_mail", call),
    }
    return render(request, "web/staff/formal_check.html", context, status=400 if error else 200)


@login_required
@require_POST
def saved_search_create(request: HttpRequest, code: str) -> HttpResponse:
    call = _call_for_staff(request, code)
    query = request.POST.get("q", "").strip()
    back = reverse("web:formal_check", args=[call.code]) + with_params(QueryDict(mutable=True), q=query or None)
    try:
        parse_query(query)
        save_search(user=acting_user(request), name=request.POST.get("name", ""), query=query)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("The search was saved."))
    return redirect(back)


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        delete_search(user=acting_user(request), search_id=pk)
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, _("The saved search was deleted."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("web:staff_calls")
    return redirect(back)


@login_required
@require_POST
def formal_check_decide(request: HttpRequest, code: str) -> HttpResponse:
    call = _call_for_staff(request, code)
    back = reverse("web:formal_check", args=[call.code]) + ("?" + request.POST["query"] if request.POST.get("query") else "")
    if request.POST.get("scope") == "matching":
        # Every application the list's filter matches, on every page: the filter is read again here,
        # so what is decided is what the list holds now.
        shown = QueryDict(request.POST.get("query", ""))
        try:
            matching = staff_application_list(
                call=call,
                query=shown.get("q", "").strip(),
                state=shown.get("state") or None,
                direction=shown.get("direction") or None,
            )
        except QueryError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        applications = list(matching)
    else:
        ids = [int(x) for x in request.POST.getlist("application") if x.isdecimal() and x.isascii()]
        applications = list(Application.objects.filter(call=call, pk__in=ids))
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
