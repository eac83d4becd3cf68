"""What the modes share: solving the network for a mode, shortfall reasons, timings."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from shenbao.reviews.algorithms.candidates import IntArray
from shenbao.reviews.algorithms.fair import fair_arcs
from shenbao.reviews.algorithms.fair_sum import fair_sum_flow
from shenbao.reviews.algorithms.flow import SCALE, Network, max_placeable, solve_min_cost
from shenbao.reviews.algorithms.problem import AssignmentResult, FairMeasure, Mode, Shortfall, ShortfallReason, Timings


@dataclass(frozen=True)
class ModeSolution:
    """Flow on every arc of the unrestricted network, whatever the mode solved."""

    edge_flow: IntArray
    build_seconds: float
    solve_seconds: float
    threshold: float | None
    bottleneck: float | None


def fresh_seed() -> int:
    """A seed from OS entropy, small enough to print, store and type back in."""
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy % (2**32)


def solve_mode(
    net: Network,
    gains: IntArray,
    mode: Mode,
    seed: int | None,
    max_loss: float | None = None,
    penalty: IntArray | None = None,
    measure: FairMeasure = FairMeasure.PAIR,
) -> ModeSolution:
    """Solve ``net`` (whose costs are ignored) for ``mode``; ``gains`` are scaled affinities per unit.

    ``penalty`` (per arc, per unit) is added to the cost in every mode but fair-by-sum: arcs to avoid.
    Fair mode by pair chooses its threshold on the gains alone, then avoids penalised arcs among those it
    keeps; fair mode by sum (FairFlow's measure) lifts the weakest application's summed affinity and
    does not weigh the penalty (bids' "not willing" pairs are then only as rare as the gains make them)."""
    if mode is Mode.FAIR and measure is FairMeasure.SUM:
        started = time.perf_counter()
        by_sum = fair_sum_flow(net, gains, max_loss)
        return ModeSolution(
            edge_flow=by_sum.edge_flow,
            build_seconds=0.0,
            solve_seconds=time.perf_counter() - started,
            threshold=by_sum.level / SCALE,
            bottleneck=by_sum.optimal_level / SCALE,
        )
    extra_cost = penalty if penalty is not None and penalty.any() else np.zeros(gains.shape[0], dtype=np.int64)
    threshold: float | None = None
    bottleneck: float | None = None
    extra = 0.0
    keep: npt.NDArray[np.bool_] | None = None  # None: every arc (no copies of the arc arrays)
    if mode is Mode.RANDOM:
        rng = np.random.default_rng(seed)
        costs = -np.asarray(rng.integers(1, SCALE + 1, size=gains.shape[0], dtype=np.int64), dtype=np.int64)
        target = replace(net, edge_cost=costs + extra_cost)
    elif mode is Mode.FAIR:
        started = time.perf_counter()
        # Penalised arcs are left out of the threshold search when the others place as many
        # reviews; otherwise the search sees them all and the final solve avoids what it can.
        allowed = extra_cost == 0
        if not allowed.all() and max_placeable(net.restricted(allowed)) == max_placeable(net):
            inner = fair_arcs(net.restricted(allowed), gains[allowed], max_loss)
            keep = np.zeros(gains.shape[0], dtype=bool)
            keep[np.flatnonzero(allowed)[inner.keep]] = True
            choice = replace(inner, keep=keep)
        else:
            choice = fair_arcs(net, gains, max_loss)
        extra = time.perf_counter() - started
        keep = choice.keep
        threshold, bottleneck = choice.threshold / SCALE, choice.bottleneck / SCALE
        target = replace(net, edge_cost=-gains + extra_cost).restricted(keep)
    else:
        target = replace(net, edge_cost=-gains + extra_cost)
    solved = solve_min_cost(target)
    if keep is None:
        flow = solved.edge_flow
    else:
        flow = np.zeros(gains.shape[0], dtype=np.int64)
        flow[keep] = solved.edge_flow
    return ModeSolution(
        edge_flow=flow,
        build_seconds=solved.build_seconds,
        solve_seconds=solved.solve_seconds + extra,
        threshold=threshold,
        bottleneck=bottleneck,
    )


def shortfalls_of(missing: IntArray, eligible_count: IntArray, k: int) -> tuple[Shortfall, ...]:
    """One entry per application still short, with the reason a program officer can act on."""
    short = np.flatnonzero(missing > 0)
    return tuple(
        Shortfall(
            app=int(a),
            missing=int(missing[a]),
            reason=ShortfallReason.TOO_FEW_ELIGIBLE if eligible_count[a] < k else ShortfallReason.LOAD_CAPS,
            eligible=int(eligible_count[a]),
        )
        for a in short
    )


def with_timings(
    result: AssignmentResult, started: float, prepared: float, solution: ModeSolution, extract_started: float
) -> AssignmentResult:
    timings = Timings(
        build=(prepared - started) + solution.build_seconds,
        solve=solution.solve_seconds,
        extract=time.perf_counter() - extract_started,
    )
    return replace(result, timings=timings, threshold=solution.threshold, bottleneck=solution.bottleneck)
