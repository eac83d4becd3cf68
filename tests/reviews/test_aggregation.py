"""One value per application from its reviews; expected numbers are worked out by hand beside each assertion."""

from __future__ import annotations

import math

import pytest

from shenbao.reviews.algorithms.aggregation import (
    Aggregate,
    AggregationError,
    AggregationSettings,
    Disagreement,
    Flag,
    Method,
    Review,
    ReviewerStatus,
    aggregate,
    mean,
    median,
    trimmed_mean,
)


def test_mean_median_and_trimmed_mean_of_five_totals() -> None:
    values = [7, 9, 8, 3, 10]
    assert mean(values) == 7.4  # 37 / 5
    assert median(values) == 8.0  # 3 7 [8] 9 10
    assert trimmed_mean(values) == (8.0, False)  # drop 3 and 10: (7 + 9 + 8) / 3


def test_trimmed_mean_drops_only_one_copy_of_a_repeated_extreme() -> None:
    assert trimmed_mean([90, 90, 80, 80]) == (85.0, False)  # drop one 90 and one 80: (90 + 80) / 2


def test_trimmed_mean_of_two_totals_falls_back_to_the_mean_and_says_so() -> None:
    assert trimmed_mean([6, 8]) == (7.0, True)


def test_median_of_an_even_count_is_the_middle_pair_average() -> None:
    assert median([60, 87, 79, 81]) == 80.0  # 60 79 | 81 87 → (79 + 81) / 2


def reviews(app: str, *totals: float) -> list[Review]:
    return [Review(app, f"r{i}", t) for i, t in enumerate(totals)]


def test_aggregate_reports_value_count_spread_and_sd() -> None:
    # 73 79 81 87: mean 80, deviations −7 −1 1 7 → variance (49+1+1+49)/4 = 25, sd 5; spread 14
    result = aggregate(reviews("A", 73, 79, 81, 87), AggregationSettings(Method.MEAN))
    assert result.aggregates["A"] == Aggregate("A", Method.MEAN, 80.0, 4, 80.0, 14.0, 5.0, frozenset())


def test_aggregate_median_and_trimmed_mean_keep_the_plain_mean_beside_them() -> None:
    # 60 79 81 87: mean 307/4 = 76.75; median (79+81)/2 = 80; trimmed drops 60 and 87 → 80
    rs = reviews("A", 60, 79, 81, 87)
    med = aggregate(rs, AggregationSettings(Method.MEDIAN)).aggregates["A"]
    trim = aggregate(rs, AggregationSettings(Method.TRIMMED_MEAN)).aggregates["A"]
    assert (med.value, med.mean, med.spread) == (80.0, 76.75, 27.0)
    assert (trim.value, trim.flags) == (80.0, frozenset())


def test_trimmed_mean_with_two_reviews_is_flagged_as_a_mean() -> None:
    result = aggregate(reviews("A", 70, 80), AggregationSettings(Method.TRIMMED_MEAN)).aggregates["A"]
    assert result.value == 75.0
    assert result.flags == frozenset({Flag.TRIMMED_MEAN_FELL_BACK_TO_MEAN})


def test_application_without_reviews_is_listed_with_no_value() -> None:
    result = aggregate(reviews("A", 70), AggregationSettings(), applications=["B", "A"])
    assert list(result.aggregates) == ["B", "A"]
    assert result.aggregates["B"] == Aggregate("B", Method.MEAN, None, 0, None, None, None, frozenset({Flag.NO_REVIEWS}))


def test_disagreement_flag_is_strictly_above_the_spread_threshold() -> None:
    settings = AggregationSettings(disagreement=Disagreement(max_spread=20))
    result = aggregate(reviews("A", 60, 80) + reviews("B", 59, 80), settings).aggregates
    assert Flag.DISAGREEMENT not in result["A"].flags  # spread 20 is not above 20
    assert Flag.DISAGREEMENT in result["B"].flags  # spread 21


def test_disagreement_flag_on_sd() -> None:
    rs = reviews("A", 73, 79, 81, 87)  # sd 5
    assert Flag.DISAGREEMENT not in aggregate(rs, AggregationSettings(disagreement=Disagreement(max_sd=5))).aggregates["A"].flags
    assert Flag.DISAGREEMENT in aggregate(rs, AggregationSettings(disagreement=Disagreement(max_sd=4.9))).aggregates["A"].flags


def test_confidence_weighted_mean_defaults_a_missing_confidence_to_three() -> None:
    # (4·80 + 1·60 + 3·70) / (4 + 1 + 3) = 590 / 8 = 73.75
    rs = [Review("A", "r1", 80, 4), Review("A", "r2", 60, 1), Review("A", "r3", 70)]
    result = aggregate(rs, AggregationSettings(Method.MEAN, confidence_weighted=True)).aggregates["A"]
    assert result.value == 73.75
    assert result.mean == 70.0
    assert result.flags == frozenset({Flag.CONFIDENCE_DEFAULTED})


LENIENT_AND_HARSH = [
    Review("A", "lenient", 11),
    Review("B", "lenient", 9),
    Review("A", "harsh", 17),
    Review("B", "harsh", 3),
]


def test_calibrated_value_maps_mean_z_score_back_to_the_stage_scale() -> None:
    # lenient: μ 10, σ 1 → A +1, B −1.  harsh: μ 10, σ 7 → A +1, B −1.
    # Stage: G = 40/4 = 10; deviations 1 −1 7 −7 → variance 100/4 = 25, S = 5.  A = 10 + 5·1 = 15, B = 10 − 5 = 5.
    result = aggregate(LENIENT_AND_HARSH, AggregationSettings(Method.CALIBRATED))
    assert (result.global_mean, result.global_sd) == (10.0, 5.0)
    assert result.aggregates["A"].value == 15.0
    assert result.aggregates["B"].value == 5.0
    assert result.aggregates["A"].mean == 14.0  # the raw mean stays visible
    assert result.reviewers["harsh"].sd == 7.0
    assert result.reviewers["lenient"].status == ReviewerStatus.CALIBRATED


