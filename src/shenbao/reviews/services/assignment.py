"""Run the assignment solver for a stage and store its result with the inputs to reproduce it.

Texts and the pool come from the database; the algorithm (``algorithms/``) is pure.  Assignments
that are locked by staff, or whose review has started, are kept and passed to the solver as locks;
declared conflicts and every other conflict kind are hard exclusions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.readiness import review_readiness
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.core.text import text_get
from shenbao.reviews.algorithms.affinity import matched_keywords_for_pairs, text_matrices, top_k_candidates
from shenbao.reviews.algorithms.assignment import DEFAULT_FAIR_MAX_LOSS, assign_reviewers
from shenbao.reviews.algorithms.bids import CODES as _BID_CODES
from shenbao.reviews.algorithms.bids import Bids, adjust, apply_bids, codes_for, pair_affinity_rows, unadjust
from shenbao.reviews.algorithms.candidates import pair_keys
from shenbao.reviews.algorithms.problem import AssignmentInputError, AssignmentProblem, AssignmentResult, FairMeasure, Mode
from shenbao.reviews.enums import AssignmentMode, AssignmentStatus, EntryStatus, PoolStatus
from shenbao.reviews.errors import BadBidWeight, StageNotReady
from shenbao.reviews.models import Assignment, AssignmentRun, Bid, PoolMember, Review, StageEntry
from shenbao.reviews.queries.board import reviewer_cap, reviewers_per_application
from shenbao.reviews.queries.conflicts import conflicts_for_call
from shenbao.reviews.transitions import ASSIGNMENT_LIFECYCLE

# Every application keeps TOP_K candidate reviewers, whatever the pool size (scoring every pair of
# 10,000 applications × 2,000 experts took 3.1 GB): its best by affinity, or for a random draw a
# seeded uniform sample of the whole pool, so every expert stays equally likely.  When the
# candidates leave an application short (caps used up, conflicts among them) and the pool holds
# more, the candidate lists are widened WIDEN times and the solver runs again.
TOP_K = 50
# How much the reviewers' bids count against the text match unless staff choose (0: ignored).
DEFAULT_BID_WEIGHT = 0.5
MAX_BID_WEIGHT = 5.0
# Publication titles read into a reviewer's expertise: the most recent ones.
PUBLICATION_TITLES = 200
WIDEN = 4
WIDEN_PAIRS = 2_000_000  # at most this many extra candidate pairs (about 100 MB in the flow network)


MAX_FAIR_LOSS = 0.5  # fair mode may give up at most half of the best total, whatever staff type


def min_full_sum(result: AssignmentResult) -> float:
    """The weakest summed affinity among the applications that got all their reviewers (0 if none)."""
    pairs = result.pairs
    if not len(pairs):
        return 0.0
    n = int(pairs.apps.max()) + 1
    count = np.bincount(pairs.apps, minlength=n)
    sums = np.bincount(pairs.apps, weights=pairs.affinity, minlength=n)
    full = count == result.k
    return float(sums[full].min()) if full.any() else 0.0


@dataclass(frozen=True)
class RunOutcome:
    run: AssignmentRun
    created: int
    kept: int
    short: int


def application_text(entry: StageEntry) -> str:
    """What the affinity reads of an application: titles, fields, the direction and the form's texts."""
    return text_of_application(entry.application)


def text_of_application(application: Application) -> str:
    """An application's texts for the affinity (also read for its project's reports)."""
    parts = [application.title, application.english_title, " ".join(application.fields)]
    if application.direction:
        parts.append(text_get(application.direction.title, "zh-hans"))
    parts += [str(v) for v in application.values.values() if isinstance(v, str)]
    return "\n".join(p for p in parts if p)


def reviewer_text(member: PoolMember, publication_titles: list[str] | None = None) -> tuple[str, list[str]]:
    """What the affinity reads of a reviewer: their expertise, keywords and publication titles."""
    person = getattr(member.user, "person", None)
    keywords = list(person.expertise_keywords) if person else []
    parts = [person.expertise_text if person else "", " ".join(keywords), *(publication_titles or [])]
    return "\n".join(p for p in parts if p), keywords


