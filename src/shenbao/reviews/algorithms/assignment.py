"""Assign k reviewers per application: optimal, seeded random or fair, exactly, by min-cost flow.

Why a flow and not a MIP: assigning reviewers with load caps is a transportation problem,
whose constraint matrix is totally unimodular, so the min-cost flow optimum is integral and
exactly optimal, at 100k applications in seconds (see ``bench/assignment.py``).  The modes
only change the arc costs or the arc set of the same network (``flow.py``):

- ``optimal``: cost = −round(affinity × 1e6);
- ``random``: cost = a seeded random draw, so the solver picks a uniformly-random-priority
  assignment that still respects every cap and conflict and places as many reviews as
  possible (a plain random draw per application could run reviewers out of capacity and
  strand later applications);
- ``fair``: first the bottleneck — the largest threshold t such that every application
  keeping only reviewers with affinity ≥ min(t, its own k-th best candidate) still places
  as many reviews as all arcs do — then the optimal total among those arcs, with at most
  ``fair_max_loss`` of the optimal total given up (``fair.py``).  "Weakest" is an
  application's worst assigned reviewer, because that is what a threshold on arcs
  controls exactly; with ``fair_measure="sum"`` it is the application's summed affinity
  (FairFlow's measure), raised by Lagrangian-weighted flows within the same loss (``fair_sum.py``).
"""

from __future__ import annotations

import time

import numpy as np

from shenbao.reviews.algorithms.eligibility import Eligible, check_lock_loads, eligible_pairs
from shenbao.reviews.algorithms.flow import SCALE, Network, avoid_penalty
from shenbao.reviews.algorithms.groups import assign_groups
from shenbao.reviews.algorithms.modes import fresh_seed, shortfalls_of, solve_mode, with_timings
from shenbao.reviews.algorithms.problem import AssignedPairs, AssignmentProblem, AssignmentResult, FairMeasure, Mode, Timings

# Fair mode may give up at most 1 % of the optimal total affinity to lift the weakest.
DEFAULT_FAIR_MAX_LOSS = 0.01


def assign_reviewers(
    problem: AssignmentProblem,
    *,
    mode: Mode | str = Mode.OPTIMAL,
    seed: int | None = None,
    fair_max_loss: float | None = DEFAULT_FAIR_MAX_LOSS,
    fair_measure: FairMeasure | str = FairMeasure.PAIR,
) -> AssignmentResult:
    """Assign ``problem.k`` reviewers per application (or per group) in the given mode.

    ``seed`` replays a random draw; ``fair_max_loss`` is the share of the optimal total that
    fair mode may give up to lift the weakest applications (None: no limit, pure max–min);
    ``fair_measure`` says what the weakest is: its worst reviewer (``pair``) or its reviewers'
    summed affinity (``sum``).

    Always returns the best partial assignment: applications that cannot get ``k``
    reviewers appear in ``shortfalls``, never silently.  Raises
    :class:`~shenbao.reviews.algorithms.problem.AssignmentInputError` for contradictory input.
    """
    mode = Mode(mode)
    measure = FairMeasure(fair_measure)
    if mode is Mode.RANDOM and seed is None:
        seed = fresh_seed()
    started = time.perf_counter()
    eligible = eligible_pairs(problem)
    if problem.groups is not None:
        return assign_groups(problem, eligible, mode=mode, seed=seed, started=started, max_loss=fair_max_loss, measure=measure)
    return _assign_applications(problem, eligible, mode=mode, seed=seed, started=started, max_loss=fair_max_loss, measure=measure)


def _assign_applications(
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
    reviewers = eligible.pairs.reviewers
    lock_per_app = np.bincount(eligible.apps[eligible.is_lock], minlength=n_apps).astype(np.int64)
    lock_load = np.bincount(reviewers[eligible.is_lock], minlength=n_rev).astype(np.int64)
    check_lock_loads(lock_per_app, lock_load, k, eligible.caps)
    free = np.flatnonzero(~eligible.is_lock)
    gains = np.rint(eligible.pairs.affinity[free] * SCALE).astype(np.int64)
    net = Network(
        need=k - lock_per_app,
        rev_cap=eligible.caps - lock_load,
        edge_left=eligible.apps[free],
        edge_rev=reviewers[free],
        edge_cap=np.ones(free.shape[0], dtype=np.int64),
        edge_cost=-gains,
    )
    prepared = time.perf_counter()
    avoided = eligible.is_avoided[free]
    penalty = avoided.astype(np.int64) * avoid_penalty(n_apps, n_rev) if avoided.any() else None
    solution = solve_mode(net, gains, mode, seed, max_loss, penalty, measure)
    extract_started = time.perf_counter()
    chosen = np.sort(np.concatenate([np.flatnonzero(eligible.is_lock), free[solution.edge_flow > 0]]))
    pairs = AssignedPairs(
        apps=eligible.apps[chosen],
        reviewers=reviewers[chosen],
        affinity=eligible.pairs.affinity[chosen],
        rank=eligible.ranks[chosen],
        locked=eligible.is_lock[chosen],
    )
    missing = k - np.bincount(pairs.apps, minlength=n_apps)
    result = AssignmentResult(
        mode=mode,
        k=k,
        seed=seed,
        pairs=pairs,
        shortfalls=shortfalls_of(missing, eligible.count, k),
        objective=float(pairs.affinity.sum()),
        load=np.bincount(pairs.reviewers, minlength=n_rev).astype(np.int64),
        timings=Timings(build=0.0, solve=0.0, extract=0.0),
    )
    return with_timings(result, started, prepared, solution, extract_started)
