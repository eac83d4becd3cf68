"""Group mode: every application of a group (a panel, a direction's batch) gets the same reviewers.

Solved at group level: a group node needs k reviewers; a reviewer taking a group takes all
of its members, so the group's size is consumed from the reviewer's cap; the group–reviewer
affinity is the sum over members (0 for a member whose candidates do not include the
reviewer).  A reviewer conflicted with, or excluded from, any member may not take the group.

Flow is counted in units of u = gcd(group sizes): a group arc carries size/u units.  With
equal group sizes (the usual case) u is the size, each arc carries one unit and the flow is
exactly optimal.  With unequal sizes the flow may split an arc (half a group); such arcs are
dropped and the group's remaining places filled greedily by affinity within the remaining
caps, and the result says ``exact=False``.  An exact answer there is a knapsack-like
integer program, not a flow; see ADR 0006.
"""

from __future__ import annotations

import time

import numpy as np

from shenbao.reviews.algorithms.candidates import IntArray
from shenbao.reviews.algorithms.eligibility import Eligible
from shenbao.reviews.algorithms.flow import SCALE, Network, avoid_penalty
from shenbao.reviews.algorithms.modes import shortfalls_of, solve_mode, with_timings
from shenbao.reviews.algorithms.problem import (
    AssignedPairs,
    AssignmentInputError,
    AssignmentProblem,
    AssignmentResult,
    FairMeasure,
    Mode,
    Timings,
)


def _repair(
    *,
    k: int,
    edge_g: IntArray,
    edge_r: IntArray,
    gains: IntArray,
    candidates: IntArray,
    chosen: list[int],
    assigned: IntArray,
    remaining: IntArray,
    size: IntArray,
) -> list[int]:
    """Fill groups still short from their best arcs that fit whole in the remaining caps."""
    taken = set(chosen)
    added: list[int] = []
    order = candidates[np.lexsort((-gains[candidates], edge_g[candidates]))]
    starts = np.searchsorted(edge_g[order], np.arange(size.shape[0] + 1))
    for g in np.flatnonzero(assigned < k):
        for idx in order[starts[g] : starts[g + 1]]:
            if assigned[g] >= k:
                break
            r = edge_r[idx]
            if int(idx) not in taken and remaining[r] >= size[g]:
                taken.add(int(idx))
                added.append(int(idx))
                remaining[r] -= size[g]
                assigned[g] += 1
    return added


