"""A selection problem from a call definition's directions and ``selection`` section (no Django).

A direction's quota (拟支持项目数 N) is what the funder intends to support at most: it bounds
the selection from above, and a direction short of applications funds fewer (reported as a
``Shortfall``).  Only a quota the call marks as a minimum (``minimum: true``, or 不少于) is a
lower bound that can make the selection infeasible.  The definition states a quota "about 10"
without a number for "about": the tolerance is the caller's choice (the platform's default is
``selection.about_tolerance_percent``), per direction or one for all, kept in the saved run.
A budget stated "about" is used as its stated amount.  ``several_winners_per_direction:
false`` caps every direction at one award.

**Call-wide pool.**  When the last review stage ranks the whole call in one list (``call_wide``;
seed 001's national finals rank every finalist across the tracks), the selection follows that
one ranking: every candidate goes into the pool ``CALL_WIDE`` and keeps its direction in
``Candidate.direction``.  Prize tier counts then count across the call; direction quotas and
budgets become ``direction_rules`` (constraints on the directions inside the pool), and caps
and exclusivity keep naming directions.  The opposite combination, a call that selects across
directions (``selection.per_direction: false``) from a ranking made per direction, is refused
(``call_wide_selection_needs_call_wide_ranking``): ranks given by different panels are not one
order.

Prize tier counts the call leaves open (seed 001) are the committee's: ``tier_counts`` gives
them, and a tier without a count is an input error (``tier_count_missing``), never "no limit".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from shenbao.awards.algorithms.selection_types import (
    AwardAmount,
    Candidate,
    Cap,
    CapKind,
    Exclusivity,
    ExclusivityKey,
    GroupRules,
    Id,
    Quota,
    QuotaKind,
    SelectionInputError,
    SelectionProblem,
    Tier,
)
from shenbao.calls.definition.base import Quantity
from shenbao.calls.definition.schema import CallDefinition

CALL_WIDE = ""  # the group of a call-wide pool (the ranking's group when a stage is not per direction)


def problem_from_definition(
    definition: CallDefinition,
    candidates: Iterable[Candidate],
    *,
    call_wide: bool = False,
    tier_counts: Mapping[str, int] | None = None,
    about_tolerance: int = 0,
    about_tolerances: Mapping[str, int] | None = None,
    pins: Iterable[Id] = (),
    excludes: Iterable[Id] = (),
    reserve_size: int | None = None,
) -> SelectionProblem:
    rules = definition.selection
    if not rules.per_direction and not call_wide:
        raise SelectionInputError("call_wide_selection_needs_call_wide_ranking")
    amount = AwardAmount(rules.award_amount)
    directions = []
    for d in definition.directions:
        quota = _quota(d.quota, (about_tolerances or {}).get(d.code, about_tolerance))
        if not rules.several_winners_per_direction:
            quota = _at_most_one(quota)
        budget = d.budget.total.yuan if d.budget and d.budget.total and amount != AwardAmount.NONE else None
        directions.append(GroupRules(d.code, quota=quota, budget_yuan=budget))
    tiers: tuple[Tier, ...] = ()
    if rules.mode == "prize_tiers":
        given = tier_counts or {}
        missing = [t.code for t in rules.prize_tiers if t.count is None and given.get(t.code) is None]
        if missing:
            raise SelectionInputError("tier_count_missing", tiers=missing)
        tiers = tuple(Tier(t.code, t.count if t.count is not None else given[t.code]) for t in rules.prize_tiers)
    pool = list(candidates)
    groups: tuple[GroupRules, ...] = tuple(directions)
    direction_rules: tuple[GroupRules, ...] = ()
    if call_wide:
        pool = [dataclasses.replace(c, group=CALL_WIDE, direction=c.group if c.direction is None else c.direction) for c in pool]
        groups = (GroupRules(CALL_WIDE),)
        direction_rules = tuple(g for g in directions if g.quota is not None or g.budget_yuan is not None)
    total = definition.budget.total.yuan if definition.budget and definition.budget.total else None
    return SelectionProblem(
        candidates=tuple(pool),
        groups=groups,
        total_budget_yuan=total if amount != AwardAmount.NONE else None,
        award_amount=amount,
        fixed_amount_yuan=rules.fixed_amount.yuan if rules.fixed_amount else None,
        caps=tuple(Cap(CapKind(c.kind), c.max, tuple(c.directions), c.in_principle) for c in rules.caps),
        exclusivity=tuple(
            Exclusivity(ExclusivityKey(e.key), tuple(e.directions), frozenset(e.countries)) for e in rules.exclusivity
        ),
        tiers=tiers,
        direction_rules=direction_rules,
        pins=frozenset(pins),
        excludes=frozenset(excludes),
        reserve_size=reserve_size,
    )


def _quota(q: Quantity | None, tolerance: int) -> Quota | None:
    """A direction's 拟支持项目数 as the optimiser's quota: an upper bound and a target, and a lower
    bound only where the call marks the number as a minimum (``Quantity.is_minimum``)."""
    if q is None:
        return None
    kind = QuotaKind(q.qualifier.value)
    if kind == QuotaKind.RANGE:
        return Quota(kind, min=round(q.min or 0), max=round(q.max or 0), minimum=q.is_minimum)
    value = None if q.value is None else round(q.value)
    return Quota(kind, value, tolerance=tolerance if kind == QuotaKind.ABOUT else 0, minimum=q.is_minimum)


def _at_most_one(q: Quota | None) -> Quota:
    if q is None or q.upper is None or q.upper > 1:
        lower = min(q.lower, 1) if q else 0
        return Quota(QuotaKind.RANGE, min=lower, max=1, minimum=lower > 0)
    return q
