"""The call lifecycle (DESIGN §4) as a declared table."""

from shenbao.calls.enums import CALL_STATUS_LABELS, CallStatus
from shenbao.core.lifecycle import Lifecycle

CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.DRAFT: frozenset({CallStatus.PUBLISHED}),
    CallStatus.PUBLISHED: frozenset({CallStatus.OPEN, CallStatus.DRAFT}),
    CallStatus.OPEN: frozenset({CallStatus.CLOSED}),
    CallStatus.CLOSED: frozenset({CallStatus.IN_REVIEW, CallStatus.OPEN}),
    CallStatus.IN_REVIEW: frozenset({CallStatus.DECIDED}),
    CallStatus.DECIDED: frozenset({CallStatus.ARCHIVED}),
    CallStatus.ARCHIVED: frozenset(),
}

# A call is loaded from its definition in the status the file states (published by default).
CALL_LIFECYCLE = Lifecycle(
    "call",
    CALL_TRANSITIONS,
    {str(k): v for k, v in CALL_STATUS_LABELS.items()},
    "shenbao.call",
    initial=frozenset({CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.OPEN}),
)


def can_transition(current: str, target: str) -> bool:
    return CALL_LIFECYCLE.allows(current, target)
