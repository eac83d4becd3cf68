"""The application lifecycle as a declared table (DESIGN §4; later stages add review states)."""

from shenbao.applications.enums import ApplicationState as S

APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ENDORSED, S.CHECK_PASSED, S.CHECK_FAILED, S.RETURNED, S.WITHDRAWN}),
    S.ENDORSED: frozenset({S.CHECK_PASSED, S.CHECK_FAILED, S.RETURNED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.CHECK_PASSED: frozenset({S.WITHDRAWN}),
    S.CHECK_FAILED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: States that count against limits across applications (per applicant, per country, one-use documents).
COUNTED_STATES = frozenset({S.SUBMITTED, S.ENDORSED, S.RETURNED, S.CHECK_PASSED, S.CHECK_FAILED})
SUBMITTED_STATES = frozenset({S.SUBMITTED, S.ENDORSED, S.RETURNED, S.CHECK_PASSED, S.CHECK_FAILED})
# Submitting again from these answers with the existing receipt (a retry or a double click).
SUBMITTED_ALREADY = frozenset({S.SUBMITTED, S.ENDORSED, S.CHECK_PASSED})


def can_transition(current: str, target: str) -> bool:
    return target in APPLICATION_TRANSITIONS.get(current, frozenset())