def publication_titles(user_ids: list[int]) -> dict[int, list[str]]:
    """The most recent publication titles of each reviewer (imported lists, issue 20)."""
    from shenbao.accounts.models import Publication

    titles: dict[int, list[str]] = {}
    for user_id, title in (
        Publication.objects.filter(user_id__in=user_ids).order_by("user_id", "-year", "pk").values_list("user_id", "title")
    ):
        kept = titles.setdefault(user_id, [])
        if len(kept) < PUBLICATION_TITLES:
            kept.append(title)
    return titles


@transaction.atomic
def run_assignment(
    *,
    stage: ReviewStage,
    actor: User,
    mode: str = AssignmentMode.OPTIMAL,
    k: int | None = None,
    seed: int | None = None,
    group_by_direction: bool = False,
    bid_weight: float | None = None,
    fair_measure: str = FairMeasure.PAIR,
    fair_max_loss: float = DEFAULT_FAIR_MAX_LOSS,
    progress: Callable[[str, float], None] | None = None,
) -> RunOutcome:
    """Assign ``k`` reviewers to every application in review in ``stage``.

    Unstarted, unlocked assignments of the stage are replaced; locked ones and those with a review
    are kept.  A random draw without a seed gets a fresh one, stored with the run.  Fair mode lifts
    the weakest application by ``fair_measure`` (its worst reviewer, ``pair``, or its reviewers'
    summed affinity, ``sum``) and gives up at most ``fair_max_loss`` (0–0.5) of the best total.  The reviewers'
    bids count with ``bid_weight`` (default ``DEFAULT_BID_WEIGHT``, 0: ignored): eager and willing
    raise a pair's match, "not willing" pairs are assigned only where nothing else places the review,
    conflict bids are declared conflicts and never assigned.  ``progress`` hears each step (``loading``,
    ``conflicts``, ``affinity``, ``solving``, ``saving``) and the share done."""
    step = progress or (lambda _step, _fraction: None)
    bid_weight = DEFAULT_BID_WEIGHT if bid_weight is None else float(bid_weight)
    if not 0.0 <= bid_weight <= MAX_BID_WEIGHT:
        raise BadBidWeight()
    if mode not in (AssignmentMode.OPTIMAL, AssignmentMode.RANDOM, AssignmentMode.FAIR):
        raise StageNotReady(_("Choose how to assign: best match, random draw or fair."))
    if fair_measure not in (FairMeasure.PAIR, FairMeasure.SUM):
        raise StageNotReady(_("Choose how fairness is measured: by the weakest reviewer or by the summed match."))
    if not 0 <= fair_max_loss <= MAX_FAIR_LOSS:
        raise StageNotReady(_("The loss of total match must be a percentage between 0 and 50."))
    review_readiness(Call.objects.get(pk=stage.call_id)).require()  # not while applications may still come in (issue 13.2)
    k = k or reviewers_per_application(stage)
    if mode == AssignmentMode.RANDOM and seed is None:
        seed = secrets.randbelow(2**31)
    ReviewStage.objects.select_for_update().get(pk=stage.pk)  # one run at a time per stage
    step("loading", 0.0)
    entries = list(
        StageEntry.objects.filter(stage=stage, status=EntryStatus.IN_REVIEW)
        .select_related("application__direction")
        .order_by("application_id")
    )
    if not entries:
        raise StageNotReady(_("No application is in review in this stage yet."))
    members = list(
        PoolMember.objects.filter(call_id=stage.call_id, status=PoolStatus.ACCEPTED, available=True)
        .select_related("user__person")
        .order_by("user_id")
    )
    if not members:
        raise StageNotReady(_("No expert in the pool has accepted and is available."))
    app_index = {e.application_id: i for i, e in enumerate(entries)}
    reviewer_index = {m.user_id: j for j, m in enumerate(members)}

    # Only the kept assignments are loaded: a rerun on a large stage replaces 100,000 others.
    started = Review.objects.filter(assignment__stage=stage).values("assignment_id")
    current = Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE)
    keep = list(current.filter(Q(locked=True) | Q(pk__in=started)))
    current.exclude(pk__in=[a.pk for a in keep]).delete()

    step("conflicts", 0.1)
    conflicts = conflicts_for_call(stage.call, application_ids=list(app_index), reviewer_ids=list(reviewer_index))
    # A conflict found after an assignment was kept (locked, or its review started) wins: the reviewer
    # must never see a conflicted application, so the assignment is withdrawn, not kept.
    conflicted = [a for a in keep if (a.application_id, a.reviewer_id) in conflicts]
    for a in conflicted:
        withdraw_conflicted(assignment=a, actor=actor)
    keep = [a for a in keep if a not in conflicted]
    locks = [
        (app_index[a.application_id], reviewer_index[a.reviewer_id])
        for a in keep
        if a.application_id in app_index and a.reviewer_id in reviewer_index
    ]
    conflict_pairs = [(app_index[a], reviewer_index[r]) for a, r in conflicts]
    declined = Assignment.objects.filter(stage=stage, status__in=[AssignmentStatus.CONFLICT, AssignmentStatus.REMOVED])
    exclusions = [
        (app_index[a], reviewer_index[r])
        for a, r in declined.values_list("application_id", "reviewer_id")
        if a in app_index and r in reviewer_index
    ]

    step("affinity", 0.25)
    app_texts = [application_text(e) for e in entries]
    titles = publication_titles([m.user_id for m in members])
    texts_keywords = [reviewer_text(m, titles.get(m.user_id)) for m in members]
    app_matrix, reviewer_matrix = text_matrices(app_texts, [t for t, _ in texts_keywords])
    default = current_definition(stage.call).review_policy.default_load
    caps = np.array([reviewer_cap(m, default) for m in members], dtype=np.int64)
    # Reviews this reviewer already carries in the call's other stages count against the cap.
    other = Assignment.objects.filter(stage__call_id=stage.call_id, status=AssignmentStatus.ACTIVE).exclude(stage=stage)
    for reviewer_id in other.values_list("reviewer_id", flat=True):
        if reviewer_id in reviewer_index:
            caps[reviewer_index[reviewer_id]] = max(0, caps[reviewer_index[reviewer_id]] - 1)
    groups = None
    if group_by_direction:
        codes = sorted({e.application.direction_id or 0 for e in entries})
        groups = [codes.index(e.application.direction_id or 0) for e in entries]

    def pairs(items: list[tuple[int, int]]) -> tuple[list[int], list[int]] | None:
        return ([a for a, _ in items], [r for _, r in items]) if items else None

    sample_seed = seed if mode == AssignmentMode.RANDOM else None
    top_k = min(TOP_K, len(members))
    step("solving", 0.45)
    candidates = top_k_candidates(app_matrix, reviewer_matrix, k=top_k, min_affinity=-1.0, sample_seed=sample_seed)
    stage_bids = [
        (app_index[a], reviewer_index[r], kind)
        for a, r, kind in Bid.objects.filter(stage=stage).values_list("application_id", "reviewer_id", "kind")
        if a in app_index and r in reviewer_index
    ]
    bids = Bids.from_lists([a for a, _, _ in stage_bids], [r for _, r, _ in stage_bids], [k for _, _, k in stage_bids])
    avoid = None
    # Without bids nothing is rescaled (the weight would only shrink every affinity alike).
    weight = bid_weight if stage_bids else 0.0
    if stage_bids:
        bid_affinity = pair_affinity_rows(app_matrix[bids.apps], reviewer_matrix[bids.reviewers])
        adjusted = apply_bids(candidates, bids, weight=bid_weight, bid_affinity=bid_affinity, add=mode != AssignmentMode.RANDOM)
        candidates = adjusted.candidates
        conflict_pairs = sorted(set(conflict_pairs) | set(zip(*(x.tolist() for x in adjusted.conflicts), strict=True)))
        avoid = adjusted.avoid if adjusted.avoid[0].size else None
    extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    missing_before: int | None = None
    widened = 0
    while True:
        problem = AssignmentProblem(
            candidates=candidates,
            k=k,
            default_cap=default,
            caps=caps,
            conflicts=pairs(conflict_pairs),
            exclusions=pairs(exclusions),
            locks=pairs(locks),
            extra_pairs=extra,
            groups=groups,
            avoid=avoid,
        )
        try:
            result = assign_reviewers(problem, mode=Mode(mode), seed=seed, fair_max_loss=fair_max_loss, fair_measure=fair_measure)
        except AssignmentInputError as exc:
            raise StageNotReady(
                _("The kept assignments (locked, or with a review under way) contradict the rules; remove some and run again.")
            ) from exc
        # Widen the short applications' lists while that helps: when the caps of the whole pool are
        # used up, more candidates change nothing and the loop stops after one try.
        short = sorted({s.app for s in result.shortfalls})
        missing = sum(s.missing for s in result.shortfalls)
        wider = min(len(members), top_k * WIDEN)
        if (
            not short
            or top_k >= len(members)
            or len(short) * wider > WIDEN_PAIRS
            or (missing_before is not None and missing >= missing_before)
        ):
            break
        missing_before, top_k, widened = missing, wider, len(short)
        rows = np.asarray(short, dtype=np.int64)
        more = top_k_candidates(
            app_matrix[rows],
            reviewer_matrix,
            k=top_k,
            min_affinity=-1.0,
            sample_seed=None if sample_seed is None else sample_seed + top_k,
        )
        more_apps = rows[more.apps()]
        more_codes = codes_for(pair_keys(more_apps, more.reviewers, len(members)), bids, len(members))
        found = (more_apps, more.reviewers.astype(np.int64), adjust(more.affinity, more_codes, weight))
        extra = found if extra is None else tuple(np.concatenate(pair) for pair in zip(extra, found, strict=True))  # type: ignore[assignment]

    step("saving", 0.75)
    shortfalls = [
        {"application": entries[s.app].application_id, "missing": s.missing, "reason": s.reason.value, "eligible": s.eligible}
        for s in result.shortfalls
    ]
    run = AssignmentRun.objects.create(
        stage=stage,
        mode=mode,
        reviewers_per_application=k,
        seed=result.seed,
        parameters={
            "top_k": top_k,
            "widened": widened,
            "group_by_direction": group_by_direction,
            "caps": caps.tolist(),
            "locks": len(locks),
            "bid_weight": bid_weight,
            "bids": len(stage_bids),
            **({"fair_measure": str(fair_measure), "fair_max_loss": fair_max_loss} if mode == AssignmentMode.FAIR else {}),
        },
        summary={
            "objective": round(result.objective, 6),
            "assigned": len(result.pairs),
            "min_affinity": round(result.min_app_affinity(), 6),
            "min_app_sum": round(min_full_sum(result), 6),
            "seconds": round(result.timings.build + result.timings.solve + result.timings.extract, 4),
            "conflicts": len(conflict_pairs),
        },
        shortfalls=shortfalls,
        created_by=actor,
    )
    locked_set = set(locks)
    pair_codes = codes_for(pair_keys(result.pairs.apps, result.pairs.reviewers, len(members)), bids, len(members))
    text_affinity = unadjust(result.pairs.affinity, pair_codes, weight)
    bid_of = {code: kind for kind, code in _BID_CODES.items()}
    fresh = [
        (int(a), int(r), float(affinity), int(rank), bid_of.get(int(code), ""))
        for a, r, affinity, rank, locked, code in zip(
            result.pairs.apps,
            result.pairs.reviewers,
            text_affinity,
            result.pairs.rank,
            result.pairs.locked,
            pair_codes,
            strict=True,
        )
        if not bool(locked) and (int(a), int(r)) not in locked_set
    ]
    matched = matched_keywords_for_pairs(
        [a for a, *_ in fresh],
        [r for _, r, *_ in fresh],
        app_texts=app_texts,
        reviewer_keywords=[keywords for _, keywords in texts_keywords],
    )
    new = []
    for (app, rev, pair_affinity, rank, bid), keywords_found in zip(fresh, matched, strict=True):
        new.append(
            Assignment(
                stage=stage,
                application_id=entries[app].application_id,
                reviewer_id=members[rev].user_id,
                mode=mode,
                run=run,
                affinity=round(pair_affinity, 6),
                explanation={
                    "rank": rank,
                    "matched": keywords_found,
                    "mode": mode,
                    "seed": result.seed,
                    **({"bid": bid} if bid else {}),
                },
            )
        )
    Assignment.objects.bulk_create(new, batch_size=5000)
    log_action(
        action="shenbao.review.assigned",
        obj=stage,
        actor=actor,
        data={
            "run": run.pk,
            "mode": mode,
            "seed": result.seed,
            "k": k,
            "created": len(new),
            "kept": len(keep),
            "short": len(shortfalls),
        },
    )
    return RunOutcome(run=run, created=len(new), kept=len(keep), short=len(shortfalls))


