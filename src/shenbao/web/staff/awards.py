"""Program staff's results pages: run the selection, read its explanations, approve, publish, the notice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.agreements.queries import agreement_warnings
from shenbao.agreements.services.agreements import open_agreements
from shenbao.agreements.services.stages import publish_results_and_open_agreements
from shenbao.awards.models import Objection, Reconsideration, SelectionRun
from shenbao.awards.queries.results import (
    SHOWN,
    explained_rows,
    notice_of,
    published_awards,
    run_conflicts,
    run_explanations,
    run_shortfalls,
)
from shenbao.awards.services.decisions import approve_run, close_notice, decide_objection
from shenbao.awards.services.reconsideration import decide_reconsideration
from shenbao.awards.services.selection import run_selection
from shenbao.awards.services.selection_jobs import (
    latest_selection_job,
    open_selection_job,
    selection_goes_to_background,
    start_selection_job,
)
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.readiness import selection_readiness
from shenbao.calls.services.rule_defaults import rule_settings
from shenbao.core.errors import DomainError
from shenbao.core.jobs import shown_on_page
from shenbao.web.common import acting_user, call_for
from shenbao.web.lists import PAGE_SIZES, paginate, with_params


def _call(request: HttpRequest, code: str) -> Call:
    return call_for(request, code, "awards.select")


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.replace(",", " ").split() if x.isdecimal() and x.isascii()]


def _show_labels() -> dict[str, str]:
    return {
        "all": _("All candidates"),
        "selected": _("Selected"),
        "reserve": _("Reserves"),
        "not_selected": _("Not selected"),
    }


@login_required
def results(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    # The list of runs is names and dates only: each run's inputs and result are megabytes at scale.
    runs = list(SelectionRun.objects.filter(call=call).defer("inputs", "result", "pinned", "excluded")[:10])
    chosen_pk = runs[0].pk if runs else None
    if request.GET.get("run", "").isdecimal():
        chosen_pk = next((r.pk for r in runs if r.pk == int(request.GET["run"])), chosen_pk)
    chosen = SelectionRun.objects.select_related("call").get(pk=chosen_pk) if chosen_pk else None
    show = request.GET.get("show", "all")
    show = show if show in SHOWN else "all"
    # One page of the candidates: only its applications are read and explained.
    paging = paginate(request, run_explanations(chosen, show)) if chosen else None
    notice = notice_of(call)
    context = {
        "call": call,
        "tiers": _tier_fields(call, chosen, request),
        "runs": runs,
        "run": chosen,
        "rows": explained_rows(chosen, list(paging.page.object_list)) if chosen and paging else [],
        "paging": paging,
        "show": show,
        "show_links": [(key, label, with_params(request.GET, show=key, page=None)) for key, label in _show_labels().items()],
        "page_sizes": [(size, with_params(request.GET, per=size, page=None)) for size in PAGE_SIZES],
        "conflicts": run_conflicts(chosen) if chosen else [],
        "shortfalls": run_shortfalls(chosen) if chosen else [],
        "selection_settings": [s for s in rule_settings(current_definition(call)) if not s.stage],
        "awards": published_awards(call),
        "notice": notice,
        "objections": list(notice.objections.select_related("award__application")) if notice else [],
        "reconsiderations": list(Reconsideration.objects.filter(application__call=call).select_related("application")),
        "agreement_warnings": agreement_warnings(call),
        "selection_ready": selection_readiness(call),
        "selection_job": shown_on_page(latest_selection_job(call)),
    }
    return render(request, "web/staff/results.html", context)


@login_required
def selection_job(request: HttpRequest, code: str) -> HttpResponse:
    """The panel of the call's latest background selection (polled by htmx while it waits or runs)."""
    call = _call(request, code)
    job = latest_selection_job(call)
    if job is None:
        raise Http404(_("No selection has been run in the background for this call."))
    return render(request, "web/staff/_selection_job.html", {"call": call, "selection_job": job})


