"""Ranking per group with declared tie rules; every tie broken leaves a record of the rule and the values compared."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from shenbao.reviews.algorithms.aggregation import Id
from shenbao.reviews.algorithms.ranking import (
    Entry,
    GroupRanking,
    RankingError,
    TieBreak,
    TieOutcome,
    TieRule,
    TieRuleKind,
    rank,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))
INNOVATION = TieRule(TieRuleKind.HIGHER_CRITERION_MEAN, "innovation")
MORE_REVIEWS = TieRule(TieRuleKind.MORE_REVIEWS)
EARLIER = TieRule(TieRuleKind.EARLIER_SUBMISSION)


def ranks(result: dict[Id | None, GroupRanking], group: Id | None = None) -> list[tuple[Id, int | None, int | None]]:
    return [(r.application, r.rank, r.dense_rank) for r in result[group].entries]


def test_remaining_tie_shares_a_competition_rank_and_is_recorded() -> None:
    result = rank([Entry("A", 90), Entry("B", 85), Entry("C", 85), Entry("D", 70)])
    assert ranks(result) == [("A", 1, 1), ("B", 2, 2), ("C", 2, 2), ("D", 4, 3)]
    assert [r.tie_remains for r in result[None].entries] == [False, True, True, False]
    assert [r.position for r in result[None].entries] == [1, 2, 3, 4]
    assert result[None].tie_breaks == (
        TieBreak(None, 85, TieOutcome.TIE_REMAINS, ("B", "C"), None, order=(("B", "C"),), rules_tried=()),
    )


def test_criterion_mean_breaks_a_tie_and_the_record_shows_the_values() -> None:
    entries = [
        Entry("B", 85, criterion_means={"innovation": 8.5}),
        Entry("C", 85, criterion_means={"innovation": 9.0}),
    ]
    result = rank(entries, tie_rules=[INNOVATION])
    assert ranks(result) == [("C", 1, 1), ("B", 2, 2)]
    assert result[None].tie_breaks == (
        TieBreak(
            None,
            85,
            TieOutcome.DECIDED,
            ("B", "C"),
            INNOVATION,
            compared=(("B", 8.5), ("C", 9.0)),
            order=(("C",), ("B",)),
        ),
    )
    assert result[None].entries[0].decided_by == INNOVATION


def test_rules_apply_in_declared_order_to_what_is_still_level() -> None:
    # X, Y, Z all 80: innovation puts Z (8) behind X and Y (9); more reviews then puts Y (5) before X (3).
    entries = [
        Entry("W", 95),
        Entry("X", 80, n_reviews=3, criterion_means={"innovation": 9}),
        Entry("Y", 80, n_reviews=5, criterion_means={"innovation": 9}),
        Entry("Z", 80, n_reviews=7, criterion_means={"innovation": 8}),
    ]
    result = rank(entries, tie_rules=[INNOVATION, MORE_REVIEWS])[None]
    assert [(r.application, r.rank, r.decided_by) for r in result.entries] == [
        ("W", 1, None),
        ("Y", 2, MORE_REVIEWS),
        ("X", 3, MORE_REVIEWS),
        ("Z", 4, INNOVATION),
    ]
    assert [(b.rule, b.tied, b.compared, b.order) for b in result.tie_breaks] == [
        (INNOVATION, ("X", "Y", "Z"), (("X", 9), ("Y", 9), ("Z", 8)), (("X", "Y"), ("Z",))),
        (MORE_REVIEWS, ("X", "Y"), (("X", 3), ("Y", 5)), (("Y",), ("X",))),
    ]


def test_input_order_never_decides_a_broken_tie() -> None:
    entries = [
        Entry("X", 80, n_reviews=3, criterion_means={"innovation": 9}),
        Entry("Y", 80, n_reviews=5, criterion_means={"innovation": 9}),
        Entry("Z", 80, n_reviews=7, criterion_means={"innovation": 8}),
    ]
    for permutation in itertools.permutations(entries):
        result = rank(list(permutation), tie_rules=[INNOVATION, MORE_REVIEWS])
        assert ranks(result) == [("Y", 1, 1), ("X", 2, 2), ("Z", 3, 3)]


def test_earlier_submission_decides_and_a_missing_time_counts_last() -> None:
    entries = [
        Entry("at-2300-bj", 70, submitted_at=dt.datetime(2025, 3, 31, 23, 0, tzinfo=BEIJING)),
        Entry("unknown", 70),
        Entry("at-2330-bj", 70, submitted_at=dt.datetime(2025, 3, 31, 15, 30, tzinfo=dt.UTC)),
        Entry("at-2200-bj", 70, submitted_at=dt.datetime(2025, 3, 31, 14, 0, tzinfo=dt.UTC)),
    ]
    result = rank(entries, tie_rules=[EARLIER])
    assert ranks(result) == [("at-2200-bj", 1, 1), ("at-2300-bj", 2, 2), ("at-2330-bj", 3, 3), ("unknown", 4, 4)]


def test_rules_that_all_fail_to_separate_leave_a_tie_remains_record_listing_them() -> None:
    entries = [Entry("A", 80, n_reviews=3), Entry("B", 80, n_reviews=3)]
    result = rank(entries, tie_rules=[MORE_REVIEWS, EARLIER])[None]
    assert [(r.rank, r.tie_remains) for r in result.entries] == [(1, True), (1, True)]
    assert result.tie_breaks == (
        TieBreak(None, 80, TieOutcome.TIE_REMAINS, ("A", "B"), None, order=(("A", "B"),), rules_tried=(MORE_REVIEWS, EARLIER)),
    )


def test_partial_break_leaves_a_tie_inside_a_place() -> None:
    # A, B, C at 80; more reviews: C (4) alone ahead, A and B (2) still level → ranks 1, 2, 2
    entries = [Entry("A", 80, n_reviews=2), Entry("B", 80, n_reviews=2), Entry("C", 80, n_reviews=4)]
    result = rank(entries, tie_rules=[MORE_REVIEWS])[None]
    assert [(r.application, r.rank, r.tie_remains) for r in result.entries] == [("C", 1, False), ("A", 2, True), ("B", 2, True)]
    assert [b.outcome for b in result.tie_breaks] == [TieOutcome.DECIDED, TieOutcome.TIE_REMAINS]


def test_values_equal_to_six_decimals_are_level() -> None:
    result = rank([Entry("A", 80.0000001), Entry("B", 80), Entry("C", 80.00001)])
    assert ranks(result) == [("C", 1, 1), ("A", 2, 2), ("B", 2, 2)]


def test_groups_rank_separately_and_entries_without_value_come_last_unranked() -> None:
    entries = [
        Entry("a1", 70, "track-1"),
        Entry("b1", 60, "track-2"),
        Entry("a2", None, "track-1"),
        Entry("a4", 70, "track-1"),
        Entry("a3", 90, "track-1"),
        Entry("a5", None, "track-1"),
    ]
    result = rank(entries)
    assert list(result) == ["track-1", "track-2"]
    assert ranks(result, "track-1") == [("a3", 1, 1), ("a1", 2, 2), ("a4", 2, 2), ("a2", None, None), ("a5", None, None)]
    assert [r.position for r in result["track-1"].entries] == [1, 2, 3, 4, 5]
    assert ranks(result, "track-2") == [("b1", 1, 1)]
    assert [r.application for r in result["track-1"].at_or_above(1)] == ["a3"]


def test_duplicate_application_is_refused() -> None:
    with pytest.raises(RankingError) as caught:
        rank([Entry("A", 1), Entry("A", 2)])
    assert caught.value.code == "duplicate_application"


def test_criterion_rule_needs_a_criterion_and_others_take_none() -> None:
    with pytest.raises(RankingError):
        TieRule(TieRuleKind.HIGHER_CRITERION_MEAN)
    with pytest.raises(RankingError):
        TieRule(TieRuleKind.MORE_REVIEWS, "innovation")


def test_value_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(RankingError) as caught:
        rank([Entry("A", float("nan"))])
    assert caught.value.code == "value_not_finite"
