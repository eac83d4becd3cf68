"""The project lifecycle as a declared table (DESIGN §4)."""

from shenbao.core.lifecycle import Lifecycle
from shenbao.core.lifecycle import check_transition as _check
from shenbao.projects.enums import ProjectStatus as S

PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.COMPLETED, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
}

PROJECT_LIFECYCLE = Lifecycle("project", PROJECT_TRANSITIONS, dict(S.choices), "shenbao.project", initial=frozenset({S.ACTIVE}))


def check_transition(current: str, target: str) -> None:
    _check(PROJECT_TRANSITIONS, current, target, dict(S.choices))
