"""The assignment solver against hand-computed cases and brute force (pure, no database)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from shenbao.reviews.algorithms.assignment import assign_reviewers
from shenbao.reviews.algorithms.candidates import Candidates
from shenbao.reviews.algorithms.problem import (
    AssignmentInputError,
    AssignmentProblem,
    AssignmentResult,
    Mode,
    ShortfallReason,
)


def dense_candidates(matrix: list[list[float]] | np.ndarray) -> Candidates:
    """Every pair with a positive affinity is a candidate."""
    m = np.asarray(matrix, dtype=float)
    apps, reviewers = np.nonzero(m > 0)
    return Candidates.from_pairs(
        n_apps=m.shape[0], n_reviewers=m.shape[1], apps=apps, reviewers=reviewers, affinity=m[apps, reviewers]
    )


def brute_force(
    affinity: np.ndarray, k: int, caps: np.ndarray, forbidden: set[tuple[int, int]]
) -> list[tuple[float, float, tuple[tuple[int, ...], ...]]]:
    """Every feasible full assignment as (total, weakest pair, reviewer sets)."""
    n_apps, n_rev = affinity.shape
    options = [
        [c for c in itertools.combinations(range(n_rev), k) if not any((a, r) in forbidden for r in c)] for a in range(n_apps)
    ]
    out = []
    for choice in itertools.product(*options):
        load = np.zeros(n_rev, dtype=int)
        for c in choice:
            load[list(c)] += 1
        if (load <= caps).all():
            values = [affinity[a, r] for a, c in enumerate(choice) for r in c]
            out.append((float(sum(values)), float(min(values)), choice))
    return out


def assert_valid(result: AssignmentResult, problem: AssignmentProblem, forbidden: set[tuple[int, int]]) -> None:
    caps = problem.cap_vector()
    assert (np.bincount(result.pairs.reviewers, minlength=problem.n_reviewers) <= caps).all()
    assert not {(int(a), int(r)) for a, r in zip(result.pairs.apps, result.pairs.reviewers, strict=True)} & forbidden
    per_app = np.bincount(result.pairs.apps, minlength=problem.n_apps)
    assert (per_app <= problem.k).all()
    keys = result.pairs.apps.astype(np.int64) * problem.n_reviewers + result.pairs.reviewers
    assert np.unique(keys).size == keys.size


@pytest.mark.parametrize("seed", range(6))
def test_optimal_equals_brute_force_on_tiny_instances(seed):
    rng = np.random.default_rng(seed)
    affinity = rng.uniform(0.01, 1.0, size=(4, 5))
    caps = rng.integers(1, 4, size=5)
    caps[0] = max(caps[0], 2)
    conflicts = {(int(rng.integers(4)), int(rng.integers(5))) for _ in range(2)}
    feasible = brute_force(affinity, 2, caps, conflicts)
    problem = AssignmentProblem(
        candidates=dense_candidates(affinity),
        k=2,
        default_cap=0,
        caps=caps,
        conflicts=(np.array([a for a, _ in conflicts]), np.array([r for _, r in conflicts])),
    )
    result = assign_reviewers(problem, mode=Mode.OPTIMAL)
    assert_valid(result, problem, conflicts)
    if feasible:
        assert result.shortfalls == ()
        assert result.objective == pytest.approx(max(t for t, _, _ in feasible), abs=1e-5)
    else:
        assert result.shortfalls


@pytest.mark.parametrize("seed", range(8))
def test_fair_equals_brute_force_bottleneck_then_max_total(seed):
    rng = np.random.default_rng(100 + seed)
    affinity = np.round(rng.uniform(0.01, 1.0, size=(4, 5)), 4)
    caps = np.array([2, 2, 2, 2, 2])
    feasible = brute_force(affinity, 2, caps, set())
    # Each application's ceiling: its 2nd-best affinity, the best "worst reviewer" it can have.
    ceiling = np.sort(affinity, axis=1)[:, -2]

    def bottleneck(choice):
        # The largest t with every application's worst reviewer >= min(t, its ceiling).
        worst = [min(affinity[a, r] for r in c) for a, c in enumerate(choice)]
        below = [w for a, w in enumerate(worst) if w < ceiling[a]]
        return min(below) if below else np.inf

    best = max(bottleneck(c) for _, _, c in feasible)
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2)
    result = assign_reviewers(problem, mode="fair", fair_max_loss=None)
    expected_threshold = best if np.isfinite(best) else affinity.max()
    assert result.threshold == pytest.approx(expected_threshold, abs=1e-6)
    best_total = max(t for t, _, c in feasible if bottleneck(c) >= result.threshold - 1e-9)
    assert result.objective == pytest.approx(best_total, abs=1e-5)
    # The weakest pair overall is the best possible weakest pair.
    assert result.min_app_affinity() == pytest.approx(max(m for _, m, _ in feasible), abs=1e-9)


def test_fair_does_not_let_a_poor_niche_application_pin_the_others():
    # Application 2 has one poor candidate; the others should still be lifted.
    affinity = [[1.0, 0.45, 0.0], [0.5, 0.01, 0.0], [0.0, 0.0, 0.05]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=1)
    fair = assign_reviewers(problem, mode="fair", fair_max_loss=None)
    assert fair.pairs.as_tuples() == [(0, 1, 0.45), (1, 0, 0.5), (2, 2, 0.05)]
    assert fair.threshold == 0.45


def test_fair_loss_cap_keeps_total_within_budget_and_lowers_threshold():
    # The pure max-min answer (0.45 + 0.5 = 0.95) loses 5 % against optimal (1.01 → 1.0 + 0.01).
    affinity = [[1.0, 0.45], [0.5, 0.01]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=1)
    optimal = assign_reviewers(problem)
    strict = assign_reviewers(problem, mode="fair", fair_max_loss=0.01)
    loose = assign_reviewers(problem, mode="fair", fair_max_loss=0.10)
    assert strict.pairs.as_tuples() == optimal.pairs.as_tuples()
    assert (strict.threshold, strict.bottleneck) == (0.01, 0.45)
    assert loose.pairs.as_tuples() == [(0, 1, 0.45), (1, 0, 0.5)]
    assert loose.threshold == loose.bottleneck == 0.45


def test_fair_with_loss_cap_on_random_instances_stays_within_budget_and_lifts_weakest():
    for seed in range(5):
        problem, forbidden = random_instance(seed)
        optimal = assign_reviewers(problem)
        fair = assign_reviewers(problem, mode="fair", fair_max_loss=0.02)
        assert_valid(fair, problem, forbidden)
        assert fair.objective >= 0.98 * optimal.objective - 1e-9
        assert fair.min_app_affinity() >= optimal.min_app_affinity() - 1e-9
        assert len(fair.pairs) == len(optimal.pairs)


def test_fair_raises_the_application_optimal_starves():
    # Optimal gives reviewer 0 to application 0 (1.0 + 0.0 = 1.0 > 0.45 + 0.5 = 0.95),
    # leaving application 1 with a reviewer of affinity 0.01.
    affinity = [[1.0, 0.45], [0.5, 0.01]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=1)
    optimal = assign_reviewers(problem, mode="optimal")
    fair = assign_reviewers(problem, mode="fair", fair_max_loss=None)
    assert optimal.pairs.as_tuples() == [(0, 0, 1.0), (1, 1, 0.01)]
    assert fair.pairs.as_tuples() == [(0, 1, 0.45), (1, 0, 0.5)]
    assert fair.min_app_affinity() == 0.45 > optimal.min_app_affinity()
    assert fair.objective == pytest.approx(0.95)


def test_optimal_respects_default_and_per_reviewer_caps():
    # Everyone prefers reviewer 0; its cap of 1 forces the others elsewhere.
    affinity = [[0.9, 0.5, 0.1], [0.7, 0.4, 0.3], [0.7, 0.6, 0.2]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=2, caps={0: 1})
    result = assign_reviewers(problem)
    assert result.load.tolist() == [1, 2, 0]
    assert result.pairs.as_tuples() == [(0, 0, 0.9), (1, 1, 0.4), (2, 1, 0.6)]
    assert result.objective == pytest.approx(1.9)


def test_conflicts_are_never_assigned_even_when_best():
    affinity = [[0.9, 0.1], [0.9, 0.1]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=5, conflicts=([0, 1], [0, 0]))
    result = assign_reviewers(problem)
    assert result.pairs.reviewers.tolist() == [1, 1]


def test_exclusions_are_never_assigned():
    affinity = [[0.9, 0.8, 0.1]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=1, exclusions=([0], [1]))
    result = assign_reviewers(problem)
    assert result.pairs.reviewers_of(0) == [0, 2]


def test_locks_are_kept_and_count_against_k_and_caps():
    affinity = [[0.9, 0.8, 0.1], [0.9, 0.8, 0.7]]
    # Lock a poor pair (0, 2) and a non-candidate pair (1, 2) is impossible: 2 has cap 1.
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2, caps={2: 1}, locks=([0], [2]))
    result = assign_reviewers(problem)
    assert result.pairs.reviewers_of(0) == [0, 2]
    assert result.pairs.reviewers_of(1) == [0, 1]
    locked = {
        (int(a), int(r)) for a, r, lk in zip(result.pairs.apps, result.pairs.reviewers, result.pairs.locked, strict=True) if lk
    }
    assert locked == {(0, 2)}
    assert result.load.tolist() == [2, 1, 1]


def test_lock_on_a_non_candidate_pair_is_assigned_with_zero_affinity():
    candidates = Candidates.from_pairs(n_apps=1, n_reviewers=3, apps=[0, 0], reviewers=[0, 1], affinity=[0.9, 0.8])
    problem = AssignmentProblem(candidates=candidates, k=2, default_cap=1, locks=([0], [2]))
    result = assign_reviewers(problem)
    assert result.pairs.as_tuples() == [(0, 0, 0.9), (0, 2, 0.0)]


def test_lock_on_conflicted_pair_is_an_input_error_with_code():
    problem = AssignmentProblem(
        candidates=dense_candidates([[0.5, 0.5]]), k=1, default_cap=1, conflicts=([0], [1]), locks=([0], [1])
    )
    with pytest.raises(AssignmentInputError) as error:
        assign_reviewers(problem)
    assert error.value.code == "lock_conflicts"
    assert error.value.reviewers.tolist() == [1]


def test_more_locks_than_k_or_cap_are_input_errors():
    candidates = dense_candidates([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]])
    with pytest.raises(AssignmentInputError) as error:
        assign_reviewers(AssignmentProblem(candidates=candidates, k=1, default_cap=2, locks=([0, 0], [0, 1])))
    assert error.value.code == "locks_exceed_k"
    with pytest.raises(AssignmentInputError) as error:
        assign_reviewers(AssignmentProblem(candidates=candidates, k=1, default_cap=1, locks=([0, 1], [0, 0])))
    assert error.value.code == "locks_exceed_cap"


def test_extra_pairs_widen_the_candidates():
    candidates = Candidates.from_pairs(n_apps=1, n_reviewers=3, apps=[0], reviewers=[0], affinity=[0.9])
    problem = AssignmentProblem(candidates=candidates, k=2, default_cap=1, extra_pairs=([0], [2], [0.3]))
    result = assign_reviewers(problem)
    assert result.pairs.as_tuples() == [(0, 0, 0.9), (0, 2, 0.3)]
    assert result.shortfalls == ()


def test_explanation_ranks_are_positions_among_eligible_candidates():
    affinity = [[0.9, 0.8, 0.7, 0.6]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=1, caps={0: 0}, conflicts=([0], [1]))
    result = assign_reviewers(problem)
    # Reviewer 1 is conflicted so reviewers 0, 2, 3 rank 1, 2, 3; reviewer 0 has no capacity.
    assert list(zip(result.pairs.reviewers.tolist(), result.pairs.rank.tolist(), strict=True)) == [(2, 2), (3, 3)]


def test_shortfall_too_few_eligible_reports_count_and_reason():
    affinity = [[0.9, 0.8, 0.0, 0.0], [0.9, 0.8, 0.7, 0.6]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=3, default_cap=5, conflicts=([0], [1]))
    result = assign_reviewers(problem)
    assert len(result.shortfalls) == 1
    short = result.shortfalls[0]
    assert (short.app, short.missing, short.reason, short.eligible) == (0, 2, ShortfallReason.TOO_FEW_ELIGIBLE, 1)
    assert result.pairs.reviewers_of(0) == [0]
    assert len(result.pairs.reviewers_of(1)) == 3


def test_shortfall_load_caps_when_capacity_is_used_up():
    # Three applications, k=2, reviewers with caps 2+2+1 = 5 < 6 places.
    affinity = [[0.9, 0.8, 0.7]] * 3
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2, caps={2: 1})
    result = assign_reviewers(problem)
    assert len(result.pairs) == 5
    assert [(s.missing, s.reason) for s in result.shortfalls] == [(1, ShortfallReason.LOAD_CAPS)]
    assert result.load.tolist() == [2, 2, 1]


def test_coverage_comes_before_affinity():
    # Giving reviewer 0 to application 0 (0.99) would leave application 1 with nobody.
    affinity = [[0.99, 0.01], [0.5, 0.0]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=1)
    result = assign_reviewers(problem)
    assert result.pairs.as_tuples() == [(0, 1, 0.01), (1, 0, 0.5)]
    assert result.shortfalls == ()


def random_instance(seed: int = 0) -> tuple[AssignmentProblem, set[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    n_apps, n_rev = 60, 20
    apps = np.repeat(np.arange(n_apps), 8)
    reviewers = np.concatenate([rng.choice(n_rev, size=8, replace=False) for _ in range(n_apps)])
    candidates = Candidates.from_pairs(
        n_apps=n_apps, n_reviewers=n_rev, apps=apps, reviewers=reviewers, affinity=rng.uniform(size=apps.size)
    )
    conflict_apps = rng.integers(0, n_apps, size=40)
    conflict_revs = rng.integers(0, n_rev, size=40)
    forbidden = set(zip(conflict_apps.tolist(), conflict_revs.tolist(), strict=True))
    problem = AssignmentProblem(
        candidates=candidates, k=3, default_cap=10, caps={0: 2, 1: 4}, conflicts=(conflict_apps, conflict_revs)
    )
    return problem, forbidden


def test_random_mode_is_reproducible_with_its_seed():
    problem, forbidden = random_instance()
    first = assign_reviewers(problem, mode="random", seed=42)
    again = assign_reviewers(problem, mode="random", seed=42)
    other = assign_reviewers(problem, mode="random", seed=43)
    assert first.seed == 42
    assert first.pairs.as_tuples() == again.pairs.as_tuples()
    assert first.pairs.as_tuples() != other.pairs.as_tuples()
    for result in (first, other):
        assert_valid(result, problem, forbidden)
        assert result.shortfalls == ()


def test_random_mode_without_seed_reports_the_seed_it_drew():
    problem, _ = random_instance()
    drawn = assign_reviewers(problem, mode="random")
    assert isinstance(drawn.seed, int)
    replay = assign_reviewers(problem, mode="random", seed=drawn.seed)
    assert replay.pairs.as_tuples() == drawn.pairs.as_tuples()


def test_random_mode_total_is_below_optimal():
    problem, forbidden = random_instance(3)
    optimal = assign_reviewers(problem)
    drawn = assign_reviewers(problem, mode="random", seed=1)
    assert_valid(optimal, problem, forbidden)
    assert drawn.objective < optimal.objective


def test_group_mode_gives_every_member_the_same_reviewers():
    affinity = np.array(
        [
            [0.9, 0.1, 0.5, 0.2],
            [0.1, 0.9, 0.5, 0.2],
            [0.3, 0.3, 0.3, 0.9],
            [0.2, 0.2, 0.8, 0.9],
        ]
    )
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2, groups=["p1", "p1", "p2", "p2"])
    result = assign_reviewers(problem)
    assert result.exact
    assert result.pairs.reviewers_of(0) == result.pairs.reviewers_of(1)
    assert result.pairs.reviewers_of(2) == result.pairs.reviewers_of(3)
    # Group sums: p1 = [1.0, 1.0, 1.0, 0.4], p2 = [0.5, 0.5, 1.1, 1.8]; caps 2 = one group each.
    assert result.pairs.reviewers_of(2) == [2, 3]
    assert len(result.pairs.reviewers_of(0)) == 2
    assert set(result.pairs.reviewers_of(0)) <= {0, 1}
    assert result.objective == pytest.approx(2.0 + 2.9)
    assert result.load.max() <= 2


def test_group_mode_conflict_with_one_member_excludes_the_reviewer_for_the_group():
    affinity = [[0.9, 0.5, 0.4], [0.9, 0.5, 0.4]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=1, default_cap=2, conflicts=([1], [0]), groups=[7, 7])
    result = assign_reviewers(problem)
    assert result.pairs.reviewers.tolist() == [1, 1]


def test_group_mode_reports_shortfall_for_every_member():
    affinity = [[0.9, 0.5], [0.9, 0.5], [0.8, 0.5], [0.8, 0.5]]
    # A group of two consumes 2 of a reviewer's cap: reviewer 0 can take one group, reviewer 1 none.
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2, caps={1: 1}, groups=[0, 0, 1, 1])
    result = assign_reviewers(problem)
    assert result.exact
    assert result.pairs.reviewers_of(0) == result.pairs.reviewers_of(1) == [0]
    assert result.pairs.reviewers_of(2) == result.pairs.reviewers_of(3) == []
    assert [(s.app, s.missing, s.reason, s.eligible) for s in result.shortfalls] == [
        (0, 1, ShortfallReason.LOAD_CAPS, 2),
        (1, 1, ShortfallReason.LOAD_CAPS, 2),
        (2, 2, ShortfallReason.LOAD_CAPS, 2),
        (3, 2, ShortfallReason.LOAD_CAPS, 2),
    ]


def test_group_mode_with_unequal_sizes_respects_caps_in_members():
    rng = np.random.default_rng(5)
    affinity = rng.uniform(0.05, 1.0, size=(9, 6))
    groups = [0, 0, 0, 1, 1, 2, 3, 3, 3]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=5, groups=groups)
    result = assign_reviewers(problem)
    for members in ([0, 1, 2], [3, 4], [5], [6, 7, 8]):
        sets = {tuple(result.pairs.reviewers_of(a)) for a in members}
        assert len(sets) == 1
    assert (result.load <= 5).all()
    assert result.shortfalls == ()


def test_empty_problem_returns_empty_result():
    candidates = Candidates.from_pairs(n_apps=0, n_reviewers=0, apps=[], reviewers=[], affinity=[])
    result = assign_reviewers(AssignmentProblem(candidates=candidates, k=3, default_cap=1))
    assert len(result.pairs) == 0
    assert result.shortfalls == ()
    assert result.objective == 0.0


def test_group_mode_unequal_sizes_repairs_split_groups_and_says_inexact():
    # Group 0 has two members, group 1 one; the flow in member units may split group 0.
    affinity = [[0.9, 0.5], [0.9, 0.5], [0.9, 0.5]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2, caps={1: 1}, groups=[0, 0, 1])
    result = assign_reviewers(problem)
    assert not result.exact
    assert result.pairs.as_tuples() == [(0, 0, 0.9), (1, 0, 0.9), (2, 1, 0.5)]
    assert result.load.tolist() == [2, 1]
    assert [(s.app, s.missing) for s in result.shortfalls] == [(0, 1), (1, 1), (2, 1)]


def test_group_mode_lock_on_one_member_applies_to_the_whole_group():
    affinity = [[0.9, 0.8, 0.1], [0.9, 0.8, 0.1]]
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=2, locks=([1], [2]), groups=[4, 4])
    result = assign_reviewers(problem)
    assert result.pairs.reviewers_of(0) == result.pairs.reviewers_of(1) == [0, 2]
    assert result.pairs.locked.tolist() == [False, True, False, True]


@pytest.mark.parametrize("mode", ["random", "fair"])
def test_group_mode_other_modes_keep_groups_together_and_caps(mode):
    rng = np.random.default_rng(11)
    affinity = rng.uniform(0.05, 1.0, size=(12, 8))
    groups = np.repeat(np.arange(4), 3)
    problem = AssignmentProblem(candidates=dense_candidates(affinity), k=2, default_cap=3, groups=groups, conflicts=([0], [0]))
    result = assign_reviewers(problem, mode=mode, seed=5)
    for g in range(4):
        assert len({tuple(result.pairs.reviewers_of(a)) for a in np.flatnonzero(groups == g)}) == 1
    assert (result.load <= 3).all()
    assert 0 not in result.pairs.reviewers_of(0) + result.pairs.reviewers_of(1) + result.pairs.reviewers_of(2)
    assert result.shortfalls == ()
