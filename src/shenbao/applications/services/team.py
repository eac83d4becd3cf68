"""Team invitations by e-mail, accepted or declined by the invitee."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.errors import NotEditable
from shenbao.applications.models import Application, TeamMember
from shenbao.applications.services.drafts import EDITABLE_STATES
from shenbao.calls.definition.criteria import TeamRole
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.notifications.mail import notify


@transaction.atomic
def invite_team_member(
    *, application: Application, email: str, name: str, role: str, presenter: bool = False, actor: User, link_base: str = ""
) -> TeamMember:
    if application.state not in EDITABLE_STATES:
        raise NotEditable()
    TeamRole(role)  # refuses unknown roles
    if TeamMember.objects.filter(application=application, email=email.strip().lower()).exists():
        raise DomainError(_("This person is already invited."))
    member = TeamMember.objects.create(
        application=application,
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        presenter=presenter,
        token=secrets.token_urlsafe(24),
        user=User.objects.filter(email=email.strip().lower()).first(),
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
    )
    return member


@transaction.atomic
def respond_to_invitation(*, token: str, accept: bool, user: User | None) -> TeamMember:
    """Accept or decline, as the invited person only (the link alone is not enough)."""
    member = TeamMember.objects.select_for_update().get(token=token)
    if user is None or user.email.lower() != member.email.lower():
        raise DomainError(
            _("This invitation is for %(email)s; log in with that account to answer."), params={"email": member.email}
        )
    if member.status != InvitationStatus.INVITED:
        return member  # answering twice changes nothing
    member.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    member.responded_at = timezone.now()
    if user is not None:
        member.user = user
    member.save(update_fields=["status", "responded_at", "user"])
    log_action(
        action="shenbao.application.team_accepted" if accept else "shenbao.application.team_declined",
        obj=member.application,
        actor=user,
        data={"email": member.email},
    )
    return member
