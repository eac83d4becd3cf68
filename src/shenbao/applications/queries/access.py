"""Scoped access to applications (CONVENTIONS rule 5): nobody fetches one without a check."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.permissions import user_is_administrator
from shenbao.applications.enums import ApplicationState, InvitationStatus
from shenbao.applications.models import Application
from shenbao.calls.queries.roles import officer_programs


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Own and team applications; submitted ones of the institution (for its officers) and of the
    program (for its program officers).  Drafts stay private to the applicant and the team."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    base = Application.objects.select_related("call", "direction", "applicant")
    if user_is_administrator(user):
        return base
    officer_orgs = user.memberships.filter(role=MembershipRole.OFFICER, end_date__isnull=True).values("organisation_id")
    submitted = ~Q(state=ApplicationState.DRAFT)
    return base.filter(
        Q(applicant=user)
        | Q(team__user=user, team__status=InvitationStatus.ACCEPTED)
        | (Q(lead_organisation_id__in=officer_orgs) & submitted)
        | (Q(call__program_id__in=officer_programs(user)) & submitted)
    ).distinct()


def get_application_for(user: Any, pk: int) -> Application | None:
    """The application if ``user`` may see it.  The applicant's own is found by one indexed query."""
    if getattr(user, "is_authenticated", False):
        own = (
            Application.objects.select_related("call", "direction", "applicant__person", "lead_organisation")
            .filter(pk=pk, applicant=user)
            .first()
        )
        if own is not None:
            return own
    return applications_visible_to(user).filter(pk=pk).first()
