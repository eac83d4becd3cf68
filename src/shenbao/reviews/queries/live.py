"""The live reveal (评委亮分): per entry in presentation order, the judges' scores revealed so far."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from shenbao.applications.models import Application
from shenbao.calls.models import ReviewStage
from shenbao.reviews.algorithms.live import JudgeScore, LiveDisplay, LiveMethod, live_display
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.queries.stages import stage_definition


@dataclass(frozen=True)
class LiveEntry:
    entry: StageEntry
    application: Application
    judges: int
    submitted: int
    display: LiveDisplay


def live_entries(stage: ReviewStage) -> list[LiveEntry]:
    definition = stage_definition(stage)
    method = LiveMethod.TRIMMED_MEAN if definition.aggregation == "trimmed_mean" else LiveMethod.MEAN
    entries = list(
        StageEntry.objects.filter(stage=stage)
        .select_related("application")
        .order_by(F("reveal_order").asc(nulls_last=True), "application_id")
    )
    assignments = (
        Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE)
        .select_related("review")
        .order_by("review__revealed_at", "pk")
    )
    judges: dict[int, int] = {}
    submitted: dict[int, int] = {}
    revealed: dict[int, list[JudgeScore]] = {}
    for a in assignments:
        judges[a.application_id] = judges.get(a.application_id, 0) + 1
        review = getattr(a, "review", None)
        if review is not None and review.state == ReviewState.SUBMITTED and review.total is not None:
            submitted[a.application_id] = submitted.get(a.application_id, 0) + 1
            if review.revealed_at is not None:
                revealed.setdefault(a.application_id, []).append(JudgeScore(a.reviewer_id, review.total))
    return [
        LiveEntry(
            entry=e,
            application=e.application,
            judges=judges.get(e.application_id, 0),
            submitted=submitted.get(e.application_id, 0),
            display=live_display(
                revealed.get(e.application_id, []), n_judges=max(1, judges.get(e.application_id, 0)), method=method
            ),
        )
        for e in entries
    ]


def current_entry(entries: list[LiveEntry]) -> LiveEntry | None:
    """The first entry in presentation order whose scores are not all revealed."""
    return next((e for e in entries if e.judges and not e.display.complete), None)
