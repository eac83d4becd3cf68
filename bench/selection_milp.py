"""The selection model written independently as a MILP for HiGHS (scipy.optimize.milp).

Used by bench/selection.py and tests/awards as a second solver on the same problem: it
reads the problem's plain data itself (quotas, budgets, caps, exclusivity, pins, excludes,
the published weights) and shares no model code with the CP-SAT path.  No prize tiers.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from shenbao.awards.algorithms.selection_types import AwardAmount, CapKind, ExclusivityKey, SelectionProblem


def milp_optimum(problem: SelectionProblem, weights: tuple[int, ...]) -> tuple[float | None, set[int]]:
    """(optimal objective or None when infeasible, selected candidate indices)."""
    cands = problem.candidates
    n = len(cands)
    if problem.award_amount == AwardAmount.REQUESTED:
        amount = np.array([c.requested_yuan for c in cands], dtype=float)
    elif problem.award_amount == AwardAmount.FIXED:
        amount = np.full(n, float(problem.fixed_amount_yuan or 0))
    else:
        amount = np.zeros(n)
    rows: list[tuple[list[int], list[float], float, float]] = []
    members: dict[object, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        members[c.group].append(i)
    for r in problem.groups:
        idx = members.get(r.group, [])
        if r.quota is not None and not idx:
            if r.quota.lower > 0:
                return None, set()
            continue
        if r.quota is not None:
            hi = r.quota.upper
            rows.append((idx, [1.0] * len(idx), float(r.quota.lower), float(hi) if hi is not None else np.inf))
        if r.budget_yuan is not None and problem.award_amount != AwardAmount.NONE:
            rows.append((idx, [float(amount[i]) for i in idx], -np.inf, float(r.budget_yuan)))
    if problem.total_budget_yuan is not None and problem.award_amount != AwardAmount.NONE:
        rows.append((list(range(n)), list(amount), -np.inf, float(problem.total_budget_yuan)))
    for cap in problem.caps:
        holders: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(cands):
            if cap.groups and c.group not in cap.groups:
                continue
            keys = c.partner_countries if cap.kind == CapKind.PARTNER_COUNTRY else {c.institution} - {None}
            for k in keys:
                holders[str(k)].append(i)
        for idx in holders.values():
            pinned = sum(1 for i in idx if cands[i].application in problem.pins)
            limit = max(cap.max, pinned) if cap.in_principle else cap.max
            rows.append((idx, [1.0] * len(idx), -np.inf, float(limit)))
    n_y = 0
    y_rows: list[tuple[list[int], list[float], float, float]] = []
    for ex in problem.exclusivity:
        per: dict[str, dict[object, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, c in enumerate(cands):
            if c.group not in ex.groups:
                continue
            if ex.key == ExclusivityKey.PARTNER_COUNTRY:
                keys = set(c.partner_countries & ex.countries if ex.countries else c.partner_countries)
            else:
                v = c.applicant if ex.key == ExclusivityKey.APPLICANT else c.institution
                keys = {v} if v else set()
            for k in keys:
                per[str(k)][c.group].append(i)
        for by_g in per.values():
            ys = []
            for idx in by_g.values():
                y = n + n_y
                n_y += 1
                ys.append(y)
                for i in idx:  # x_i <= y
                    y_rows.append(([i, y], [1.0, -1.0], -np.inf, 0.0))
            y_rows.append((ys, [1.0] * len(ys), -np.inf, 1.0))
    total_vars = n + n_y
    lo = np.zeros(total_vars)
    hi = np.ones(total_vars)
    for i, c in enumerate(cands):
        if c.application in problem.excludes:
            hi[i] = 0
        if c.application in problem.pins:
            lo[i] = 1
    all_rows = rows + y_rows
    data, ri, ci, lb, ub = [], [], [], [], []
    for r, (idx, coef, a, b) in enumerate(all_rows):
        ri.extend([r] * len(idx))
        ci.extend(idx)
        data.extend(coef)
        lb.append(a)
        ub.append(b)
    c_obj = np.zeros(total_vars)
    c_obj[:n] = -np.asarray(weights, dtype=float)
    constraints = []
    if all_rows:
        mat = coo_matrix((data, (ri, ci)), shape=(len(all_rows), total_vars)).tocsr()
        constraints.append(LinearConstraint(mat, np.array(lb), np.array(ub)))
    if np.any(lo > hi):
        return None, set()
    res = milp(c_obj, constraints=constraints, integrality=np.ones(total_vars), bounds=Bounds(lo, hi))
    if res.status != 0 or res.x is None:
        return None, set()
    chosen = {i for i in range(n) if res.x[i] > 0.5}
    return float(round(-res.fun)), chosen
