"""The selection problem as indexed arrays, dominance fixing, and the CP-SAT model (no Django).

Objective weights (ADR 0010): within a group, candidates are ordered by (rank, position,
input order) and the k-th of n gets ``(n - k) * SCALE // n``.  The weights are strictly
decreasing in that order, so an optimal selection never keeps an application while a
better-ordered one of the same group could take its place without breaking a rule (the swap
would raise the objective).  Normalising by n puts groups of different sizes on one scale
(the best of every group weighs SCALE), so rules that join groups (exclusivity, caps, the
total budget) compare applications by their relative standing in their own groups.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from shenbao.awards.algorithms.selection_types import (
    AwardAmount,
    CapKind,
    ExclusivityKey,
    Id,
    RuleKind,
    SelectionInputError,
    SelectionProblem,
)

SCALE = 1_000_000


@dataclass
class Indexed:
    """The problem in index form; ``order[g]`` lists a group's candidates best first."""

    problem: SelectionProblem
    groups: list[Id]
    group_of: list[int]
    order: list[list[int]]
    weight: list[int]
    amount: list[int]
    lower: list[int]
    upper: list[int | None]
    budget: list[int | None]
    excluded: list[bool]
    pinned: list[bool]
    cap_keys: list[list[tuple[str, ...]]]  # per cap, per candidate: the key values it counts under
    excl_keys: list[list[tuple[str, ...]]]  # per exclusivity rule, per candidate
    tier_ok: list[list[bool]]  # per candidate, per tier
    # directions (where caps, exclusivity and direction rules apply): the group unless a
    # candidate names its direction inside a call-wide pool
    directions: list[Id] = field(default_factory=list)
    direction_of: list[int] = field(default_factory=list)
    dir_lower: list[int] = field(default_factory=list)  # direction rules (call-wide pool only)
    dir_upper: list[int | None] = field(default_factory=list)
    dir_budget: list[int | None] = field(default_factory=list)

    pinned_keys: list[dict[str, int]] = field(default_factory=list)  # per cap: pinned applications per key

    def cap_limit(self, c: int, key: str) -> int:
        """A cap's limit for one key value; an in-principle cap yields to its pins."""
        cap = self.problem.caps[c]
        if not cap.in_principle:
            return cap.max
        return max(cap.max, self.pinned_keys[c].get(key, 0))


