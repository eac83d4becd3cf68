"""The running display of a live judging round (seed 001 finals: 评委亮分) — pure, no Django.

Judges reveal their scores for an entry one at a time.  After each reveal the screen shows
every score revealed so far, which ones the current value leaves out, and the current value:
the trimmed mean (one highest and one lowest dropped, "去掉一个最高分，去掉一个最低分") once
three or more scores are in, the plain mean before that, flagged so the screen can say the
value is provisional on a different basis.  When every judge has scored, the value is final.

Among equal scores the earliest revealed is the one dropped: the audience saw that one
first, and the choice does not change the value, only which card is greyed out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from shenbao.reviews.algorithms import _exact
from shenbao.reviews.algorithms.aggregation import Id
from shenbao.reviews.algorithms.scoring import Scale, check_value


class LiveError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class LiveMethod(StrEnum):
    TRIMMED_MEAN = "trimmed_mean"
    MEAN = "mean"


class LiveFlag(StrEnum):
    WAITING = "waiting"  # no score revealed yet
    FEWER_THAN_THREE = "fewer_than_three"  # trimmed mean asked for, plain mean shown


@dataclass(frozen=True)
class JudgeScore:
    judge: Id
    score: float


@dataclass(frozen=True)
class RevealedScore:
    order: int  # 1 for the first score revealed
    judge: Id
    score: float
    dropped: Literal["highest", "lowest"] | None = None


@dataclass(frozen=True)
class LiveDisplay:
    revealed: tuple[RevealedScore, ...]
    n_judges: int
    method: LiveMethod  # the method the current value was computed with
    current: float | None
    complete: bool
    final: float | None  # set once every judge has scored
    flags: frozenset[LiveFlag] = field(default_factory=frozenset)

    @property
    def remaining(self) -> int:
        return self.n_judges - len(self.revealed)


def live_display(
    scores: Sequence[JudgeScore],
    *,
    n_judges: int,
    method: LiveMethod = LiveMethod.TRIMMED_MEAN,
    scale: Scale | None = None,
) -> LiveDisplay:
    """The display after the scores revealed so far (in reveal order) for one entry."""
    if n_judges < 1:
        raise LiveError("no_judges")
    if len(scores) > n_judges:
        raise LiveError("more_scores_than_judges", n_judges=n_judges, revealed=len(scores))
    judges: set[Id] = set()
    for s in scores:
        if s.judge in judges:
            raise LiveError("judge_scored_twice", judge=s.judge)
        judges.add(s.judge)
        if not math.isfinite(s.score):
            raise LiveError("not_a_number", judge=s.judge)
        if scale is not None and (problem := check_value(scale, s.score)) is not None:
            raise LiveError(problem[0], judge=s.judge, **problem[1])

    if not scores:
        return LiveDisplay((), n_judges, method, None, False, None, frozenset({LiveFlag.WAITING}))

    values = [_exact.exact(s.score) for s in scores]
    flags: set[LiveFlag] = set()
    used = method
    high = low = None
    if method == LiveMethod.TRIMMED_MEAN and len(values) >= 3:
        high = values.index(max(values))
        rest = [i for i in range(len(values)) if i != high]
        low = min(rest, key=lambda i: (values[i], i))
        current = (sum(values, Fraction(0)) - values[high] - values[low]) / (len(values) - 2)
    else:
        if method == LiveMethod.TRIMMED_MEAN:
            flags.add(LiveFlag.FEWER_THAN_THREE)
            used = LiveMethod.MEAN
        current = _exact.mean(values)

    revealed = tuple(
        RevealedScore(
            order=i + 1,
            judge=s.judge,
            score=s.score,
            dropped="highest" if i == high else "lowest" if i == low else None,
        )
        for i, s in enumerate(scores)
    )
    complete = len(scores) == n_judges
    value = float(current)
    return LiveDisplay(revealed, n_judges, used, value, complete, value if complete else None, frozenset(flags))
