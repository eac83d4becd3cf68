"""Rank applications per group (direction, track) by their aggregated value (pure, no Django).

Higher values rank first.  Equal values are separated only by the call's declared,
ordered tie rules (a named criterion's mean, the number of reviews, the submission time);
the order of the input never decides.  Every rule that separates tied applications leaves
a ``TieBreak`` record naming the rule and the values it compared, so a committee can
read why one application stands above another.  Applications that no rule separates keep
a ``tie_remains`` record and share a rank.

Ranks are competition ranks ("1, 2, 2, 4"): the rank is one plus the number of
applications strictly ahead, so the count of applications at or above a rank is never
understated when a quota is applied.  The dense rank ("1, 2, 2, 3") is given beside it.

Values are compared after rounding to ``decimals`` places (6 by default): aggregated values
reached by different arithmetic (e.g. a calibrated mean through a square root) may differ
in the last binary digits while being equal to anyone who reads them.  Applications with no
value (no reviews) are listed last, unranked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from shenbao.reviews.algorithms._exact import exact
from shenbao.reviews.algorithms.aggregation import Id

Compared = float | int | dt.datetime | None


class RankingError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class TieRuleKind(StrEnum):
    HIGHER_CRITERION_MEAN = "higher_criterion_mean"
    MORE_REVIEWS = "more_reviews"
    EARLIER_SUBMISSION = "earlier_submission"


@dataclass(frozen=True)
class TieRule:
    kind: TieRuleKind
    criterion: str | None = None

    def __post_init__(self) -> None:
        if (self.kind == TieRuleKind.HIGHER_CRITERION_MEAN) != (self.criterion is not None):
            raise RankingError("tie_rule_criterion", kind=self.kind.value)


@dataclass(frozen=True)
class Entry:
    application: Id
    value: float | None
    group: Id | None = None
    n_reviews: int = 0
    criterion_means: Mapping[str, float | None] = field(default_factory=dict)
    submitted_at: dt.datetime | None = None


class TieOutcome(StrEnum):
    DECIDED = "decided"  # the rule separated at least some of the tied applications
    TIE_REMAINS = "tie_remains"  # no declared rule separated them


@dataclass(frozen=True)
class TieBreak:
    """One step of breaking a tie.

    ``tied`` are the applications that stood level when ``rule`` was applied; ``compared``
    the value the rule read for each (None when it was missing, which counts as worst);
    ``order`` the resulting places, best first, each a tuple of the applications still level.
    For ``TIE_REMAINS`` the rule is None and ``rules_tried`` lists what was tried in vain.
    """

    group: Id | None
    value: float | None
    outcome: TieOutcome
    tied: tuple[Id, ...]
    rule: TieRule | None
    compared: tuple[tuple[Id, Compared], ...] = ()
    order: tuple[tuple[Id, ...], ...] = ()
    rules_tried: tuple[TieRule, ...] = ()


@dataclass(frozen=True)
class Ranked:
    application: Id
    group: Id | None
    value: float | None
    rank: int | None  # competition rank; None when unranked (no value)
    dense_rank: int | None
    position: int  # 1-based place in the listing
    tie_remains: bool = False
    decided_by: TieRule | None = None  # the last rule that set this place against level applications


@dataclass(frozen=True)
class GroupRanking:
    group: Id | None
    entries: tuple[Ranked, ...]
    tie_breaks: tuple[TieBreak, ...]

    def at_or_above(self, rank: int) -> tuple[Ranked, ...]:
        return tuple(e for e in self.entries if e.rank is not None and e.rank <= rank)


def rank(
    entries: Sequence[Entry],
    *,
    tie_rules: Sequence[TieRule] = (),
    decimals: int = 6,
) -> dict[Id | None, GroupRanking]:
    """Rank every group; groups appear in order of their first entry."""
    seen: set[Id] = set()
    groups: dict[Id | None, list[Entry]] = {}
    for e in entries:
        if e.application in seen:
            raise RankingError("duplicate_application", application=e.application)
        seen.add(e.application)
        if e.value is not None and not math.isfinite(e.value):
            raise RankingError("value_not_finite", application=e.application)
        groups.setdefault(e.group, []).append(e)
    return {g: _rank_group(g, items, tuple(tie_rules), decimals) for g, items in groups.items()}


@dataclass
class _Place:
    entries: list[Entry]
    decided_by: TieRule | None = None
    tie_remains: bool = False


def _rank_group(group: Id | None, items: list[Entry], rules: tuple[TieRule, ...], decimals: int) -> GroupRanking:
    def rounded(v: float) -> Fraction:
        return round(exact(v), decimals)

    # Each value is made exact and rounded once (Fractions are slow; 20,000 entries sorted by a key
    # recomputed per comparison took seconds).
    keyed = sorted(((rounded(e.value), e) for e in items if e.value is not None), key=lambda pair: -pair[0])
    valued = [e for _, e in keyed]  # stable, but equal values are re-ordered only by rules below
    unvalued = [e for e in items if e.value is None]
    breaks: list[TieBreak] = []
    places: list[_Place] = []
    i = 0
    while i < len(valued):
        j = i
        while j < len(valued) and keyed[j][0] == keyed[i][0]:
            j += 1
        places.extend(_break(valued[i:j], rules, group, valued[i].value, breaks, decimals, None))
        i = j

    ranked: list[Ranked] = []
    for dense, place in enumerate(places, start=1):
        competition = len(ranked) + 1
        for e in place.entries:
            ranked.append(
                Ranked(
                    application=e.application,
                    group=group,
                    value=e.value,
                    rank=competition,
                    dense_rank=dense,
                    position=len(ranked) + 1,
                    tie_remains=place.tie_remains,
                    decided_by=place.decided_by,
                )
            )
    for e in unvalued:
        ranked.append(Ranked(e.application, group, None, None, None, len(ranked) + 1))
    return GroupRanking(group, tuple(ranked), tuple(breaks))


def _break(
    block: list[Entry],
    rules: tuple[TieRule, ...],
    group: Id | None,
    value: float | None,
    breaks: list[TieBreak],
    decimals: int,
    decided_by: TieRule | None,
) -> list[_Place]:
    if len(block) == 1:
        return [_Place(block, decided_by)]
    for n, rule in enumerate(rules):
        read = _reader(rule, decimals)
        keys = [(e, read(e)) for e in block]
        distinct = sorted({k for _, k in keys})
        if len(distinct) == 1:
            continue
        by_key: dict[Any, list[Entry]] = {}
        for e, k in keys:
            by_key.setdefault(k, []).append(e)
        parts = [by_key[d] for d in distinct]
        breaks.append(
            TieBreak(
                group=group,
                value=value,
                outcome=TieOutcome.DECIDED,
                tied=tuple(e.application for e in block),
                rule=rule,
                compared=tuple((e.application, _shown(rule, e)) for e in block),
                order=tuple(tuple(e.application for e in part) for part in parts),
            )
        )
        places: list[_Place] = []
        for part in parts:
            places.extend(_break(part, rules[n + 1 :], group, value, breaks, decimals, rule))
        return places
    breaks.append(
        TieBreak(
            group=group,
            value=value,
            outcome=TieOutcome.TIE_REMAINS,
            tied=tuple(e.application for e in block),
            rule=None,
            order=(tuple(e.application for e in block),),
            rules_tried=rules,
        )
    )
    return [_Place(block, decided_by, tie_remains=True)]


def _reader(rule: TieRule, decimals: int) -> Callable[[Entry], tuple[int, Any]]:
    """A sort key for the rule, smaller is better; a missing value sorts after every present one."""
    if rule.kind == TieRuleKind.MORE_REVIEWS:
        return lambda e: (0, -e.n_reviews)
    if rule.kind == TieRuleKind.EARLIER_SUBMISSION:

        def earlier(e: Entry) -> tuple[int, Any]:
            t = e.submitted_at
            # Aware datetimes compare across time zones; the models store only aware ones.
            return (1, 0) if t is None else (0, t)

        return earlier

    def criterion(e: Entry) -> tuple[int, Any]:
        assert rule.criterion is not None
        v = e.criterion_means.get(rule.criterion)
        return (1, 0) if v is None else (0, -round(exact(v), decimals))

    return criterion


def _shown(rule: TieRule, e: Entry) -> Compared:
    if rule.kind == TieRuleKind.MORE_REVIEWS:
        return e.n_reviews
    if rule.kind == TieRuleKind.EARLIER_SUBMISSION:
        return e.submitted_at
    assert rule.criterion is not None
    return e.criterion_means.get(rule.criterion)