def index(problem: SelectionProblem) -> Indexed:
    cands = problem.candidates
    groups: list[Id] = [g.group for g in problem.groups]
    gpos = {g: i for i, g in enumerate(groups)}
    if len(gpos) != len(groups):
        raise SelectionInputError("duplicate_group")
    seen: set[Id] = set()
    group_of: list[int] = []
    for c in cands:
        if c.application in seen:
            raise SelectionInputError("duplicate_application", application=c.application)
        seen.add(c.application)
        if c.group not in gpos:  # groups without rules still need a slot
            gpos[c.group] = len(groups)
            groups.append(c.group)
        if c.rank < 1 or c.requested_yuan < 0:
            raise SelectionInputError("candidate_numbers", application=c.application)
        group_of.append(gpos[c.group])
    for ref in (*problem.pins, *problem.excludes):
        if ref not in seen:
            raise SelectionInputError("unknown_application", application=ref)
    if problem.award_amount == AwardAmount.FIXED and problem.fixed_amount_yuan is None:
        raise SelectionInputError("fixed_amount_missing")
    budgets = [g.budget_yuan for g in problem.groups] + [problem.total_budget_yuan, problem.fixed_amount_yuan]
    if any(b is not None and b < 0 for b in budgets):
        raise SelectionInputError("budget_negative")
    order: list[list[int]] = [[] for _ in groups]
    for i, g in enumerate(group_of):
        order[g].append(i)
    weight = [0] * len(cands)
    for members in order:
        members.sort(key=lambda i: (cands[i].rank, cands[i].position, i))
        n = len(members)
        for k, i in enumerate(members):
            weight[i] = (n - k) * SCALE // n
    if problem.award_amount == AwardAmount.REQUESTED:
        amount = [c.requested_yuan for c in cands]
    elif problem.award_amount == AwardAmount.FIXED:
        amount = [problem.fixed_amount_yuan or 0] * len(cands)
    else:
        amount = [0] * len(cands)
    rules = {g.group: g for g in problem.groups}
    lower: list[int] = []
    upper: list[int | None] = []
    budget: list[int | None] = []
    for gid in groups:
        r = rules.get(gid)
        quota = r.quota if r else None
        lower.append(quota.lower if quota else 0)
        upper.append(quota.upper if quota else None)
        budget.append(r.budget_yuan if r and problem.award_amount != AwardAmount.NONE else None)
    directions: list[Id] = list(groups)  # without call-wide pools, the directions are the groups
    dpos: dict[Id, int] = dict(gpos)
    direction_of: list[int] = []
    for c in cands:
        d = c.group if c.direction is None else c.direction
        if d not in dpos:
            dpos[d] = len(directions)
            directions.append(d)
        direction_of.append(dpos[d])
    dir_rules = {r.group: r for r in problem.direction_rules}
    if len(dir_rules) != len(problem.direction_rules):
        raise SelectionInputError("duplicate_group")
    for d in dir_rules:
        if d not in dpos:  # a direction nobody is in still gets a slot (its lower bound can fail)
            dpos[d] = len(directions)
            directions.append(d)
    dir_lower: list[int] = []
    dir_upper: list[int | None] = []
    dir_budget: list[int | None] = []
    for d in directions:
        r = dir_rules.get(d)
        dir_lower.append(r.quota.lower if r and r.quota else 0)
        dir_upper.append(r.quota.upper if r and r.quota else None)
        dir_budget.append(r.budget_yuan if r and problem.award_amount != AwardAmount.NONE else None)
        if r and r.budget_yuan is not None and r.budget_yuan < 0:
            raise SelectionInputError("budget_negative")
    cap_keys = []
    for cap in problem.caps:
        within = {dpos[g] for g in cap.groups if g in dpos} if cap.groups else None
        per: list[tuple[str, ...]] = []
        for i, c in enumerate(cands):
            if within is not None and direction_of[i] not in within:
                per.append(())
            elif cap.kind == CapKind.PARTNER_COUNTRY:
                per.append(tuple(sorted(c.partner_countries)))
            else:
                per.append((c.institution,) if c.institution else ())
        cap_keys.append(per)
    excl_keys = []
    for ex in problem.exclusivity:
        within = {dpos[g] for g in ex.groups if g in dpos}
        per = []
        for i, c in enumerate(cands):
            if direction_of[i] not in within:
                per.append(())
            elif ex.key == ExclusivityKey.PARTNER_COUNTRY:
                keys = c.partner_countries & ex.countries if ex.countries else c.partner_countries
                per.append(tuple(sorted(keys)))
            else:
                value = c.applicant if ex.key == ExclusivityKey.APPLICANT else c.institution
                per.append((value,) if value else ())
        excl_keys.append(per)
    tier_codes = [t.code for t in problem.tiers]
    tier_ok = [[c.tiers is None or t in c.tiers for t in tier_codes] for c in cands]
    pinned = [c.application in problem.pins for c in cands]
    pinned_keys: list[dict[str, int]] = []
    for per_cap in cap_keys:
        counts: dict[str, int] = defaultdict(int)
        for i, held in enumerate(per_cap):
            if pinned[i]:
                for value in held:
                    counts[value] += 1
        pinned_keys.append(dict(counts))
    return Indexed(
        problem=problem,
        groups=groups,
        group_of=group_of,
        order=order,
        weight=weight,
        amount=amount,
        lower=lower,
        upper=upper,
        budget=budget,
        excluded=[c.application in problem.excludes for c in cands],
        pinned=pinned,
        cap_keys=cap_keys,
        excl_keys=excl_keys,
        tier_ok=tier_ok,
        directions=directions,
        direction_of=direction_of,
        dir_lower=dir_lower,
        dir_upper=dir_upper,
        dir_budget=dir_budget,
        pinned_keys=pinned_keys,
    )


def dominated(ix: Indexed) -> set[int]:
    """Candidates that no optimal selection contains (exact; ADR 0010).

    In a group of at most u awards, candidate i is dominated when u better-ordered,
    non-excluded candidates of the group each cost no more than i and count under no
    cap or exclusivity key that i does not (same keys, or none).  If i were selected, one
    of them would be free (i holds one of the u places) and swapping it in keeps every rule
    and raises the objective.

    Second test, for caps whose keys are many (an institution cap over the whole call):
    the dominators may hold other cap keys, but then a swap is blocked where such a key is
    full.  A cap of m within groups allowing U awards in all has at most U // m full keys,
    and those block at most the B candidates of the group that hold the most-held keys; so
    u + B better, cheaper candidates with no exclusivity key (nor key of a cap left in the
    signature) that i lacks suffice.  Each test
    is a statement about every optimal selection, so their union is exact.  Not used with
    prize tiers, nor in a call-wide pool of several directions (a swap across directions could
    break a direction's rule or an exclusivity).
    """
    if ix.problem.tiers or any(c.direction is not None for c in ix.problem.candidates):
        return set()
    n_cap = len(ix.cap_keys)
    full_keys = _full_keys_per_cap(ix)
    out: set[int] = set()
    for g, members in enumerate(ix.order):
        u = ix.upper[g]
        if u is None:
            continue
        sig = {i: tuple(k[i] for k in ix.cap_keys) + tuple(k[i] for k in ix.excl_keys) for i in members}
        out.update(_dominated_by_signature(ix, members, sig, u))
        if n_cap and full_keys is not None:
            # a cap whose blocking budget is small goes to the count, the others stay in the signature
            blocked, in_sig = 0, []
            for c, f in enumerate(full_keys):
                held: dict[str, int] = defaultdict(int)
                for i in members:
                    if not ix.excluded[i]:
                        for k in ix.cap_keys[c][i]:
                            held[k] += 1
                b = sum(sorted(held.values(), reverse=True)[:f])
                if b <= len(members) // 4:
                    blocked += b
                else:
                    in_sig.append(c)
            if blocked:
                mixed = {i: tuple(sig[i][c] for c in in_sig) + sig[i][n_cap:] for i in members}
                out.update(_dominated_by_signature(ix, members, mixed, u + blocked))
    return out


