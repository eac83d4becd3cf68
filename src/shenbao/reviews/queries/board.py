"""The staff's view of a stage: coverage per application, load per reviewer, conflicts, progress."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from shenbao.applications.models import Application
from shenbao.calls.models import ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, PoolStatus, ReviewState
from shenbao.reviews.models import Assignment, AssignmentRun, PoolMember, StageEntry
from shenbao.reviews.queries.conflicts import Conflict, conflicts_for_call
from shenbao.reviews.queries.stages import stage_definition


def reviewers_per_application(stage: ReviewStage) -> int:
    return stage_definition(stage).reviewers_per_application or 3


def reviewer_cap(member: PoolMember, default: int) -> int:
    return member.load_limit if member.load_limit is not None else default


@dataclass
class CoverageRow:
    application: Application
    assignments: list[Assignment] = field(default_factory=list)
    submitted: int = 0
    short: int = 0
    reason: str = ""  # the last run's reason code when the application is short


@dataclass
class LoadRow:
    member: PoolMember
    cap: int
    assigned: int = 0
    submitted: int = 0


def coverage(stage: ReviewStage) -> list[CoverageRow]:
    k = reviewers_per_application(stage)
    entries = (
        StageEntry.objects.filter(stage=stage)
        .select_related("application__direction")
        .order_by("application__direction__position", "application__receipt_number")
    )
    rows = {e.application_id: CoverageRow(application=e.application) for e in entries}
    assignments = (
        Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE)
        .select_related("reviewer", "review")
        .order_by("-affinity")
    )
    for a in assignments:
        row = rows.get(a.application_id)
        if row is None:
            continue
        row.assignments.append(a)
        review = getattr(a, "review", None)
        if review is not None and review.state == ReviewState.SUBMITTED:
            row.submitted += 1
    last = AssignmentRun.objects.filter(stage=stage).first()
    reasons = {s["application"]: s["reason"] for s in (last.shortfalls if last else [])}
    for row in rows.values():
        row.short = max(0, k - len(row.assignments))
        if row.short:
            row.reason = reasons.get(row.application.pk, "not_assigned")
    return list(rows.values())


def loads(stage: ReviewStage) -> list[LoadRow]:
    default = current_definition(stage.call).review_policy.default_load
    members = PoolMember.objects.filter(call_id=stage.call_id, status=PoolStatus.ACCEPTED).select_related("user__person")
    rows = {m.user_id: LoadRow(member=m, cap=reviewer_cap(m, default)) for m in members}
    for reviewer_id, state in Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE).values_list(
        "reviewer_id", "review__state"
    ):
        if reviewer_id in rows:
            rows[reviewer_id].assigned += 1
            rows[reviewer_id].submitted += state == ReviewState.SUBMITTED
    return sorted(rows.values(), key=lambda r: (-r.assigned, r.member.user.email))


def stage_conflicts(stage: ReviewStage) -> list[dict[str, Any]]:
    """Every conflicted pair among the stage's applications and the accepted reviewers, with its reasons."""
    entry_ids = list(StageEntry.objects.filter(stage=stage).values_list("application_id", flat=True))
    found = conflicts_for_call(stage.call, application_ids=entry_ids)
    applications = Application.objects.in_bulk([a for a, _ in found])
    members = {m.user_id: m for m in PoolMember.objects.filter(call_id=stage.call_id).select_related("user__person")}
    rows = []
    for (application_id, reviewer_id), reasons in sorted(found.items()):
        rows.append({"application": applications[application_id], "reviewer": members[reviewer_id].user, "reasons": reasons})
    return rows


def progress(stage: ReviewStage) -> dict[str, int]:
    entries = StageEntry.objects.filter(stage=stage)
    active = Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE)
    return {
        "entries": entries.count(),
        "in_review": entries.filter(status=EntryStatus.IN_REVIEW).count(),
        "assignments": active.count(),
        "submitted": active.filter(review__state=ReviewState.SUBMITTED).count(),
        "conflicts_declared": Assignment.objects.filter(stage=stage, status=AssignmentStatus.CONFLICT).count(),
    }


def conflict_index(stage: ReviewStage) -> dict[tuple[int, int], list[Conflict]]:
    entry_ids = list(StageEntry.objects.filter(stage=stage).values_list("application_id", flat=True))
    return conflicts_for_call(stage.call, application_ids=entry_ids)


def group_by_direction(rows: list[CoverageRow]) -> dict[str, list[CoverageRow]]:
    grouped: dict[str, list[CoverageRow]] = defaultdict(list)
    for row in rows:
        grouped[row.application.direction.code if row.application.direction else ""].append(row)
    return dict(grouped)
