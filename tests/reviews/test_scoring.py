"""A review's total from weighted criterion scores; every expected number is computed by hand in the comment beside it."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.reviews.algorithms.aggregation import Method
from shenbao.reviews.algorithms.scoring import (
    NOT_APPLICABLE,
    CriterionSpec,
    InvalidScores,
    Scale,
    SchemeError,
    ScoreError,
    ScoringScheme,
    TotalMethod,
    compute_total,
    criterion_means,
    scheme_from_definition,
    validate_scores,
)

TEN = Scale(0, 10, 0.5)


def xiaomi(method: TotalMethod = TotalMethod.NORMALISED, *, na: bool = False) -> ScoringScheme:
    """Seed 000's three criteria, weighted 40/40/20 for these tests, each scored 0–10 in half points."""
    return ScoringScheme(
        criteria=(
            CriterionSpec("innovation-feasibility", 40, TEN),
            CriterionSpec("plan-and-output-value", 40, TEN),
            CriterionSpec("team-capacity", 20, TEN, allow_not_applicable=na),
        ),
        method=method,
    )


def test_normalised_total_is_weighted_share_of_the_output_scale() -> None:
    # (0.4·8/10 + 0.4·6/10 + 0.2·9/10) · 100 = (0.32 + 0.24 + 0.18) · 100 = 74
    total = compute_total(xiaomi(), {"innovation-feasibility": 8, "plan-and-output-value": 6, "team-capacity": 9})
    assert total.value == 74.0
    assert total.weights == {"innovation-feasibility": 0.4, "plan-and-output-value": 0.4, "team-capacity": 0.2}
    assert total.not_applicable == ()


def test_weighted_mean_total_stays_on_the_criteria_scale() -> None:
    # (40·8 + 40·6 + 20·9) / 100 = 7.4
    scheme = xiaomi(TotalMethod.WEIGHTED_MEAN)
    assert compute_total(scheme, {"innovation-feasibility": 8, "plan-and-output-value": 6, "team-capacity": 9}).value == 7.4
    assert scheme.total_range == (0, 10)


def test_weighted_sum_total_is_points_out_of_weight_times_max() -> None:
    # 40·8 + 40·6 + 20·9 = 320 + 240 + 180 = 740, out of 100·10 = 1000
    scheme = xiaomi(TotalMethod.WEIGHTED_SUM)
    assert compute_total(scheme, {"innovation-feasibility": 8, "plan-and-output-value": 6, "team-capacity": 9}).value == 740.0
    assert scheme.total_range == (0.0, 1000.0)


def test_not_applicable_renormalises_the_remaining_weights_instead_of_counting_zero() -> None:
    # Only 40/40 remain → 0.5 each: (0.5·0.8 + 0.5·0.6)·100 = 70 (a zero would have given 56).
    total = compute_total(
        xiaomi(na=True), {"innovation-feasibility": 8, "plan-and-output-value": 6, "team-capacity": NOT_APPLICABLE}
    )
    assert total.value == 70.0
    assert total.applicable == ("innovation-feasibility", "plan-and-output-value")
    assert total.not_applicable == ("team-capacity",)
    assert total.weights == {"innovation-feasibility": 0.5, "plan-and-output-value": 0.5}


def test_not_applicable_in_weighted_sum_keeps_the_full_points_scale() -> None:
    # (320 + 240) · 100 / 80 = 700
    scores = {"innovation-feasibility": 8, "plan-and-output-value": 6, "team-capacity": NOT_APPLICABLE}
    assert compute_total(xiaomi(TotalMethod.WEIGHTED_SUM, na=True), scores).value == 700.0


def test_finals_judging_sheet_on_zero_to_hundred_keeps_its_scale() -> None:
    # Seed 001: four criteria scored 0–100, equal weights: (90 + 85 + 80 + 77.5) / 4 = 83.125
    hundred = Scale(0, 100, 0.5)
    scheme = ScoringScheme(
        criteria=tuple(
            CriterionSpec(code, 1, hundred) for code in ("problem-importance", "originality", "breakthrough", "transferability")
        ),
        method=TotalMethod.WEIGHTED_MEAN,
    )
    scores = {"problem-importance": 90, "originality": 85, "breakthrough": 80, "transferability": 77.5}
    assert compute_total(scheme, scores).value == 83.125


def test_normalised_total_mixes_criteria_on_different_scales() -> None:
    # a: 5 on 0–10 → 0.5; b: 4 on 1–5 → 0.75; equal weights → 0.625 → 62.5 on 0–100
    scheme = ScoringScheme(criteria=(CriterionSpec("a", 1, Scale(0, 10)), CriterionSpec("b", 1, Scale(1, 5, 1))))
    assert compute_total(scheme, {"a": 5, "b": 4}).value == 62.5


def test_decimal_scores_total_without_binary_rounding() -> None:
    # 0.1 + 0.2 as floats is 0.30000000000000004; the exact sum over 2 criteria: (0.1 + 0.2)/2 = 0.15
    scheme = ScoringScheme(
        criteria=(CriterionSpec("a", 1, Scale(0, 1, 0.1)), CriterionSpec("b", 1, Scale(0, 1, 0.1))),
        method=TotalMethod.WEIGHTED_MEAN,
    )
    assert compute_total(scheme, {"a": 0.1, "b": 0.2}).value == 0.15
    assert validate_scores(scheme, {"a": 0.7, "b": 0.3}) == ()


