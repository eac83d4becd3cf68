"""Reminders of an agreement's signing deadline, run daily (``manage.py send_agreement_reminders``).

An agreement still waiting for signatures is reminded twice: when the call's reminder window opens
(``AgreementTerms.reminder_working_days`` working days left to sign, the day itself and the last
day counted, on the Chinese official calendar; 5 by default) and on its last day.  A run that
misses the opening day reminds on the next run inside the window.  ``Agreement.reminded_on`` keeps
the day of the last reminder, so however often the job runs an agreement gets at most one reminder
a day.  The PI is reminded, and the officers of the lead institution while the institution has not
confirmed, each in their own language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.calls.definition.schema import AgreementTerms
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.queries.calendar import work_calendar
from shenbao.core.workdays import MissingCalendarYear, WorkCalendar
from shenbao.notifications.mail import notify

DEFAULT_WORKING_DAYS = 5
_ONE_DAY = dt.timedelta(days=1)


def window_opens(deadline: dt.date, working_days: int, calendar: WorkCalendar, *, provisional: bool = False) -> dt.date:
    """The day the reminders start: the ``working_days``-th working day counted back from the
    deadline (the deadline counted when it is a working day); the deadline itself for 0.

    Raises ``MissingCalendarYear`` when the count walks into a year the calendar does not hold,
    unless ``provisional`` (a provisional deadline): then such a year counts Monday to Friday."""
    is_working = calendar.is_working_day_provisionally if provisional else calendar.is_working_day
    day, left = deadline, working_days
    while left:
        if is_working(day):
            left -= 1
            if not left:
                break
        day -= _ONE_DAY
    return day


def _recipients(agreement: Agreement, parties: set[str]) -> list[User]:
    application = agreement.award.application
    people = [application.applicant]
    if "institution" in parties and agreement.institution_confirmed_at is None and application.lead_organisation_id:
        officers = User.objects.filter(
            memberships__organisation_id=application.lead_organisation_id,
            memberships__role=MembershipRole.OFFICER,
            memberships__end_date__isnull=True,
            is_active=True,
        ).order_by("pk")
        people += [u for u in officers.distinct() if u.pk != application.applicant_id]
    return [p for p in people if p.email]


@transaction.atomic
def send_agreement_reminders(*, now: dt.datetime | None = None, link_base: str = "") -> int:
    """Remind the parties of every pending agreement due to be reminded today; returns how many
    agreements were reminded."""
    now = now or timezone.now()
    calendar = work_calendar()
    reminded = 0
    terms_of: dict[int, AgreementTerms | None] = {}
    pending = (
        Agreement.objects.select_for_update(of=("self",))
        .filter(status=AgreementStatus.PENDING, deadline__isnull=False)
        .select_related("award__call", "award__application__applicant")
        .order_by("deadline", "pk")
    )
    for agreement in pending:
        call = agreement.award.call
        deadline = agreement.deadline
        if deadline is None:
            continue
        today = now.astimezone(ZoneInfo(call.timezone)).date()
        if today > deadline or agreement.reminded_on == today:
            continue
        if call.pk not in terms_of:
            terms_of[call.pk] = current_definition(call).agreement
        terms = terms_of[call.pk]
        working_days = terms.reminder_working_days if terms is not None else DEFAULT_WORKING_DAYS
        try:
            opens = window_opens(deadline, working_days, calendar, provisional=agreement.deadline_provisional)
        except MissingCalendarYear:
            opens = deadline  # no calendar for the window's year: the last day's reminder still goes
        if today < opens:
            continue
        first_in_window = agreement.reminded_on is None or agreement.reminded_on < opens
        if not first_in_window and today != deadline:
            continue
        parties: set[str] = set(terms.parties) if terms is not None else {"funder", "pi", "institution"}
        recipients = _recipients(agreement, parties)
        for person in recipients:
            notify(
                to=person.email,
                language=person.language,
                template="agreement_reminder",
                context={
                    "call_title": call.title,
                    "title": agreement.award.application.title,
                    "deadline": deadline.isoformat(),
                    "last_day": today == deadline,
                    "provisional": agreement.deadline_provisional,
                    "link": f"{link_base}/agreements/{agreement.pk}/",
                },
                call=call,
                related=agreement,
            )
        agreement.reminded_on = today
        agreement.save(update_fields=["reminded_on"])
        log_action(
            action="shenbao.agreement.reminder_sent",
            obj=agreement.award.application,
            actor=None,
            data={"deadline": deadline.isoformat(), "on": today.isoformat(), "recipients": [p.email for p in recipients]},
        )
        reminded += 1
    return reminded
