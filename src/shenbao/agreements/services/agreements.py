"""Agreements: opened for each published award with the call's deadline (working days on the Chinese
official calendar where the call says so), confirmed by every party, signed when the last one confirms.

The term counts from the publication of the results (seed 000: 自结果发布之日起30个工作日), not from
the day agreements are opened: opening them late, or again, never moves the last day.  A reserve
offered a forfeited or declined award counts from the day of the offer (``offer_next_reserve``).
A term that runs into a year the working-day calendar lacks is computed over weekends only and
marked provisional; it is computed again, never earlier, when the year is entered."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.errors import AgreementClosed, AgreementTextChanged, SignedCopyRefused
from shenbao.agreements.models import Agreement
from shenbao.agreements.transitions import AGREEMENT_LIFECYCLE, OPEN_STATES
from shenbao.applications.files import sniff
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award, PublicNotice
from shenbao.awards.queries.readiness import agreements_readiness
from shenbao.calls.definition.schema import AgreementTerms
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.core.queries.calendar import provisional_working_day_deadline, work_calendar
from shenbao.core.workdays import WorkCalendar
from shenbao.notifications.mail import notify

#: The parties whose confirmation is recorded on line (a partner signs on paper).
ON_LINE_PARTIES = ("pi", "institution", "funder")

#: What a signed paper agreement is scanned as, recognised by content.
SIGNED_COPY_FORMATS = {"pdf", "png", "jpg"}


def agreement_terms(call: Call) -> AgreementTerms | None:
    """The call's agreement terms, or None where the call requires no agreement."""
    terms = current_definition(call).agreement
    return terms if terms is not None and terms.required else None


def compute_deadline(
    terms: AgreementTerms, start: dt.date, *, calendar: WorkCalendar | None = None
) -> tuple[dt.date | None, bool]:
    """The last day of the term counted from ``start``, and whether it is provisional."""
    if terms.deadline is None:
        return None, False
    if terms.deadline.working_days:
        day, assumed = provisional_working_day_deadline(start, terms.deadline.working_days, calendar=calendar)
        return day, bool(assumed)
    return start + dt.timedelta(days=terms.deadline.calendar_days or 0), False


def local_day(call: Call, moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(call.timezone)).date()


def term_start(call: Call, terms: AgreementTerms, award: Award, now: dt.datetime) -> dt.date:
    """The day the call's term counts from (``deadline.from_event``): the publication of the results
    by default, the end of the public notice, or the approval of the selection."""
    event = terms.deadline.from_event if terms.deadline is not None else "results_published"
    if event == "award_decided" and award.run.approved_at is not None:
        return local_day(call, award.run.approved_at)
    notice = PublicNotice.objects.filter(call=call).first()
    if notice is None:  # never for a published award; counting from today is the only honest fallback
        return local_day(call, now)
    return local_day(call, notice.ends_at if event == "notice_ended" else notice.starts_at)


def _closed(agreement: Agreement, now: dt.datetime) -> bool:
    today = local_day(agreement.award.call, now)
    return agreement.status != AgreementStatus.PENDING or (agreement.deadline is not None and today > agreement.deadline)


