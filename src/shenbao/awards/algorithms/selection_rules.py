"""A selection problem from a call definition's directions and ``selection`` section (no Django).

The definition states a quota "about 10" without a number for "about": the tolerance is
the caller's (staff's) choice, per direction or one for all, and is kept in the saved run.
A budget stated "about" is used as its stated amount.  ``several_winners_per_direction:
false`` caps every direction at one award.  Only per-direction selection is supported.
"""

from __future__ import annotations

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


def problem_from_definition(
    definition: CallDefinition,
    candidates: Iterable[Candidate],
    *,
    about_tolerance: int = 0,
    about_tolerances: Mapping[str, int] | None = None,
    pins: Iterable[Id] = (),
    excludes: Iterable[Id] = (),
    reserve_size: int | None = None,
) -> SelectionProblem:
    rules = definition.selection
    if not rules.per_direction:
        raise SelectionInputError("call_wide_selection_unsupported")
    amount = AwardAmount(rules.award_amount)
    groups = []
    for d in definition.directions:
        quota = _quota(d.quota, (about_tolerances or {}).get(d.code, about_tolerance))
        if not rules.several_winners_per_direction:
            quota = _at_most_one(quota)
        budget = d.budget.total.yuan if d.budget and d.budget.total and amount != AwardAmount.NONE else None
        groups.append(GroupRules(d.code, quota=quota, budget_yuan=budget))
    total = definition.budget.total.yuan if definition.budget and definition.budget.total else None
    return SelectionProblem(
        candidates=tuple(candidates),
        groups=tuple(groups),
        total_budget_yuan=total if amount != AwardAmount.NONE else None,
        award_amount=amount,
        fixed_amount_yuan=rules.fixed_amount.yuan if rules.fixed_amount else None,
        caps=tuple(Cap(CapKind(c.kind), c.max, tuple(c.directions), c.in_principle) for c in rules.caps),
        exclusivity=tuple(
            Exclusivity(ExclusivityKey(e.key), tuple(e.directions), frozenset(e.countries)) for e in rules.exclusivity
        ),
        tiers=tuple(Tier(t.code, t.count) for t in rules.prize_tiers) if rules.mode == "prize_tiers" else (),
        pins=frozenset(pins),
        excludes=frozenset(excludes),
        reserve_size=reserve_size,
    )


def _quota(q: Quantity | None, tolerance: int) -> Quota | None:
    if q is None:
        return None
    kind = QuotaKind(q.qualifier.value)
    if kind == QuotaKind.RANGE:
        return Quota(kind, min=round(q.min or 0), max=round(q.max or 0))
    value = None if q.value is None else round(q.value)
    return Quota(kind, value, tolerance=tolerance if kind == QuotaKind.ABOUT else 0)


def _at_most_one(q: Quota | None) -> Quota:
    if q is None or q.upper is None or q.upper > 1:
        lower = min(q.lower, 1) if q else 0
        return Quota(QuotaKind.RANGE, min=lower, max=1)
    return q
