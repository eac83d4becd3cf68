"""One value per application from its reviews' totals (pure, no Django).

Methods (ADR 0007 gives the formulas and the reasons):

``MEAN`` / ``MEDIAN``
    of the reviews' totals.  ``MEAN`` may be confidence-weighted: ``Σ cᵢ·xᵢ / Σ cᵢ``.
``TRIMMED_MEAN``
    drop one highest and one lowest total and average the rest, as judging panels do
    ("去掉一个最高分，去掉一个最低分").  Defined for three or more reviews; with fewer it falls
    back to the mean and says so with a flag, because a silent switch of method would make
    two values in one ranking mean different things.
``CALIBRATED``
    removes each reviewer's leniency or harshness.  Every review becomes a z-score within
    its reviewer, ``z = (x − μ_r) / σ_r`` over all that reviewer's reviews in the stage;
    the application's z-scores are averaged (optionally confidence-weighted) and mapped
    back to the stage's scale, ``G + S·z̄`` (G, S: mean and population sd of all totals in
    the stage), so calibrated values still read like scores.

    A reviewer with fewer than ``min_reviews_to_calibrate`` reviews has no measurable bias:
    their reviews are placed with the stage's statistics, ``z = (x − G) / S``, i.e. taken
    at face value, and flagged ``uncalibrated_reviewer``.  A reviewer who gave every
    application the same total expressed no preference among them: ``z = 0`` (their
    reviews count as average) and ``zero_variance_reviewer`` is flagged.  When every total
    in the stage is equal, ``S = 0`` and every application gets ``G``.

Spread (max − min) and sd are of the raw totals: that is what a chair compares when
deciding whether reviewers disagree.  Standard deviations divide by n: the reviews at
hand are the whole population, not a sample.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from shenbao.reviews.algorithms import _exact

Id = int | str


class Method(StrEnum):
    # Values match ReviewStage.aggregation in the call definition.
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"
    CALIBRATED = "calibrated"


class Flag(StrEnum):
    NO_REVIEWS = "no_reviews"
    TRIMMED_MEAN_FELL_BACK_TO_MEAN = "trimmed_mean_fell_back_to_mean"
    DISAGREEMENT = "disagreement"
    UNCALIBRATED_REVIEWER = "uncalibrated_reviewer"
    ZERO_VARIANCE_REVIEWER = "zero_variance_reviewer"
    CONFIDENCE_DEFAULTED = "confidence_defaulted"


class ReviewerStatus(StrEnum):
    CALIBRATED = "calibrated"
    TOO_FEW_REVIEWS = "too_few_reviews"
    ZERO_VARIANCE = "zero_variance"


class AggregationError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Review:
    application: Id
    reviewer: Id
    total: float
    confidence: int | None = None  # 1 (unsure) … 5 (expert)


@dataclass(frozen=True)
class Disagreement:
    """Flag an application when its reviews' spread or sd is strictly above a threshold."""

    max_spread: float | None = None
    max_sd: float | None = None


@dataclass(frozen=True)
class AggregationSettings:
    method: Method = Method.MEAN
    confidence_weighted: bool = False
    #: Weight of a review whose reviewer gave no confidence: the middle of 1–5.
    default_confidence: int = 3
    min_reviews_to_calibrate: int = 2
    disagreement: Disagreement | None = None

    def __post_init__(self) -> None:
        if self.confidence_weighted and self.method in (Method.MEDIAN, Method.TRIMMED_MEAN):
            raise AggregationError("confidence_weighting_unsupported", method=self.method.value)
        if not 1 <= self.default_confidence <= 5:
            raise AggregationError("confidence_out_of_range", confidence=self.default_confidence)
        if self.min_reviews_to_calibrate < 2:
            # One review has no variance: a z-score within the reviewer is undefined.
            raise AggregationError("min_reviews_to_calibrate_below_two", value=self.min_reviews_to_calibrate)


@dataclass(frozen=True)
class Aggregate:
    application: Id
    method: Method
    value: float | None  # None only with NO_REVIEWS
    n_reviews: int
    mean: float | None  # the plain mean of the totals, shown beside any other method
    spread: float | None  # max − min of the totals
    sd: float | None  # population sd of the totals
    flags: frozenset[Flag] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ReviewerCalibration:
    reviewer: Id
    n_reviews: int
    mean: float
    sd: float
    status: ReviewerStatus


@dataclass(frozen=True)
class StageAggregation:
    aggregates: Mapping[Id, Aggregate]  # in order of first appearance
    reviewers: Mapping[Id, ReviewerCalibration]  # filled for CALIBRATED only
    global_mean: float | None
    global_sd: float | None


def mean(values: Sequence[float]) -> float:
    return float(_exact.mean([_exact.exact(v) for v in values]))


def median(values: Sequence[float]) -> float:
    return float(_exact.median([_exact.exact(v) for v in values]))


def trimmed_mean(values: Sequence[float]) -> tuple[float, bool]:
    """Mean without one highest and one lowest value; ``(mean, True)`` when fewer than three values."""
    exact = [_exact.exact(v) for v in values]
    if len(exact) < 3:
        return float(_exact.mean(exact)), True
    return float(_exact.mean(sorted(exact)[1:-1])), False


