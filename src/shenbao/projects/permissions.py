"""Who reports on a project (its PI) and who manages it (the program's officers)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.queries.roles import is_officer_of


@predicate
def is_pi(user: Any, project: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and project is not None
        and project.agreement.award.application.applicant_id == user.pk
    )


@predicate
def is_program_officer(user: Any, project: Any) -> bool:
    return project is not None and is_officer_of(user, project.agreement.award.call.program_id)


add_perm("projects.view_project", is_pi | is_program_officer | is_administrator)
add_perm("projects.report", is_pi)
add_perm("projects.manage_project", is_program_officer | is_administrator)
# Marking a custom milestone done: the PI (who delivers) or the program's staff.
add_perm("projects.complete_milestone", is_pi | is_program_officer | is_administrator)
