"""Bids in the pure assignment algorithms: the bonus, avoided "not willing" pairs, conflicts."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shenbao.reviews.algorithms.assignment import assign_reviewers
from shenbao.reviews.algorithms.bids import BidKind, Bids, adjust, apply_bids, codes_for, pair_affinity_rows, unadjust
from shenbao.reviews.algorithms.candidates import Candidates
from shenbao.reviews.algorithms.problem import AssignmentProblem


def dense(matrix: list[list[float]]) -> Candidates:
    apps, revs = np.nonzero(np.asarray(matrix) >= 0)
    aff = np.asarray(matrix)[apps, revs]
    return Candidates.from_pairs(n_apps=len(matrix), n_reviewers=len(matrix[0]), apps=apps, reviewers=revs, affinity=aff)


def test_adjust_keeps_range_and_order_and_inverts() -> None:
    aff = np.array([0.0, 0.3, 0.9, 1.0])
    for code in (0, 1, 2, 3):
        codes = np.full(4, code)
        out = adjust(aff, codes, 2.0)
        assert ((out >= 0) & (out <= 1)).all()
        assert (np.diff(out) > 0).all()
        assert np.allclose(unadjust(out, codes, 2.0), aff)
    # Weight 0 is the assignment without bids.
    assert np.allclose(adjust(aff, np.array([1, 2, 3, 0]), 0.0), aff)
    # Eager beats willing beats neutral at equal text affinity.
    eager, willing, neutral = adjust(np.full(3, 0.4), np.array([1, 2, 0]), 1.0)
    assert eager > willing > neutral


def test_codes_for_finds_bids_by_pair() -> None:
    bids = Bids.from_lists([0, 1, 1], [2, 0, 1], ["eager", "not_willing", "conflict"])
    keys = np.array([0 * 3 + 2, 1 * 3 + 0, 1 * 3 + 2, 1 * 3 + 1], dtype=np.int64)
    assert codes_for(keys, bids, 3).tolist() == [1, 3, 0, 4]
    assert codes_for(keys, Bids.from_lists([], [], []), 3).tolist() == [0, 0, 0, 0]


def test_eager_bid_wins_a_close_match_and_adds_a_non_candidate() -> None:
    # App 0: reviewer 0 fits a little better by text, reviewer 1 is eager.
    cand = Candidates.from_pairs(n_apps=1, n_reviewers=3, apps=[0, 0], reviewers=[0, 1], affinity=[0.50, 0.45])
    problem = AssignmentProblem(candidates=cand, k=1, default_cap=5)
    assert assign_reviewers(problem).pairs.reviewers.tolist() == [0]
    bids = Bids.from_lists([0, 0], [1, 2], ["eager", "willing"])
    adjusted = apply_bids(cand, bids, weight=0.5, bid_affinity=[0.45, 0.10])
    assert sorted(adjusted.candidates.reviewers.tolist()) == [0, 1, 2]  # the willing non-candidate was added
    with_bids = assign_reviewers(AssignmentProblem(candidates=adjusted.candidates, k=1, default_cap=5))
    assert with_bids.pairs.reviewers.tolist() == [1]
    # A random draw adds no pair: only the sampled candidates stay.
    drawn = apply_bids(cand, bids, weight=0.5, bid_affinity=[0.45, 0.10], add=False)
    assert sorted(drawn.candidates.reviewers.tolist()) == [0, 1]


def test_negative_weight_and_misaligned_affinities_are_refused() -> None:
    cand = dense([[0.5]])
    with pytest.raises(ValueError, match="negative bid weight"):
        apply_bids(cand, Bids.from_lists([0], [0], ["eager"]), weight=-1, bid_affinity=[0.5])
    with pytest.raises(ValueError, match="one value per bid"):
        apply_bids(cand, Bids.from_lists([0], [0], ["eager"]), weight=1, bid_affinity=[])


def test_not_willing_is_avoided_when_an_alternative_exists() -> None:
    # Reviewer 0 is by far the best text match for both applications but not willing for app 0.
    cand = dense([[0.99, 0.05, 0.04], [0.98, 0.50, 0.03]])
    bids = Bids.from_lists([0], [0], ["not_willing"])
    adjusted = apply_bids(cand, bids, weight=1.0, bid_affinity=[0.99])
    result = assign_reviewers(
        AssignmentProblem(candidates=adjusted.candidates, k=1, default_cap=1, avoid=adjusted.avoid, conflicts=adjusted.conflicts)
    )
    chosen = dict(zip(result.pairs.apps.tolist(), result.pairs.reviewers.tolist(), strict=True))
    assert chosen[0] != 0
    assert chosen == {0: 1, 1: 0}  # app 1 still gets its best reviewer
    for mode in ("random", "fair"):
        again = assign_reviewers(
            AssignmentProblem(candidates=adjusted.candidates, k=1, default_cap=1, avoid=adjusted.avoid), mode=mode, seed=7
        )
        assert (0, 0) not in set(zip(again.pairs.apps.tolist(), again.pairs.reviewers.tolist(), strict=True))


def test_not_willing_is_assigned_when_it_is_the_only_way_to_place_the_review() -> None:
    cand = dense([[0.9, -1.0], [-1.0, 0.8]])  # -1: not a candidate
    bids = Bids.from_lists([0], [0], ["not_willing"])
    adjusted = apply_bids(cand, bids, weight=1.0, bid_affinity=[0.9])
    result = assign_reviewers(AssignmentProblem(candidates=adjusted.candidates, k=1, default_cap=1, avoid=adjusted.avoid))
    assert result.pairs.as_tuples()[0][:2] == (0, 0)
    assert not result.shortfalls


def test_fewest_not_willing_pairs_even_against_a_long_exchange() -> None:
    # A chain: avoiding the one not-willing pair forces every other application onto its
    # weaker reviewer; the solver still avoids it (the penalty beats any total gain).
    n = 6
    rows = []
    for a in range(n):
        row = [-1.0] * (n + 1)
        row[a] = 1.0
        row[a + 1] = 0.0
        rows.append(row)
    cand = dense(rows)
    bids = Bids.from_lists([0], [0], ["not_willing"])
    adjusted = apply_bids(cand, bids, weight=0.0, bid_affinity=[1.0])
    result = assign_reviewers(AssignmentProblem(candidates=adjusted.candidates, k=1, default_cap=1, avoid=adjusted.avoid))
    assert len(result.pairs) == n
    assert (0, 0) not in {(a, r) for a, r, _ in result.pairs.as_tuples()}
    assert result.pairs.reviewers.tolist() == [a + 1 for a in range(n)]


def test_conflict_bids_are_hard_exclusions() -> None:
    cand = dense([[0.9, 0.1]])
    adjusted = apply_bids(cand, Bids.from_lists([0], [0], [BidKind.CONFLICT]), weight=1.0, bid_affinity=[0.9])
    result = assign_reviewers(AssignmentProblem(candidates=adjusted.candidates, k=1, default_cap=1, conflicts=adjusted.conflicts))
    assert result.pairs.reviewers.tolist() == [1]
    # Even when no one else is left, the conflicted pair is not assigned.
    alone = assign_reviewers(AssignmentProblem(candidates=dense([[0.9]]), k=1, default_cap=1, conflicts=([0], [0])))
    assert len(alone.pairs) == 0 and alone.shortfalls[0].missing == 1


def test_group_mode_avoids_not_willing_members() -> None:
    cand = dense([[0.9, 0.2], [0.9, 0.2]])
    result = assign_reviewers(AssignmentProblem(candidates=cand, k=1, default_cap=2, groups=[0, 0], avoid=([1], [0])))
    assert result.pairs.reviewers.tolist() == [1, 1]


def test_pair_affinity_rows_is_the_cosine() -> None:
    a = sp.csr_matrix(np.array([[1.0, 0.0], [0.6, 0.8]]))
    r = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert np.allclose(pair_affinity_rows(a, r), [1.0, 0.8])
