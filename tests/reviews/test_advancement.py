"""Advancement (top N, threshold, both, prize tiers) and prize tiers from a final ranking, with ties at boundaries reported."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from shenbao.reviews.algorithms.advancement import (
    AdvancementError,
    BoundaryTie,
    Decision,
    Outcome,
    Reason,
    Tier,
    TierAward,
    TierBoundaryTie,
    advance,
    advance_by_tier,
    assign_prize_tiers,
)
from shenbao.reviews.algorithms.aggregation import AggregationSettings, Id, Review, aggregate
from shenbao.reviews.algorithms.ranking import Entry, TieRule, TieRuleKind, rank
from shenbao.reviews.algorithms.scoring import CriterionSpec, Scale, ScoringScheme, compute_total, criterion_means


def ranked(*values: float | None, group: str | None = None, prefix: str = "") -> list[Entry]:
    return [Entry(f"{prefix}{chr(ord('A') + i)}", v, group) for i, v in enumerate(values)]


def outcomes(decisions: tuple[Decision, ...]) -> list[tuple[Id, Outcome, Reason]]:
    return [(d.application, d.outcome, d.reason) for d in decisions]


def test_top_n_advances_the_first_n_and_records_rank_and_n() -> None:
    decisions = advance(rank(ranked(90, 80, 70)), n=2)
    assert outcomes(decisions) == [
        ("A", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("B", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("C", Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N),
    ]
    assert decisions[2] == Decision("C", None, Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N, 3, 70, n=2)


def test_tie_across_the_top_n_boundary_is_left_to_the_committee_by_default() -> None:
    # ranks 1, 2, 2, 4 with N = 2: B and C share the second place
    rankings = rank(ranked(90, 80, 80, 70))
    assert outcomes(advance(rankings, n=2)) == [
        ("A", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("B", Outcome.UNDECIDED, Reason.TIE_AT_TOP_N_BOUNDARY),
        ("C", Outcome.UNDECIDED, Reason.TIE_AT_TOP_N_BOUNDARY),
        ("D", Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N),
    ]
    included = advance(rankings, n=2, on_boundary_tie=BoundaryTie.INCLUDE_ALL)
    assert [(d.outcome, d.policy) for d in included[1:3]] == [(Outcome.ADVANCES, BoundaryTie.INCLUDE_ALL)] * 2
    excluded = advance(rankings, n=2, on_boundary_tie=BoundaryTie.EXCLUDE_ALL)
    assert [d.outcome for d in excluded] == [
        Outcome.ADVANCES,
        Outcome.DOES_NOT_ADVANCE,
        Outcome.DOES_NOT_ADVANCE,
        Outcome.DOES_NOT_ADVANCE,
    ]


def test_tie_that_fits_inside_top_n_advances() -> None:
    assert [d.outcome for d in advance(rank(ranked(90, 80, 80, 70)), n=3)] == [Outcome.ADVANCES] * 3 + [Outcome.DOES_NOT_ADVANCE]


def test_threshold_is_inclusive_and_compares_values_rounded_to_six_decimals() -> None:
    decisions = advance(rank(ranked(90, 80, 79.9999999, 70)), threshold=80)
    assert outcomes(decisions) == [
        ("A", Outcome.ADVANCES, Reason.AT_OR_ABOVE_THRESHOLD),
        ("B", Outcome.ADVANCES, Reason.AT_OR_ABOVE_THRESHOLD),
        ("C", Outcome.ADVANCES, Reason.AT_OR_ABOVE_THRESHOLD),
        ("D", Outcome.DOES_NOT_ADVANCE, Reason.BELOW_THRESHOLD),
    ]
    assert decisions[3].threshold == 80


def test_top_n_with_threshold_refuses_a_place_inside_n_below_the_threshold() -> None:
    decisions = advance(rank(ranked(90, 80, 70, 60)), n=3, threshold=75)
    assert outcomes(decisions) == [
        ("A", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("B", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("C", Outcome.DOES_NOT_ADVANCE, Reason.BELOW_THRESHOLD),
        ("D", Outcome.DOES_NOT_ADVANCE, Reason.BELOW_THRESHOLD),
    ]
    assert (decisions[2].rank, decisions[2].n, decisions[2].threshold) == (3, 3, 75)


def test_top_n_applies_per_group_and_unscored_applications_never_advance() -> None:
    entries = ranked(70, 90, group="d1", prefix="1") + ranked(None, 60, group="d2", prefix="2")
    assert outcomes(advance(rank(entries), n=1)) == [
        ("1B", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("1A", Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N),
        ("2B", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("2A", Outcome.DOES_NOT_ADVANCE, Reason.NO_SCORE),
    ]


def test_advance_needs_n_or_threshold() -> None:
    with pytest.raises(AdvancementError) as caught:
        advance(rank(ranked(1)))
    assert caught.value.code == "advancement_needs_n_or_threshold"
    with pytest.raises(AdvancementError):
        advance(rank(ranked(1)), n=0)


PRIZES = [Tier("first", 1), Tier("second", 2), Tier("third", 3)]


def test_prize_tiers_fill_in_order_and_report_a_tie_across_a_tier_boundary() -> None:
    # places: A 1 → first; B 2 → second; C and D share rank 3, places 3 (second) and 4 (third) → reported;
    # E 5 and F 6 → third; G 7 → no prize
    result = assign_prize_tiers(rank(ranked(95, 90, 85, 85, 80, 70, 60)), PRIZES)[None]
    assert [(a.application, a.tier, a.reason) for a in result.awards] == [
        ("A", "first", Reason.WON_TIER),
        ("B", "second", Reason.WON_TIER),
        ("C", None, Reason.TIE_AT_TIER_BOUNDARY),
        ("D", None, Reason.TIE_AT_TIER_BOUNDARY),
        ("E", "third", Reason.WON_TIER),
        ("F", "third", Reason.WON_TIER),
        ("G", None, Reason.NO_PRIZE),
    ]
    assert result.awards[2] == TierAward("C", None, None, Reason.TIE_AT_TIER_BOUNDARY, 3, 85, ("second", "third"))
    assert result.boundary_ties == (TierBoundaryTie(None, 3, ("C", "D"), (("second", 1), ("third", 1))),)
    assert result.holders("third") == ("E", "F")


def test_tie_inside_one_tier_all_win_it() -> None:
    result = assign_prize_tiers(rank(ranked(95, 90, 90, 80)), PRIZES)[None]
    assert [a.tier for a in result.awards] == ["first", "second", "second", "third"]
    assert result.boundary_ties == ()


def test_tie_on_the_last_prized_place_spans_into_no_prize() -> None:
    result = assign_prize_tiers(rank(ranked(95, 90, 90)), [Tier("first", 2)])[None]
    assert result.boundary_ties == (TierBoundaryTie(None, 2, ("B", "C"), (("first", 1), (None, 1))),)


def test_track_first_prizes_advance_to_the_finals() -> None:
    # Seed 001: each track's first prize goes to the national finals; track 2 has two entries level on its one first prize.
    entries = ranked(88, 92, 75, group="track-1", prefix="1") + ranked(91, 91, 80, group="track-2", prefix="2")
    tiers = assign_prize_tiers(rank(entries), [Tier("first", 1), Tier("second", 1), Tier("third", 1)])
    assert tiers["track-2"].boundary_ties == (TierBoundaryTie("track-2", 1, ("2A", "2B"), (("first", 1), ("second", 1))),)
    decisions = advance_by_tier(tiers, {"first"})
    assert outcomes(decisions) == [
        ("1B", Outcome.ADVANCES, Reason.WON_TIER),
        ("1A", Outcome.DOES_NOT_ADVANCE, Reason.NOT_IN_TIER),
        ("1C", Outcome.DOES_NOT_ADVANCE, Reason.NOT_IN_TIER),
        ("2A", Outcome.UNDECIDED, Reason.TIE_AT_TIER_BOUNDARY),
        ("2B", Outcome.UNDECIDED, Reason.TIE_AT_TIER_BOUNDARY),
        ("2C", Outcome.DOES_NOT_ADVANCE, Reason.NOT_IN_TIER),
    ]
    assert decisions[0] == Decision("1B", "track-1", Outcome.ADVANCES, Reason.WON_TIER, 1, 92, tier="first")
    # When both first and second prizes advance, the tie no longer matters.
    assert [d.outcome for d in advance_by_tier(tiers, {"first", "second"})][3:5] == [Outcome.ADVANCES, Outcome.ADVANCES]


def test_tier_definitions_that_cannot_be_filled_are_refused() -> None:
    with pytest.raises(AdvancementError) as caught:
        assign_prize_tiers(rank(ranked(1)), [Tier("first", 1), Tier("first", 2)])
    assert caught.value.code == "duplicate_tier"
    with pytest.raises(AdvancementError) as caught:
        assign_prize_tiers(rank(ranked(1)), [Tier("first", -1)])
    assert caught.value.code == "tier_count_negative"


def test_seed_000_topic_from_criterion_scores_to_advancement() -> None:
    # Criteria 40/40/20 on 0–10, normalised to 0–100, so a review's total is 4a + 4b + 2c.
    scheme = ScoringScheme(
        criteria=(
            CriterionSpec("innovation-feasibility", 40, Scale(0, 10, 0.5)),
            CriterionSpec("plan-and-output-value", 40, Scale(0, 10, 0.5)),
            CriterionSpec("team-capacity", 20, Scale(0, 10, 0.5)),
        )
    )
    sheets = {
        "P1": [(8, 8, 8), (7, 7, 7), (9, 9, 9)],  # 80, 70, 90 → mean 80; innovation mean 8
        "P2": [(9, 7, 8), (8, 8, 5), (9, 8, 9)],  # 80, 74, 86 → mean 80; innovation mean 26/3
        "P3": [(10, 10, 10), (9, 9, 9), (8, 8, 8)],  # 100, 90, 80 → mean 90
        "P4": [(5, 5, 5), (6, 6, 6), (7, 7, 7)],  # 50, 60, 70 → mean 60
    }
    codes = [c.code for c in scheme.criteria]
    reviews: list[Review] = []
    entries: list[Entry] = []
    for app, sheet in sheets.items():
        vectors = [dict(zip(codes, scores, strict=True)) for scores in sheet]
        reviews += [Review(app, f"expert-{i}", compute_total(scheme, v).value) for i, v in enumerate(vectors)]
        means = criterion_means(scheme, vectors)
        entries.append(Entry(app, None, "topic-01", len(vectors), means))
    aggregates = aggregate(reviews, AggregationSettings()).aggregates
    assert [aggregates[app].value for app in sheets] == [80.0, 80.0, 90.0, 60.0]
    entries = [replace(e, value=aggregates[e.application].value) for e in entries]

    innovation = TieRule(TieRuleKind.HIGHER_CRITERION_MEAN, "innovation-feasibility")
    rankings = rank(entries, tie_rules=[innovation])
    assert [(r.application, r.rank) for r in rankings["topic-01"].entries] == [("P3", 1), ("P2", 2), ("P1", 3), ("P4", 4)]
    assert rankings["topic-01"].tie_breaks[0].compared == (("P1", 8.0), ("P2", float(Fraction(26, 3))))
    assert outcomes(advance(rankings, n=2)) == [
        ("P3", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("P2", Outcome.ADVANCES, Reason.WITHIN_TOP_N),
        ("P1", Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N),
        ("P4", Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N),
    ]
    # Without the call's tie rule the same numbers leave P1 and P2 level on the last place.
    assert [d.outcome for d in advance(rank(entries), n=2)][1:3] == [Outcome.UNDECIDED, Outcome.UNDECIDED]


def test_a_tier_with_no_places_is_skipped() -> None:
    result = assign_prize_tiers(rank(ranked(95, 90, 85)), [Tier("first", 1), Tier("second", 0), Tier("third", 1)])[None]
    assert [(a.tier, a.reason) for a in result.awards] == [
        ("first", Reason.WON_TIER),
        ("third", Reason.WON_TIER),
        (None, Reason.NO_PRIZE),
    ]
