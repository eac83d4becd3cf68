"""The application and team-invitation lifecycles as declared tables (DESIGN §4), with the sets of
states the rest of the code asks about ("editable", "counted", "submitted"), defined once here."""

from shenbao.applications.enums import ApplicationState as S
from shenbao.applications.enums import InvitationStatus as I
from shenbao.core.lifecycle import Lifecycle

APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ENDORSED, S.CHECK_PASSED, S.CHECK_FAILED, S.RETURNED, S.WITHDRAWN}),
    S.ENDORSED: frozenset({S.CHECK_PASSED, S.CHECK_FAILED, S.RETURNED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.CHECK_PASSED: frozenset({S.WITHDRAWN}),
    # An upheld reconsideration (复审成立) of a formal-check rejection passes the check after all.
    S.CHECK_FAILED: frozenset({S.CHECK_PASSED}),
    S.WITHDRAWN: frozenset(),
}

APPLICATION_LIFECYCLE = Lifecycle(
    "application",
    APPLICATION_TRANSITIONS,
    dict(S.choices),
    "shenbao.application",
    state_field="state",
    initial=frozenset({S.DRAFT}),
)

#: States that count against limits across applications (per applicant, per country, one-use documents).
COUNTED_STATES = frozenset({S.SUBMITTED, S.ENDORSED, S.RETURNED, S.CHECK_PASSED, S.CHECK_FAILED})
SUBMITTED_STATES = frozenset({S.SUBMITTED, S.ENDORSED, S.RETURNED, S.CHECK_PASSED, S.CHECK_FAILED})
# Submitting again from these answers with the existing receipt (a retry or a double click).
SUBMITTED_ALREADY = frozenset({S.SUBMITTED, S.ENDORSED, S.CHECK_PASSED})
#: States in which the applicant edits the application (a draft, or returned for correction).
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
#: States from which the applicant may withdraw (the table's sources of "withdrawn").
WITHDRAWABLE_STATES = frozenset(s for s, targets in APPLICATION_TRANSITIONS.items() if S.WITHDRAWN in targets)

TEAM_INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    I.INVITED: frozenset({I.ACCEPTED, I.DECLINED}),
    I.ACCEPTED: frozenset(),
    I.DECLINED: frozenset(),
}

TEAM_INVITATION_LIFECYCLE = Lifecycle(
    "team_invitation",
    TEAM_INVITATION_TRANSITIONS,
    dict(I.choices),
    "shenbao.application.team",
    initial=frozenset({I.INVITED}),
)


def can_transition(current: str, target: str) -> bool:
    return APPLICATION_LIFECYCLE.allows(current, target)
