"""Seed 000: agreements still waiting for signatures are reminded when five working days are left
(Chinese official calendar, across National Day 2025) and on their last day, at most once a day, in
each recipient's language; signed and forfeited agreements never are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import confirm_agreement
from shenbao.agreements.services.overdue import forfeit_overdue
from shenbao.agreements.services.reminders import send_agreement_reminders, window_opens
from shenbao.core.models import AuditEntry
from shenbao.core.queries.calendar import work_calendar
from tests.e2e.test_agreement_flow import agreements  # noqa: F401 - the fixture

BEIJING = ZoneInfo("Asia/Shanghai")
EARLY = dt.date(2025, 10, 10)  # a Friday after National Day (10-01…10-08; 09-28 and 10-11 are make-up working days)
LATE = dt.date(2025, 11, 6)  # the seed's 30 working days after 2025-09-20


def morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=BEIJING)


def run(day: dt.date, capture: Callable[..., Any]) -> int:
    with capture(execute=True):
        return send_agreement_reminders(now=morning(day), link_base="https://shenbao.example")


def split(world: dict[str, Any]) -> tuple[Agreement, Agreement]:
    first, second = (Agreement.objects.get(award__application=a) for a in world["apps"])
    Agreement.objects.filter(pk=first.pk).update(deadline=EARLY)
    first.refresh_from_db()
    mail.outbox.clear()  # the messages announcing the agreements
    return first, second


def test_the_window_opens_five_working_days_before_counting_back_over_the_holiday(db: None) -> None:
    calendar = work_calendar()
    # 10-10, 10-09, (10-01…10-08 off), 09-30, 09-29, and Sunday 09-28, a make-up working day.
    assert window_opens(EARLY, 5, calendar) == dt.date(2025, 9, 28)
    assert window_opens(LATE, 5, calendar) == dt.date(2025, 10, 31)  # 11-06, 05, 04, 03, 10-31 (a Friday)
    assert window_opens(LATE, 0, calendar) == LATE
    assert window_opens(dt.date(2025, 10, 12), 1, calendar) == dt.date(2025, 10, 11)  # a Sunday deadline: Saturday's make-up day


def test_who_is_reminded_on_which_day(
    agreements: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    early, late = split(agreements)
    reminded: dict[dt.date, list[int]] = {}
    day = dt.date(2025, 9, 25)
    while day <= dt.date(2025, 11, 8):
        before = set(AuditEntry.objects.filter(action="shenbao.agreement.reminder_sent").values_list("pk", flat=True))
        if run(day, django_capture_on_commit_callbacks):
            reminded[day] = sorted(
                int(e.object_id)
                for e in AuditEntry.objects.filter(action="shenbao.agreement.reminder_sent").exclude(pk__in=before)
            )
        day += dt.timedelta(days=1)
    a, b = early.award.application_id, late.award.application_id
    assert reminded == {
        dt.date(2025, 9, 28): [a],  # five working days left, counted across the holiday
        dt.date(2025, 10, 10): [a],  # its last day
        dt.date(2025, 10, 31): [b],
        dt.date(2025, 11, 6): [b],
    }
    early.refresh_from_db()
    assert early.reminded_on == EARLY


def test_a_second_run_the_same_day_sends_nothing_and_a_missed_opening_day_is_caught_up(
    agreements: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    split(agreements)
    assert run(dt.date(2025, 9, 30), django_capture_on_commit_callbacks) == 1  # the job did not run on 09-28 or 09-29
    assert len(mail.outbox) == 1
    assert run(dt.date(2025, 9, 30), django_capture_on_commit_callbacks) == 0
    later = dt.datetime(2025, 9, 30, 23, 30, tzinfo=BEIJING)
    assert send_agreement_reminders(now=later) == 0
    assert len(mail.outbox) == 1
    assert run(dt.date(2025, 10, 9), django_capture_on_commit_callbacks) == 0
    assert run(dt.date(2025, 10, 10), django_capture_on_commit_callbacks) == 1
    assert run(dt.date(2025, 10, 10), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2


def test_signed_and_overdue_agreements_are_never_reminded(
    agreements: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    early, late = split(agreements)
    Agreement.objects.filter(pk=early.pk).update(status=AgreementStatus.SIGNED, signed_at=timezone.now())
    for day in (dt.date(2025, 9, 28), EARLY):
        assert run(day, django_capture_on_commit_callbacks) == 0
    Agreement.objects.filter(pk=late.pk).update(deadline=dt.date(2025, 10, 9))
    assert [a.pk for a in forfeit_overdue(now=morning(dt.date(2025, 10, 10))).overdue] == [late.pk]
    Agreement.objects.filter(pk=late.pk).update(deadline=LATE)  # even were its day still to come
    for day in (dt.date(2025, 10, 31), LATE):
        assert run(day, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="shenbao.agreement.reminder_sent").exists()


def test_the_pi_and_the_institutions_officers_are_reminded_in_their_languages(
    agreements: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    early, late = split(agreements)
    first_pi = early.award.application.applicant
    User.objects.filter(pk=first_pi.pk).update(language="en")
    officer = register_user(email="io@example.com", password=None, name="单位管理员")
    add_membership(user=officer, organisation=early.award.application.lead_organisation, role=MembershipRole.OFFICER)
    assert run(dt.date(2025, 9, 28), django_capture_on_commit_callbacks) == 1
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([first_pi.email, "io@example.com"])
    english = by_recipient[first_pi.email]
    assert english.subject == "Reminder: sign your agreement by 2025-10-10"
    assert "The agreement for “甲”" in english.body and "still waiting for signatures" in english.body
    assert "The last day to sign it is 2025-10-10" in english.body
    assert f"https://shenbao.example/agreements/{early.pk}/" in english.body
    chinese = by_recipient["io@example.com"]
    assert chinese.subject == "提醒：请在 2025-10-10 前签署协议"
    assert "“甲”" in chinese.body and "协议尚待签署" in chinese.body and "签署的最后一天是 2025-10-10" in chinese.body

    # The institution confirms: on the last day only the PI is reminded.
    confirm_agreement(agreement=early, party="institution", actor=officer, now=morning(dt.date(2025, 10, 9)))
    mail.outbox.clear()
    assert run(EARLY, django_capture_on_commit_callbacks) == 1
    assert [m.to[0] for m in mail.outbox] == [first_pi.email]
    assert mail.outbox[0].subject == "Today is the last day to sign your agreement"
    assert "Today, 2025-10-10, is the last day to sign it" in mail.outbox[0].body

    # The other PI reads Chinese.
    mail.outbox.clear()
    assert run(LATE, django_capture_on_commit_callbacks) == 1
    last = mail.outbox[0]
    assert (last.to, last.subject) == ([late.award.application.applicant.email], "今天是签署协议的最后一天")
    assert "今天（2025-11-06）是签署的最后一天" in last.body


def test_the_command_reminds_agreements_whose_last_day_is_today(
    agreements: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    Agreement.objects.update(deadline=timezone.localdate())
    mail.outbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_agreement_reminders", stdout=out)
    assert out.getvalue().strip() == "agreements reminded: 2"
    out = StringIO()
    call_command("send_agreement_reminders", stdout=out)
    assert out.getvalue().strip() == "agreements reminded: 0"
    assert len(mail.outbox) == 2


def test_staff_see_the_last_reminder_on_the_agreement_pages(
    agreements: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    early, _late = split(agreements)
    run(dt.date(2025, 9, 28), django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(agreements["officer"])
    client.cookies["django_language"] = "en"
    page = client.get(f"/agreements/{early.pk}/").content.decode()
    assert "Last reminder" in page and 'data-reminded="2025-09-28"' in page
    listing = client.get(f"/staff/calls/{agreements['call'].code}/agreements/").content.decode()
    assert 'data-label="Last reminder">2025-09-28</td>' in listing
