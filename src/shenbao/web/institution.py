"""The institution's workspace (依托单位): its officers endorse their applications or return them, in bulk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.applications.enums import EndorsementOutcome
from shenbao.applications.queries.endorsement import SHOW, endorsement_list
from shenbao.applications.services.endorsement import decide_endorsements
from shenbao.core.errors import DomainError
from shenbao.eligibility.engine import Outcome, decode_results
from shenbao.eligibility.messages import OUTCOME_LABELS, result_text
from shenbao.web.common import acting_user, int_param
from shenbao.web.lists import paginate


def _officer(request: HttpRequest) -> None:
    if not request.user.has_perm("applications.view_endorsement_queue"):
        raise Http404(_("No such page."))


@login_required
def endorsement_queue(request: HttpRequest) -> HttpResponse:
    _officer(request)
    show = request.GET.get("show", "waiting")
    show = show if show in SHOW else "waiting"
    paging = paginate(request, endorsement_list(user=request.user, show=show))
    rows = []
    for application in paging.page.object_list:
        results = decode_results(application.check_results)
        decisions = list(application.endorsements.all())  # prefetched, newest first
        rows.append(
            {
                "application": application,
                "decision": decisions[0] if decisions else None,
                "failed": sum(1 for r in results if r.outcome == Outcome.FAIL),
                "results": [
                    {"code": r.code, "outcome": r.outcome.value, "label": str(OUTCOME_LABELS[r.outcome]), "text": result_text(r)}
                    for r in results
                    if r.outcome != Outcome.PASS
                ],
            }
        )
    context = {
        "rows": rows,
        "paging": paging,
        "show": show,
        "outcomes": EndorsementOutcome.choices,
    }
    return render(request, "web/institution/endorsements.html", context)


@login_required
@require_POST
def endorsement_decide(request: HttpRequest) -> HttpResponse:
    _officer(request)
    back = reverse("web:endorsement_queue") + ("?" + request.POST["query"] if request.POST.get("query") else "")
    ids = [n for n in (int_param(x) for x in request.POST.getlist("application")) if n is not None]
    # Only the officer's own list can be decided: anything else is as absent as a missing row.
    applications = list(endorsement_list(user=request.user, show="all").filter(pk__in=ids))
    if len(applications) != len(set(ids)) or not applications:
        messages.error(request, _("Select at least one application of your institution."))
        return redirect(back)
    try:
        decided = decide_endorsements(
            applications=applications,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
            actor=acting_user(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("%(count)s application(s) decided.") % {"count": len(decided)})
    return redirect(back)
