"""The review lifecycles as declared tables (DESIGN §4): a review, an assignment, an application in
a stage, and an expert's invitation to the call's pool."""

from shenbao.core.lifecycle import Lifecycle
from shenbao.core.lifecycle import check_transition as _check
from shenbao.reviews.enums import AssignmentJobStatus as J
from shenbao.reviews.enums import AssignmentStatus as A
from shenbao.reviews.enums import EntryStatus as E
from shenbao.reviews.enums import PoolStatus as P
from shenbao.reviews.enums import ReviewState as R

REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    R.DRAFT: frozenset({R.SUBMITTED}),
    R.SUBMITTED: frozenset(),
}

ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    A.ACTIVE: frozenset({A.CONFLICT, A.REMOVED}),
    A.CONFLICT: frozenset(),
    A.REMOVED: frozenset({A.ACTIVE}),  # staff may assign the pair again by hand
}

ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    E.IN_REVIEW: frozenset({E.ADVANCED, E.NOT_ADVANCED}),
    E.ADVANCED: frozenset({E.ADVANCED, E.NOT_ADVANCED}),  # advancing again after a re-signed shortlist
    # ... and an upheld reconsideration (复审成立) of a non-award puts the entry back into review.
    E.NOT_ADVANCED: frozenset({E.ADVANCED, E.NOT_ADVANCED, E.IN_REVIEW}),
}

POOL_TRANSITIONS: dict[str, frozenset[str]] = {
    P.INVITED: frozenset({P.ACCEPTED, P.DECLINED}),
    P.ACCEPTED: frozenset(),
    P.DECLINED: frozenset(),
}

REVIEW_LIFECYCLE = Lifecycle(
    "review", REVIEW_TRANSITIONS, dict(R.choices), "shenbao.review", state_field="state", initial=frozenset({R.DRAFT})
)
ASSIGNMENT_LIFECYCLE = Lifecycle(
    "assignment", ASSIGNMENT_TRANSITIONS, dict(A.choices), "shenbao.review.assignment", initial=frozenset({A.ACTIVE})
)
ENTRY_LIFECYCLE = Lifecycle(
    "stage_entry", ENTRY_TRANSITIONS, dict(E.choices), "shenbao.review.entry", initial=frozenset({E.IN_REVIEW})
)
POOL_LIFECYCLE = Lifecycle(
    "pool_invitation", POOL_TRANSITIONS, dict(P.choices), "shenbao.review.invitation", initial=frozenset({P.INVITED})
)

LABELS = {**dict(R.choices), **dict(A.choices), **dict(E.choices)}


def check_transition(table: dict[str, frozenset[str]], current: str, target: str) -> None:
    _check(table, current, target, LABELS)


ASSIGNMENT_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    J.QUEUED: frozenset({J.RUNNING, J.FAILED}),
    J.RUNNING: frozenset({J.DONE, J.FAILED}),
    J.DONE: frozenset(),
    J.FAILED: frozenset(),
}

ASSIGNMENT_JOB_LIFECYCLE = Lifecycle(
    "assignment_job",
    ASSIGNMENT_JOB_TRANSITIONS,
    dict(J.choices),
    "shenbao.review.assignment_job",
    initial=frozenset({J.QUEUED}),
)
