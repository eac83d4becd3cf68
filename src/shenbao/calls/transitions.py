"""The call lifecycle (DESIGN §4) as a declared table."""

from shenbao.calls.enums import CallStatus

CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.DRAFT: frozenset({CallStatus.PUBLISHED}),
    CallStatus.PUBLISHED: frozenset({CallStatus.OPEN, CallStatus.DRAFT}),
    CallStatus.OPEN: frozenset({CallStatus.CLOSED}),
    CallStatus.CLOSED: frozenset({CallStatus.IN_REVIEW, CallStatus.OPEN}),
    CallStatus.IN_REVIEW: frozenset({CallStatus.DECIDED}),
    CallStatus.DECIDED: frozenset({CallStatus.ARCHIVED}),
    CallStatus.ARCHIVED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in CALL_TRANSITIONS.get(current, frozenset())