def aggregate(
    reviews: Sequence[Review],
    settings: AggregationSettings,
    *,
    applications: Iterable[Id] = (),
) -> StageAggregation:
    """Aggregate every application of one stage.

    ``reviews`` must be all the stage's reviews (calibration needs each reviewer's whole
    set).  ``applications`` lists applications that should appear even without reviews.
    """
    by_app: dict[Id, list[Review]] = {app: [] for app in applications}
    seen: set[tuple[Id, Id]] = set()
    for r in reviews:
        if (r.application, r.reviewer) in seen:
            raise AggregationError("duplicate_review", application=r.application, reviewer=r.reviewer)
        seen.add((r.application, r.reviewer))
        if not math.isfinite(r.total):
            raise AggregationError("total_not_finite", application=r.application, reviewer=r.reviewer)
        if r.confidence is not None and not 1 <= r.confidence <= 5:
            raise AggregationError("confidence_out_of_range", confidence=r.confidence)
        by_app.setdefault(r.application, []).append(r)

    totals = [_exact.exact(r.total) for r in reviews]
    g = _exact.mean(totals) if totals else None
    s = _exact.sqrt(_exact.variance(totals)) if totals else None
    calibration: dict[Id, ReviewerCalibration] = {}
    z: dict[tuple[Id, Id], float] = {}
    if settings.method == Method.CALIBRATED and g is not None and s is not None:
        calibration, z = _calibrate(reviews, settings.min_reviews_to_calibrate, g, s)

    result = {app: _aggregate_one(app, items, settings, g, s, calibration, z) for app, items in by_app.items()}
    return StageAggregation(
        aggregates=result,
        reviewers=calibration,
        global_mean=float(g) if g is not None else None,
        global_sd=s,
    )


def _calibrate(
    reviews: Sequence[Review], min_reviews: int, g: Fraction, s: float
) -> tuple[dict[Id, ReviewerCalibration], dict[tuple[Id, Id], float]]:
    by_reviewer: dict[Id, list[Review]] = {}
    for r in reviews:
        by_reviewer.setdefault(r.reviewer, []).append(r)
    calibration: dict[Id, ReviewerCalibration] = {}
    z: dict[tuple[Id, Id], float] = {}
    for reviewer, items in by_reviewer.items():
        values = [_exact.exact(r.total) for r in items]
        mu = _exact.mean(values)
        var = _exact.variance(values)
        sd = _exact.sqrt(var)
        if len(items) < min_reviews:
            status = ReviewerStatus.TOO_FEW_REVIEWS
            for r, v in zip(items, values, strict=True):
                z[(r.application, reviewer)] = float(v - g) / s if s > 0 else 0.0
        elif var == 0:
            status = ReviewerStatus.ZERO_VARIANCE
            for r in items:
                z[(r.application, reviewer)] = 0.0
        else:
            status = ReviewerStatus.CALIBRATED
            for r, v in zip(items, values, strict=True):
                z[(r.application, reviewer)] = float(v - mu) / sd
        calibration[reviewer] = ReviewerCalibration(reviewer, len(items), float(mu), sd, status)
    return calibration, z


def _aggregate_one(
    app: Id,
    items: list[Review],
    settings: AggregationSettings,
    g: Fraction | None,
    s: float | None,
    calibration: Mapping[Id, ReviewerCalibration],
    z: Mapping[tuple[Id, Id], float],
) -> Aggregate:
    method = settings.method
    if not items:
        return Aggregate(app, method, None, 0, None, None, None, frozenset({Flag.NO_REVIEWS}))
    flags: set[Flag] = set()
    values = [_exact.exact(r.total) for r in items]
    weights = [1] * len(items)
    if settings.confidence_weighted:
        weights = [r.confidence if r.confidence is not None else settings.default_confidence for r in items]
        if any(r.confidence is None for r in items):
            flags.add(Flag.CONFIDENCE_DEFAULTED)

    value: float
    if method == Method.MEAN:
        value = float(_exact.weighted_mean(values, weights))
    elif method == Method.MEDIAN:
        value = float(_exact.median(values))
    elif method == Method.TRIMMED_MEAN:
        value, fell_back = trimmed_mean([r.total for r in items])
        if fell_back:
            flags.add(Flag.TRIMMED_MEAN_FELL_BACK_TO_MEAN)
    else:
        assert g is not None
        assert s is not None
        for r in items:
            status = calibration[r.reviewer].status
            if status == ReviewerStatus.TOO_FEW_REVIEWS:
                flags.add(Flag.UNCALIBRATED_REVIEWER)
            elif status == ReviewerStatus.ZERO_VARIANCE:
                flags.add(Flag.ZERO_VARIANCE_REVIEWER)
        z_bar = sum(w * z[(r.application, r.reviewer)] for w, r in zip(weights, items, strict=True)) / sum(weights)
        value = float(g) + s * z_bar

    spread = max(values) - min(values)
    sd = _exact.sqrt(_exact.variance(values))
    d = settings.disagreement
    if d is not None and (
        (d.max_spread is not None and spread > _exact.exact(d.max_spread)) or (d.max_sd is not None and sd > d.max_sd)
    ):
        flags.add(Flag.DISAGREEMENT)
    return Aggregate(
        application=app,
        method=method,
        value=value,
        n_reviews=len(items),
        mean=float(_exact.mean(values)),
        spread=float(spread),
        sd=sd,
        flags=frozenset(flags),
    )
