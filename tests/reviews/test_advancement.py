"""Advancement (top N, threshold, both, prize tiers) and prize tiers from a final ranking, with ties at boundaries reported."""

from __future__ import annotations

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
from shenbao.reviews.algorithms.aggregation import Id
from shenbao.reviews.algorithms.ranking import Entry, rank


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
