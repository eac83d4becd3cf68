"""Program staff's review pages: the pool, stages, the assignment board, rankings, sign-off, advancement."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.accounts.models import User
from shenbao.calls.definition.load import DefinitionInvalid
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.readiness import review_readiness
from shenbao.calls.services.rule_defaults import EARLIER_SUBMISSION, change_rule_settings, rule_settings
from shenbao.core.errors import DomainError
from shenbao.core.jobs import shown_on_page
from shenbao.core.text import text_get
from shenbao.documents.exports.reviews import RANKINGS, REVIEWS
from shenbao.reviews.algorithms.advancement import BoundaryTie, Tier, assign_prize_tiers
from shenbao.reviews.algorithms.assignment import DEFAULT_FAIR_MAX_LOSS
from shenbao.reviews.algorithms.problem import FairMeasure
from shenbao.reviews.enums import AssignmentMode, AssignmentStatus, ConflictKind, EntryStatus, PoolStatus
from shenbao.reviews.errors import BadBidWeight
from shenbao.reviews.messages import SHORTFALL_TEXTS, flag_texts, reason_text, tie_rule_text
from shenbao.reviews.models import Assignment, BidKind, PoolMember, ShortlistSignOff
from shenbao.reviews.queries.bids import bid_counts
from shenbao.reviews.queries.board import coverage, loads, progress, reviewers_per_application, stage_conflicts
from shenbao.reviews.queries.live import current_entry, live_entries
from shenbao.reviews.queries.ranking import RankedRow, stage_ranking
from shenbao.reviews.queries.stages import next_stage, stage_definition
from shenbao.reviews.services.advancement import advance_stage, sign_off_shortlist
from shenbao.reviews.services.assignment import (
    DEFAULT_BID_WEIGHT,
    MAX_BID_WEIGHT,
    MAX_FAIR_LOSS,
    assign_manually,
    remove_assignment,
    run_assignment,
    set_lock,
)
from shenbao.reviews.services.assignment_jobs import (
    assignment_goes_to_background,
    latest_assignment_job,
    open_assignment_job,
    start_assignment_job,
)
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.live import reveal_next
from shenbao.reviews.services.pool import invite_reviewer, update_pool_member
from shenbao.web.common import acting_user, call_for
from shenbao.web.lists import paginate, sort_columns, sorted_rows, with_params


def _call(request: HttpRequest, code: str) -> Call:
    return call_for(request, code, "reviews.manage_pool")


def _stage(request: HttpRequest, pk: int, permission: str = "reviews.manage_stage") -> ReviewStage:
    stage = ReviewStage.objects.select_related("call__program").filter(pk=pk).first()
    if stage is None or not request.user.has_perm(permission, stage):
        raise Http404(_("No such stage."))
    return stage


def _bid_weight(value: str | None) -> float | None:
    """The weight staff typed for the bids: empty is the default; anything unreadable is refused."""
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return float("nan")  # refused by the service with its message


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdecimal() and value.isascii() else None


def _percent(value: str | None) -> float | None:
    """A percentage typed by staff as a share (empty: the default 1 %); None when it is not one."""
    value = (value or "").strip().replace("%", "").replace("％", "")
    if not value:
        return DEFAULT_FAIR_MAX_LOSS
    try:
        share = float(value) / 100
    except ValueError:
        return None
    return share if math.isfinite(share) and 0 <= share <= MAX_FAIR_LOSS else None


@login_required
def review_overview(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    stages = [
        {"stage": s, "definition": stage_definition(s), "progress": progress(s)}
        for s in ReviewStage.objects.filter(call=call).order_by("position")
        if s.kind != "formal_check"
    ]
    pool = PoolMember.objects.filter(call=call).select_related("user__person").order_by("status", "user__email")
    exports = [(kind.code, kind.title) for kind in (REVIEWS, RANKINGS)]
    context = {
        "call": call,
        "stages": stages,
        "pool": pool,
        "exports": exports,
        "settings": _settings_rows(call),
        "may_change_settings": request.user.has_perm("calls.change_call", call),
        "review_ready": review_readiness(call),
    }
    return render(request, "web/staff/review_overview.html", context)


def _methods() -> list[tuple[str, str]]:
    return [("mean", _("Mean")), ("median", _("Median")), ("trimmed_mean", _("Trimmed mean")), ("calibrated", _("Calibrated"))]


def _settings_rows(call: Call) -> list[dict[str, Any]]:
    """The call's changeable review and selection settings, with their choices and default badges."""
    definition = current_definition(call)
    stages = {s.code: s for s in definition.review_stages}
    labels = {
        "aggregation": _("Aggregation"),
        "reviewers_per_application": _("Reviewers per application"),
        "tie_break": _("First tie-break"),
        "about_tolerance_percent": _("Tolerance of “about N” (%)"),
    }
    rows = []
    for s in rule_settings(definition):
        stage = stages.get(s.stage)
        choices: list[tuple[str, str]] = []
        if s.setting == "aggregation":
            choices = _methods()
        elif s.setting == "tie_break" and stage is not None:
            choices = [
                (c.code, str(_("Mean of “%(criterion)s”") % {"criterion": c.name.get(get_language())})) for c in stage.criteria
            ]
            choices.append((EARLIER_SUBMISSION, str(_("Earlier submission"))))
        shown = dict(choices).get(str(s.value), "" if s.value is None else str(s.value))
        rows.append(
            {
                "stage": s.stage,
                "stage_name": stage.name if stage else None,
                "setting": s.setting,
                "label": labels[s.setting],
                "value": s.value,
                "shown": shown,
                "choices": choices,
                "platform_default": s.platform_default,
                "field": f"{s.setting}-{s.stage}" if s.stage else s.setting,
            }
        )
    return rows