def test_calibration_reverses_an_order_caused_by_a_lenient_reviewer() -> None:
    # lenient gives A 9, B 9, D 7, E 7: μ 8, σ 1, so A's z is +1.
    # harsh gives C 6, B 2, D 2, E 2: μ 3, variance (9+1+1+1)/4 = 3, so C's z is 3/√3 = √3.
    # Stage: G = 44/8 = 5.5; variance (2·12.25 + 2·2.25 + 0.25 + 3·12.25)/8 = 66/8 = 8.25.
    rs = [
        Review("A", "lenient", 9),
        Review("B", "lenient", 9),
        Review("D", "lenient", 7),
        Review("E", "lenient", 7),
        Review("C", "harsh", 6),
        Review("B", "harsh", 2),
        Review("D", "harsh", 2),
        Review("E", "harsh", 2),
    ]
    result = aggregate(rs, AggregationSettings(Method.CALIBRATED)).aggregates
    s = math.sqrt(8.25)
    assert result["A"].value == pytest.approx(5.5 + s * 1, abs=1e-12)
    assert result["C"].value == pytest.approx(5.5 + s * math.sqrt(3), abs=1e-12)
    assert result["C"].value > result["A"].value  # although C's raw 6 is below A's raw 9
    # B: lenient +1, harsh (2 − 3)/√3 → z̄ = (1 − 1/√3)/2
    assert result["B"].value == pytest.approx(5.5 + s * (1 - 1 / math.sqrt(3)) / 2, abs=1e-12)

    weighted = aggregate(
        [Review("B", "lenient", 9, 3) if r.application == "B" and r.reviewer == "lenient" else r for r in rs],
        AggregationSettings(Method.CALIBRATED, confidence_weighted=True, default_confidence=1),
    ).aggregates
    # B weighted: lenient (confidence 3) +1, harsh (defaulted to 1) −1/√3 → z̄ = (3 − 1/√3)/4
    assert weighted["B"].value == pytest.approx(5.5 + s * (3 - 1 / math.sqrt(3)) / 4, abs=1e-12)
    assert Flag.CONFIDENCE_DEFAULTED in weighted["B"].flags


def test_reviewer_with_a_single_review_is_taken_at_face_value_and_flagged() -> None:
    # Adding once's C = 15: G = 55/5 = 11, S = √(120/5) = √24; z = (15 − 11)/√24 → C = 11 + √24·4/√24 = 15
    result = aggregate([*LENIENT_AND_HARSH, Review("C", "once", 15)], AggregationSettings(Method.CALIBRATED))
    assert result.aggregates["C"].value == pytest.approx(15.0, abs=1e-12)
    assert result.aggregates["C"].flags == frozenset({Flag.UNCALIBRATED_REVIEWER})
    assert result.reviewers["once"].status == ReviewerStatus.TOO_FEW_REVIEWS


def test_reviewer_who_gave_everyone_the_same_total_counts_as_average() -> None:
    # flat gives A 10, B 10 → z 0.  G = 60/6 = 10; variance (1+1+49+49+0+0)/6 = 50/3.
    # A: z̄ = (1 + 1 + 0)/3 → 10 + √(50/3)·2/3
    rs = [*LENIENT_AND_HARSH, Review("A", "flat", 10), Review("B", "flat", 10)]
    result = aggregate(rs, AggregationSettings(Method.CALIBRATED))
    assert result.aggregates["A"].value == pytest.approx(10 + math.sqrt(50 / 3) * 2 / 3, abs=1e-12)
    assert result.aggregates["A"].flags == frozenset({Flag.ZERO_VARIANCE_REVIEWER})
    assert result.reviewers["flat"].status == ReviewerStatus.ZERO_VARIANCE


def test_calibration_when_every_total_is_equal_gives_the_common_value() -> None:
    rs = [Review("A", "x", 7), Review("B", "x", 7), Review("A", "y", 7), Review("C", "z", 7)]
    result = aggregate(rs, AggregationSettings(Method.CALIBRATED)).aggregates
    assert [a.value for a in result.values()] == [7.0, 7.0, 7.0]


def test_two_reviews_by_one_reviewer_of_one_application_are_refused() -> None:
    with pytest.raises(AggregationError) as caught:
        aggregate([Review("A", "r", 7), Review("A", "r", 8)], AggregationSettings())
    assert caught.value.code == "duplicate_review"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"method": Method.MEDIAN, "confidence_weighted": True}, "confidence_weighting_unsupported"),
        ({"default_confidence": 0}, "confidence_out_of_range"),
        ({"min_reviews_to_calibrate": 1}, "min_reviews_to_calibrate_below_two"),
    ],
)
def test_settings_that_cannot_aggregate_are_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(AggregationError) as caught:
        AggregationSettings(**kwargs)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_confidence_outside_one_to_five_is_refused() -> None:
    with pytest.raises(AggregationError) as caught:
        aggregate([Review("A", "r", 7, 6)], AggregationSettings())
    assert caught.value.code == "confidence_out_of_range"


def test_a_total_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(AggregationError) as caught:
        aggregate([Review("A", "r", math.inf)], AggregationSettings())
    assert caught.value.code == "total_not_finite"
