"""Institution officers (依托单位管理员): appointed and revoked by an administrator, audited on the
organisation, announced to the officer by mail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, Organisation
from shenbao.accounts.services.accounts import user_for_invitation
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.notifications.mail import notify

APPOINTED = "shenbao.organisation.officer_appointed"
REVOKED = "shenbao.organisation.officer_revoked"


class OfficerAlreadyRevoked(DomainError):
    code = "officer_already_revoked"

    def __init__(self) -> None:
        super().__init__(_("This institution officer was already revoked; nothing was changed."))


def _today() -> Any:
    return timezone.localdate()


@transaction.atomic
def appoint_institution_officer(
    *, organisation: Organisation, email: str, name: str = "", actor: Any, link_base: str = ""
) -> tuple[Membership, bool]:
    """Make the person at ``email`` an officer of ``organisation`` (an account is opened for a new
    address).  Returns the membership and whether it is new; appointing a current officer again
    changes nothing."""
    user, _created = user_for_invitation(email=email, name=name, actor=actor)
    current = Membership.objects.filter(
        user=user, organisation=organisation, role=MembershipRole.OFFICER, end_date__isnull=True
    ).first()
    if current is not None:
        return current, False
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=MembershipRole.OFFICER.value, start_date=_today(), is_primary=False
    )
    log_action(action=APPOINTED, obj=organisation, actor=actor, data={"user": user.email, "membership": membership.pk})
    notify(
        to=user.email,
        language=user.language,
        template="institution_officer_appointed",
        context={
            "organisation": organisation.name,
            "login": f"{link_base}/accounts/login/",
            "reset": f"{link_base}/accounts/password/reset/",
        },
    )
    return membership, True


@transaction.atomic
def revoke_institution_officer(*, membership: Membership, actor: Any) -> Membership:
    """End the officer's appointment today: they no longer endorse or sign for the organisation."""
    locked = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    if locked.role != MembershipRole.OFFICER or locked.end_date is not None:
        raise OfficerAlreadyRevoked()
    today = _today()
    locked.end_date = max(today, locked.start_date) if locked.start_date else today
    locked.save(update_fields=["end_date"])
    log_action(action=REVOKED, obj=locked.organisation, actor=actor, data={"user": locked.user.email, "membership": locked.pk})
    return locked
