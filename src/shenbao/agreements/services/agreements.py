"""Agreements: opened for each published award with the call's deadline (working days on the Chinese
official calendar where the call says so), signed by every party, or forfeited when the day passes."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.errors import AgreementClosed
from shenbao.agreements.models import Agreement
from shenbao.agreements.transitions import check_transition
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award
from shenbao.calls.definition.schema import AgreementTerms
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.queries.calendar import working_day_deadline
from shenbao.notifications.mail import notify


def _terms(call: Call) -> AgreementTerms | None:
    terms = current_definition(call).agreement
    return terms if terms is not None and terms.required else None


def _deadline(terms: AgreementTerms, start: dt.date) -> dt.date | None:
    if terms.deadline is None:
        return None
    if terms.deadline.working_days:
        return working_day_deadline(start, terms.deadline.working_days)
    return start + dt.timedelta(days=terms.deadline.calendar_days or 0)


def _today(call: Call, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(call.timezone)).date()


@transaction.atomic
def open_agreements(*, call: Call, actor: User | None, now: dt.datetime | None = None) -> int:
    """An agreement for every published award that has none (idempotent); returns how many were opened."""
    terms = _terms(call)
    if terms is None:
        return 0
    now = now or timezone.now()
    deadline = _deadline(terms, _today(call, now))
    awards = Award.objects.filter(call=call, status__in=[AwardStatus.PUBLISHED, AwardStatus.FINAL], agreement__isnull=True)
    created = [Agreement.objects.create(award=a, deadline=deadline) for a in awards.select_related("application__applicant")]
    for agreement in created:
        applicant = agreement.award.application.applicant
        notify(
            to=applicant.email,
            language=applicant.language,
            template="agreement_opened",
            context={"call_title": call.title, "title": agreement.award.application.title, "deadline": deadline},
        )
    if created:
        log_action(
            action="shenbao.agreement.opened",
            obj=call,
            actor=actor,
            data={"count": len(created), "deadline": deadline.isoformat() if deadline else None},
        )
    return len(created)


def _parties(terms: AgreementTerms | None) -> set[str]:
    return set(terms.parties if terms else ["funder", "pi", "institution"])


@transaction.atomic
def confirm_agreement(*, agreement: Agreement, party: str, actor: User, now: dt.datetime | None = None) -> Agreement:
    """A party confirms on line (the PI, an officer of the institution, or staff for the funder);
    the agreement is signed when every party of the call's terms has confirmed."""
    now = now or timezone.now()
    locked = Agreement.objects.select_for_update(of=("self",)).select_related("award__call").get(pk=agreement.pk)
    call = locked.award.call
    if locked.status != AgreementStatus.PENDING or (locked.deadline and _today(call, now) > locked.deadline):
        raise AgreementClosed()
    if party == "pi":
        locked.pi_confirmed_at = locked.pi_confirmed_at or now
    elif party == "institution":
        locked.institution_confirmed_at = locked.institution_confirmed_at or now
        locked.institution_confirmed_by = locked.institution_confirmed_by or actor
    elif party != "funder":
        raise ValueError(f"unknown party {party!r}")
    confirmed = {"pi": locked.pi_confirmed_at, "institution": locked.institution_confirmed_at}
    waiting = {p for p in _parties(_terms(call)) if p in confirmed and confirmed[p] is None}
    if party == "funder" and not waiting:
        check_transition(locked.status, AgreementStatus.SIGNED)
        locked.status = AgreementStatus.SIGNED
        locked.signed_at = now
    locked.save()
    log_action(
        action="shenbao.agreement.confirmed",
        obj=locked.award.application,
        actor=actor,
        data={"party": party, "signed": locked.status == AgreementStatus.SIGNED},
    )
    return locked


@transaction.atomic
def record_signed_copy(
    *, agreement: Agreement, stream: IO[bytes], name: str, actor: User, now: dt.datetime | None = None
) -> Agreement:
    """Staff file the agreement signed on paper by every party: it is signed."""
    now = now or timezone.now()
    locked = Agreement.objects.select_for_update(of=("self",)).select_related("award__call").get(pk=agreement.pk)
    if locked.status != AgreementStatus.PENDING or (locked.deadline and _today(locked.award.call, now) > locked.deadline):
        raise AgreementClosed()
    check_transition(locked.status, AgreementStatus.SIGNED)
    locked.signed_copy.save(name or "agreement.pdf", File(stream), save=False)
    locked.status = AgreementStatus.SIGNED
    locked.signed_at = now
    locked.save()
    log_action(
        action="shenbao.agreement.signed", obj=locked.award.application, actor=actor, data={"file": locked.signed_copy.name}
    )
    return locked


@transaction.atomic
def forfeit_overdue(*, now: dt.datetime | None = None) -> list[Agreement]:
    """Run daily: an agreement still unsigned after its last day is forfeited where the call says so
    (the award is revoked), and the next reserve of the same list is offered where the call allows."""
    now = now or timezone.now()
    forfeited = []
    pending = Agreement.objects.select_for_update(of=("self",)).filter(status=AgreementStatus.PENDING, deadline__isnull=False)
    for agreement in pending.select_related("award__call", "award__run"):
        call = agreement.award.call
        terms = _terms(call)
        if terms is None or not terms.forfeit_when_missed or agreement.deadline is None:
            continue
        if _today(call, now) <= agreement.deadline:
            continue
        check_transition(agreement.status, AgreementStatus.FORFEITED)
        agreement.status = AgreementStatus.FORFEITED
        agreement.forfeited_at = now
        agreement.save(update_fields=["status", "forfeited_at"])
        Award.objects.filter(pk=agreement.award_id).update(status=AwardStatus.REVOKED)
        log_action(
            action="shenbao.agreement.forfeited",
            obj=agreement.award.application,
            actor=None,
            data={"deadline": agreement.deadline.isoformat()},
        )
        forfeited.append(agreement)
        if terms.offer_to_reserve:
            _offer_to_reserve(agreement.award, terms, now)
    return forfeited


def _offer_to_reserve(award: Award, terms: AgreementTerms, now: dt.datetime) -> None:
    group = award.direction.code if award.direction else ""
    reserve: list[int] = next((r["applications"] for r in award.run.result.get("reserve", []) if str(r["group"]) == group), [])
    taken = set(Award.objects.filter(call_id=award.call_id).values_list("application_id", flat=True))
    nxt = next((int(pk) for pk in reserve if int(pk) not in taken), None)
    if nxt is None:
        return
    explanation: dict[str, Any] = next((e for e in award.run.result.get("explanations", []) if int(e["application"]) == nxt), {})
    offered = Award.objects.create(
        call_id=award.call_id,
        application_id=nxt,
        run=award.run,
        direction=award.direction,
        rank=explanation.get("rank"),
        amount_yuan=explanation.get("amount_yuan") or award.amount_yuan,
        tier=award.tier,
        status=AwardStatus.FINAL,
        explanation={"offered_after_forfeit_of": award.application_id},
    )
    Agreement.objects.create(award=offered, deadline=_deadline(terms, _today(award.call, now)))
    log_action(
        action="shenbao.award.offered_to_reserve",
        obj=offered.application,
        actor=None,
        data={"instead_of": award.application_id},
    )
