"""Fair mode: raise the weakest application's worst reviewer, then maximise the total.

The threshold is per application: application a keeps its arcs with affinity ≥ min(t, c_a),
where c_a is its own ceiling (its k-th best candidate).  Without the ceiling, one niche
application whose few candidates are all poor would pin t for everyone and fair mode would
do nothing.  The largest feasible t (placing as many reviews as optimal mode) is found by
binary search over max flows.

Lifting the weakest costs total affinity.  ``max_loss`` caps that price: when the pure
bottleneck would lose more than ``max_loss`` of the optimal total, t is lowered (binary
search again, this time over min-cost flows, since the optimal total falls monotonically as
t rises) to the largest value whose total stays within the budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shenbao.reviews.algorithms.candidates import IntArray
from shenbao.reviews.algorithms.flow import Network, max_placeable, solve_min_cost


@dataclass(frozen=True)
class FairChoice:
    keep: npt.NDArray[np.bool_]
    threshold: int  # the threshold used
    bottleneck: int  # the pure max-min threshold (equal to ``threshold`` unless the loss cap bit)


def own_ceilings(net: Network, gains: IntArray) -> IntArray:
    """Per application, the best "worst reviewer" its own candidates allow, ignoring caps.

    That is the gain of the arc where the application's arcs, best first, reach its need
    (its k-th best candidate); with too few arcs, its worst arc.  Fair mode never asks an
    application for more than this, so a niche application whose candidates are all poor
    does not pin everyone else's threshold.
    """
    n_left = net.n_left
    ceilings = np.zeros(n_left, dtype=np.int64)
    if gains.size == 0:
        return ceilings
    order = np.lexsort((-gains, net.edge_left))
    left = net.edge_left[order].astype(np.int64)
    caps = net.edge_cap[order]
    sorted_gains = gains[order]
    cum = np.cumsum(caps)
    starts = np.searchsorted(left, np.arange(n_left + 1))
    base = np.concatenate([[0], cum])[starts[:-1]]
    cum_in = cum - base[left]
    need = net.need[left]
    critical = (cum_in >= need) & (cum_in - caps < need)
    has_arcs = starts[1:] > starts[:-1]
    # Too few arcs: the worst one (the last of the application's sorted run).
    ceilings[has_arcs] = sorted_gains[starts[1:][has_arcs] - 1]
    ceilings[left[critical]] = sorted_gains[critical]
    return ceilings


def bottleneck_threshold(net: Network, gains: IntArray, floor: IntArray) -> int:
    """The largest ``t`` such that keeping, for each application, its arcs with gain ≥ min(t, its
    own ceiling) (``floor``, per arc) still places as many units as all arcs do.

    Binary search over the distinct gains, one max flow per probe (about log2 of the number
    of distinct values, ~20 probes for a million arcs).  Keeping arcs is monotone in ``t``.
    """
    if gains.size == 0:
        return 0
    target = max_placeable(net)
    values = np.unique(gains)
    lo, hi = 0, int(values.shape[0]) - 1  # values[lo] is always feasible (all arcs)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if max_placeable(net.restricted(gains >= np.minimum(values[mid], floor))) == target:
            lo = mid
        else:
            hi = mid - 1
    return int(values[lo])


def _total_gain(net: Network, gains: IntArray, keep: npt.NDArray[np.bool_]) -> int:
    solved = solve_min_cost(net.restricted(keep))
    return int((solved.edge_flow * gains[keep]).sum())


def fair_arcs(net: Network, gains: IntArray, max_loss: float | None) -> FairChoice:
    """Which arcs fair mode may use (the caller then solves for the best total on them)."""
    floor = own_ceilings(net, gains)[net.edge_left]
    bottleneck = bottleneck_threshold(net, gains, floor)
    keep = gains >= np.minimum(bottleneck, floor)
    if max_loss is None or gains.size == 0:
        return FairChoice(keep=keep, threshold=bottleneck, bottleneck=bottleneck)
    budget = (1.0 - max_loss) * _total_gain(net, gains, np.ones(gains.shape[0], dtype=bool))
    if _total_gain(net, gains, keep) >= budget:
        return FairChoice(keep=keep, threshold=bottleneck, bottleneck=bottleneck)
    values = np.unique(gains)
    values = values[values < bottleneck]
    lo, hi = 0, int(values.shape[0]) - 1  # values[0] keeps every arc: within budget
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _total_gain(net, gains, gains >= np.minimum(values[mid], floor)) >= budget:
            lo = mid
        else:
            hi = mid - 1
    threshold = int(values[lo]) if values.size else 0
    return FairChoice(keep=gains >= np.minimum(threshold, floor), threshold=threshold, bottleneck=bottleneck)
