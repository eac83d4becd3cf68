"""Experts for the call's reports awaiting review, named through the review stages' assignment solver.

The call declares, per report kind, how many experts review each report and whether they are matched by
expertise (``report_reviews`` in the call definition).  The pool is the call's (experts who accepted
and are available), conflicts (回避) are the same reading as the selection's review
(``reviews.queries.conflicts``: institutions, declared conflicts, co-authors, the project's own team),
and each expert's load limit (or the call's default load) caps the reports they carry: the reviews of
the call's reports still undecided count against it.  Experts already named for a report are kept and
count towards its number; a report that has its number already is left alone.  The solver is the pure
``reviews.algorithms.assignment``: best total match where affinity is used, otherwise a seeded random
draw (the seed is stored in the audit entry to replay it)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.projects.enums import ProjectStatus, ReportKind, ReportStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Report, ReportReview
from shenbao.projects.services.report_reviews import review_due_at, tell_expert_of_report_review
from shenbao.reviews.algorithms.affinity import text_matrices, top_k_candidates
from shenbao.reviews.algorithms.assignment import assign_reviewers
from shenbao.reviews.algorithms.problem import AssignmentInputError, AssignmentProblem, Mode
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import PoolMember
from shenbao.reviews.queries.board import reviewer_cap
from shenbao.reviews.queries.conflicts import conflicts_for_call
from shenbao.reviews.services.assignment import publication_titles, reviewer_text, text_of_application


@dataclass(frozen=True)
class ReportShortfall:
    report: int
    project: str  # the project's title, to name it to staff
    missing: int
    reason: str  # the solver's code: too_few_eligible or load_caps


@dataclass(frozen=True)
class ReportAssignmentOutcome:
    reports: int  # reports that needed experts
    created: int
    kept: int
    mode: str
    seed: int | None
    shortfalls: tuple[ReportShortfall, ...]


def reports_awaiting_review(call: Call, kind: str) -> list[Report]:
    """The call's reports of ``kind`` submitted and not decided, of running projects, oldest first."""
    return list(
        Report.objects.filter(
            project__agreement__award__call=call,
            project__status=ProjectStatus.ACTIVE,
            kind=kind,
            status=ReportStatus.SUBMITTED,
        )
        .select_related("project__agreement__award__application__direction", "project__agreement__award__call")
        .prefetch_related("reviews__expert")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def assign_report_experts(
    *, call: Call, kind: str, actor: User, seed: int | None = None, now: dt.datetime | None = None
) -> ReportAssignmentOutcome:
    """Name experts for every report of ``kind`` awaiting review in ``call`` through the assignment solver
    (each new review due ``due_days`` after ``now`` where the call gives them)."""
    if kind not in ReportKind.values:
        raise ProjectError(_("Choose the mid-term or the final reports."), code="report_kind_invalid")
    definition = current_definition(call)
    settings = definition.report_review(kind)
    if settings is None:
        raise ProjectError(
            _("The call declares no expert review for “%(kind)s”; name experts by hand on each report."),
            params={"kind": ReportKind(kind).label},
            code="report_review_not_declared",
        )
    Call.objects.select_for_update().get(pk=call.pk)  # one run at a time per call
    k = settings.experts_per_report
    reports = [r for r in reports_awaiting_review(call, kind) if len(r.reviews.all()) < k]
    if not reports:
        raise ProjectError(_("No report of this kind is waiting for experts."), code="no_report_waiting")
    kept_reviews = [v for r in reports for v in r.reviews.all()]
    kept_experts = {v.expert_id for v in kept_reviews}
    members = list(
        PoolMember.objects.filter(call=call, status=PoolStatus.ACCEPTED).select_related("user__person").order_by("user_id")
    )
    members = [m for m in members if m.available or m.user_id in kept_experts]
    if not any(m.available for m in members):
        raise ProjectError(_("No expert in the pool has accepted and is available."), code="pool_empty")
    report_index = {r.pk: i for i, r in enumerate(reports)}
    expert_index = {m.user_id: j for j, m in enumerate(members)}
    applications = [r.project.agreement.award.application for r in reports]

    conflicts = conflicts_for_call(call, application_ids=sorted({a.pk for a in applications}), reviewer_ids=list(expert_index))
    conflict_pairs = {
        (i, expert_index[expert])
        for i, application in enumerate(applications)
        for expert in expert_index
        if (application.pk, expert) in conflicts or expert == application.applicant_id
    }
    # An expert named before a conflict came to light is not counted (staff see the conflict on the report).
    locks = [
        (report_index[v.report_id], expert_index[v.expert_id])
        for v in kept_reviews
        if v.expert_id in expert_index and (report_index[v.report_id], expert_index[v.expert_id]) not in conflict_pairs
    ]

    # The load: the expert's limit less the undecided reports of the call they review outside this run.
    default = definition.review_policy.default_load
    caps = np.array([reviewer_cap(m, default) if m.available else 0 for m in members], dtype=np.int64)
    elsewhere = ReportReview.objects.filter(
        report__project__agreement__award__call=call, report__status=ReportStatus.SUBMITTED, expert_id__in=list(expert_index)
    ).exclude(report_id__in=list(report_index))
    for expert_id in elsewhere.values_list("expert_id", flat=True):
        caps[expert_index[expert_id]] -= 1
    lock_load = np.bincount([e for _, e in locks], minlength=len(members)).astype(np.int64)
    caps = np.maximum(np.maximum(caps, 0), lock_load)

    report_texts = [f"{text_of_application(a)}\n{r.text}" for a, r in zip(applications, reports, strict=True)]
    titles = publication_titles([m.user_id for m in members])
    expert_texts = [reviewer_text(m, titles.get(m.user_id))[0] for m in members]
    report_matrix, expert_matrix = text_matrices(report_texts, expert_texts)
    # Every pair is a candidate: a call's reports and pool are small.
    candidates = top_k_candidates(report_matrix, expert_matrix, k=len(members), min_affinity=-1.0)
    mode = Mode.OPTIMAL if settings.use_affinity else Mode.RANDOM
    if mode is Mode.RANDOM and seed is None:
        seed = secrets.randbelow(2**31)

    def pairs(items: list[tuple[int, int]] | set[tuple[int, int]]) -> tuple[list[int], list[int]] | None:
        ordered = sorted(items)
        return ([a for a, _ in ordered], [e for _, e in ordered]) if ordered else None

    problem = AssignmentProblem(
        candidates=candidates,
        k=k,
        default_cap=default,
        caps=caps,
        conflicts=pairs(conflict_pairs),
        locks=pairs(locks),
    )
    try:
        result = assign_reviewers(problem, mode=mode, seed=seed if mode is Mode.RANDOM else None)
    except AssignmentInputError as exc:  # pragma: no cover - locks are filtered to fit above
        raise ProjectError(
            _("The experts already named contradict the rules; remove some and run again."), code="assignment_contradicts"
        ) from exc

    locked_set = set(locks)
    due_at = review_due_at(call, settings, now or timezone.now())
    created: dict[int, list[ReportReview]] = {}
    for a, e, affinity in zip(result.pairs.apps, result.pairs.reviewers, result.pairs.affinity, strict=True):
        pair = (int(a), int(e))
        if pair in locked_set:
            continue
        report, member = reports[pair[0]], members[pair[1]]
        review = ReportReview.objects.create(
            report=report,
            expert=member.user,
            assigned_by=actor,
            affinity=round(float(affinity), 6) if mode is Mode.OPTIMAL else None,
            due_at=due_at,
        )
        created.setdefault(report.pk, []).append(review)
        tell_expert_of_report_review(review)  # the kept ones were told when they were named
    for i, report in enumerate(reports):
        named = created.get(report.pk, [])
        if named:
            log_action(
                action="shenbao.report.experts_assigned",
                obj=applications[i],
                actor=actor,
                data={
                    "kind": kind,
                    "experts": [v.expert_id for v in named],
                    "mode": mode.value,
                    "seed": result.seed,
                    "due_at": due_at.isoformat() if due_at else None,
                },
            )
    shortfalls = tuple(
        ReportShortfall(reports[s.app].pk, reports[s.app].project.title, s.missing, s.reason.value) for s in result.shortfalls
    )
    outcome = ReportAssignmentOutcome(
        reports=len(reports),
        created=sum(len(v) for v in created.values()),
        kept=len(locks),
        mode=mode.value,
        seed=result.seed,
        shortfalls=shortfalls,
    )
    log_action(
        action="shenbao.report.assignment_run",
        obj=call,
        actor=actor,
        data={
            "kind": kind,
            "k": k,
            "mode": outcome.mode,
            "seed": outcome.seed,
            "reports": outcome.reports,
            "created": outcome.created,
            "kept": outcome.kept,
            "conflicts": len(conflict_pairs),
            "short": [{"report": s.report, "missing": s.missing, "reason": s.reason} for s in shortfalls],
        },
    )
    return outcome
