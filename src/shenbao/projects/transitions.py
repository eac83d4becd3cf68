"""The project, tranche and report lifecycles as declared tables (DESIGN §4)."""

from shenbao.core.lifecycle import Lifecycle
from shenbao.core.lifecycle import check_transition as _check
from shenbao.projects.enums import ChangeStatus as C
from shenbao.projects.enums import ProjectStatus as S
from shenbao.projects.enums import ReportStatus as R
from shenbao.projects.enums import TrancheStatus as T

PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.COMPLETED, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
}

PROJECT_LIFECYCLE = Lifecycle("project", PROJECT_TRANSITIONS, dict(S.choices), "shenbao.project", initial=frozenset({S.ACTIVE}))


def check_transition(current: str, target: str) -> None:
    _check(PROJECT_TRANSITIONS, current, target, dict(S.choices))


# A tranche (拨付): planned until its condition is met (signing, a report passed, its date); due, then
# approved by staff and paid; withheld with a reason after a failed or overdue report, and due again
# when the report passes or staff lift the withholding.  A payment is final.
TRANCHE_TRANSITIONS: dict[str, frozenset[str]] = {
    T.PLANNED: frozenset({T.DUE, T.WITHHELD}),
    T.DUE: frozenset({T.APPROVED, T.WITHHELD}),
    T.APPROVED: frozenset({T.PAID, T.WITHHELD}),
    T.WITHHELD: frozenset({T.DUE}),
    T.PAID: frozenset(),
}

TRANCHE_LIFECYCLE = Lifecycle("tranche", TRANCHE_TRANSITIONS, dict(T.choices), "shenbao.tranche", initial=frozenset({T.PLANNED}))

# A mid-term or final report: submitted (and reviewed by experts), then decided once by staff.
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    R.SUBMITTED: frozenset({R.PASSED, R.CONDITIONAL, R.FAILED}),
    R.PASSED: frozenset(),
    R.CONDITIONAL: frozenset(),
    R.FAILED: frozenset(),
}

REPORT_LIFECYCLE = Lifecycle("report", REPORT_TRANSITIONS, dict(R.choices), "shenbao.report", initial=frozenset({R.SUBMITTED}))

# A change during the project (项目变更): requested by the PI, approved or rejected once by staff.
CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    C.REQUESTED: frozenset({C.APPROVED, C.REJECTED}),
    C.APPROVED: frozenset(),
    C.REJECTED: frozenset(),
}

CHANGE_LIFECYCLE = Lifecycle(
    "project_change", CHANGE_TRANSITIONS, dict(C.choices), "shenbao.project_change", initial=frozenset({C.REQUESTED})
)
