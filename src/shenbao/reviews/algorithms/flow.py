"""The transportation network behind every assignment mode, built from numpy arrays.

Nodes: one per application (or group) ``0..L-1``, one per reviewer ``L..L+R-1``, one sink.
An application supplies the reviews it still needs; the sink absorbs them all.

- application → reviewer: one arc per eligible pair, capacity 1 (a group's size in group
  mode), cost = minus the scaled affinity (or a random number in random mode);
- reviewer → sink: capacity = the reviewer's remaining load cap, cost 0.

Solved with OR-Tools' ``solve_max_flow_with_min_cost``: first the maximum number of reviews
that can be placed, then the cheapest (highest-affinity) flow among those maxima.  So one
solve always returns the best *partial* assignment when the instance is infeasible, the
supply left at an application is exactly its shortfall, and no application is left short
to give another a better reviewer.  The textbook alternative, a bypass arc application →
sink with a cost above any affinity gain, gives the same answer but widens the cost range
from 1e6 to ~1e6 × min(L, R), which slows cost scaling: 3.1 s against 1.35 s on the L
benchmark (20k × 20k, k = 4).

Arcs are added in one vectorised call each (``add_arcs_with_capacity_and_unit_cost``):
building a 5M-arc network in a Python loop would take longer than solving it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from shenbao.reviews.algorithms.candidates import Int32Array, IntArray

# Affinities in [0, 1] become integer costs in [0, SCALE]: 1e-6 resolution is far finer
# than any text similarity deserves, and the costs stay well inside int64 after OR-Tools'
# cost scaling multiplies them by the number of nodes.
SCALE = 1_000_000


def avoid_penalty(n_left: int, n_reviewers: int) -> int:
    """The cost of one unit on an arc to avoid ("not willing"): above any gain an exchange can make.

    Two maximum flows differ by cycles and paths of the residual network, each through every
    application and reviewer at most once, so an exchange that drops one avoided arc changes the
    other arcs' gains by at most ``SCALE × min(L, R)``: with a penalty above that, the minimum-cost
    flow uses the fewest avoided arcs of any maximum flow, and only then maximises the affinity.
    """
    return SCALE * (min(n_left, n_reviewers) + 1)


class FlowSolveError(RuntimeError):
    """OR-Tools returned a status other than OPTIMAL (a bug or an overflow, never bad data)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.code = status


@dataclass(frozen=True)
class Network:
    """Plain arrays describing the network; ``edge_*`` arrays share one index."""

    need: IntArray  # per application/group, units to place
    rev_cap: IntArray  # per reviewer, units it can still take
    edge_left: Int32Array
    edge_rev: Int32Array
    edge_cap: IntArray
    edge_cost: IntArray  # per unit; negative is a gain

    @property
    def n_left(self) -> int:
        return int(self.need.shape[0])

    @property
    def n_reviewers(self) -> int:
        return int(self.rev_cap.shape[0])

    def restricted(self, keep: np.ndarray) -> Network:
        """The same network with only the application → reviewer arcs where ``keep`` is true."""
        return Network(
            need=self.need,
            rev_cap=self.rev_cap,
            edge_left=self.edge_left[keep],
            edge_rev=self.edge_rev[keep],
            edge_cap=self.edge_cap[keep],
            edge_cost=self.edge_cost[keep],
        )


@dataclass(frozen=True)
class FlowSolution:
    edge_flow: IntArray
    unplaced: IntArray  # per application/group, units of need the maximum flow could not place
    build_seconds: float
    solve_seconds: float


def solve_min_cost(net: Network) -> FlowSolution:
    """Maximum flow at minimum cost, exactly, with OR-Tools (cost-scaling push–relabel)."""
    started = time.perf_counter()
    n_left, n_rev = net.n_left, net.n_reviewers
    sink = n_left + n_rev
    rev_nodes = np.arange(n_left, n_left + n_rev, dtype=np.int32)
    smcf = min_cost_flow.SimpleMinCostFlow()
    n_edges = int(net.edge_left.shape[0])
    if n_edges:
        smcf.add_arcs_with_capacity_and_unit_cost(
            net.edge_left.astype(np.int32, copy=False),
            (net.edge_rev.astype(np.int32, copy=False) + np.int32(n_left)).astype(np.int32, copy=False),
            net.edge_cap.astype(np.int64, copy=False),
            net.edge_cost.astype(np.int64, copy=False),
        )
    smcf.add_arcs_with_capacity_and_unit_cost(
        rev_nodes,
        np.full(n_rev, sink, dtype=np.int32),
        net.rev_cap.astype(np.int64, copy=False),
        np.zeros(n_rev, dtype=np.int64),
    )
    total = int(net.need.sum())
    smcf.set_nodes_supplies(
        np.arange(sink + 1, dtype=np.int32),
        np.concatenate([net.need, np.zeros(n_rev, dtype=np.int64), np.array([-total], dtype=np.int64)]).astype(np.int64),
    )
    built = time.perf_counter()
    status = smcf.solve_max_flow_with_min_cost()
    solved = time.perf_counter()
    if status != smcf.OPTIMAL:
        raise FlowSolveError(str(status))
    edge_flow = np.asarray(smcf.flows(np.arange(n_edges, dtype=np.int32)), dtype=np.int64)
    placed = np.bincount(net.edge_left, weights=edge_flow, minlength=n_left).astype(np.int64)
    return FlowSolution(
        edge_flow=edge_flow,
        unplaced=net.need - placed,
        build_seconds=built - started,
        solve_seconds=solved - built,
    )


def max_placeable(net: Network) -> int:
    """How many units can be placed at all (a max flow, costs ignored)."""
    n_left, n_rev = net.n_left, net.n_reviewers
    source, sink = n_left + n_rev, n_left + n_rev + 1
    smf = max_flow.SimpleMaxFlow()
    if net.edge_left.size:
        smf.add_arcs_with_capacity(
            net.edge_left.astype(np.int32, copy=False),
            (net.edge_rev.astype(np.int32, copy=False) + np.int32(n_left)).astype(np.int32, copy=False),
            net.edge_cap.astype(np.int64, copy=False),
        )
    smf.add_arcs_with_capacity(
        np.full(n_left, source, dtype=np.int32), np.arange(n_left, dtype=np.int32), net.need.astype(np.int64, copy=False)
    )
    smf.add_arcs_with_capacity(
        np.arange(n_left, n_left + n_rev, dtype=np.int32),
        np.full(n_rev, sink, dtype=np.int32),
        net.rev_cap.astype(np.int64, copy=False),
    )
    status = smf.solve(source, sink)
    if status != smf.OPTIMAL:
        raise FlowSolveError(str(status))
    return int(smf.optimal_flow())
