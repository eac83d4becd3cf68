"""Sparse candidate lists: which reviewers may review which application, and how well they fit.

The assignment solvers never see a dense applications × reviewers matrix: at 100k × 20k it
would be 16 GB of float64.  Instead every application carries a short list of candidate
reviewers (the top-K by affinity, plus any pairs the caller adds), stored as CSR arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Candidates:
    """CSR candidate lists: row ``a`` holds ``reviewers[indptr[a]:indptr[a+1]]`` with their affinities.

    Within a row reviewers are unique and sorted by decreasing affinity (ties by reviewer
    index), so a pair's position in its row is its rank among the application's candidates.
    """

    n_apps: int
    n_reviewers: int
    indptr: IntArray
    reviewers: Int32Array
    affinity: FloatArray

    @property
    def nnz(self) -> int:
        return int(self.reviewers.shape[0])

    def apps(self) -> Int32Array:
        """The application index of every stored pair (COO row indices)."""
        return np.repeat(np.arange(self.n_apps, dtype=np.int32), np.diff(self.indptr))

    def row(self, app: int) -> tuple[Int32Array, FloatArray]:
        lo, hi = int(self.indptr[app]), int(self.indptr[app + 1])
        return self.reviewers[lo:hi], self.affinity[lo:hi]

    def ranks(self) -> Int32Array:
        """1-based rank of every stored pair within its application (1 = best fit)."""
        positions = np.arange(self.nnz, dtype=np.int64) - np.repeat(self.indptr[:-1], np.diff(self.indptr))
        return (positions + 1).astype(np.int32)

    def keys(self) -> IntArray:
        """One int64 key per pair (``app * n_reviewers + reviewer``) for vectorised set operations."""
        return pair_keys(self.apps(), self.reviewers, self.n_reviewers)

    @classmethod
    def from_pairs(
        cls,
        *,
        n_apps: int,
        n_reviewers: int,
        apps: npt.ArrayLike,
        reviewers: npt.ArrayLike,
        affinity: npt.ArrayLike,
    ) -> Candidates:
        """Build from COO triples; a pair given twice keeps its highest affinity.

        Affinities are clipped to [0, 1] because the solvers scale them to integers.
        """
        app_arr = np.asarray(apps, dtype=np.int64).ravel()
        rev_arr = np.asarray(reviewers, dtype=np.int64).ravel()
        aff_arr = np.clip(np.asarray(affinity, dtype=np.float64).ravel(), 0.0, 1.0)
        if not (app_arr.shape == rev_arr.shape == aff_arr.shape):
            raise ValueError("apps, reviewers and affinity must have the same length")
        if app_arr.size and (app_arr.min() < 0 or app_arr.max() >= n_apps):
            raise ValueError("application index out of range")
        if rev_arr.size and (rev_arr.min() < 0 or rev_arr.max() >= n_reviewers):
            raise ValueError("reviewer index out of range")
        if np.isnan(aff_arr).any():
            raise ValueError("affinity contains NaN")
        # Sort by app, then affinity descending, then reviewer: duplicates of a pair then keep
        # their best affinity when deduplicated by first occurrence.
        order = np.lexsort((rev_arr, -aff_arr, app_arr))
        app_arr, rev_arr, aff_arr = app_arr[order], rev_arr[order], aff_arr[order]
        keys = app_arr * n_reviewers + rev_arr
        _, first = np.unique(keys, return_index=True)
        keep = np.zeros(keys.shape[0], dtype=bool)
        keep[first] = True
        app_arr, rev_arr, aff_arr = app_arr[keep], rev_arr[keep], aff_arr[keep]
        indptr = np.zeros(n_apps + 1, dtype=np.int64)
        np.cumsum(np.bincount(app_arr, minlength=n_apps), out=indptr[1:])
        return cls(
            n_apps=n_apps,
            n_reviewers=n_reviewers,
            indptr=indptr,
            reviewers=rev_arr.astype(np.int32),
            affinity=aff_arr,
        )

    def with_pairs(self, *, apps: npt.ArrayLike, reviewers: npt.ArrayLike, affinity: npt.ArrayLike) -> Candidates:
        """These candidates plus extra allowed pairs (e.g. a reviewer staff want considered)."""
        return Candidates.from_pairs(
            n_apps=self.n_apps,
            n_reviewers=self.n_reviewers,
            apps=np.concatenate([self.apps(), np.asarray(apps, dtype=np.int64).ravel()]),
            reviewers=np.concatenate([self.reviewers, np.asarray(reviewers, dtype=np.int64).ravel()]),
            affinity=np.concatenate([self.affinity, np.asarray(affinity, dtype=np.float64).ravel()]),
        )

    def without(self, mask: npt.NDArray[np.bool_]) -> Candidates:
        """These candidates minus the pairs where ``mask`` is true (order and ranks of the rest kept)."""
        keep = ~mask
        counts = np.bincount(self.apps()[keep], minlength=self.n_apps)
        indptr = np.zeros(self.n_apps + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return Candidates(
            n_apps=self.n_apps,
            n_reviewers=self.n_reviewers,
            indptr=indptr,
            reviewers=self.reviewers[keep],
            affinity=self.affinity[keep],
        )


def pair_keys(apps: npt.ArrayLike, reviewers: npt.ArrayLike, n_reviewers: int) -> IntArray:
    """int64 keys ``app * n_reviewers + reviewer``: pairs become sortable scalars for np.isin."""
    return np.asarray(apps, dtype=np.int64).ravel() * n_reviewers + np.asarray(reviewers, dtype=np.int64).ravel()
