"""Team invitations by e-mail, accepted or declined by the invitee."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.accounts.queries.addresses import has_confirmed_email
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.errors import AlreadyInvited, CannotInviteSelf, NotEditable
from shenbao.applications.models import Application, TeamMember
from shenbao.applications.transitions import EDITABLE_STATES, TEAM_INVITATION_LIFECYCLE
from shenbao.calls.definition.criteria import TeamRole
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.core.lifecycle import transition
from shenbao.notifications.mail import notify


def invite_team_member(
    *, application: Application, email: str, name: str, role: str, presenter: bool = False, actor: User, link_base: str = ""
) -> TeamMember:
    member, _created = invite_team_member_once(
        application=application, email=email, name=name, role=role, presenter=presenter, actor=actor, link_base=link_base
    )
    return member


@transaction.atomic
def invite_team_member_once(
    *, application: Application, email: str, name: str, role: str, presenter: bool = False, actor: User, link_base: str = ""
) -> tuple[TeamMember, bool]:
    """Invite by e-mail; the same invitation again (a retry, a double click) returns the first one
    without a second e-mail.  Returns the member and whether it was created now."""
    if application.state not in EDITABLE_STATES:
        raise NotEditable()
    TeamRole(role)  # refuses unknown roles
    email = email.strip().lower()
    if email == application.applicant.email.strip().lower():
        raise CannotInviteSelf()
    # Lock the application so two concurrent retries cannot both pass the check below.
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    existing = TeamMember.objects.filter(application=application, email=email).first()
    if existing is not None:
        if (existing.name, existing.role, existing.presenter) == (name.strip(), role, presenter):
            return existing, False
        raise AlreadyInvited()
    member = TeamMember.objects.create(
        application=application,
        email=email,
        name=name.strip(),
        role=role,
        presenter=presenter,
        token=secrets.token_urlsafe(24),
        user=User.objects.filter(email=email).first(),
    )
    log_action(
        action="shenbao.application.team_invited", obj=application, actor=actor, data={"email": member.email, "role": role}
    )
    notify(
        to=member.email,
        language=member.user.language if member.user else application.applicant.language,
        template="invitation",
        context={
            "call_title": application.call.title,
            "title": application.title,
            "inviter": str(actor),
            "link": f"{link_base}/invitations/{member.token}/",
        },
        call=application.call,
    )
    return member, True


@transaction.atomic
def remove_team_member(*, member: TeamMember, actor: User) -> None:
    """Take someone off a draft's team (an invitation not yet answered is withdrawn with it)."""
    if member.application.state not in EDITABLE_STATES:
        raise NotEditable()
    log_action(
        action="shenbao.application.team_removed",
        obj=member.application,
        actor=actor,
        data={"email": member.email, "role": member.role, "status": member.status},
    )
    member.delete()


@transaction.atomic
def respond_to_invitation(*, token: str, accept: bool, user: User | None) -> TeamMember:
    """Accept or decline, as the invited person only (the link alone is not enough)."""
    member = TeamMember.objects.select_for_update().get(token=token)
    if user is None or user.email.lower() != member.email.lower():
        raise DomainError(
            _("This invitation is for %(email)s; log in with that account to answer."), params={"email": member.email}
        )
    if not has_confirmed_email(user):  # the address is what the invitation trusts: it must be proven
        raise DomainError(_("Confirm your e-mail address (the link we mailed you) before answering an invitation."))
    if member.status != InvitationStatus.INVITED:
        return member  # answering twice changes nothing
    member.responded_at = timezone.now()
    member.user = user
    transition(
        member,
        TEAM_INVITATION_LIFECYCLE,
        InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED,
        actor=user,
        data={"email": member.email},
        also_update=("responded_at", "user"),
        audit_obj=member.application,
        action="shenbao.application.team_accepted" if accept else "shenbao.application.team_declined",
    )
    return member
