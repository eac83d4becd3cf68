"""Who advances to the next stage, and which prize tier each ranked application reaches (pure, no Django).

Input is the output of ``ranking.rank``: per group (direction, track), applications in
order with competition ranks.  Every decision carries a reason code and the numbers it
was taken on (rank, N, threshold, tier), so the staff screen and the audit log can say
why without recomputing.

A tie that straddles a boundary (the 3rd and 4th place share rank 3 and N is 3; two
applications share the last first-prize place) is never cut silently by input order.
For advancement the call chooses: leave it ``undecided`` for the committee (default),
``include_all`` or ``exclude_all``.  Prize tiers always report such a tie as a
``TierBoundaryTie`` and leave the tied applications without a tier.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shenbao.reviews.algorithms._exact import exact
from shenbao.reviews.algorithms.aggregation import Id
from shenbao.reviews.algorithms.ranking import GroupRanking, Ranked

Rankings = Mapping[Id | None, GroupRanking]


class AdvancementError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Outcome(StrEnum):
    ADVANCES = "advances"
    DOES_NOT_ADVANCE = "does_not_advance"
    UNDECIDED = "undecided"  # a committee must decide (tie at the boundary)


class Reason(StrEnum):
    WITHIN_TOP_N = "within_top_n"
    OUTSIDE_TOP_N = "outside_top_n"
    TIE_AT_TOP_N_BOUNDARY = "tie_at_top_n_boundary"
    AT_OR_ABOVE_THRESHOLD = "at_or_above_threshold"
    BELOW_THRESHOLD = "below_threshold"
    WON_TIER = "won_tier"
    NOT_IN_TIER = "not_in_tier"
    NO_PRIZE = "no_prize"
    TIE_AT_TIER_BOUNDARY = "tie_at_tier_boundary"
    NO_SCORE = "no_score"


class BoundaryTie(StrEnum):
    UNDECIDED = "undecided"
    INCLUDE_ALL = "include_all"
    EXCLUDE_ALL = "exclude_all"


@dataclass(frozen=True)
class Decision:
    application: Id
    group: Id | None
    outcome: Outcome
    reason: Reason
    rank: int | None
    value: float | None
    n: int | None = None
    threshold: float | None = None
    tier: str | None = None
    #: Set when a boundary tie was settled by the call's policy rather than left undecided.
    policy: BoundaryTie | None = None


def advance(
    rankings: Rankings,
    *,
    n: int | None = None,
    threshold: float | None = None,
    on_boundary_tie: BoundaryTie = BoundaryTie.UNDECIDED,
    decimals: int = 6,
) -> tuple[Decision, ...]:
    """Top N per group, a score threshold (value ≥ threshold), or both (top N among those at or above it).

    The threshold is compared with the value rounded to ``decimals`` places, as the
    ranking compares values, so a calibrated 79.9999999999 meets a threshold of 80.
    """
    if n is None and threshold is None:
        raise AdvancementError("advancement_needs_n_or_threshold")
    if n is not None and n < 1:
        raise AdvancementError("n_below_one", n=n)
    decisions: list[Decision] = []
    for group, ranking in rankings.items():
        sizes = _rank_sizes(ranking.entries)
        for e in ranking.entries:
            decisions.append(_decide(e, group, sizes, n, threshold, on_boundary_tie, decimals))
    return tuple(decisions)


def _rank_sizes(entries: Sequence[Ranked]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for e in entries:
        if e.rank is not None:
            sizes[e.rank] = sizes.get(e.rank, 0) + 1
    return sizes


def _decide(
    e: Ranked,
    group: Id | None,
    sizes: Mapping[int, int],
    n: int | None,
    threshold: float | None,
    policy: BoundaryTie,
    decimals: int,
) -> Decision:
    def decision(outcome: Outcome, reason: Reason, used_policy: BoundaryTie | None = None) -> Decision:
        return Decision(e.application, group, outcome, reason, e.rank, e.value, n, threshold, None, used_policy)

    if e.rank is None or e.value is None:
        return decision(Outcome.DOES_NOT_ADVANCE, Reason.NO_SCORE)
    if threshold is not None and round(exact(e.value), decimals) < exact(threshold):
        return decision(Outcome.DOES_NOT_ADVANCE, Reason.BELOW_THRESHOLD)
    if n is None:
        return decision(Outcome.ADVANCES, Reason.AT_OR_ABOVE_THRESHOLD)
    last = e.rank + sizes[e.rank] - 1  # the last place this rank's tied applications occupy
    if last <= n:
        return decision(Outcome.ADVANCES, Reason.WITHIN_TOP_N)
    if e.rank > n:
        return decision(Outcome.DOES_NOT_ADVANCE, Reason.OUTSIDE_TOP_N)
    if policy == BoundaryTie.INCLUDE_ALL:
        return decision(Outcome.ADVANCES, Reason.TIE_AT_TOP_N_BOUNDARY, policy)
    if policy == BoundaryTie.EXCLUDE_ALL:
        return decision(Outcome.DOES_NOT_ADVANCE, Reason.TIE_AT_TOP_N_BOUNDARY, policy)
    return decision(Outcome.UNDECIDED, Reason.TIE_AT_TOP_N_BOUNDARY)


@dataclass(frozen=True)
class Tier:
    """A prize tier and how many places it has (from the call; seed 001 leaves counts to the organiser)."""

    code: str
    count: int


@dataclass(frozen=True)
class TierAward:
    application: Id
    group: Id | None
    tier: str | None  # None: no prize, or undecided at a boundary (see reason)
    reason: Reason  # WON_TIER, NO_PRIZE, TIE_AT_TIER_BOUNDARY or NO_SCORE
    rank: int | None
    value: float | None
    candidate_tiers: tuple[str | None, ...] = ()  # for a boundary tie: the tiers its places span (None = no prize)


@dataclass(frozen=True)
class TierBoundaryTie:
    """Applications sharing a rank whose places fall in more than one tier.

    ``places`` says how many of their places each tier has, e.g. (("first", 1), ("second", 1))
    for two applications level on the single first-prize place.
    """

    group: Id | None
    rank: int
    applications: tuple[Id, ...]
    places: tuple[tuple[str | None, int], ...]


@dataclass(frozen=True)
class TierResult:
    group: Id | None
    awards: tuple[TierAward, ...]
    boundary_ties: tuple[TierBoundaryTie, ...]

    def holders(self, tier: str) -> tuple[Id, ...]:
        return tuple(a.application for a in self.awards if a.tier == tier)


def assign_prize_tiers(rankings: Rankings, tiers: Sequence[Tier]) -> dict[Id | None, TierResult]:
    """Fill the tiers in order (1st, then 2nd, …) with each group's ranked applications.

    The application at competition rank r takes place r; tied applications take the places
    r … r+k−1.  When those places lie in one tier, all of them win it; when they span tiers
    the tie is reported and none of them is given a tier.  Places after the last tier get
    ``no_prize``.
    """
    codes = [t.code for t in tiers]
    if len(set(codes)) != len(codes):
        raise AdvancementError("duplicate_tier")
    for t in tiers:
        if t.count < 0:
            raise AdvancementError("tier_count_negative", tier=t.code, count=t.count)
    ends = list(itertools.accumulate(t.count for t in tiers))  # the last place of each tier

    def tier_at(place: int) -> str | None:
        k = bisect.bisect_left(ends, place)
        return tiers[k].code if k < len(tiers) else None

    results: dict[Id | None, TierResult] = {}
    for group, ranking in rankings.items():
        sizes = _rank_sizes(ranking.entries)
        blocks: dict[int, list[Ranked]] = {}
        for e in ranking.entries:
            if e.rank is not None:
                blocks.setdefault(e.rank, []).append(e)
        ties: list[TierBoundaryTie] = []
        awards: list[TierAward] = []
        for e in ranking.entries:
            if e.rank is None:
                awards.append(TierAward(e.application, group, None, Reason.NO_SCORE, None, e.value))
                continue
            spanned = [tier_at(p) for p in range(e.rank, e.rank + sizes[e.rank])]
            distinct = tuple(dict.fromkeys(spanned))
            if len(distinct) == 1:
                tier = distinct[0]
                reason = Reason.WON_TIER if tier is not None else Reason.NO_PRIZE
                awards.append(TierAward(e.application, group, tier, reason, e.rank, e.value))
                continue
            awards.append(TierAward(e.application, group, None, Reason.TIE_AT_TIER_BOUNDARY, e.rank, e.value, distinct))
            if e is blocks[e.rank][0]:
                ties.append(
                    TierBoundaryTie(
                        group,
                        e.rank,
                        tuple(b.application for b in blocks[e.rank]),
                        tuple((t, spanned.count(t)) for t in distinct),
                    )
                )
        results[group] = TierResult(group, tuple(awards), tuple(ties))
    return results


def advance_by_tier(results: Mapping[Id | None, TierResult], tiers: Collection[str]) -> tuple[Decision, ...]:
    """Holders of the named tiers advance (seed 001: each track's first prizes go to the finals).

    A boundary tie whose places all lie in advancing tiers advances; one that straddles
    an advancing and a non-advancing tier is left undecided for the committee.
    """
    decisions: list[Decision] = []
    for group, result in results.items():
        for a in result.awards:
            outcome, reason = _tier_outcome(a, tiers)
            decisions.append(Decision(a.application, group, outcome, reason, a.rank, a.value, tier=a.tier))
    return tuple(decisions)


def _tier_outcome(a: TierAward, tiers: Collection[str]) -> tuple[Outcome, Reason]:
    if a.reason == Reason.NO_SCORE:
        return Outcome.DOES_NOT_ADVANCE, Reason.NO_SCORE
    if a.reason == Reason.TIE_AT_TIER_BOUNDARY:
        inside = [t is not None and t in tiers for t in a.candidate_tiers]
        if all(inside):
            return Outcome.ADVANCES, Reason.TIE_AT_TIER_BOUNDARY
        if any(inside):
            return Outcome.UNDECIDED, Reason.TIE_AT_TIER_BOUNDARY
        return Outcome.DOES_NOT_ADVANCE, Reason.NOT_IN_TIER
    if a.tier is not None and a.tier in tiers:
        return Outcome.ADVANCES, Reason.WON_TIER
    return Outcome.DOES_NOT_ADVANCE, Reason.NOT_IN_TIER