@transaction.atomic
def open_agreements(*, call: Call, actor: User | None, now: dt.datetime | None = None) -> int:
    """An agreement for every published award that has none (idempotent); returns how many were opened.

    Never refused for a missing calendar year: such a deadline is provisional (staff are warned)."""
    terms = agreement_terms(call)
    if terms is None:
        return 0
    agreements_readiness(call).require()
    now = now or timezone.now()
    calendar = work_calendar()
    awards = Award.objects.filter(call=call, status__in=[AwardStatus.PUBLISHED, AwardStatus.FINAL], agreement__isnull=True)
    created = []
    for award in awards.select_related("application__applicant", "run"):
        start = term_start(call, terms, award, now)
        deadline, provisional = compute_deadline(terms, start, calendar=calendar)
        created.append(
            Agreement.objects.create(award=award, starts_on=start, deadline=deadline, deadline_provisional=provisional)
        )
    for agreement in created:
        applicant = agreement.award.application.applicant
        notify(
            to=applicant.email,
            language=applicant.language,
            template="agreement_opened",
            call=call,
            related=agreement,
            link=reverse("web:agreement", args=[agreement.pk]),
            context={
                "call_title": call.title,
                "title": agreement.award.application.title,
                "deadline": agreement.deadline,
                "provisional": agreement.deadline_provisional,
            },
        )
    if created:
        deadlines = sorted({a.deadline.isoformat() for a in created if a.deadline})
        log_action(
            action="shenbao.agreement.opened",
            obj=call,
            actor=actor,
            data={
                "count": len(created),
                "deadline": deadlines[0] if len(deadlines) == 1 else deadlines or None,
                "provisional": any(a.deadline_provisional for a in created),
            },
        )
    return len(created)


def waiting_for(agreement: Agreement) -> list[str]:
    """The on-line parties of the call's terms that have not confirmed yet."""
    terms = agreement_terms(agreement.award.call)
    parties = set(terms.parties if terms else ON_LINE_PARTIES)
    confirmed = {
        "pi": agreement.pi_confirmed_at,
        "institution": agreement.institution_confirmed_at,
        "funder": agreement.funder_confirmed_at,
    }
    return [p for p in ON_LINE_PARTIES if p in parties and confirmed[p] is None]


@transaction.atomic
def confirm_agreement(
    *, agreement: Agreement, party: str, actor: User, now: dt.datetime | None = None, text_sha256: str | None = None
) -> Agreement:
    """A party confirms on line (the PI, an officer of the institution, or staff for the funder), in any
    order; the agreement is signed when the last party of the call's terms confirms, whoever it is.

    Where the agreement has a generated text, the confirmation refers to its SHA-256 (in the audit
    entry); ``text_sha256`` is the hash of the text the party was shown, refused if it is not the
    current one."""
    now = now or timezone.now()
    locked = (
        Agreement.objects.select_for_update(of=("self",)).select_related("award__call", "award__application").get(pk=agreement.pk)
    )
    if _closed(locked, now):
        raise AgreementClosed()
    if locked.text_sha256 and text_sha256 is not None and text_sha256 != locked.text_sha256:
        raise AgreementTextChanged()
    fields: list[str] = []
    if party == "pi" and locked.pi_confirmed_at is None:
        locked.pi_confirmed_at, fields = now, ["pi_confirmed_at"]
    elif party == "institution" and locked.institution_confirmed_at is None:
        locked.institution_confirmed_at, locked.institution_confirmed_by = now, actor
        fields = ["institution_confirmed_at", "institution_confirmed_by"]
    elif party == "funder" and locked.funder_confirmed_at is None:
        locked.funder_confirmed_at, locked.funder_confirmed_by = now, actor
        fields = ["funder_confirmed_at", "funder_confirmed_by"]
    elif party not in ON_LINE_PARTIES:
        raise ValueError(f"unknown party {party!r}")
    if fields:
        locked.save(update_fields=fields)
    signed = not waiting_for(locked)
    log_action(
        action="shenbao.agreement.confirmed",
        obj=locked.award.application,
        actor=actor,
        data={"party": party, "signed": signed, "text_sha256": locked.text_sha256 or None},
    )
    if signed:
        locked.signed_at = now
        transition(
            locked,
            AGREEMENT_LIFECYCLE,
            AgreementStatus.SIGNED,
            actor=actor,
            also_update=["signed_at"],
            audit_obj=locked.award.application,
        )
    return locked