def _full_keys_per_cap(ix: Indexed) -> list[int] | None:
    """How many key values each cap can have full at once (None when a group has no upper bound)."""
    out = []
    for cap in ix.problem.caps:
        within = [g for g, gid in enumerate(ix.groups) if not cap.groups or gid in cap.groups]
        uppers = [ix.upper[g] for g in within]
        if cap.max == 0 or any(v is None for v in uppers):
            return None  # with a cap of 0 every key is full
        out.append(sum(v or 0 for v in uppers) // cap.max)
    return out


def _dominated_by_signature(ix: Indexed, members: list[int], sig: dict[int, tuple[tuple[str, ...], ...]], u: int) -> list[int]:
    width = len(next(iter(sig.values()))) if sig else 0
    empty: tuple[tuple[str, ...], ...] = tuple(() for _ in range(width))
    by_sig: dict[tuple[tuple[str, ...], ...], list[int]] = defaultdict(list)
    for i in members:
        by_sig[sig[i]].append(i)
    free = by_sig.get(empty, [])
    merge = len(by_sig) * len(free) <= 2_000_000
    place = {i: k for k, i in enumerate(members)}
    found: list[int] = []
    for s, own in by_sig.items():
        stream = own if s == empty or not merge else heapq.merge(own, free, key=place.__getitem__)
        found.extend(_dominated_in_stream(ix, stream, s, sig, u))
    return found


def _dominated_in_stream(
    ix: Indexed, stream: Iterable[int], s: tuple[tuple[str, ...], ...], sig: dict[int, tuple[tuple[str, ...], ...]], u: int
) -> list[int]:
    heap: list[int] = []  # the u smallest amounts seen so far, negated (a max-heap)
    found = []
    for i in stream:
        a = ix.amount[i]
        if sig[i] == s and not ix.pinned[i] and not ix.excluded[i] and len(heap) >= u and (u == 0 or -heap[0] <= a):
            found.append(i)
        if ix.excluded[i] or u == 0:
            continue
        if len(heap) < u:
            heapq.heappush(heap, -a)
        elif -heap[0] > a:
            heapq.heapreplace(heap, -a)
    return found


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[int, cp_model.IntVar]  # candidate → selected (only candidates not fixed to 0)
    xt: dict[tuple[int, int], cp_model.IntVar]  # (candidate, tier) → placed in that tier
    rule_literals: dict[int, tuple[RuleKind, Id | None, str | None, int | None]]  # literal index → rule (diagnosis)
    assumptions: list[cp_model.IntVar]


def build(ix: Indexed, fixed_zero: set[int], *, diagnose: bool = False) -> Built:
    """The CP-SAT model.  With ``diagnose`` every rule is guarded by an assumption literal."""
    m = cp_model.CpModel()
    p = ix.problem
    active = [i for i in range(len(ix.weight)) if not ix.excluded[i] and i not in fixed_zero]
    x = {i: m.new_bool_var(f"x{i}") for i in active}
    xt: dict[tuple[int, int], cp_model.IntVar] = {}
    rule_literals: dict[int, tuple[RuleKind, Id | None, str | None, int | None]] = {}
    assumptions: list[cp_model.IntVar] = []

    def guard(ct: cp_model.Constraint, kind: RuleKind, group: Id | None, key: str | None, limit: int | None) -> None:
        if diagnose:
            lit = m.new_bool_var(f"r{len(assumptions)}")
            ct.only_enforce_if(lit)
            rule_literals[lit.index] = (kind, group, key, limit)
            assumptions.append(lit)

    by_group: list[list[int]] = [[i for i in members if i in x] for members in ix.order]
    for g, members in enumerate(by_group):
        xs = [x[i] for i in members]
        if ix.lower[g] > 0:
            guard(m.add(cp_model.LinearExpr.sum(xs) >= ix.lower[g]), RuleKind.QUOTA_LOWER, ix.groups[g], None, ix.lower[g])
        u = ix.upper[g]
        if u is not None and len(xs) > u:
            guard(m.add(cp_model.LinearExpr.sum(xs) <= u), RuleKind.QUOTA_UPPER, ix.groups[g], None, u)
        b = ix.budget[g]
        if b is not None and sum(ix.amount[i] for i in members) > b:
            expr = cp_model.LinearExpr.weighted_sum(xs, [ix.amount[i] for i in members])
            guard(m.add(expr <= b), RuleKind.GROUP_BUDGET, ix.groups[g], None, b)
    by_direction: list[list[int]] = [[] for _ in ix.directions] if p.direction_rules else []
    for i in sorted(x) if p.direction_rules else ():
        by_direction[ix.direction_of[i]].append(i)
    for d, members in enumerate(by_direction):
        xs = [x[i] for i in members]
        did = ix.directions[d]
        if ix.dir_lower[d] > 0:
            guard(m.add(cp_model.LinearExpr.sum(xs) >= ix.dir_lower[d]), RuleKind.QUOTA_LOWER, did, None, ix.dir_lower[d])
        du = ix.dir_upper[d]
        if du is not None and len(xs) > du:
            guard(m.add(cp_model.LinearExpr.sum(xs) <= du), RuleKind.QUOTA_UPPER, did, None, du)
        db = ix.dir_budget[d]
        if db is not None and sum(ix.amount[i] for i in members) > db:
            expr = cp_model.LinearExpr.weighted_sum(xs, [ix.amount[i] for i in members])
            guard(m.add(expr <= db), RuleKind.GROUP_BUDGET, did, None, db)
    total = p.total_budget_yuan
    if total is not None and p.award_amount != AwardAmount.NONE and sum(ix.amount[i] for i in x) > total:
        expr = cp_model.LinearExpr.weighted_sum(list(x.values()), [ix.amount[i] for i in x])
        guard(m.add(expr <= total), RuleKind.TOTAL_BUDGET, None, None, total)
    for c, cap in enumerate(p.caps):
        holders: dict[str, list[int]] = defaultdict(list)
        for i in x:
            for k in ix.cap_keys[c][i]:
                holders[k].append(i)
        for k in sorted(holders):
            limit = ix.cap_limit(c, k) if cap.in_principle else cap.max
            if len(holders[k]) > limit:
                ct = m.add(cp_model.LinearExpr.sum([x[i] for i in holders[k]]) <= limit)
                guard(ct, RuleKind.CAP, None, k, limit)
    for e in range(len(p.exclusivity)):
        per_key: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i in x:
            for k in ix.excl_keys[e][i]:
                per_key[k][ix.direction_of[i]].append(i)
        for k in sorted(per_key):
            by_g = per_key[k]
            if len(by_g) < 2:
                continue
            ys = []
            for g in sorted(by_g):
                y = m.new_bool_var(f"y{e}_{k}_{g}")
                for i in by_g[g]:
                    m.add_implication(x[i], y)
                ys.append(y)
            guard(m.add_at_most_one(ys), RuleKind.EXCLUSIVITY, None, k, 1)
    if p.tiers:
        for i in x:
            parts = []
            for t in range(len(p.tiers)):
                if ix.tier_ok[i][t]:
                    xt[i, t] = m.new_bool_var(f"t{i}_{t}")
                    parts.append(xt[i, t])
            m.add(cp_model.LinearExpr.sum(parts) == x[i])
        for members in by_group:
            for t, tier in enumerate(p.tiers):
                placed = [xt[i, t] for i in members if (i, t) in xt]
                if tier.count is not None and len(placed) > tier.count:
                    m.add(cp_model.LinearExpr.sum(placed) <= tier.count)
    for i in x:
        if ix.pinned[i]:
            if diagnose:
                rule_literals[x[i].index] = (RuleKind.PIN, ix.groups[ix.group_of[i]], None, None)
                assumptions.append(x[i])
            else:
                m.add(x[i] == 1)
    if p.tiers:
        n_t = len(p.tiers)
        keys = sorted(xt)
        # a better tier is worth more: (n_t - t) times the candidate's weight
        m.maximize(cp_model.LinearExpr.weighted_sum([xt[k] for k in keys], [ix.weight[k[0]] * (n_t - k[1]) for k in keys]))
    else:
        m.maximize(cp_model.LinearExpr.weighted_sum(list(x.values()), [ix.weight[i] for i in x]))
    if diagnose:
        m.add_assumptions(assumptions)
    return Built(model=m, x=x, xt=xt, rule_literals=rule_literals, assumptions=assumptions)


def solver(max_deterministic_time: float, seed: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1  # a single search thread is deterministic
    s.parameters.random_seed = seed
    s.parameters.max_deterministic_time = max_deterministic_time  # not wall time: same input, same stop
    return s
