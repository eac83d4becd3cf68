"""Who reports on a project (its PI) and who manages it (the program's officers)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.queries.roles import is_officer_of
from shenbao.reviews.permissions import is_call_officer


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


@predicate
def is_report_expert(user: Any, review: Any) -> bool:
    """The expert staff named for this report review."""
    return bool(getattr(user, "is_authenticated", False)) and review is not None and review.expert_id == user.pk


# The disbursement schedule: the PI sees it (read only); the program's staff plan, approve, withhold
# and record payments.
add_perm("projects.view_disbursement", is_pi | is_program_officer | is_administrator)
add_perm("projects.manage_disbursement", is_program_officer | is_administrator)
# Report review: staff name experts and decide; the named expert submits a score and an opinion.
add_perm("projects.decide_report", is_program_officer | is_administrator)
add_perm("projects.review_report", is_report_expert)
# The call's reports awaiting review: its officers name experts through the assignment solver.
add_perm("projects.assign_report_experts", is_call_officer | is_administrator)
