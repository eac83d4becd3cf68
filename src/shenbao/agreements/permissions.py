"""Who confirms an agreement: the PI (the applicant), an officer of the lead institution, program staff."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.permissions import is_administrator
from shenbao.calls.queries.roles import is_officer_of


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@predicate
def is_pi(user: Any, agreement: Any) -> bool:
    return _authenticated(user) and agreement is not None and agreement.award.application.applicant_id == user.pk


@predicate
def is_institution_officer(user: Any, agreement: Any) -> bool:
    if not _authenticated(user) or agreement is None:
        return False
    org = agreement.award.application.lead_organisation_id
    return org is not None and bool(
        user.memberships.filter(organisation_id=org, role=MembershipRole.OFFICER, end_date__isnull=True).exists()
    )


@predicate
def is_program_officer(user: Any, agreement: Any) -> bool:
    return agreement is not None and is_officer_of(user, agreement.award.call.program_id)


add_perm("agreements.view_agreement", is_pi | is_institution_officer | is_program_officer | is_administrator)
add_perm("agreements.confirm_as_pi", is_pi)
add_perm("agreements.confirm_as_institution", is_institution_officer)
add_perm("agreements.record_signed_copy", is_program_officer | is_administrator)
add_perm("agreements.decline", is_pi)
add_perm("agreements.decide_overdue", is_program_officer | is_administrator)
# Staff set the approved budget (核定预算); the PI asks for a reallocation through a project change.
add_perm("agreements.approve_budget", is_program_officer | is_administrator)
