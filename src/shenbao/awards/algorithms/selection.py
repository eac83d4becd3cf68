"""Choose awards under a call's selection rules, exactly, with a reason for every application.

``select_awards(problem)`` maximises the rank-derived merit (``selection_model``) subject to
per-group quotas (exact / at most / about ± tolerance / range / at least), group and total
budgets with requested or fixed amounts, caps per partner country or institution,
exclusivity across groups, prize tiers with counts, pins and excludes.  The model is solved by
CP-SAT with one worker, a fixed seed and a deterministic time budget, so the same input gives
the same output.  Rule sets that cannot hold are reported as ``RuleConflict`` codes naming the
group and the rule (pins checked first, then a minimal core from the solver); nothing is
relaxed.  Pure: no Django, plain data in and out.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from shenbao.awards.algorithms.selection_explain import explain
from shenbao.awards.algorithms.selection_model import Indexed, build, dominated, index, solver
from shenbao.awards.algorithms.selection_types import (
    ConflictCode,
    Id,
    RuleConflict,
    Selection,
    SelectionProblem,
    SolverOptions,
    SolveStats,
    SolveStatus,
)

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
}


def select_awards(problem: SelectionProblem, options: SolverOptions | None = None) -> Selection:
    opts = options or SolverOptions()
    t0 = time.perf_counter()
    ix = index(problem)
    conflicts = pin_conflicts(ix)
    if conflicts:
        return explain(ix, None, SolveStatus.INFEASIBLE, conflicts=tuple(conflicts), stats=None)
    fixed = dominated(ix) if opts.prune_dominated else set()
    built = build(ix, fixed)
    t1 = time.perf_counter()
    s = solver(opts.max_deterministic_time, opts.random_seed)
    code = s.solve(built.model)
    t2 = time.perf_counter()
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    stats = SolveStats(
        variables=len(built.model.proto.variables),
        fixed_by_dominance=len(fixed),
        build_seconds=round(t1 - t0, 3),
        solve_seconds=round(t2 - t1, 3),
        deterministic_time=round(s.deterministic_time, 3),
        solver_status=s.status_name(code),
    )
    if status == SolveStatus.INFEASIBLE:
        return explain(ix, None, status, conflicts=tuple(core_conflicts(ix, opts)), stats=stats)
    if status == SolveStatus.UNKNOWN:
        return explain(ix, None, status, conflicts=(), stats=stats)
    chosen = {i for i, v in built.x.items() if s.boolean_value(v)}
    tier_of = {i: t for (i, t), v in built.xt.items() if s.boolean_value(v)}
    return explain(
        ix,
        (chosen, tier_of, round(s.objective_value), round(s.best_objective_bound)),
        status,
        conflicts=(),
        stats=stats,
    )


def pin_conflicts(ix: Indexed) -> list[RuleConflict]:
    """Rules that the pins alone (or the available applications) cannot satisfy."""
    p = ix.problem
    apps = [c.application for c in p.candidates]
    out: list[RuleConflict] = []
    pinned = [i for i, v in enumerate(ix.pinned) if v]
    for i in pinned:
        if ix.excluded[i]:
            out.append(RuleConflict(ConflictCode.PIN_EXCLUDED, group=ix.groups[ix.group_of[i]], application=apps[i]))
    per_group: dict[int, list[int]] = defaultdict(list)
    for i in pinned:
        per_group[ix.group_of[i]].append(i)
    for g, gid in enumerate(ix.groups):
        mine = per_group.get(g, [])
        u, b = ix.upper[g], ix.budget[g]
        if u is not None and len(mine) > u:
            out.append(RuleConflict(ConflictCode.QUOTA_BELOW_PINS, group=gid, needed=len(mine), limit=u, others=_ids(apps, mine)))
        spent = sum(ix.amount[i] for i in mine)
        if b is not None and spent > b:
            out.append(RuleConflict(ConflictCode.BUDGET_BELOW_PINS, group=gid, needed=spent, limit=b, others=_ids(apps, mine)))
        available = sum(1 for i in ix.order[g] if not ix.excluded[i])
        if available < ix.lower[g]:
            out.append(RuleConflict(ConflictCode.QUOTA_UNREACHABLE, group=gid, needed=ix.lower[g], limit=available))
        if p.tiers:
            bad = [i for i in mine if not any(ix.tier_ok[i])]
            if bad:
                out.append(RuleConflict(ConflictCode.TIERS_BELOW_PINS, group=gid, others=_ids(apps, bad)))
            if all(t.count is not None for t in p.tiers):
                room = sum(t.count or 0 for t in p.tiers)
                if len(mine) > room:
                    out.append(RuleConflict(ConflictCode.TIERS_BELOW_PINS, group=gid, needed=len(mine), limit=room))
    if p.direction_rules:
        per_direction: dict[int, list[int]] = defaultdict(list)
        for i in pinned:
            per_direction[ix.direction_of[i]].append(i)
        for d, did in enumerate(ix.directions):
            mine = per_direction.get(d, [])
            du, db = ix.dir_upper[d], ix.dir_budget[d]
            if du is not None and len(mine) > du:
                out.append(
                    RuleConflict(ConflictCode.QUOTA_BELOW_PINS, group=did, needed=len(mine), limit=du, others=_ids(apps, mine))
                )
            spent = sum(ix.amount[i] for i in mine)
            if db is not None and spent > db:
                out.append(
                    RuleConflict(ConflictCode.BUDGET_BELOW_PINS, group=did, needed=spent, limit=db, others=_ids(apps, mine))
                )
            available = sum(1 for i, dd in enumerate(ix.direction_of) if dd == d and not ix.excluded[i])
            if available < ix.dir_lower[d]:
                out.append(RuleConflict(ConflictCode.QUOTA_UNREACHABLE, group=did, needed=ix.dir_lower[d], limit=available))
    total = p.total_budget_yuan
    spent_all = sum(ix.amount[i] for i in pinned)
    if total is not None and spent_all > total:
        out.append(RuleConflict(ConflictCode.TOTAL_BUDGET_BELOW_PINS, needed=spent_all, limit=total, others=_ids(apps, pinned)))
    for c, cap in enumerate(p.caps):
        if cap.in_principle:
            continue  # pins over an in-principle cap are staff departing from it
        counts: dict[str, list[int]] = defaultdict(list)
        for i in pinned:
            for k in ix.cap_keys[c][i]:
                counts[k].append(i)
        for k in sorted(counts):
            if len(counts[k]) > cap.max:
                out.append(
                    RuleConflict(
                        ConflictCode.CAP_BELOW_PINS, key=k, needed=len(counts[k]), limit=cap.max, others=_ids(apps, counts[k])
                    )
                )
    for e in range(len(p.exclusivity)):
        where: dict[str, list[int]] = defaultdict(list)
        for i in pinned:
            for k in ix.excl_keys[e][i]:
                where[k].append(i)
        for k in sorted(where):
            if len(Counter(ix.direction_of[i] for i in where[k])) > 1:
                out.append(RuleConflict(ConflictCode.EXCLUSIVITY_PINS, key=k, others=_ids(apps, where[k])))
    return out


def core_conflicts(ix: Indexed, opts: SolverOptions) -> list[RuleConflict]:
    """A set of rules that cannot hold together, from CP-SAT's assumption core."""
    built = build(ix, set(), diagnose=True)
    s = solver(opts.max_deterministic_time, opts.random_seed)
    code = s.solve(built.model)
    if code != cp_model.INFEASIBLE:
        return [RuleConflict(ConflictCode.RULE_IN_CONFLICT)]
    core = sorted(s.sufficient_assumptions_for_infeasibility())
    # deletion-based minimisation: drop every rule the conflict does not need
    by_index = {v.index: v for v in built.assumptions}
    for lit in list(core):
        trial = [k for k in core if k != lit]
        built.model.clear_assumptions()
        built.model.add_assumptions([by_index[k] for k in trial])
        if solver(opts.max_deterministic_time, opts.random_seed).solve(built.model) == cp_model.INFEASIBLE:
            core = trial
    out = []
    apps = [c.application for c in ix.problem.candidates]
    pin_of = {v.index: i for i, v in built.x.items()}
    for lit in core:
        kind, group, key, limit = built.rule_literals[lit]
        application: Id | None = apps[pin_of[lit]] if lit in pin_of else None
        out.append(
            RuleConflict(ConflictCode.RULE_IN_CONFLICT, group=group, rule=kind, key=key, limit=limit, application=application)
        )
    return out


def _ids(apps: list[Id], idx: list[int]) -> tuple[Id, ...]:
    return tuple(apps[i] for i in idx)