@transaction.atomic
def assign_manually(*, stage: ReviewStage, application_id: int, reviewer: User, actor: User, lock: bool = True) -> Assignment:
    """Staff assign an expert of the pool by hand (locked by default, so a re-run keeps it); an expert
    outside the pool, or one with a conflict of interest, is refused."""
    review_readiness(Call.objects.get(pk=stage.call_id)).require()
    if not StageEntry.objects.filter(stage=stage, application_id=application_id).exists():
        raise StageNotReady(_("This application is not in this stage."))
    if not PoolMember.objects.filter(call_id=stage.call_id, user=reviewer, status=PoolStatus.ACCEPTED).exists():
        raise StageNotReady(_("Only experts who accepted the invitation to the pool can be assigned."))
    conflicts = conflicts_for_call(stage.call, application_ids=[application_id], reviewer_ids=[reviewer.pk])
    if conflicts:
        raise StageNotReady(_("This expert has a conflict of interest with the application."))
    assignment = (
        Assignment.objects.select_for_update().filter(stage=stage, application_id=application_id, reviewer=reviewer).first()
    )
    if assignment is None:
        assignment = Assignment.objects.create(
            stage=stage, application_id=application_id, reviewer=reviewer, mode=AssignmentMode.MANUAL, locked=lock
        )
    else:
        assignment.mode = AssignmentMode.MANUAL
        assignment.locked = lock
        if assignment.status != AssignmentStatus.ACTIVE:
            transition(
                assignment,
                ASSIGNMENT_LIFECYCLE,
                AssignmentStatus.ACTIVE,
                actor=actor,
                also_update=("mode", "locked"),
                audit_obj=stage,
                action="shenbao.review.assignment_restored",
            )
        else:
            assignment.save(update_fields=["mode", "locked"])
    log_action(
        action="shenbao.review.assigned_manually",
        obj=stage,
        actor=actor,
        data={"application": application_id, "reviewer": reviewer.email, "locked": lock},
    )
    return assignment