@login_required
@require_POST
def review_settings(request: HttpRequest, code: str) -> HttpResponse:
    """Program staff replace the platform's defaults with the program's own values (a new definition version)."""
    call = call_for(request, code, "calls.change_call")
    values: dict[tuple[str, str], str | int | None] = {}
    error = ""
    for row in _settings_rows(call):
        raw = request.POST.get(row["field"])
        if raw is None:
            continue
        raw = raw.strip()
        if row["choices"]:
            if raw not in dict(row["choices"]):
                error = _("Choose one of the values offered.")
                break
            values[(row["stage"], row["setting"])] = raw
        elif raw == "" and row["setting"] == "reviewers_per_application":
            values[(row["stage"], row["setting"])] = None
        elif raw.isdecimal() and raw.isascii():
            values[(row["stage"], row["setting"])] = int(raw)
        else:
            error = _("Enter a whole number.")
            break
    if not error:
        try:
            changed = change_rule_settings(call=call, actor=acting_user(request), values=values)
        except DefinitionInvalid as exc:
            error = _("The value is not allowed: %(detail)s") % {"detail": exc}
        else:
            messages.success(
                request, _("%(count)s setting(s) changed; the call definition has a new version.") % {"count": len(changed)}
            )
    if error:
        messages.error(request, error)
    return redirect("web:review_overview", code=call.code)


