"""Fair by sums: raise the weakest application's *summed* affinity, within a loss of total affinity.

The measure FairFlow (the OpenReview matcher's fair solver) optimises: an application's strength
is the sum of its reviewers' affinities, and the weakest application should be as strong as
possible.  As in the pair measure (``fair.py``), an application is never asked for more than its
own ceiling c_a (the sum of its k best candidates, caps ignored), so one niche application does not
pin everyone: the *level* of an assignment is the largest t with s_a ≥ min(t, c_a) for every
application, that is the smallest sum among the applications below their ceiling.

Max–min over sums is an integer program, not a flow.  Its LP relaxation, relaxed once more by
Lagrange multipliers λ_a ≥ 0 on "s_a ≥ min(t, c_a)", is a min-cost flow again: each arc's gain
weighted by (1 + λ_a) of its application.  So every probe is an exact, integral flow that places
as many reviews as optimal mode, and only the multipliers are searched: bisection on the target
level t, a few subgradient steps per target (λ_a grows with the application's shortfall from
min(t, c_a)), the multipliers of the last success kept as the start of the next target.  The best
assignment whose total stays within ``max_loss`` of the optimal total is returned; optimal mode's
own assignment is the first candidate, so the level never falls below optimal's.  A heuristic with
an exact certificate of feasibility, not of optimality: ``bench/assignment.py`` reports its level
beside the LP bound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from shenbao.reviews.algorithms.candidates import IntArray
from shenbao.reviews.algorithms.flow import Network, solve_min_cost

TARGETS = 8  # bisection steps on the target level
STEPS = 8  # subgradient steps per target
STEP_SIZE = 2.0  # multiplier step per unit of relative shortfall, divided by the step number
EXCHANGES = 5_000  # local trades after the flows, at most
MAX_WEIGHT = 50.0  # 51 × 1e6 × nodes stays far inside int64 in OR-Tools' cost scaling


@dataclass(frozen=True)
class SumChoice:
    edge_flow: IntArray  # on every arc of the network
    level: int  # scaled: the weakest application's sum (below its own ceiling)
    optimal_level: int  # the same measure for optimal mode's assignment
    probes: int  # min-cost flows solved


def own_sum_ceilings(net: Network, gains: IntArray) -> IntArray:
    """Per application, the sum of gains of its best ``need`` units of arcs (caps ignored)."""
    n_left = net.n_left
    if gains.size == 0:
        return np.zeros(n_left, dtype=np.int64)
    order = np.lexsort((-gains, net.edge_left))
    left = net.edge_left[order].astype(np.int64)
    caps = net.edge_cap[order]
    cum = np.cumsum(caps)
    starts = np.searchsorted(left, np.arange(n_left))
    base = np.concatenate([[0], cum])[starts]
    before = cum - caps - base[left]  # units of better arcs of the same application
    take = np.clip(net.need[left] - before, 0, caps)
    return np.bincount(left, weights=take * gains[order], minlength=n_left).astype(np.int64)


def app_sums(net: Network, gains: IntArray, flow: IntArray) -> IntArray:
    return np.bincount(net.edge_left, weights=flow * gains, minlength=net.n_left).astype(np.int64)


def level_of(sums: IntArray, ceilings: IntArray, active: np.ndarray) -> int:
    """The largest t with sums ≥ min(t, ceilings) on every active application."""
    below = active & (sums < ceilings)
    if below.any():
        return int(sums[below].min())
    return int(ceilings[active].max()) if active.any() else 0


def fair_sum_flow(net: Network, gains: IntArray, max_loss: float | None) -> SumChoice:
    """The assignment (flow on every arc of ``net``) with the highest level found whose total gain is
    at least (1 − ``max_loss``) of the optimal total (``None``: no limit)."""
    ceilings = own_sum_ceilings(net, gains)
    active = net.need > 0
    weighted = replace(net, edge_cost=-gains)
    best = solve_min_cost(weighted).edge_flow
    optimum = int((best * gains).sum())
    budget = -np.inf if max_loss is None else (1.0 - max_loss) * optimum
    best_level = optimal_level = level_of(app_sums(net, gains, best), ceilings, active)
    lo, hi = best_level, int(ceilings[active].max()) if active.any() else 0
    weights = np.zeros(net.n_left)
    probes = 1
    for _ in range(TARGETS):
        if hi - lo <= 1:
            break
        target = (lo + hi) // 2
        want = np.minimum(target, ceilings)
        trial = weights.copy()
        flow = best
        reached = False
        for step in range(STEPS):
            sums = app_sums(net, gains, flow)
            short = np.where(active, np.maximum(want - sums, 0), 0) / max(target, 1)
            if not short.any():
                break
            trial = np.minimum(trial + STEP_SIZE * short / (1 + step), MAX_WEIGHT)
            costs = -np.rint(gains * (1.0 + trial[net.edge_left])).astype(np.int64)
            flow = solve_min_cost(replace(net, edge_cost=costs)).edge_flow
            probes += 1
            total = int((flow * gains).sum())
            level = level_of(app_sums(net, gains, flow), ceilings, active)
            if total < budget:
                break  # too much given up: this target (or these weights) costs more than allowed
            if level > best_level:
                best, best_level, weights = flow, level, trial
            if level >= target:
                reached = True
                break
        if reached or best_level >= target:
            lo = max(best_level, target)
        else:
            hi = target
    if (net.edge_cap == 1).all():  # application mode: one unit per arc, so single exchanges are well defined
        best = exchange(net, gains, best, ceilings, budget)
        best_level = level_of(app_sums(net, gains, best), ceilings, active)
    return SumChoice(edge_flow=best, level=best_level, optimal_level=optimal_level, probes=probes)


def exchange(net: Network, gains: IntArray, flow: IntArray, ceilings: IntArray, budget: float) -> IntArray:
    """FairFlow's local step, after the flows: the weakest application trades one reviewer for a
    better one, taken from spare capacity or from another application that takes the weaker one in
    return and stays above the weakest's old sum; the total stays within the budget.  Repeated while
    the weakest application can be raised (at most ``EXCHANGES`` trades).  Interior solutions of the
    max–min program, which no weighting of the flow reaches, are found this way."""
    chosen = flow > 0
    left, rev = net.edge_left.astype(np.int64), net.edge_rev.astype(np.int64)
    arc_of = {(int(a), int(r)): i for i, (a, r) in enumerate(zip(left.tolist(), rev.tolist(), strict=True))}
    arcs_of: dict[int, list[int]] = {}
    for i, a in enumerate(left.tolist()):
        arcs_of.setdefault(a, []).append(i)
    holders: dict[int, set[int]] = {}
    for i in np.flatnonzero(chosen).tolist():
        holders.setdefault(int(rev[i]), set()).add(int(left[i]))
    load = np.bincount(rev[chosen], minlength=net.n_reviewers)
    sums = app_sums(net, gains, flow)
    total = int((flow * gains).sum())
    active = net.need > 0
    for _ in range(EXCHANGES):
        below = np.flatnonzero(active & (sums < ceilings))
        if not below.size:
            break
        w = int(below[np.argmin(sums[below])])
        floor = int(sums[w])
        best: tuple[int, int, list[tuple[int, bool]]] | None = None  # (new weakest of the two, total, arcs)
        mine = arcs_of.get(w, [])
        held = [i for i in mine if chosen[i]]
        for i_in in (i for i in mine if not chosen[i]):
            r_in, g_in = int(rev[i_in]), int(gains[i_in])
            for i_out in held:
                g_out = int(gains[i_out])
                if g_in <= g_out:
                    continue
                new_w = floor - g_out + g_in
                if load[r_in] < net.rev_cap[r_in]:
                    moves = [(i_out, False), (i_in, True)]
                    option = (new_w, total - g_out + g_in, moves)
                    if option[1] >= budget and (best is None or option[:2] > best[:2]):
                        best = option
                    continue
                r_out = int(rev[i_out])
                for o in holders.get(r_in, ()):
                    j_give = arc_of[(o, r_in)]
                    j_take = arc_of.get((o, r_out))
                    if j_take is None or chosen[j_take]:
                        continue
                    new_o = int(sums[o]) - int(gains[j_give]) + int(gains[j_take])
                    if new_o <= floor:
                        continue
                    change = g_in - g_out + int(gains[j_take]) - int(gains[j_give])
                    option = (min(new_w, new_o), total + change, [(i_out, False), (i_in, True), (j_give, False), (j_take, True)])
                    if option[1] >= budget and (best is None or option[:2] > best[:2]):
                        best = option
        if best is None or best[0] <= floor:
            break
        for i, on in best[2]:
            a, r, g = int(left[i]), int(rev[i]), int(gains[i])
            chosen[i] = on
            sums[a] += g if on else -g
            load[r] += 1 if on else -1
            if on:
                holders.setdefault(r, set()).add(a)
            else:
                holders[r].discard(a)
        total = best[1]
    return chosen.astype(np.int64)
