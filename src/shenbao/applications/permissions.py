"""Who may see and change an application (CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.permissions import is_administrator
from shenbao.applications.enums import ApplicationState, InvitationStatus
from shenbao.calls.queries.roles import is_officer_of


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@predicate
def is_applicant(user: Any, application: Any) -> bool:
    return _authenticated(user) and application is not None and application.applicant_id == user.pk


@predicate
def is_team_member(user: Any, application: Any) -> bool:
    if not _authenticated(user) or application is None:
        return False
    return bool(application.team.filter(user=user, status=InvitationStatus.ACCEPTED).exists())


@predicate
def is_institution_officer(user: Any, application: Any) -> bool:
    if not _authenticated(user) or application is None or application.lead_organisation_id is None:
        return False
    return bool(
        user.memberships.filter(
            organisation_id=application.lead_organisation_id, role=MembershipRole.OFFICER, end_date__isnull=True
        ).exists()
    )


@predicate
def is_program_officer(user: Any, application: Any) -> bool:
    return application is not None and is_officer_of(user, application.call.program_id)


@predicate
def is_editable(user: Any, application: Any) -> bool:
    return application is not None and application.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)


@predicate
def is_submitted_only(user: Any, application: Any) -> bool:
    return application is not None and application.state == ApplicationState.SUBMITTED


@predicate
def was_submitted(user: Any, application: Any) -> bool:
    return application is not None and application.state in (ApplicationState.SUBMITTED, ApplicationState.ENDORSED)


@predicate
def is_not_draft(user: Any, application: Any) -> bool:
    return application is not None and application.state != ApplicationState.DRAFT


add_perm(
    "applications.view_application",
    is_applicant | is_team_member | ((is_institution_officer | is_program_officer) & is_not_draft) | is_administrator,
)
add_perm("applications.change_application", is_applicant & is_editable)
add_perm("applications.submit_application", is_applicant & is_editable)
add_perm("applications.amend_application", is_applicant & is_submitted_only)
add_perm("applications.withdraw_application", is_applicant)


@predicate
def call_asks_for_endorsement(user: Any, application: Any) -> bool:
    from shenbao.calls.queries.definitions import current_definition

    return application is not None and current_definition(application.call).call.institution_endorsement


add_perm("applications.endorse_application", is_institution_officer & was_submitted & call_asks_for_endorsement)
add_perm("applications.check_application", (is_program_officer | is_administrator) & is_not_draft)
#: Record that an undertaking of the call was breached: the program's own staff only.
add_perm("applications.mark_obligation_breached", is_program_officer & is_not_draft)


@predicate
def is_bilateral_call(user: Any, call: Any) -> bool:
    from shenbao.applications.queries.bilateral import is_bilateral

    return call is not None and is_bilateral(call)


@predicate
def is_call_program_officer(user: Any, call: Any) -> bool:
    return call is not None and is_officer_of(user, call.program_id)


#: Import the partner agency's list of a bilateral call and read the comparison (on a Call).
add_perm("applications.compare_partner_list", (is_call_program_officer | is_administrator) & is_bilateral_call)


@predicate
def is_any_institution_officer(user: Any) -> bool:
    from shenbao.applications.queries.endorsement import officer_organisation_ids

    return bool(officer_organisation_ids(user))


#: Open the institution's endorsement workspace (asked without an object).
add_perm("applications.view_endorsement_queue", is_any_institution_officer)
add_perm("applications.view_audit", is_program_officer | is_administrator)