@transaction.atomic
def set_lock(*, assignment: Assignment, locked: bool, actor: User) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(locked=locked)
    log_action(
        action="shenbao.review.lock_changed",
        obj=assignment.stage,
        actor=actor,
        data={"assignment": assignment.pk, "locked": locked},
    )


@transaction.atomic
def remove_assignment(*, assignment: Assignment, actor: User) -> None:
    """Withdraw an assignment; a re-run will not give the same pair again."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.locked = False
    transition(
        locked,
        ASSIGNMENT_LIFECYCLE,
        AssignmentStatus.REMOVED,
        actor=actor,
        data={"application": assignment.application_id, "reviewer": assignment.reviewer_id},
        also_update=("locked",),
        audit_obj=assignment.stage,
        action="shenbao.review.assignment_removed",
    )


def withdraw_conflicted(*, assignment: Assignment, actor: User | None) -> None:
    """A conflict of interest found after assignment: the pair is withdrawn (its draft review with it)."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.locked = False
    transition(
        locked,
        ASSIGNMENT_LIFECYCLE,
        AssignmentStatus.CONFLICT,
        actor=actor,
        data={"application": assignment.application_id, "reviewer": assignment.reviewer_id},
        also_update=("locked",),
        audit_obj=assignment.stage,
        action="shenbao.review.assignment_withdrawn_for_conflict",
    )
    assignment.refresh_from_db(fields=["status", "locked"])
