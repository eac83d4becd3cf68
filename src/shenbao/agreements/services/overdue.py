"""Agreements unsigned after their last day (seed 000: forfeited only where the grantee or its
institution caused the delay).

The daily job (``forfeit_overdue_agreements``) forfeits on its own only where the call's terms say
``forfeit_automatically``; everywhere else the agreement becomes *overdue* and staff are told.
Staff record whose fault the delay is, then forfeit (the grantee's or the institution's) or extend
it with a new last day and a reason (the funder's or another cause)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.enums import FORFEIT_CAUSES, AgreementStatus, DelayCause
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import agreement_terms, local_day, notify_deadline_changed
from shenbao.agreements.services.reserves import notify_staff, offer_next_reserve, revoke_award
from shenbao.agreements.transitions import AGREEMENT_LIFECYCLE
from shenbao.awards.models import Award
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.core.lifecycle import transition
from shenbao.notifications.mail import notify


@dataclass
class OverdueOutcome:
    overdue: list[Agreement] = field(default_factory=list)
    forfeited: list[Agreement] = field(default_factory=list)


def _forfeit(agreement: Agreement, *, actor: User | None, now: dt.datetime) -> Award | None:
    """Forfeit, revoke the award, offer the next reserve where the call allows; returns the offer."""
    terms = agreement_terms(agreement.award.call)
    agreement.forfeited_at = now
    transition(
        agreement,
        AGREEMENT_LIFECYCLE,
        AgreementStatus.FORFEITED,
        actor=actor,
        also_update=["forfeited_at"],
        audit_obj=agreement.award.application,
        data={"deadline": agreement.deadline.isoformat() if agreement.deadline else None, "cause": agreement.delay_cause},
    )
    revoke_award(agreement.award, actor=actor, reason="forfeited")
    if terms is not None and terms.offer_to_reserve:
        return offer_next_reserve(award=agreement.award, actor=actor, now=now)
    return None


@transaction.atomic
def forfeit_overdue(*, now: dt.datetime | None = None) -> OverdueOutcome:
    """Run daily: every pending agreement past its last day is forfeited where the call's terms say
    ``forfeit_automatically``, and otherwise marked overdue for staff to decide."""
    now = now or timezone.now()
    outcome = OverdueOutcome()
    pending = Agreement.objects.select_for_update(of=("self",)).filter(status=AgreementStatus.PENDING, deadline__isnull=False)
    for agreement in pending.select_related("award__call__program", "award__run", "award__application__applicant"):
        call = agreement.award.call
        terms = agreement_terms(call)
        if terms is None or not terms.forfeit_when_missed or agreement.deadline is None:
            continue
        if local_day(call, now) <= agreement.deadline:
            continue
        if terms.forfeit_automatically:
            _forfeit(agreement, actor=None, now=now)
            outcome.forfeited.append(agreement)
            continue
        transition(
            agreement,
            AGREEMENT_LIFECYCLE,
            AgreementStatus.OVERDUE,
            actor=None,
            audit_obj=agreement.award.application,
            data={"deadline": agreement.deadline.isoformat()},
        )
        notify_staff(agreement, template="agreement_overdue", context={"deadline": agreement.deadline})
        _tell_pi_overdue(agreement)
        outcome.overdue.append(agreement)
    return outcome


def _tell_pi_overdue(agreement: Agreement) -> None:
    """The PI learns the agreement missed its last day and that staff now decide (issue 17)."""
    application = agreement.award.application
    pi = application.applicant
    if not pi.email:
        return
    notify(
        to=pi.email,
        language=pi.language,
        template="agreement_overdue_applicant",
        context={
            "call_title": agreement.award.call.title,
            "title": application.title,
            "number": application.receipt_number,
            "deadline": agreement.deadline,
        },
        call=agreement.award.call,
        related=agreement,
        link=reverse("web:agreement", args=[agreement.pk]),
    )


def _locked_overdue(agreement: Agreement) -> Agreement:
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("award__call__program", "award__run", "award__application__applicant")
        .get(pk=agreement.pk)
    )
    if locked.status != AgreementStatus.OVERDUE:
        raise DomainError(_("Only an overdue agreement waits for this decision."), code="agreement_not_overdue")
    return locked


@transaction.atomic
def record_delay_cause(*, agreement: Agreement, cause: str, note: str = "", actor: User) -> Agreement:
    """Staff record whose fault the delay of an overdue agreement is."""
    locked = _locked_overdue(agreement)
    if cause not in DelayCause.values:
        raise DomainError(_("Choose who caused the delay."), code="delay_cause_unknown")
    before = locked.delay_cause
    locked.delay_cause, locked.delay_note = cause, note.strip()
    locked.save(update_fields=["delay_cause", "delay_note"])
    log_action(
        action="shenbao.agreement.delay_cause_recorded",
        obj=locked.award.application,
        actor=actor,
        data={"cause": cause, "note": locked.delay_note, "before": before},
    )
    return locked


@transaction.atomic
def forfeit_agreement(*, agreement: Agreement, actor: User, now: dt.datetime | None = None) -> Award | None:
    """Staff forfeit an overdue agreement whose delay the grantee or its institution caused (seed 000);
    returns the award offered to the next reserve, if any."""
    now = now or timezone.now()
    locked = _locked_overdue(agreement)
    if locked.delay_cause not in FORFEIT_CAUSES:
        raise DomainError(
            _(
                "An agreement is forfeited only where the grantee or its institution caused the delay. "
                "Record the cause; for a delay on the funder's side or another cause, extend the last day."
            ),
            code="forfeit_cause",
        )
    return _forfeit(locked, actor=actor, now=now)


@transaction.atomic
def extend_agreement(
    *, agreement: Agreement, deadline: dt.date, reason: str, actor: User, now: dt.datetime | None = None
) -> Agreement:
    """Staff give an overdue agreement delayed by the funder or another cause a new last day (with a
    reason, audited); it waits for signatures again."""
    now = now or timezone.now()
    locked = _locked_overdue(agreement)
    if not locked.delay_cause or locked.delay_cause in FORFEIT_CAUSES:
        raise DomainError(
            _("An extension is for a delay on the funder's side or another cause: record that cause first."),
            code="extension_cause",
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), code="extension_reason")
    if deadline <= local_day(locked.award.call, now) or (locked.deadline and deadline <= locked.deadline):
        raise DomainError(_("The new last day must be after today and after the old one."), code="extension_day")
    before = locked.deadline
    locked.deadline, locked.deadline_provisional = deadline, False
    transition(
        locked,
        AGREEMENT_LIFECYCLE,
        AgreementStatus.PENDING,
        actor=actor,
        also_update=["deadline", "deadline_provisional"],
        audit_obj=locked.award.application,
        action="shenbao.agreement.extended",
        data={
            "before": before.isoformat() if before else None,
            "deadline": deadline.isoformat(),
            "reason": reason.strip(),
            "cause": locked.delay_cause,
        },
    )
    notify_deadline_changed(locked, reason=reason.strip())
    return locked
