"""The institution's endorsement (依托单位审核): an officer endorses applications or returns them, in bulk."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState, EndorsementOutcome
from shenbao.applications.models import Application, EndorsementDecision
from shenbao.applications.services.state import change_application_state
from shenbao.applications.services.telling import tell_applicant_of_decision
from shenbao.core.errors import DomainError, NotAllowed
from shenbao.notifications.mail import notify

_TARGET = {EndorsementOutcome.ENDORSE: ApplicationState.ENDORSED, EndorsementOutcome.RETURN: ApplicationState.RETURNED}


def _receipts(applications: Sequence[Application]) -> str:
    return ", ".join(a.receipt_number or str(a.pk) for a in applications)


@transaction.atomic
def decide_endorsements(
    *, applications: Sequence[Application], outcome: str, reason: str = "", actor: User
) -> list[EndorsementDecision]:
    """Endorse or return every application, all or none: one that may not be decided changes nothing.

    Each must wait for this officer's institution (the ``applications.endorse_application``
    permission) and still be only submitted; a return needs a reason, which the applicant sees."""
    if outcome not in EndorsementOutcome.values:
        raise DomainError(_("Choose whether to endorse or to return."))
    reason = reason.strip()
    if outcome == EndorsementOutcome.RETURN and not reason:
        raise DomainError(_("A returned application needs a reason, which the applicant will see."))
    if not applications:
        raise DomainError(_("Select at least one application."))
    locked = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .filter(pk__in=[a.pk for a in applications])
        .order_by("pk")
    )
    # Asked on the locked rows: the state (and so the permission) cannot change under us.
    refused = [a for a in locked if not actor.has_perm("applications.endorse_application", a)]
    if refused:
        raise NotAllowed(
            _("You may not decide the endorsement of these applications: %(receipts)s."),
            params={"receipts": _receipts(refused)},
        )
    decided = [a for a in locked if a.state != ApplicationState.SUBMITTED]
    if decided:
        raise DomainError(_("These applications were already endorsed: %(receipts)s."), params={"receipts": _receipts(decided)})
    target = _TARGET[EndorsementOutcome(outcome)]
    decisions = []
    for application in locked:
        change_application_state(application=application, to=target, actor=actor, data={"endorsement": outcome, "reason": reason})
        decisions.append(
            EndorsementDecision.objects.create(
                application=application, outcome=outcome, reason=reason, decided_by=actor, revision=application.revision
            )
        )
        tell_applicant_of_decision(
            application=application,
            template="endorsement_decided",
            context={"endorsed": outcome == EndorsementOutcome.ENDORSE, "reason": reason},
        )
    return decisions


def request_endorsement(application: Application) -> int:
    """Mail the officers of the application's lead institution that it waits for their endorsement
    (the call asks for it); returns how many were told."""
    if application.lead_organisation_id is None:
        return 0
    officers = (
        User.objects.filter(
            memberships__organisation_id=application.lead_organisation_id,
            memberships__role=MembershipRole.OFFICER,
            memberships__end_date__isnull=True,
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    count = 0
    for officer in officers:
        notify(
            to=officer.email,
            language=officer.language,
            template="endorsement_request",
            context={
                "call_title": application.call.title,
                "title": application.title,
                "number": application.receipt_number,
                "applicant": str(application.applicant),
            },
            call=application.call,
            related=application,
            link=reverse("web:endorsement_queue"),
        )
        count += 1
    return count
