"""Giving an award up and offering it to the next reserve (stage glue shared by the forfeit, the
PI's decline, the web pages and the API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import agreement_terms, compute_deadline, local_day
from shenbao.agreements.transitions import AGREEMENT_LIFECYCLE, OPEN_STATES
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award
from shenbao.awards.transitions import AWARD_LIFECYCLE
from shenbao.calls.enums import ProgramRoleKind
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.core.lifecycle import transition
from shenbao.notifications.mail import notify


def notify_staff(agreement: Agreement, *, template: str, context: dict[str, Any]) -> None:
    """Mail the program officers of the agreement's program, each in their language, with a link to
    the agreement's page (where they decide)."""
    call = agreement.award.call
    officers = User.objects.filter(
        program_roles__program_id=call.program_id, program_roles__role=ProgramRoleKind.PROGRAM_OFFICER, is_active=True
    ).distinct()
    for person in officers.order_by("pk"):
        if person.email:
            notify(
                to=person.email,
                language=person.language,
                template=template,
                context={
                    "call_title": call.title,
                    "title": agreement.award.application.title,
                    "number": agreement.award.application.receipt_number,
                    **context,
                },
                call=call,
                related=agreement,
                link=reverse("web:agreement", args=[agreement.pk]),
            )


def revoke_award(award: Award, *, actor: User | None, reason: str) -> None:
    locked = Award.objects.select_for_update(of=("self",)).select_related("application").get(pk=award.pk)
    transition(locked, AWARD_LIFECYCLE, AwardStatus.REVOKED, actor=actor, audit_obj=locked.application, data={"reason": reason})
    award.refresh_from_db(fields=["status"])


@transaction.atomic
def offer_next_reserve(*, award: Award, actor: User | None, now: dt.datetime | None = None) -> Award | None:
    """Offer a revoked award to the next reserve of the same list (direction) that holds no award,
    with an agreement whose term counts from the day of the offer; returns the new award, or None
    when the list is exhausted.  The caller checks that the call allows offers to reserves."""
    now = now or timezone.now()
    call = award.call
    group = award.direction.code if award.direction else ""
    reserve: list[int] = next((r["applications"] for r in award.run.result.get("reserve", []) if str(r["group"]) == group), [])
    taken = set(Award.objects.filter(call_id=award.call_id).values_list("application_id", flat=True))
    nxt = next((int(pk) for pk in reserve if int(pk) not in taken), None)
    if nxt is None:
        return None
    explanation: dict[str, Any] = next((e for e in award.run.result.get("explanations", []) if int(e["application"]) == nxt), {})
    offered = Award.objects.create(
        call_id=award.call_id,
        application_id=nxt,
        run=award.run,
        direction=award.direction,
        rank=explanation.get("rank"),
        amount_yuan=explanation.get("amount_yuan") or award.amount_yuan,
        tier=award.tier,
        explanation={"offered_instead_of": award.application_id},
    )
    # Through the table like every award: approved, then published and final at once (the public
    # notice of the original results is over or covers the list this reserve was on).
    for state in (AwardStatus.PUBLISHED, AwardStatus.FINAL):
        transition(offered, AWARD_LIFECYCLE, state, actor=actor, audit_obj=offered.application, data={"offered_to_reserve": True})
    terms = agreement_terms(call)
    agreement = None
    if terms is not None:
        start = local_day(call, now)  # a reserve's term counts from the day of the offer, not the publication
        deadline, provisional = compute_deadline(terms, start)
        agreement = Agreement.objects.create(award=offered, starts_on=start, deadline=deadline, deadline_provisional=provisional)
    log_action(
        action="shenbao.award.offered_to_reserve",
        obj=offered.application,
        actor=actor,
        data={"instead_of": award.application_id},
    )
    applicant = offered.application.applicant
    notify(
        to=applicant.email,
        language=applicant.language,
        template="reserve_offered",
        context={
            "call_title": call.title,
            "title": offered.application.title,
            "deadline": agreement.deadline if agreement else None,
            "provisional": agreement.deadline_provisional if agreement else False,
        },
        call=call,
        related=agreement if agreement else offered.application,
        link=reverse("web:agreement", args=[agreement.pk]) if agreement else None,
    )
    return offered


@transaction.atomic
def decline_award(
    *, agreement: Agreement, reason: str, actor: User, now: dt.datetime | None = None
) -> tuple[Agreement, Award | None]:
    """The PI gives the award up with a reason: the agreement is closed as declined, the award revoked,
    the next reserve offered where the call allows, staff told.  Returns the agreement and the offer."""
    now = now or timezone.now()
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("award__call__program", "award__run", "award__direction", "award__application__applicant")
        .get(pk=agreement.pk)
    )
    if locked.status not in OPEN_STATES:
        raise DomainError(_("Only an agreement not yet signed, forfeited or declined can be declined."), code="agreement_closed")
    if not reason.strip():
        raise DomainError(_("Give the reason for declining the award."), code="decline_reason")
    locked.declined_at, locked.decline_reason = now, reason.strip()
    transition(
        locked,
        AGREEMENT_LIFECYCLE,
        AgreementStatus.DECLINED,
        actor=actor,
        also_update=["declined_at", "decline_reason"],
        audit_obj=locked.award.application,
        data={"reason": locked.decline_reason},
    )
    revoke_award(locked.award, actor=actor, reason="declined")
    terms = agreement_terms(locked.award.call)
    offered = (
        offer_next_reserve(award=locked.award, actor=actor, now=now) if terms is not None and terms.offer_to_reserve else None
    )
    notify_staff(
        locked,
        template="agreement_declined",
        context={"reason": locked.decline_reason, "offered_to": offered.application.title if offered else ""},
    )
    return locked, offered