@login_required
@require_POST
def pool_invite(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    email = request.POST.get("email", "").strip()
    if "@" not in email:
        messages.error(request, _("Enter the expert's e-mail address."))
        return redirect("web:review_overview", code=call.code)
    keywords = [k.strip() for k in request.POST.get("keywords", "").replace("，", ",").split(",") if k.strip()]
    invite_reviewer(
        call=call,
        email=email,
        name=request.POST.get("name", ""),
        actor=acting_user(request),
        load_limit=_int(request.POST.get("load_limit")),
        keywords=keywords,
        link_base=request.build_absolute_uri("/").rstrip("/"),
    )
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    return redirect("web:review_overview", code=call.code)


@login_required
@require_POST
def pool_update(request: HttpRequest, code: str, member_pk: int) -> HttpResponse:
    call = _call(request, code)
    member = PoolMember.objects.filter(call=call, pk=member_pk).select_related("user").first()
    if member is None:
        raise Http404
    update_pool_member(
        member=member,
        actor=acting_user(request),
        load_limit=_int(request.POST.get("load_limit")),
        available=bool(request.POST.get("available")),
        collaborators=request.POST.get("collaborators", "").splitlines(),
    )
    messages.success(request, _("Saved."))
    return redirect("web:review_overview", code=call.code)


@login_required
@require_POST
def stage_open(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    try:
        added = open_stage(stage=stage, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)s application(s) entered the stage.") % {"count": added})
    return redirect("web:review_overview", code=stage.call.code)


@login_required
def stage_board(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    rows = coverage(stage)
    # The coverage list: filtered by direction and "short of reviewers" (kept in the URL), sorted
    # and paged; the rows are computed once for the whole stage, so paging adds no query per row.
    direction = request.GET.get("direction") or ""
    short_only = request.GET.get("short") == "1"
    shown = [r for r in rows if (not direction or (r.application.direction and r.application.direction.code == direction))]
    shown = [r for r in shown if r.short or not short_only]
    shown, sort = sorted_rows(request, shown, BOARD_SORTS, "direction")
    # Each row's shortfall text is looked up here, not in a loop per row.
    paging = paginate(request, shown)
    context = {
        "stage": stage,
        "definition": stage_definition(stage),
        "k": reviewers_per_application(stage),
        "rows": rows,
        "paging": paging,
        "page_rows": [(row, SHORTFALL_TEXTS.get(row.reason, "") if row.short else "") for row in paging.page.object_list],
        "sort": sort,
        "columns": sort_columns(request, sort, _board_labels(stage)),
        "filters": {"direction": direction, "short": short_only},
        "directions": sorted({r.application.direction.code for r in rows if r.application.direction}),
        "short": sum(1 for r in rows if r.short),
        "loads": loads(stage),
        "conflicts": stage_conflicts(stage),
        "conflict_labels": dict(ConflictKind.choices),
        "conflict_sources": {
            "bid": gettext_lazy("declared in bidding"),
            "publication": gettext_lazy("co-author of a publication"),
        },
        "bid_rows": _bid_rows(stage),
        "bid_kinds": BidKind.choices,
        "bid_weight": DEFAULT_BID_WEIGHT,
        "modes": [(m.value, m.label) for m in AssignmentMode if m != AssignmentMode.MANUAL],
        "fair_measures": [
            (FairMeasure.PAIR.value, gettext_lazy("Weakest reviewer of each application")),
            (FairMeasure.SUM.value, gettext_lazy("Summed expertise match of each application")),
        ],
        "fair_loss_default": f"{DEFAULT_FAIR_MAX_LOSS * 100:g}",
        "reviewers": [
            m.user for m in PoolMember.objects.filter(call_id=stage.call_id, status=PoolStatus.ACCEPTED).select_related("user")
        ],
        "progress": progress(stage),
        "assignment_job": shown_on_page(latest_assignment_job(stage)),
    }
    return render(request, "web/staff/stage_board.html", context)


def _bid_rows(stage: ReviewStage) -> list[tuple[str, str, int]]:
    """Each kind of bid with its label and how many the stage holds (0 shown, not left blank)."""
    counts = bid_counts(stage)
    return [(value, str(label), int(counts.get(value, 0))) for value, label in BidKind.choices]


@login_required
def stage_assignment_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel of the stage's latest background assignment (polled by htmx while it waits or runs)."""
    stage = _stage(request, pk)
    job = latest_assignment_job(stage)
    if job is None:
        raise Http404(_("No assignment has been run in the background for this stage."))
    return render(request, "web/staff/_assignment_job.html", {"stage": stage, "assignment_job": job})


def _text_key(value: str | None) -> tuple[bool, str]:
    return (not value, value or "")


#: The assignment board's sortable columns (rows are CoverageRow).
BOARD_SORTS: dict[str, Any] = {
    "receipt": lambda r: _text_key(r.application.receipt_number),
    "title": lambda r: _text_key(r.application.title),
    "direction": lambda r: (
        r.application.direction.position if r.application.direction else 0,
        _text_key(r.application.receipt_number),
    ),
    "reviewers": lambda r: (len(r.assignments), _text_key(r.application.receipt_number)),
    "short": lambda r: (r.short, _text_key(r.application.receipt_number)),
}


def _board_labels(stage: ReviewStage) -> dict[str, Any]:
    return {
        "receipt": gettext_lazy("Receipt number"),
        "title": gettext_lazy("Project name"),
        "direction": text_get(stage.call.direction_label, get_language()),
        "reviewers": gettext_lazy("Reviewers"),
        "short": gettext_lazy("Short"),
    }


@login_required
@require_POST
def stage_bulk_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock (or unlock) every active assignment of the selected applications in this stage."""
    stage = _stage(request, pk)
    query = request.POST.get("query", "")
    back = reverse("web:stage_board", args=[stage.pk]) + (f"?{query}" if query else "")
    ids = [int(x) for x in request.POST.getlist("application") if x.isdecimal() and x.isascii()]
    action = request.POST.get("action")
    if not ids or action not in ("lock", "unlock"):
        messages.error(request, _("Select at least one application."))
        return redirect(back)
    changed = 0
    for assignment in Assignment.objects.filter(
        stage=stage, application_id__in=ids, status=AssignmentStatus.ACTIVE, locked=action == "unlock"
    ).order_by("pk"):
        set_lock(assignment=assignment, locked=action == "lock", actor=acting_user(request))
        changed += 1
    messages.success(request, _("%(count)s assignment(s) changed.") % {"count": changed})
    return redirect(back)


@login_required
@require_POST
def stage_assign(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    loss = _percent(request.POST.get("fair_loss"))
    if loss is None:
        messages.error(request, _("The loss of total match must be a percentage between 0 and 50."))
        return redirect("web:stage_board", pk=stage.pk)
    parameters: dict[str, Any] = {
        "mode": request.POST.get("mode", AssignmentMode.OPTIMAL),
        "k": _int(request.POST.get("k")),
        "seed": _int(request.POST.get("seed")),
        "group_by_direction": bool(request.POST.get("group")),
        "bid_weight": _bid_weight(request.POST.get("bid_weight")),
        "fair_measure": request.POST.get("fair_measure") or FairMeasure.PAIR,
        "fair_max_loss": loss,
    }
    weight = parameters["bid_weight"]
    if weight is not None and not 0.0 <= weight <= MAX_BID_WEIGHT:  # refused before anything is queued (NaN too)
        messages.error(request, str(BadBidWeight()))
        return redirect("web:stage_board", pk=stage.pk)
    if open_assignment_job(stage) is not None or assignment_goes_to_background(stage):
        # A large stage is assigned by the worker; the board shows its progress (a double click queues one).
        try:
            start_assignment_job(stage=stage, actor=acting_user(request), parameters=parameters, language=get_language())
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The assignment is being computed in the background; this page shows its progress."))
        return redirect("web:stage_board", pk=stage.pk)
    try:
        outcome = run_assignment(stage=stage, actor=acting_user(request), **parameters)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(created)s assignment(s) made, %(kept)s kept; %(short)s application(s) short of reviewers.")
            % {"created": outcome.created, "kept": outcome.kept, "short": outcome.short},
        )
    return redirect("web:stage_board", pk=stage.pk)


@login_required
@require_POST
def stage_assign_manual(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    reviewer = User.objects.filter(pk=_int(request.POST.get("reviewer")) or 0).first()
    application_id = _int(request.POST.get("application"))
    if reviewer is None or application_id is None:
        messages.error(request, _("Choose an application and an expert."))
        return redirect("web:stage_board", pk=stage.pk)
    try:
        assign_manually(stage=stage, application_id=application_id, reviewer=reviewer, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Assigned and locked."))
    return redirect("web:stage_board", pk=stage.pk)


@login_required
@require_POST
def assignment_change(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    assignment = Assignment.objects.filter(stage=stage, pk=assignment_pk, status=AssignmentStatus.ACTIVE).first()
    if assignment is None:
        raise Http404
    action = request.POST.get("action")
    if action == "remove":
        remove_assignment(assignment=assignment, actor=acting_user(request))
    elif action in ("lock", "unlock"):
        set_lock(assignment=assignment, locked=action == "lock", actor=acting_user(request))
    return redirect("web:stage_board", pk=stage.pk)


@login_required
def stage_ranking_page(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk, "reviews.view_stage")
    definition = stage_definition(stage)
    method = request.GET.get("method") or definition.aggregation
    try:
        ranking = stage_ranking(stage, method=method, confidence_weighted=bool(request.GET.get("confidence")))
    except ValueError:
        raise Http404 from None
    directions = {d.code: d for d in stage.call.directions.all()}
    names = {c.code: c.name.get(get_language()) for c in definition.criteria}
    tiers, tier_of, tier_ties = _prize_tiers(request, stage, ranking)
    signed = {
        s.direction.code if s.direction else "": s
        for s in ShortlistSignOff.objects.filter(stage=stage).select_related("direction", "signed_by")
    }
    # One page of the ranking in direction order; each row is made ready here so the template
    # reads it by key: no loop over the whole stage for each row (it made the page quadratic).
    paging = paginate(request, [(code, row) for code, rows in ranking.groups.items() for row in rows])
    flags, statuses = flag_texts(), dict(EntryStatus.choices)
    groups: dict[str, list[dict[str, Any]]] = {}
    for code, row in paging.page.object_list:
        groups.setdefault(code, []).append(_ranking_row(row, flags, statuses, names, tier_of))
    context = {
        "stage": stage,
        "definition": definition,
        "ranking": ranking,
        "groups": [
            {"direction": directions.get(code), "key": code, "rows": rows, "signed": signed.get(code)}
            for code, rows in groups.items()
        ],
        "paging": paging,
        "page_sizes": [(size, with_params(request.GET, per=size, page=None)) for size in paging.sizes],
        "methods": _methods(),
        "method": method,
        "tiers": tiers,
        "show_tiers": bool(tier_of),
        "tier_ties": tier_ties,
        "selection_link": _selection_link(request, stage, tiers) if tier_of and next_stage(stage) is None else "",
        "distributions": [(_("Per reviewer"), ranking.by_reviewer), (_("Per direction"), ranking.by_direction)],
        "may_sign": request.user.has_perm("reviews.sign_off_stage", stage),
        "may_manage": request.user.has_perm("reviews.manage_stage", stage),
    }
    return render(request, "web/staff/stage_ranking.html", context)


def _ranking_row(
    row: RankedRow, flags: dict[str, Any], statuses: dict[str, Any], criteria: dict[str, str], tier_of: dict[int, str]
) -> dict[str, Any]:
    """What the ranking page shows of one row, each value looked up by key."""
    decided_by = row.ranked.decided_by
    return {
        "application": row.application,
        "ranked": row.ranked,
        "aggregate": row.aggregate,
        "flags": [(flag, flags.get(flag, flag)) for flag in row.aggregate.flags],
        "tie_text": tie_rule_text(decided_by.kind, criteria.get(decided_by.criterion or "")) if decided_by else "",
        "status": statuses.get(row.status, row.status),
        "reason": reason_text(row.entry_reason) if row.entry_reason else "",
        "tier": tier_of.get(row.application.pk, ""),
    }


def _selection_link(request: HttpRequest, stage: ReviewStage, tiers: list[dict[str, Any]]) -> str:
    """The results page with these tier counts filled in, for staff who may compute the selection."""
    if not request.user.has_perm("awards.select", stage.call):
        return ""
    query = urlencode({f"tier-{t['code']}": t["count"] for t in tiers})
    return f"{reverse('web:results_staff', args=[stage.call.code])}?{query}"


def _prize_tiers(request: HttpRequest, stage: ReviewStage, ranking: Any) -> tuple[list[dict[str, Any]], dict[int, str], int]:
    """Where the call awards prize tiers and this is its last stage (seed 001's finals), the ranking
    mapped to the tiers: counts from the call, or entered on the page where the call leaves them open.
    A tie across a tier boundary is shown, never cut."""
    selection = current_definition(stage.call).selection
    rule = stage_definition(stage).advancement
    by_tier = rule is not None and rule.rule == "prize_tier"  # seed 001's tracks: the tiers decide who advances
    if not selection.prize_tiers or (not by_tier and (selection.mode != "prize_tiers" or next_stage(stage) is not None)):
        return [], {}, 0
    tiers: list[dict[str, Any]] = []
    for t in selection.prize_tiers:
        given = request.GET.get(f"tier-{t.code}", "")
        count = int(given) if given.isdecimal() else t.count
        tiers.append({"code": t.code, "name": t.name, "count": count, "stated": t.count is not None})
    if any(t["count"] is None for t in tiers):
        return tiers, {}, 0
    results = assign_prize_tiers(ranking.rankings, [Tier(t["code"], int(t["count"])) for t in tiers])
    names = {t["code"]: text_get(t["name"], get_language()) for t in tiers}
    tier_of = {
        int(a.application): names[a.tier] if a.tier else str(_("Tied at a prize-tier boundary")) if a.candidate_tiers else ""
        for result in results.values()
        for a in result.awards
    }
    return tiers, tier_of, sum(len(r.boundary_ties) for r in results.values())


@login_required
@require_POST
def stage_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk, "reviews.sign_off_stage")
    code = request.POST.get("direction", "")
    direction = stage.call.directions.filter(code=code).first() if code else None
    chosen = [int(x) for x in request.POST.getlist("application") if x.isdecimal() and x.isascii()]
    try:
        sign_off_shortlist(
            stage=stage,
            direction=direction,
            advanced=chosen,
            actor=acting_user(request),
            statement=request.POST.get("statement", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Shortlist signed: %(count)s application(s).") % {"count": len(chosen)})
    return redirect("web:stage_ranking", pk=stage.pk)


@login_required
@require_POST
def stage_advance(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    threshold_raw = request.POST.get("threshold", "").strip()
    try:
        threshold = float(threshold_raw) if threshold_raw else None
        boundary = BoundaryTie(request.POST.get("boundary") or BoundaryTie.UNDECIDED)
    except ValueError:
        messages.error(request, _("The threshold must be a number, and the tie rule one of those offered."))
        return redirect("web:stage_ranking", pk=stage.pk)
    tier_counts = {
        key.removeprefix("tier-"): int(value)
        for key in request.POST
        if key.startswith("tier-") and (value := request.POST.get(key, "")).isdecimal() and value.isascii()
    }
    try:
        outcome = advance_stage(
            stage=stage,
            actor=acting_user(request),
            n=_int(request.POST.get("n")),
            threshold=threshold,
            boundary=boundary,
            tier_counts=tier_counts,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(advanced)s application(s) advance to “%(stage)s”; %(others)s do not.")
            % {"advanced": outcome.advanced, "stage": outcome.next_stage.code, "others": outcome.not_advanced},
        )
    return redirect("web:stage_ranking", pk=stage.pk)


def _live_context(stage: ReviewStage) -> dict[str, object]:
    entries = live_entries(stage)
    return {"stage": stage, "entries": entries, "current": current_entry(entries)}


@login_required
def live_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The projector screen: the entry on stage, its judges' scores as revealed, the running score."""
    stage = _stage(request, pk, "reviews.view_stage")
    return render(request, "web/staff/live_reveal.html", _live_context(stage))


@login_required
def live_panel(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk, "reviews.view_stage")
    return render(request, "web/staff/_live_panel.html", _live_context(stage))


@login_required
@require_POST
def live_reveal_next(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    error = None
    try:
        reveal_next(stage=stage, actor=acting_user(request))
    except DomainError as exc:
        error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/staff/_live_panel.html", {**_live_context(stage), "error": error})
    if error:
        messages.error(request, error)
    return redirect("web:live_reveal", pk=stage.pk)
