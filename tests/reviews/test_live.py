"""The live score-reveal display of seed 001's finals: running value after each judge, final once all are in."""

from __future__ import annotations

from fractions import Fraction

import pytest

from shenbao.reviews.algorithms.live import (
    JudgeScore,
    LiveDisplay,
    LiveError,
    LiveFlag,
    LiveMethod,
    RevealedScore,
    live_display,
)
from shenbao.reviews.algorithms.scoring import Scale

REVEALS = [88, 92, 85, 90, 79, 91, 87]  # seven judges, in reveal order


def after(k: int, **kwargs: object) -> LiveDisplay:
    scores = [JudgeScore(f"judge-{i + 1}", s) for i, s in enumerate(REVEALS[:k])]
    return live_display(scores, n_judges=7, **kwargs)  # type: ignore[arg-type]


def test_before_any_reveal_the_display_waits() -> None:
    display = after(0)
    assert (display.current, display.complete, display.flags, display.remaining) == (
        None,
        False,
        frozenset({LiveFlag.WAITING}),
        7,
    )


def test_one_and_two_scores_show_the_mean_flagged() -> None:
    assert (after(1).current, after(1).method, after(1).flags) == (88.0, LiveMethod.MEAN, frozenset({LiveFlag.FEWER_THAN_THREE}))
    assert after(2).current == 90.0  # (88 + 92) / 2


def test_three_scores_show_the_trimmed_mean_with_the_dropped_cards_marked() -> None:
    display = after(3)  # 88 92 85: drop 92 and 85 → 88
    assert (display.current, display.method, display.flags) == (88.0, LiveMethod.TRIMMED_MEAN, frozenset())
    assert display.revealed == (
        RevealedScore(1, "judge-1", 88),
        RevealedScore(2, "judge-2", 92, "highest"),
        RevealedScore(3, "judge-3", 85, "lowest"),
    )


def test_five_scores_drop_the_new_lowest() -> None:
    display = after(5)  # 88 92 85 90 79: drop 92 and 79 → (88 + 85 + 90)/3 = 263/3
    assert display.current == float(Fraction(263, 3))
    assert [r.dropped for r in display.revealed] == [None, "highest", None, None, "lowest"]
    assert (display.complete, display.final) == (False, None)


def test_all_judges_in_gives_the_final_value() -> None:
    display = after(7)  # sum 612, drop 92 and 79 → 441/5 = 88.2
    assert (display.current, display.final, display.complete, display.remaining) == (88.2, 88.2, True, 0)


def test_equal_scores_drop_the_earliest_revealed() -> None:
    display = live_display([JudgeScore("a", 80), JudgeScore("b", 80), JudgeScore("c", 80)], n_judges=3)
    assert [r.dropped for r in display.revealed] == ["highest", "lowest", None]
    assert display.final == 80.0


def test_panel_without_trimming_shows_the_plain_mean() -> None:
    display = after(3, method=LiveMethod.MEAN)  # (88 + 92 + 85)/3 = 265/3
    assert display.current == float(Fraction(265, 3))
    assert display.flags == frozenset()


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        ([JudgeScore("a", 80), JudgeScore("a", 81)], "judge_scored_twice"),
        ([JudgeScore("a", 101)], "out_of_range"),
        ([JudgeScore("a", 80.25)], "off_step"),
        ([JudgeScore("a", float("nan"))], "not_a_number"),
        ([JudgeScore(str(i), 80) for i in range(4)], "more_scores_than_judges"),
    ],
)
def test_scores_that_cannot_be_shown_are_refused(scores: list[JudgeScore], code: str) -> None:
    with pytest.raises(LiveError) as caught:
        live_display(scores, n_judges=3, scale=Scale(0, 100, 0.5))
    assert caught.value.code == code
