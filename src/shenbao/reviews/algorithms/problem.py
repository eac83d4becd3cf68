"""What an assignment is asked to do and what it answers, as plain data.

The Django layer fills an :class:`AssignmentProblem` from the reviewer pool, the declared
conflicts and the program officer's locks, and stores the :class:`AssignmentResult`.
Failures and shortfalls are codes, never sentences: the interface translates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from shenbao.reviews.algorithms.candidates import Candidates, FloatArray, Int32Array, IntArray

Pairs = tuple[npt.ArrayLike, npt.ArrayLike]
"""Two equal-length sequences: application indices and reviewer indices."""


class Mode(StrEnum):
    OPTIMAL = "optimal"  # maximum total affinity
    RANDOM = "random"  # NSFC-style seeded draw among eligible reviewers
    FAIR = "fair"  # maximise the weakest assigned pair first, then the total


class FairMeasure(StrEnum):
    """What fair mode calls the weakest application."""

    PAIR = "pair"  # its worst assigned reviewer (a threshold on arcs: exact by max flows)
    SUM = "sum"  # its reviewers' summed affinity (FairFlow's measure: Lagrangian flows, fair_sum.py)


class ShortfallReason(StrEnum):
    TOO_FEW_ELIGIBLE = "too_few_eligible"  # fewer eligible reviewers than k exist at all
    LOAD_CAPS = "load_caps"  # enough exist, but their load caps are used up


class AssignmentInputError(ValueError):
    """Contradictory input (a lock on a conflicted pair, more locks than k …), as a code."""

    def __init__(self, code: str, apps: npt.ArrayLike = (), reviewers: npt.ArrayLike = ()) -> None:
        super().__init__(code)
        self.code = code
        self.apps = np.asarray(apps, dtype=np.int64)
        self.reviewers = np.asarray(reviewers, dtype=np.int64)


@dataclass(frozen=True)
class AssignmentProblem:
    """Assign ``k`` reviewers to each application.

    ``candidates`` are the allowed pairs with their affinity (usually the top-K from
    ``affinity.py``); ``extra_pairs`` (apps, reviewers, affinities) widens them.  ``caps``
    overrides ``default_cap`` per reviewer, as a mapping or a full array.  ``conflicts`` and
    ``exclusions`` are never assigned; ``locks`` always are (they count against ``k`` and the
    caps).  ``avoid`` pairs (a reviewer's "not willing" bid) are assigned only where no
    assignment without them places as many reviews: each costs more than any exchange of other
    pairs can gain (``flow.avoid_penalty``).  With ``groups`` (one group id per application) every member of a group gets the
    same reviewers; a reviewer may then review a member it is not a candidate for, so
    ``conflicts`` must cover every member of a group, not only the candidate pairs.
    """

    candidates: Candidates
    k: int
    default_cap: int
    caps: Mapping[int, int] | npt.ArrayLike | None = None
    conflicts: Pairs | None = None
    exclusions: Pairs | None = None
    locks: Pairs | None = None
    extra_pairs: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None = None
    groups: npt.ArrayLike | None = None
    avoid: Pairs | None = None

    @property
    def n_apps(self) -> int:
        return self.candidates.n_apps

    @property
    def n_reviewers(self) -> int:
        return self.candidates.n_reviewers

    def cap_vector(self) -> IntArray:
        caps = np.full(self.n_reviewers, self.default_cap, dtype=np.int64)
        if isinstance(self.caps, Mapping):
            for reviewer, cap in self.caps.items():
                caps[int(reviewer)] = int(cap)
        elif self.caps is not None:
            given = np.asarray(self.caps, dtype=np.int64)
            if given.shape != caps.shape:
                raise AssignmentInputError("caps_length")
            caps = given.copy()
        if (caps < 0).any():
            raise AssignmentInputError("negative_cap", reviewers=np.flatnonzero(caps < 0))
        return caps


@dataclass(frozen=True)
class AssignedPairs:
    """Assigned pairs with their explanation, one index across all arrays, sorted by application.

    ``rank`` is the reviewer's 1-based place among the application's eligible candidates by
    affinity (0: not a candidate, e.g. a lock or a group member's reviewer chosen for the
    group).  ``locked`` marks pairs that were fixed by the caller.
    """

    apps: Int32Array
    reviewers: Int32Array
    affinity: FloatArray
    rank: Int32Array
    locked: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.apps.shape[0])

    def as_tuples(self) -> list[tuple[int, int, float]]:
        return [(int(a), int(r), float(f)) for a, r, f in zip(self.apps, self.reviewers, self.affinity, strict=True)]

    def reviewers_of(self, app: int) -> list[int]:
        return sorted(int(r) for r in self.reviewers[self.apps == app])


@dataclass(frozen=True)
class Shortfall:
    """An application that got fewer than ``k`` reviewers: how many are missing and why."""

    app: int
    missing: int
    reason: ShortfallReason
    eligible: int  # eligible reviewers it had (in group mode: for its whole group)


@dataclass(frozen=True)
class Timings:
    build: float
    solve: float
    extract: float


@dataclass(frozen=True)
class AssignmentResult:
    mode: Mode
    k: int
    seed: int | None
    pairs: AssignedPairs
    shortfalls: tuple[Shortfall, ...]
    objective: float  # total affinity of the assigned pairs (locks included)
    load: IntArray  # per reviewer, applications assigned
    timings: Timings
    # Fair mode by pair: every application's non-locked reviewers reach min(threshold, its own
    # k-th best candidate); ``bottleneck`` is the highest such threshold without the loss cap.
    # Fair mode by sum: ``threshold`` is the level reached (every application's summed affinity
    # reaches min(level, the sum of its own k best candidates)); ``bottleneck`` optimal mode's level.
    threshold: float | None = None
    bottleneck: float | None = None
    # False only in group mode with unequal group sizes when a fractional arc had to be
    # repaired greedily (the exchange is then no longer a pure flow; see ADR 0006).
    exact: bool = True

    def min_app_affinity(self) -> float:
        """The weakest assigned pair's affinity over all applications (what fair mode raises)."""
        return float(self.pairs.affinity.min()) if len(self.pairs) else 0.0

    def per_app_sum(self, n_apps: int) -> FloatArray:
        return np.bincount(self.pairs.apps, weights=self.pairs.affinity, minlength=n_apps).astype(np.float64)