def test_validate_scores_reports_every_error_with_its_code() -> None:
    scheme = xiaomi()
    errors = validate_scores(
        scheme, {"innovation-feasibility": 10.5, "plan-and-output-value": 7.25, "team-capacity": NOT_APPLICABLE, "extra": 3}
    )
    assert errors == (
        ScoreError("innovation-feasibility", "out_of_range", {"min": 0, "max": 10, "value": 10.5}),
        ScoreError("plan-and-output-value", "off_step", {"step": 0.5, "min": 0, "value": 7.25}),
        ScoreError("team-capacity", "not_applicable_not_allowed"),
        ScoreError("extra", "unknown_criterion"),
    )


def test_validate_scores_reports_missing_and_non_numbers() -> None:
    errors = validate_scores(xiaomi(), {"innovation-feasibility": math.nan, "plan-and-output-value": True})
    assert [(e.criterion, e.code) for e in errors] == [
        ("innovation-feasibility", "not_a_number"),
        ("plan-and-output-value", "not_a_number"),
        ("team-capacity", "missing"),
    ]


def test_all_criteria_not_applicable_leaves_nothing_to_total() -> None:
    scheme = ScoringScheme(criteria=(CriterionSpec("a", 1, TEN, allow_not_applicable=True),))
    assert validate_scores(scheme, {"a": NOT_APPLICABLE}) == (ScoreError(None, "all_not_applicable"),)
    with pytest.raises(InvalidScores) as caught:
        compute_total(scheme, {"a": NOT_APPLICABLE})
    assert caught.value.errors == (ScoreError(None, "all_not_applicable"),)


def test_bounds_of_the_scale_are_valid_scores() -> None:
    assert validate_scores(xiaomi(), {"innovation-feasibility": 0, "plan-and-output-value": 10, "team-capacity": 9.5}) == ()


@pytest.mark.parametrize(
    ("criteria", "method", "code"),
    [
        ((), TotalMethod.NORMALISED, "no_criteria"),
        ((CriterionSpec("a", 1, TEN), CriterionSpec("a", 1, TEN)), TotalMethod.NORMALISED, "duplicate_criterion"),
        ((CriterionSpec("a", 0, TEN),), TotalMethod.NORMALISED, "weight_not_positive"),
        ((CriterionSpec("a", 1, Scale(5, 5)),), TotalMethod.NORMALISED, "scale_order"),
        ((CriterionSpec("a", 1, Scale(0, 10, 3)),), TotalMethod.NORMALISED, "step_does_not_divide_scale"),
        ((CriterionSpec("a", 1, TEN), CriterionSpec("b", 1, Scale(0, 5))), TotalMethod.WEIGHTED_MEAN, "scales_differ"),
        ((CriterionSpec("a", 1, TEN), CriterionSpec("b", 1, Scale(0, 5))), TotalMethod.WEIGHTED_SUM, "scales_differ"),
    ],
)
def test_scheme_that_cannot_total_is_refused_with_a_code(
    criteria: tuple[CriterionSpec, ...], method: TotalMethod, code: str
) -> None:
    with pytest.raises(SchemeError) as caught:
        ScoringScheme(criteria=criteria, method=method)
    assert caught.value.code == code


def test_criterion_means_skip_not_applicable_marks() -> None:
    # innovation: (8 + 7)/2 = 7.5; plan: (6 + 9)/2 = 7.5; team: only 9 applies → 9; nobody: None
    scheme = ScoringScheme(
        criteria=(
            CriterionSpec("innovation", 1, TEN),
            CriterionSpec("plan", 1, TEN),
            CriterionSpec("team", 1, TEN, allow_not_applicable=True),
            CriterionSpec("other", 1, TEN, allow_not_applicable=True),
        )
    )
    vectors = [
        {"innovation": 8, "plan": 6, "team": NOT_APPLICABLE, "other": NOT_APPLICABLE},
        {"innovation": 7, "plan": 9, "team": 9, "other": NOT_APPLICABLE},
    ]
    assert criterion_means(scheme, vectors) == {"innovation": 7.5, "plan": 7.5, "team": 9.0, "other": None}


def test_scheme_from_the_seed_definitions() -> None:
    # Seed 000 declares three criteria with default weight 1 and scale 0–10: 8, 6, 9 → (0.8+0.6+0.9)/3 · 100
    stage = parse_file(SEED_FILES["000"]).review_stages[0]
    scheme = scheme_from_definition(stage.criteria, step=0.5, not_applicable=["team-capacity"])
    assert [(c.code, c.weight, c.scale, c.allow_not_applicable) for c in scheme.criteria] == [
        ("innovation-feasibility", 1, Scale(0, 10, 0.5), False),
        ("plan-and-output-value", 1, Scale(0, 10, 0.5), False),
        ("team-capacity", 1, Scale(0, 10, 0.5), True),
    ]
    total = compute_total(scheme, {"innovation-feasibility": 8, "plan-and-output-value": 6, "team-capacity": 9})
    assert total.value == float(Fraction(230, 3))
    # Seed 001 finals: four criteria; the weighted mean keeps the sheet's 0–10 scale: (9 + 8 + 7 + 8.5)/4 = 8.125
    finals = parse_file(SEED_FILES["001"]).review_stages[1]
    sheet = scheme_from_definition(finals.criteria, method=TotalMethod.WEIGHTED_MEAN, step=0.5)
    scores = {"problem-importance": 9, "originality": 8, "breakthrough": 7, "transferability": 8.5}
    assert compute_total(sheet, scores).value == 8.125
    # The stage's aggregation setting names an aggregation method directly.
    assert Method(finals.aggregation) == Method.TRIMMED_MEAN  # judging panels drop the highest and lowest
