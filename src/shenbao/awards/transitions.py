"""The award, selection-run, objection, public-notice and reconsideration lifecycles as declared tables (DESIGN §4)."""

from shenbao.awards.enums import AwardStatus as W
from shenbao.awards.enums import NoticeStatus as N
from shenbao.awards.enums import ObjectionStatus as O
from shenbao.awards.enums import ReconsiderationStatus as C
from shenbao.awards.enums import RunStatus as R
from shenbao.awards.enums import SelectionJobStatus as J
from shenbao.core.lifecycle import Lifecycle
from shenbao.core.lifecycle import check_transition as _check

RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    R.PROPOSED: frozenset({R.APPROVED}),
    R.APPROVED: frozenset({R.SUPERSEDED}),
    R.SUPERSEDED: frozenset(),
}

AWARD_TRANSITIONS: dict[str, frozenset[str]] = {
    W.APPROVED: frozenset({W.PUBLISHED}),
    W.PUBLISHED: frozenset({W.FINAL, W.REVOKED}),
    W.FINAL: frozenset({W.REVOKED}),  # a forfeited agreement
    W.REVOKED: frozenset(),
}

#: Award states once the results are public (the notice running, or final).
PUBLISHED_AWARD_STATES = frozenset({W.PUBLISHED, W.FINAL})

OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    O.RECEIVED: frozenset({O.UPHELD, O.REJECTED}),
    O.UPHELD: frozenset(),
    O.REJECTED: frozenset(),
}

LABELS = {**dict(R.choices), **dict(W.choices), **dict(O.choices)}

RUN_LIFECYCLE = Lifecycle("selection_run", RUN_TRANSITIONS, dict(R.choices), "shenbao.selection", initial=frozenset({R.PROPOSED}))
AWARD_LIFECYCLE = Lifecycle("award", AWARD_TRANSITIONS, dict(W.choices), "shenbao.award", initial=frozenset({W.APPROVED}))
OBJECTION_LIFECYCLE = Lifecycle(
    "objection", OBJECTION_TRANSITIONS, dict(O.choices), "shenbao.objection", initial=frozenset({O.RECEIVED})
)


def check_transition(table: dict[str, frozenset[str]], current: str, target: str) -> None:
    _check(table, current, target, LABELS)


# The public notice (公示) and reconsideration (复审).  The notice is opened by publishing the results
# and closed when its period ends (awards.services.decisions); a reconsideration is decided by staff.

NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    N.OPEN: frozenset({N.CLOSED}),
    N.CLOSED: frozenset(),
}

RECONSIDERATION_TRANSITIONS: dict[str, frozenset[str]] = {
    C.REQUESTED: frozenset({C.UPHELD, C.REJECTED}),
    C.UPHELD: frozenset(),
    C.REJECTED: frozenset(),
}

NOTICE_LIFECYCLE = Lifecycle("public_notice", NOTICE_TRANSITIONS, dict(N.choices), "shenbao.notice", initial=frozenset({N.OPEN}))
RECONSIDERATION_LIFECYCLE = Lifecycle(
    "reconsideration",
    RECONSIDERATION_TRANSITIONS,
    dict(C.choices),
    "shenbao.application.reconsideration",
    initial=frozenset({C.REQUESTED}),
)


# A selection run of a large call queued for the worker (issue 18).
SELECTION_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    J.QUEUED: frozenset({J.RUNNING, J.FAILED}),
    J.RUNNING: frozenset({J.DONE, J.FAILED}),
    J.DONE: frozenset(),
    J.FAILED: frozenset(),
}

SELECTION_JOB_LIFECYCLE = Lifecycle(
    "selection_job",
    SELECTION_JOB_TRANSITIONS,
    dict(J.choices),
    "shenbao.selection.job",
    initial=frozenset({J.QUEUED}),
)
