"""A stage's ranking: each application's aggregated score, its rank per direction, ties explained."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from shenbao.applications.models import Application
from shenbao.calls.models import ReviewStage
from shenbao.reviews.algorithms.aggregation import (
    Aggregate,
    AggregationSettings,
    Disagreement,
    Method,
    aggregate,
)
from shenbao.reviews.algorithms.aggregation import (
    Review as ScoredReview,
)
from shenbao.reviews.algorithms.ranking import Entry, GroupRanking, Ranked, TieRule, TieRuleKind, rank
from shenbao.reviews.algorithms.scoring import NOT_APPLICABLE, criterion_means
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import Review, StageEntry
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.scoring import scheme

# Application columns a ranking never reads (form contents and check results), left unloaded.
HEAVY_APPLICATION_FIELDS = ("values", "declarations", "external", "bilateral", "check_results", "fields")


class _ReviewRow(NamedTuple):
    application_id: int
    reviewer_id: int
    reviewer_email: str
    scores: dict[str, float | None]
    total: float | None
    confidence: int | None


@dataclass(frozen=True)
class RankedRow:
    application: Application
    ranked: Ranked
    aggregate: Aggregate
    status: str
    entry_reason: dict[str, Any]  # why it advanced or not, once the stage has advanced


@dataclass(frozen=True)
class Distribution:
    """The spread of review totals (0–100) given by one reviewer or within one direction."""

    label: str
    n: int
    mean: float
    low: float
    high: float
    sd: float

    @property
    def span(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class StageRanking:
    method: Method
    groups: dict[str, list[RankedRow]]  # direction code ("" when the stage is not per direction) → rows in order
    rankings: dict[Any, GroupRanking]  # the algorithm's result, for advancement
    tie_breaks: dict[str, list[Any]]
    by_reviewer: list[Distribution]
    by_direction: list[Distribution]


def _distribution(label: str, values: list[float]) -> Distribution:
    return Distribution(
        label=label,
        n=len(values),
        mean=round(statistics.fmean(values), 2),
        low=min(values),
        high=max(values),
        sd=round(statistics.pstdev(values), 2),
    )


def tie_rules(stage: ReviewStage) -> list[TieRule]:
    definition = stage_definition(stage)
    if definition.tie_break:
        kinds = {
            "criterion_mean": TieRuleKind.HIGHER_CRITERION_MEAN,
            "more_reviews": TieRuleKind.MORE_REVIEWS,
            "earlier_submission": TieRuleKind.EARLIER_SUBMISSION,
        }
        return [TieRule(kinds[t.kind], t.criterion) for t in definition.tie_break]
    rules = [TieRule(TieRuleKind.HIGHER_CRITERION_MEAN, c.code) for c in definition.criteria]
    return [*rules, TieRule(TieRuleKind.EARLIER_SUBMISSION)]


def stage_ranking(stage: ReviewStage, *, method: str | None = None, confidence_weighted: bool = False) -> StageRanking:
    """Rank the stage's applications by the stage's aggregation (or ``method``), per direction."""
    definition = stage_definition(stage)
    chosen = Method(method or definition.aggregation)
    # The application's form contents are not ranked nor shown here; loading them for 20,000 entries
    # took longer than the ranking itself (bench/selection_e2e.py).
    entries = list(
        StageEntry.objects.filter(stage=stage)
        .select_related("application__direction")
        .defer(*(f"application__{name}" for name in HEAVY_APPLICATION_FIELDS))
    )
    # Reviews as plain tuples: three model instances per review (review, assignment, reviewer) for
    # 60,000 reviews cost seconds, and only these columns are read.
    reviews = [
        _ReviewRow(*row)
        for row in Review.objects.filter(
            assignment__stage=stage, assignment__status=AssignmentStatus.ACTIVE, state=ReviewState.SUBMITTED
        ).values_list(
            "assignment__application_id",
            "assignment__reviewer_id",
            "assignment__reviewer__email",
            "scores",
            "total",
            "confidence",
        )
    ]
    settings = AggregationSettings(
        method=chosen,
        confidence_weighted=confidence_weighted and chosen in (Method.MEAN, Method.CALIBRATED),
        disagreement=Disagreement(max_spread=definition.disagreement_spread)
        if definition.disagreement_spread is not None
        else None,
    )
    scored = [
        ScoredReview(r.application_id, r.reviewer_id, float(r.total or 0), r.confidence) for r in reviews if r.total is not None
    ]
    result = aggregate(scored, settings, applications=[e.application_id for e in entries])
    by_app: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in reviews:
        by_app[r.application_id].append({code: NOT_APPLICABLE if value is None else value for code, value in r.scores.items()})
    stage_scheme = scheme(definition) if definition.criteria else None  # a screening stage has none

    def group_of(entry: StageEntry) -> str | None:
        if not definition.per_direction or entry.application.direction is None:
            return None
        return entry.application.direction.code

    ranking_entries = [
        Entry(
            application=e.application_id,
            value=result.aggregates[e.application_id].value,
            group=group_of(e),
            n_reviews=result.aggregates[e.application_id].n_reviews,
            criterion_means=(
                criterion_means(stage_scheme, by_app[e.application_id]) if stage_scheme and by_app[e.application_id] else {}
            ),
            submitted_at=e.application.submitted_at,
        )
        for e in entries
    ]
    rankings = rank(ranking_entries, tie_rules=tie_rules(stage))
    applications = {e.application_id: e for e in entries}
    groups: dict[str, list[RankedRow]] = {}
    tie_breaks: dict[str, list[Any]] = {}
    for group, ranking in sorted(rankings.items(), key=lambda item: str(item[0] or "")):
        key = str(group or "")
        groups[key] = [
            RankedRow(
                application=applications[int(r.application)].application,
                ranked=r,
                aggregate=result.aggregates[r.application],
                status=applications[int(r.application)].status,
                entry_reason=applications[int(r.application)].reason,
            )
            for r in ranking.entries
        ]
        tie_breaks[key] = list(ranking.tie_breaks)
    per_reviewer: dict[str, list[float]] = defaultdict(list)
    per_direction: dict[str, list[float]] = defaultdict(list)
    for r in reviews:
        if r.total is None:
            continue
        per_reviewer[r.reviewer_email].append(r.total)
        entry = applications.get(r.application_id)
        per_direction[str(group_of(entry) or "") if entry else ""].append(r.total)
    return StageRanking(
        method=chosen,
        groups=groups,
        rankings=rankings,
        tie_breaks=tie_breaks,
        by_reviewer=[_distribution(k, v) for k, v in sorted(per_reviewer.items())],
        by_direction=[_distribution(k, v) for k, v in sorted(per_direction.items())],
    )
