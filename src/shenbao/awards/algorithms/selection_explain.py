"""Reasons for every application and the reserve lists, recomputed from the final selection.

A non-selected application's reasons are every rule that adding it to the selection would
break.  At a proven optimum at least one always applies: the weights are positive, so an
application that no rule blocks would have been added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from shenbao.awards.algorithms.selection_model import Indexed
from shenbao.awards.algorithms.selection_types import (
    Explanation,
    Id,
    Quota,
    QuotaKind,
    Reason,
    ReasonCode,
    RuleConflict,
    Selection,
    Shortfall,
    ShortfallCause,
    SolveStats,
    SolveStatus,
)

Solved = tuple[set[int], dict[int, int], int, int]  # chosen, tier of chosen, objective, bound


def explain(
    ix: Indexed, solved: Solved | None, status: SolveStatus, *, conflicts: tuple[RuleConflict, ...], stats: SolveStats | None
) -> Selection:
    p = ix.problem
    cands = p.candidates
    if solved is None:
        # no solution: the rules conflict, or the time budget ended before any was found
        blanket = ReasonCode.INFEASIBLE if status == SolveStatus.INFEASIBLE else ReasonCode.NOT_PROVEN
        exps = tuple(
            Explanation(
                application=c.application,
                group=c.group,
                rank=c.rank,
                selected=False,
                amount_yuan=ix.amount[i],
                reasons=(Reason(ReasonCode.EXCLUDED if ix.excluded[i] else blanket, group=c.group, rank=c.rank),),
            )
            for i, c in enumerate(cands)
        )
        return Selection(status, False, 0, 0, (), (), exps, conflicts, stats, tuple(ix.weight))
    chosen, tier_of, objective, bound = solved
    proven = status == SolveStatus.OPTIMAL
    n_groups = len(ix.groups)
    count = [0] * n_groups
    spent = [0] * n_groups
    tier_count: dict[tuple[int, int], int] = defaultdict(int)
    for i in chosen:
        g = ix.group_of[i]
        count[g] += 1
        spent[g] += ix.amount[i]
        if i in tier_of:
            tier_count[g, tier_of[i]] += 1
    spent_all = sum(spent)
    dir_count = [0] * len(ix.directions)
    dir_spent = [0] * len(ix.directions)
    for i in chosen:
        dir_count[ix.direction_of[i]] += 1
        dir_spent[ix.direction_of[i]] += ix.amount[i]
    places = tuple((t.code, t.count) for t in p.tiers)
    cap_holders: list[dict[str, list[int]]] = []
    for keys in ix.cap_keys:
        h: dict[str, list[int]] = defaultdict(list)
        for i in sorted(chosen, key=_place(ix)):
            for k in keys[i]:
                h[k].append(i)
        cap_holders.append(h)
    excl_holders: list[dict[str, list[int]]] = []
    for keys in ix.excl_keys:
        h = defaultdict(list)
        for i in sorted(chosen, key=_place(ix)):
            for k in keys[i]:
                h[k].append(i)
        excl_holders.append(h)
    ranks_chosen: dict[int, set[int]] = defaultdict(set)
    ranks_left: dict[int, set[int]] = defaultdict(set)
    for i, c in enumerate(cands):
        if not ix.excluded[i]:
            (ranks_chosen if i in chosen else ranks_left)[ix.group_of[i]].add(c.rank)

    reserve: list[tuple[Id, tuple[Id, ...]]] = []
    reserve_pos: dict[int, int] = {}
    for g, members in enumerate(ix.order):
        if not members:
            continue
        b = ix.budget[g]
        listed = [
            i
            for i in members
            if i not in chosen
            and not ix.excluded[i]
            and (b is None or ix.amount[i] <= b)
            and (ix.dir_budget[ix.direction_of[i]] is None or ix.amount[i] <= (ix.dir_budget[ix.direction_of[i]] or 0))
            and (p.total_budget_yuan is None or ix.amount[i] <= p.total_budget_yuan)
            and (not p.tiers or any(ix.tier_ok[i]))
        ]
        if p.reserve_size is not None:
            listed = listed[: p.reserve_size]
        for place, i in enumerate(listed, start=1):
            reserve_pos[i] = place
        reserve.append((ix.groups[g], tuple(cands[i].application for i in listed)))

    apps = [c.application for c in cands]
    out: list[Explanation] = []
    for i, c in enumerate(cands):
        g = ix.group_of[i]
        gid = ix.groups[g]
        u = ix.upper[g]
        reasons: list[Reason] = []
        tier_code = None
        if i in chosen:
            t = tier_of.get(i)
            tier_code = p.tiers[t].code if t is not None else None
            reasons.append(
                Reason(
                    ReasonCode.SELECTED,
                    group=gid,
                    rank=c.rank,
                    quota=u,
                    count=count[g],
                    tier=tier_code,
                    limit=p.tiers[t].count if t is not None else None,
                    tier_places=places,
                )
            )
            if ix.pinned[i]:
                reasons.append(Reason(ReasonCode.PINNED, group=gid, rank=c.rank))
            if c.rank in ranks_left[g]:
                reasons.append(Reason(ReasonCode.TIE_BROKEN_BY_POSITION, group=gid, rank=c.rank))
        elif ix.excluded[i]:
            reasons.append(Reason(ReasonCode.EXCLUDED, group=gid, rank=c.rank))
        else:
            a = ix.amount[i]
            if u is not None and count[g] >= u:
                reasons.append(Reason(ReasonCode.QUOTA_FULL, group=gid, rank=c.rank, quota=u, count=count[g]))
            b = ix.budget[g]
            if b is not None and spent[g] + a > b:
                reasons.append(Reason(ReasonCode.GROUP_BUDGET, group=gid, rank=c.rank, left_yuan=b - spent[g], request_yuan=a))
            d = ix.direction_of[i]
            if p.direction_rules:
                did = ix.directions[d]
                du, db = ix.dir_upper[d], ix.dir_budget[d]
                if du is not None and dir_count[d] >= du:
                    reasons.append(Reason(ReasonCode.DIRECTION_QUOTA_FULL, group=did, rank=c.rank, quota=du, count=dir_count[d]))
                if db is not None and dir_spent[d] + a > db:
                    reasons.append(
                        Reason(ReasonCode.GROUP_BUDGET, group=did, rank=c.rank, left_yuan=db - dir_spent[d], request_yuan=a)
                    )
            total = p.total_budget_yuan
            if total is not None and spent_all + a > total:
                reasons.append(
                    Reason(ReasonCode.TOTAL_BUDGET, group=gid, rank=c.rank, left_yuan=total - spent_all, request_yuan=a)
                )
            for ci, (cap, keys, holders) in enumerate(zip(p.caps, ix.cap_keys, cap_holders, strict=True)):
                for k in keys[i]:
                    limit = ix.cap_limit(ci, k) if cap.in_principle else cap.max
                    if len(holders[k]) + 1 > limit:
                        others = tuple(apps[j] for j in holders[k])
                        reasons.append(Reason(ReasonCode.CAP_TAKEN, group=gid, rank=c.rank, key=k, limit=limit, others=others))
            for keys, holders in zip(ix.excl_keys, excl_holders, strict=True):
                for k in keys[i]:
                    for j in holders[k]:
                        if ix.direction_of[j] != d:
                            reasons.append(
                                Reason(
                                    ReasonCode.EXCLUSIVITY,
                                    group=gid,
                                    rank=c.rank,
                                    key=k,
                                    others=(apps[j],),
                                    other_group=ix.directions[ix.direction_of[j]],
                                )
                            )
            if p.tiers:
                open_tiers = [
                    t
                    for t, tier in enumerate(p.tiers)
                    if ix.tier_ok[i][t] and (tier.count is None or tier_count[g, t] < tier.count)
                ]
                if not any(ix.tier_ok[i]):
                    reasons.append(Reason(ReasonCode.NOT_TIER_ELIGIBLE, group=gid, rank=c.rank))
                elif not open_tiers:
                    reasons.append(Reason(ReasonCode.TIERS_FULL, group=gid, rank=c.rank, tier_places=places))
            if c.rank in ranks_chosen[g]:
                reasons.append(Reason(ReasonCode.TIE_BROKEN_BY_POSITION, group=gid, rank=c.rank))
            if not any(r.code != ReasonCode.TIE_BROKEN_BY_POSITION for r in reasons):
                reasons.append(Reason(ReasonCode.NOT_PROVEN, group=gid, rank=c.rank))
        out.append(
            Explanation(
                application=c.application,
                group=gid,
                rank=c.rank,
                selected=i in chosen,
                amount_yuan=ix.amount[i],
                tier=tier_code,
                reserve_position=reserve_pos.get(i),
                reasons=tuple(reasons),
            )
        )
    selected = tuple(apps[i] for members in ix.order for i in members if i in chosen)
    return Selection(
        status=status,
        proven_optimal=proven,
        objective=objective,
        bound=bound,
        selected=selected,
        reserve=tuple(reserve),
        explanations=tuple(out),
        conflicts=conflicts,
        stats=stats,
        weights=tuple(ix.weight),
        shortfalls=shortfalls(ix, chosen, out),
    )


# Reasons that say why a ranked application left over was not taken (not who it is).
_BLOCKING = (
    ReasonCode.GROUP_BUDGET,
    ReasonCode.TOTAL_BUDGET,
    ReasonCode.CAP_TAKEN,
    ReasonCode.EXCLUSIVITY,
    ReasonCode.TIERS_FULL,
    ReasonCode.NOT_TIER_ELIGIBLE,
    ReasonCode.NOT_PROVEN,
)


def shortfalls(ix: Indexed, chosen: set[int], explanations: list[Explanation]) -> tuple[Shortfall, ...]:
    """Every group with a quota that selected fewer than the quota's target, and why.

    In a call-wide pool the quotas are the directions' (``direction_rules``), counted by each
    candidate's direction; otherwise the groups'.  A group with no candidate is listed too."""
    p = ix.problem
    units: list[tuple[Id, Quota, list[int]]] = []
    if p.direction_rules:
        for r in p.direction_rules:
            d = ix.directions.index(r.group)
            if r.quota is not None:
                units.append((r.group, r.quota, [i for i, dd in enumerate(ix.direction_of) if dd == d]))
    for r in p.groups:
        if r.quota is not None:
            units.append((r.group, r.quota, ix.order[ix.groups.index(r.group)]))
    out = []
    for gid, quota, members in units:
        target = quota.target
        if target is None:
            continue
        picked = sum(1 for i in members if i in chosen)
        if picked >= target:
            continue
        ranked = len(members)
        available = sum(1 for i in members if not ix.excluded[i])
        causes = []
        if ranked == 0:
            causes.append(ShortfallCause.NO_APPLICATIONS)
        elif ranked < target:
            causes.append(ShortfallCause.FEWER_RANKED)
        if available < min(ranked, target):
            causes.append(ShortfallCause.EXCLUDED_BY_STAFF)
        if quota.kind == QuotaKind.ABOUT and picked >= target - quota.tolerance:
            causes.append(ShortfallCause.WITHIN_TOLERANCE)
        blocked = {
            r.code
            for i in members
            if i not in chosen and not ix.excluded[i]
            for r in explanations[i].reasons
            if r.code in _BLOCKING
        }
        if blocked:
            causes.append(ShortfallCause.BLOCKED)
        out.append(
            Shortfall(
                group=gid,
                kind=quota.kind,
                target=target,
                minimum=quota.lower,
                tolerance=quota.tolerance,
                ranked=ranked,
                available=available,
                selected=picked,
                causes=tuple(causes),
                blocked_by=tuple(c for c in _BLOCKING if c in blocked),
            )
        )
    return tuple(out)


def _place(ix: Indexed) -> Callable[[int], tuple[int, int]]:
    pos = {i: (g, k) for g, members in enumerate(ix.order) for k, i in enumerate(members)}
    return pos.__getitem__