def _tier_fields(call: Call, run: SelectionRun | None, request: HttpRequest) -> list[dict[str, Any]]:
    """The call's prize tiers for the selection form: a count the call states is fixed; an open one
    is the committee's, shown as carried from the ranking page (``?tier-first=3``) or as last
    entered (the chosen run's)."""
    last = {t["code"]: t["count"] for t in (run.inputs.get("problem", {}).get("tiers", []) if run else [])}
    for key in request.GET:
        value = request.GET.get(key, "")
        if key.startswith("tier-") and value.isdecimal() and value.isascii():
            last[key.removeprefix("tier-")] = int(value)
    return [
        {
            "code": t.code,
            "name": t.name.as_dict(),
            "count": t.count if t.count is not None else last.get(t.code),
            "stated": t.count is not None,
        }
        for t in current_definition(call).selection.prize_tiers
    ]


def _tier_counts(request: HttpRequest) -> dict[str, int]:
    """The committee's tier counts from the form (``tier-<code>``); anything but a whole number is left out."""
    out = {}
    for key in request.POST:
        value = request.POST.get(key, "").strip()
        if key.startswith("tier-") and value.isdecimal() and value.isascii():
            out[key.removeprefix("tier-")] = int(value)
    return out


def _act(request: HttpRequest, call: Call, action: str) -> None:
    actor = acting_user(request)
    if action == "run":
        choices: dict[str, Any] = {
            "pins": _ids(request.POST.get("pins", "")),
            "excludes": _ids(request.POST.get("excludes", "")),
            "tier_counts": _tier_counts(request),
        }
        if open_selection_job(call) is not None or selection_goes_to_background(call):
            # A large call is selected by the worker; the page shows its progress (a double click queues one).
            start_selection_job(call=call, actor=actor, parameters=choices, language=get_language())
            messages.success(request, _("The selection is being computed in the background; this page shows its progress."))
            return
        run_selection(call=call, actor=actor, **choices)
        messages.success(request, _("Selection computed; review it before approving."))
    elif action == "approve":
        run = SelectionRun.objects.filter(call=call, pk=int(request.POST.get("run", "0") or 0)).first()
        if run is None:
            raise Http404
        awards = approve_run(run=run, actor=actor)
        messages.success(request, _("Selection approved: %(count)s award(s).") % {"count": len(awards)})
    elif action == "publish":
        days = request.POST.get("days", "")
        notice, opened = publish_results_and_open_agreements(
            call=call, actor=actor, notice_days=int(days) if days.isdecimal() else None
        )
        text = _("Results published; decision letters sent; public notice until %(end)s.")
        messages.success(request, text % {"end": notice.ends_at.date()})
        messages.success(request, _("%(count)s agreement(s) opened.") % {"count": opened})
    elif action == "agreements":  # again, for awards without one; the term still counts from the publication
        opened = open_agreements(call=call, actor=actor)
        messages.success(request, _("%(count)s agreement(s) opened.") % {"count": opened})
    elif action == "close":
        counts = close_notice(call=call, actor=actor)
        messages.success(request, _("Notice closed: %(final)s final, %(revoked)s revoked.") % counts)
    elif action == "reconsider":
        item = Reconsideration.objects.filter(application__call=call, pk=int(request.POST.get("request", "0") or 0)).first()
        if item is None:
            raise Http404
        decide_reconsideration(
            request=item, upheld=request.POST.get("upheld") == "yes", outcome=request.POST.get("outcome", ""), actor=actor
        )
        messages.success(request, _("Reconsideration decided."))
    elif action == "decide":
        objection = Objection.objects.filter(notice__call=call, pk=int(request.POST.get("objection", "0") or 0)).first()
        if objection is None:
            raise Http404
        decide_objection(
            objection=objection, upheld=request.POST.get("upheld") == "yes", outcome=request.POST.get("outcome", ""), actor=actor
        )
        messages.success(request, _("Objection decided."))


@login_required
@require_POST
def results_action(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    try:
        _act(request, call, request.POST.get("action", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("web:results_staff", code=call.code)
