"""Which pairs may be assigned: candidates plus extras plus locks, minus conflicts and exclusions.

Everything is done on int64 pair keys with sorted-array set operations (np.isin), so a
million candidates and tens of thousands of conflicts cost milliseconds, not a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shenbao.reviews.algorithms.candidates import Candidates, Int32Array, IntArray, pair_keys
from shenbao.reviews.algorithms.problem import AssignmentInputError, AssignmentProblem, Pairs


@dataclass(frozen=True)
class Eligible:
    """The eligible pairs (CSR, ranked) and what the solvers need to know about them."""

    pairs: Candidates
    apps: Int32Array  # COO rows of ``pairs``
    keys: IntArray  # pair keys of ``pairs``
    ranks: Int32Array
    is_lock: npt.NDArray[np.bool_]
    is_avoided: npt.NDArray[np.bool_]  # "not willing": assigned only where nothing else places the review
    lock_keys: IntArray  # sorted unique
    forbidden_keys: IntArray  # sorted unique: conflicts and exclusions
    caps: IntArray
    count: IntArray  # eligible reviewers per application


def _checked_keys(pairs: Pairs | None, problem: AssignmentProblem, code: str) -> tuple[IntArray, IntArray]:
    if pairs is None:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    apps = np.asarray(pairs[0], dtype=np.int64).ravel()
    reviewers = np.asarray(pairs[1], dtype=np.int64).ravel()
    if apps.shape != reviewers.shape:
        raise AssignmentInputError(f"{code}_length")
    bad = (apps < 0) | (apps >= problem.n_apps) | (reviewers < 0) | (reviewers >= problem.n_reviewers)
    if bad.any():
        raise AssignmentInputError(f"{code}_out_of_range", apps[bad], reviewers[bad])
    return apps, reviewers


def _split(keys: IntArray, n_reviewers: int) -> tuple[IntArray, IntArray]:
    return keys // n_reviewers, keys % n_reviewers


def eligible_pairs(problem: AssignmentProblem) -> Eligible:
    """Resolve the problem's pair lists into one ranked eligible set; contradictions raise codes."""
    if problem.k < 0:
        raise AssignmentInputError("negative_k")
    n_rev = problem.n_reviewers
    caps = problem.cap_vector()
    allowed = problem.candidates
    if problem.extra_pairs is not None:
        e_apps, e_revs = _checked_keys((problem.extra_pairs[0], problem.extra_pairs[1]), problem, "extra")
        allowed = allowed.with_pairs(apps=e_apps, reviewers=e_revs, affinity=problem.extra_pairs[2])
    lock_apps, lock_revs = _checked_keys(problem.locks, problem, "lock")
    lock_keys = np.unique(pair_keys(lock_apps, lock_revs, n_rev))
    if lock_keys.size:
        # A locked pair that is not a candidate is allowed with affinity 0 (from_pairs keeps
        # the candidate's own affinity when it is one).
        l_apps, l_revs = _split(lock_keys, n_rev)
        allowed = allowed.with_pairs(apps=l_apps, reviewers=l_revs, affinity=np.zeros(lock_keys.size))
    conflict_keys = pair_keys(*_checked_keys(problem.conflicts, problem, "conflict"), n_rev)
    exclusion_keys = pair_keys(*_checked_keys(problem.exclusions, problem, "exclusion"), n_rev)
    for code, keys in (("lock_conflicts", conflict_keys), ("lock_excluded", exclusion_keys)):
        clash = lock_keys[np.isin(lock_keys, keys)]
        if clash.size:
            raise AssignmentInputError(code, *_split(clash, n_rev))
    forbidden = np.unique(np.concatenate([conflict_keys, exclusion_keys]))
    all_keys = allowed.keys()
    eligible = allowed.without(np.isin(all_keys, forbidden)) if forbidden.size else allowed
    keys = eligible.keys()
    avoid_keys = np.unique(pair_keys(*_checked_keys(problem.avoid, problem, "avoid"), n_rev))
    return Eligible(
        pairs=eligible,
        apps=eligible.apps(),
        keys=keys,
        ranks=eligible.ranks(),
        is_lock=np.isin(keys, lock_keys),
        is_avoided=np.isin(keys, avoid_keys) if avoid_keys.size else np.zeros(keys.shape[0], dtype=bool),
        lock_keys=lock_keys,
        forbidden_keys=forbidden,
        caps=caps,
        count=np.diff(eligible.indptr),
    )


def check_lock_loads(lock_per_app: IntArray, lock_load: IntArray, k: int, caps: IntArray) -> None:
    """Locks alone must fit within ``k`` per application and each reviewer's cap."""
    over_k = np.flatnonzero(lock_per_app > k)
    if over_k.size:
        raise AssignmentInputError("locks_exceed_k", apps=over_k)
    over_cap = np.flatnonzero(lock_load > caps)
    if over_cap.size:
        raise AssignmentInputError("locks_exceed_cap", reviewers=over_cap)
