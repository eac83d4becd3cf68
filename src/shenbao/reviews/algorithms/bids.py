"""Reviewers' bids in the assignment: a bonus to the affinity, "not willing" avoided, conflicts excluded.

A bid is one of ``eager``, ``willing``, ``not_willing`` or ``conflict`` on an (application,
reviewer) pair; a pair without a bid is neutral.  With a weight ``w ≥ 0`` chosen by staff the
solver sees

    adjusted = (affinity + w × bonus) / (1 + w),   bonus: eager 1, willing ½, otherwise 0,

which stays in [0, 1] (the solvers scale affinities to integers in that range) and keeps the
order of the text affinities among pairs with the same bid; ``w = 0`` is the assignment without
bids.  Eager and willing pairs that are not among an application's top-K candidates are added, so
a bid is never lost to the candidate cut.  "Not willing" pairs stay allowed but are *avoided*: each
costs more than any exchange of other reviewers can gain, so the solver assigns the fewest such
pairs that still places every review it can place (``flow.avoid_penalty``).  "Conflict" pairs are
hard exclusions (the Django layer also stores them as declared conflicts).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from shenbao.reviews.algorithms.candidates import Candidates, FloatArray, IntArray, pair_keys


class BidKind(StrEnum):
    EAGER = "eager"
    WILLING = "willing"
    NOT_WILLING = "not_willing"
    CONFLICT = "conflict"


BONUS = {BidKind.EAGER: 1.0, BidKind.WILLING: 0.5}
# Integer codes for vectorised work: 0 is "no bid".
CODES = {BidKind.EAGER: 1, BidKind.WILLING: 2, BidKind.NOT_WILLING: 3, BidKind.CONFLICT: 4}
_BONUS_BY_CODE = np.array([0.0, 1.0, 0.5, 0.0, 0.0])


@dataclass(frozen=True)
class Bids:
    """Bids as three equal-length arrays (application index, reviewer index, code from ``CODES``)."""

    apps: IntArray
    reviewers: IntArray
    codes: IntArray

    @classmethod
    def from_lists(cls, apps: npt.ArrayLike, reviewers: npt.ArrayLike, kinds: list[str] | list[BidKind]) -> Bids:
        codes = np.array([CODES[BidKind(k)] for k in kinds], dtype=np.int64)
        a = np.asarray(apps, dtype=np.int64).ravel()
        r = np.asarray(reviewers, dtype=np.int64).ravel()
        if not (a.shape == r.shape == codes.shape):
            raise ValueError("apps, reviewers and kinds must have the same length")
        return cls(apps=a, reviewers=r, codes=codes)

    def of(self, kind: BidKind) -> tuple[IntArray, IntArray]:
        mask = self.codes == CODES[kind]
        return self.apps[mask], self.reviewers[mask]


@dataclass(frozen=True)
class BidAdjusted:
    candidates: Candidates  # adjusted affinities, eager/willing pairs added
    conflicts: tuple[IntArray, IntArray]
    avoid: tuple[IntArray, IntArray]


def adjust(affinity: npt.ArrayLike, codes: npt.ArrayLike, weight: float) -> FloatArray:
    """The adjusted affinity of pairs with these bid codes (0: no bid)."""
    aff = np.asarray(affinity, dtype=np.float64)
    bonus = _BONUS_BY_CODE[np.asarray(codes, dtype=np.int64)]
    return np.clip((aff + weight * bonus) / (1.0 + weight), 0.0, 1.0)


def unadjust(adjusted: npt.ArrayLike, codes: npt.ArrayLike, weight: float) -> FloatArray:
    """The text affinity back from an adjusted one (to store and explain what the texts said)."""
    adj = np.asarray(adjusted, dtype=np.float64)
    bonus = _BONUS_BY_CODE[np.asarray(codes, dtype=np.int64)]
    return np.clip(adj * (1.0 + weight) - weight * bonus, 0.0, 1.0)


def codes_for(keys: IntArray, bids: Bids, n_reviewers: int) -> IntArray:
    """The bid code of each pair key (0 where the reviewer did not bid)."""
    out = np.zeros(keys.shape[0], dtype=np.int64)
    if bids.apps.size == 0 or keys.size == 0:
        return out
    bid_keys = pair_keys(bids.apps, bids.reviewers, n_reviewers)
    order = np.argsort(bid_keys, kind="stable")
    sorted_keys = bid_keys[order]
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.shape[0] - 1)
    found = sorted_keys[pos] == keys
    out[found] = bids.codes[order][pos[found]]
    return out


def apply_bids(
    candidates: Candidates, bids: Bids, *, weight: float, bid_affinity: npt.ArrayLike, add: bool = True
) -> BidAdjusted:
    """Candidates with bid-adjusted affinities, plus the pairs to exclude and to avoid.

    ``bid_affinity`` is the text affinity of every bid pair (in ``bids`` order), used for the
    eager and willing pairs added to the candidates (``add``; a random draw adds none, so that
    every reviewer stays equally likely to be drawn)."""
    if weight < 0:
        raise ValueError("negative bid weight")
    n_rev = candidates.n_reviewers
    affinity_of_bids = np.asarray(bid_affinity, dtype=np.float64).ravel()
    if affinity_of_bids.shape != bids.apps.shape:
        raise ValueError("bid_affinity must have one value per bid")
    keys = candidates.keys()
    codes = codes_for(keys, bids, n_rev)
    adjusted = Candidates.from_pairs(
        n_apps=candidates.n_apps,
        n_reviewers=n_rev,
        apps=candidates.apps(),
        reviewers=candidates.reviewers,
        affinity=adjust(candidates.affinity, codes, weight),
    )
    if add:
        positive = (bids.codes == CODES[BidKind.EAGER]) | (bids.codes == CODES[BidKind.WILLING])
        if positive.any():
            adjusted = adjusted.with_pairs(
                apps=bids.apps[positive],
                reviewers=bids.reviewers[positive],
                affinity=adjust(affinity_of_bids[positive], bids.codes[positive], weight),
            )
    return BidAdjusted(candidates=adjusted, conflicts=bids.of(BidKind.CONFLICT), avoid=bids.of(BidKind.NOT_WILLING))


def pair_affinity_rows(app_rows: sp.csr_matrix, reviewer_rows: sp.csr_matrix) -> FloatArray:
    """Row-wise dot products of two equally long sparse matrices (the cosine of each bid pair)."""
    product = sp.csr_matrix(app_rows).multiply(reviewer_rows)
    return np.clip(np.asarray(product.sum(axis=1), dtype=np.float64).ravel(), 0.0, 1.0)