@transaction.atomic
def record_signed_copy(
    *, agreement: Agreement, stream: IO[bytes], name: str, actor: User, now: dt.datetime | None = None
) -> Agreement:
    """Staff file the agreement signed on paper by every party: it is signed."""
    now = now or timezone.now()
    locked = (
        Agreement.objects.select_for_update(of=("self",)).select_related("award__call", "award__application").get(pk=agreement.pk)
    )
    if _closed(locked, now):
        raise AgreementClosed()
    sniffed = sniff(stream, 0)
    if sniffed.problem or sniffed.format not in SIGNED_COPY_FORMATS:
        raise SignedCopyRefused()
    # Stored under a generated name with the sniffed extension, not the uploader's name.
    locked.signed_copy.save(f"agreement.{sniffed.format}", File(stream), save=False)
    locked.signed_at = now
    transition(
        locked,
        AGREEMENT_LIFECYCLE,
        AgreementStatus.SIGNED,
        actor=actor,
        also_update=["signed_copy", "signed_at"],
        audit_obj=locked.award.application,
        data={"file": locked.signed_copy.name, "text_sha256": locked.text_sha256 or None},
    )
    return locked


def notify_deadline_changed(agreement: Agreement, *, reason: str = "") -> None:
    applicant = agreement.award.application.applicant
    notify(
        to=applicant.email,
        language=applicant.language,
        template="agreement_deadline_changed",
        context={
            "call_title": agreement.award.call.title,
            "title": agreement.award.application.title,
            "deadline": agreement.deadline,
            "provisional": agreement.deadline_provisional,
            "reason": reason,
        },
        call=agreement.award.call,
        related=agreement,
    )


@transaction.atomic
def recompute_provisional_deadlines(*, year: int, actor: Any = None, now: dt.datetime | None = None) -> list[Agreement]:
    """Once ``year``'s holidays are entered: every open agreement whose deadline was provisional is
    computed again.  The deadline was mailed to the grantee when the agreement opened, so it never
    moves earlier; it stays provisional while another missing year is still assumed."""
    now = now or timezone.now()
    calendar = work_calendar()
    changed = []
    rows = Agreement.objects.select_for_update(of=("self",)).filter(deadline_provisional=True, status__in=OPEN_STATES)
    for agreement in rows.select_related("award__call", "award__run", "award__application__applicant"):
        call = agreement.award.call
        terms = agreement_terms(call)
        if terms is None:
            continue
        start = agreement.starts_on or term_start(call, terms, agreement.award, now)
        computed, provisional = compute_deadline(terms, start, calendar=calendar)
        if computed is None:
            continue
        before = agreement.deadline
        agreement.deadline = max(computed, before) if before else computed
        agreement.deadline_provisional = provisional
        agreement.save(update_fields=["deadline", "deadline_provisional"])
        log_action(
            action="shenbao.agreement.deadline_recomputed",
            obj=agreement.award.application,
            actor=actor,
            data={
                "year": year,
                "before": before.isoformat() if before else None,
                "computed": computed.isoformat(),
                "deadline": agreement.deadline.isoformat(),
                "provisional": provisional,
            },
        )
        if agreement.status == AgreementStatus.OVERDUE and local_day(call, now) <= agreement.deadline:
            transition(
                agreement, AGREEMENT_LIFECYCLE, AgreementStatus.PENDING, actor=actor, audit_obj=agreement.award.application
            )
        if agreement.deadline != before or not provisional:
            notify_deadline_changed(agreement)
        changed.append(agreement)
    return changed


def provisional_years() -> dict[int, int]:
    """{missing year: how many open agreements have a provisional deadline in it or before it}."""
    years = work_calendar().covered_years()
    out: dict[int, int] = {}
    for start, deadline in Agreement.objects.filter(deadline_provisional=True, status__in=OPEN_STATES).values_list(
        "starts_on", "deadline"
    ):
        if deadline is None:
            continue
        first = start.year if start else deadline.year
        for year in range(first, deadline.year + 1):
            if year not in years:
                out[year] = out.get(year, 0) + 1
    return out