def assign_groups(
    problem: AssignmentProblem,
    eligible: Eligible,
    *,
    mode: Mode,
    seed: int | None,
    started: float,
    max_loss: float | None,
    measure: FairMeasure = FairMeasure.PAIR,
) -> AssignmentResult:
    n_apps, n_rev, k = problem.n_apps, problem.n_reviewers, problem.k
    group_ids = np.asarray(problem.groups).ravel()
    if group_ids.shape[0] != n_apps:
        raise AssignmentInputError("groups_length")
    _, ginv_raw = np.unique(group_ids, return_inverse=True)
    ginv = ginv_raw.astype(np.int64)
    n_groups = int(ginv.max()) + 1 if n_apps else 0
    size = np.bincount(ginv, minlength=n_groups).astype(np.int64)
    members = np.argsort(ginv, kind="stable")
    member_start = np.concatenate([[0], np.cumsum(size)])

    forbidden = np.unique(ginv[eligible.forbidden_keys // n_rev] * n_rev + eligible.forbidden_keys % n_rev)
    group_locks = np.unique(ginv[eligible.lock_keys // n_rev] * n_rev + eligible.lock_keys % n_rev)
    clash = group_locks[np.isin(group_locks, forbidden)]
    if clash.size:
        raise AssignmentInputError("lock_conflicts", clash // n_rev, clash % n_rev)

    keys, inverse = np.unique(ginv[eligible.apps] * n_rev + eligible.pairs.reviewers, return_inverse=True)
    aff_sum = np.bincount(inverse, weights=eligible.pairs.affinity, minlength=keys.shape[0])
    avoided_members = np.bincount(inverse, weights=eligible.is_avoided.astype(np.float64), minlength=keys.shape[0])
    allowed = ~np.isin(keys, forbidden)
    keys, aff_sum, avoided_members = keys[allowed], aff_sum[allowed], avoided_members[allowed]
    edge_g, edge_r = keys // n_rev, keys % n_rev
    is_lock = np.isin(keys, group_locks)
    group_count = np.bincount(edge_g, minlength=n_groups)
    lock_per_g = np.bincount(edge_g[is_lock], minlength=n_groups).astype(np.int64)
    lock_load = np.bincount(edge_r[is_lock], weights=size[edge_g[is_lock]], minlength=n_rev).astype(np.int64)
    over_k = np.flatnonzero(lock_per_g > k)
    if over_k.size:
        raise AssignmentInputError("locks_exceed_k", apps=np.flatnonzero(np.isin(ginv, over_k)))
    over_cap = np.flatnonzero(lock_load > eligible.caps)
    if over_cap.size:
        raise AssignmentInputError("locks_exceed_cap", reviewers=over_cap)

    unit = int(np.gcd.reduce(size)) if size.size else 1
    units = size // unit
    free = np.flatnonzero(~is_lock)
    # Gain per unit of flow: the group's summed affinity spread over its units.
    gains = np.rint(aff_sum[free] * SCALE / units[edge_g[free]]).astype(np.int64)
    net = Network(
        need=(k - lock_per_g) * units,
        rev_cap=(eligible.caps - lock_load) // unit,
        edge_left=edge_g[free],
        edge_rev=edge_r[free],
        edge_cap=units[edge_g[free]],
        edge_cost=-gains,
    )
    prepared = time.perf_counter()
    # A group arc costs the penalty of each member that is "not willing", spread over its units.
    avoided = avoided_members[free]
    penalty = np.ceil(avoided * avoid_penalty(n_groups, n_rev) / units[edge_g[free]]).astype(np.int64) if avoided.any() else None
    solution = solve_mode(net, gains, mode, seed, max_loss, penalty, measure)
    extract_started = time.perf_counter()

    whole = solution.edge_flow == net.edge_cap
    exact = not bool(((solution.edge_flow > 0) & ~whole).any())
    chosen = free[whole]
    assigned = lock_per_g + np.bincount(edge_g[chosen], minlength=n_groups)
    if not exact:
        remaining = eligible.caps - lock_load - np.bincount(edge_r[chosen], weights=size[edge_g[chosen]], minlength=n_rev)
        added = _repair(
            k=k,
            edge_g=edge_g,
            edge_r=edge_r,
            gains=np.rint(aff_sum * SCALE / units[edge_g]).astype(np.int64),
            candidates=free,
            chosen=[int(i) for i in chosen],
            assigned=assigned,
            remaining=remaining.astype(np.int64),
            size=size,
        )
        chosen = np.concatenate([chosen, np.asarray(added, dtype=np.int64)])
    selected = np.sort(np.concatenate([np.flatnonzero(is_lock), chosen]))

    # Expand each chosen group arc to one pair per member.
    sel_g, counts = edge_g[selected], size[edge_g[selected]]
    total = int(counts.sum())
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    apps = members[np.repeat(member_start[sel_g], counts) + within]
    reviewers = np.repeat(edge_r[selected], counts)
    locked = np.repeat(is_lock[selected], counts)
    wanted = apps * n_rev + reviewers
    sorter = np.argsort(eligible.keys)
    pos = np.minimum(np.searchsorted(eligible.keys, wanted, sorter=sorter), max(eligible.keys.shape[0] - 1, 0))
    found = eligible.keys[sorter[pos]] == wanted if eligible.keys.size else np.zeros(total, dtype=bool)
    affinity = np.where(found, eligible.pairs.affinity[sorter[pos]] if eligible.keys.size else 0.0, 0.0)
    rank = np.where(found, eligible.ranks[sorter[pos]] if eligible.keys.size else 0, 0)
    order = np.lexsort((reviewers, -affinity, apps))
    pairs = AssignedPairs(
        apps=apps[order].astype(np.int32),
        reviewers=reviewers[order].astype(np.int32),
        affinity=affinity[order].astype(np.float64),
        rank=rank[order].astype(np.int32),
        locked=locked[order],
    )
    missing = (k - assigned)[ginv]
    result = AssignmentResult(
        mode=mode,
        k=k,
        seed=seed,
        pairs=pairs,
        shortfalls=shortfalls_of(missing, group_count[ginv], k),
        objective=float(pairs.affinity.sum()),
        load=np.bincount(pairs.reviewers, minlength=n_rev).astype(np.int64),
        timings=Timings(build=0.0, solve=0.0, extract=0.0),
        exact=exact,
    )
    return with_timings(result, started, prepared, solution, extract_started)
