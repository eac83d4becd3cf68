"""Fair mode by summed affinity (FairFlow's measure): pure algorithm, small instances with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from shenbao.reviews.algorithms.assignment import assign_reviewers
from shenbao.reviews.algorithms.fair_sum import own_sum_ceilings
from shenbao.reviews.algorithms.flow import Network
from shenbao.reviews.algorithms.problem import AssignmentProblem, AssignmentResult
from tests.reviews.test_assignment_algorithms import assert_valid, brute_force, dense_candidates, random_instance

# Two applications, four reviewers who take one review each, two reviewers per application.
# Application 0 is better served by everyone; optimal mode gives it the two best (1.7) and leaves
# application 1 with 0.15.  Every split of the four reviewers (application 0's pair first):
#   {0,1}: 1.70 + 0.15 = 1.85, weakest 0.15     {1,2}: 1.00 + 0.55 = 1.55, weakest 0.55
#   {0,2}: 1.10 + 0.50 = 1.60, weakest 0.50     {1,3}: 0.95 + 0.60 = 1.55, weakest 0.60
#   {0,3}: 1.05 + 0.55 = 1.60, weakest 0.55     {2,3}: 0.35 + 0.95 = 1.30, weakest 0.35
AFFINITY = [[0.9, 0.8, 0.2, 0.15], [0.5, 0.45, 0.1, 0.05]]


def sums(result: AssignmentResult, n_apps: int) -> list[float]:
    return [round(float(v), 6) for v in np.bincount(result.pairs.apps, weights=result.pairs.affinity, minlength=n_apps)]


def problem_of(affinity: list[list[float]], k: int = 2) -> AssignmentProblem:
    return AssignmentProblem(candidates=dense_candidates(affinity), k=k, default_cap=1)


def test_without_a_loss_limit_the_weakest_sum_is_the_best_possible():
    result = assign_reviewers(problem_of(AFFINITY), mode="fair", fair_measure="sum", fair_max_loss=None)
    assert result.pairs.as_tuples() == [(0, 1, 0.8), (0, 3, 0.15), (1, 0, 0.5), (1, 2, 0.1)]
    assert sums(result, 2) == [0.95, 0.6]
    assert result.threshold == pytest.approx(0.6)  # the level reached
    assert result.bottleneck == pytest.approx(0.15)  # optimal mode's level
    assert result.objective == pytest.approx(1.55)


def test_the_loss_limit_keeps_the_total_and_takes_the_best_weakest_within_it():
    # 15 % of 1.85 allows totals from 1.5725: the splits at 1.60; {0,3} has the better weakest (0.55).
    result = assign_reviewers(problem_of(AFFINITY), mode="fair", fair_measure="sum", fair_max_loss=0.15)
    assert result.pairs.as_tuples() == [(0, 0, 0.9), (0, 3, 0.15), (1, 1, 0.45), (1, 2, 0.1)]
    assert sums(result, 2) == [1.05, 0.55]
    assert result.objective == pytest.approx(1.6)
    # 1 % allows nothing but optimal mode's own assignment.
    strict = assign_reviewers(problem_of(AFFINITY), mode="fair", fair_measure="sum", fair_max_loss=0.01)
    assert strict.pairs.as_tuples() == assign_reviewers(problem_of(AFFINITY)).pairs.as_tuples()
    assert strict.threshold == strict.bottleneck == pytest.approx(0.15)


def test_the_pair_measure_and_the_sum_measure_choose_differently():
    # By the worst single reviewer, application 1 must not get reviewer 3 (0.05): the best weakest
    # pair is 0.15, and among those splits the pair measure keeps the best total, {2,3} for
    # application 0 (weakest sum 0.35).  The sum measure takes {1,3}/{0,2}: weakest pair 0.1, sum 0.6.
    by_pair = assign_reviewers(problem_of(AFFINITY), mode="fair", fair_max_loss=None)
    by_sum = assign_reviewers(problem_of(AFFINITY), mode="fair", fair_measure="sum", fair_max_loss=None)
    assert by_pair.pairs.as_tuples() == [(0, 2, 0.2), (0, 3, 0.15), (1, 0, 0.5), (1, 1, 0.45)]
    assert (by_pair.min_app_affinity(), sums(by_pair, 2)) == (0.15, [0.35, 0.95])
    assert (by_sum.min_app_affinity(), sums(by_sum, 2)) == (0.1, [0.95, 0.6])


def test_a_niche_application_at_its_own_ceiling_does_not_pin_the_others():
    # Application 2 has only two poor candidates of its own (0.05 each): its best is 0.1, which it
    # gets; the level is still lifted to 0.6 for the other two.
    affinity = [[*row, 0.0, 0.0] for row in AFFINITY] + [[0.0, 0.0, 0.0, 0.0, 0.05, 0.05]]
    result = assign_reviewers(problem_of(affinity), mode="fair", fair_measure="sum", fair_max_loss=None)
    assert sums(result, 3) == [0.95, 0.6, 0.1]
    assert result.threshold == pytest.approx(0.6)


def test_own_sum_ceilings_take_the_best_needed_units_of_each_application():
    net = Network(
        need=np.array([2, 1, 2], dtype=np.int64),
        rev_cap=np.array([5, 5, 5], dtype=np.int64),
        edge_left=np.array([0, 0, 0, 1, 1, 2], dtype=np.int32),
        edge_rev=np.array([0, 1, 2, 0, 1, 2], dtype=np.int32),
        edge_cap=np.array([1, 1, 1, 1, 1, 1], dtype=np.int64),
        edge_cost=np.zeros(6, dtype=np.int64),
    )
    gains = np.array([30, 50, 40, 7, 9, 11], dtype=np.int64)
    # 0: best two of 30/50/40 = 90; 1: best one of 7/9 = 9; 2: one arc only = 11.
    assert own_sum_ceilings(net, gains).tolist() == [90, 9, 11]


@pytest.mark.parametrize("seed", range(4))
def test_on_tiny_instances_the_weakest_sum_never_falls_below_optimal_and_the_budget_holds(seed):
    rng = np.random.default_rng(300 + seed)
    affinity = np.round(rng.uniform(0.01, 1.0, size=(4, 5)), 4)
    caps = np.array([2, 2, 2, 2, 2])
    feasible = brute_force(affinity, 2, caps, set())
    best_total = max(t for t, _, _ in feasible)
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2)
    optimal = assign_reviewers(problem)
    result = assign_reviewers(problem, mode="fair", fair_measure="sum", fair_max_loss=0.05)
    assert_valid(result, problem, set())
    assert len(result.pairs) == 8
    assert result.objective >= 0.95 * best_total - 1e-9
    assert min(sums(result, 4)) >= min(sums(optimal, 4)) - 1e-9
    # Never better than the best any feasible assignment within the budget offers.
    sums_of = [(t, min(sum(affinity[a, r] for r in c) for a, c in enumerate(choice))) for t, _, choice in feasible]
    assert min(sums(result, 4)) <= max(m for t, m in sums_of if t >= 0.95 * best_total - 1e-9) + 1e-9


def test_on_random_instances_with_conflicts_and_caps_the_rules_hold():
    for seed in range(3):
        problem, forbidden = random_instance(seed)
        optimal = assign_reviewers(problem)
        result = assign_reviewers(problem, mode="fair", fair_measure="sum", fair_max_loss=0.02)
        assert_valid(result, problem, forbidden)
        assert len(result.pairs) == len(optimal.pairs)  # as many reviews placed as optimal mode
        assert result.objective >= 0.98 * optimal.objective - 1e-9
        assert result.threshold is not None and result.bottleneck is not None
        assert result.threshold >= result.bottleneck


def test_an_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="worst"):
        assign_reviewers(problem_of(AFFINITY), mode="fair", fair_measure="worst")
