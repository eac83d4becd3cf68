"""The review lifecycles as declared tables (DESIGN §4): a review, an assignment, an application in a stage."""

from shenbao.core.lifecycle import check_transition as _check
from shenbao.reviews.enums import AssignmentStatus as A
from shenbao.reviews.enums import EntryStatus as E
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
    E.NOT_ADVANCED: frozenset({E.ADVANCED, E.NOT_ADVANCED}),
}


LABELS = {**dict(R.choices), **dict(A.choices), **dict(E.choices)}


def check_transition(table: dict[str, frozenset[str]], current: str, target: str) -> None:
    _check(table, current, target, LABELS)
