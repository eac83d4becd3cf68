"""Working days against the official schedules (国务院办公厅关于 2025 / 2026 年部分节假日安排的通知).

Expected dates are counted by hand from the published notices, not from the package:
2025 — Spring Festival off 01-28…02-04, make-up Sun 01-26 and Sat 02-08; National Day and
Mid-Autumn off 10-01…10-08, make-up Sun 09-28 and Sat 10-11.
2026 — Spring Festival off 02-15…02-23, make-up Sat 02-14 and Sat 02-28.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.core.audit import describe
from shenbao.core.errors import ValidationFailed
from shenbao.core.models import AuditEntry, WorkCalendarYear
from shenbao.core.queries.calendar import CalendarYearMissing, work_calendar, working_day_deadline
from shenbao.core.services.calendar import save_calendar_year
from shenbao.core.workdays import CalendarYear, MissingCalendarYear, WorkCalendar
from tests.factories import UserFactory

D = dt.date
PACKAGE = WorkCalendar.from_package()

# A 2027 schedule made up for the tests (the real one is not published yet): New Year's Day
# (Friday) off, Spring Festival 02-05…02-11 off with make-up Saturday 02-13.
YEAR_2027 = CalendarYear(
    year=2027,
    holidays=frozenset([D(2027, 1, 1), *(D(2027, 2, d) for d in range(5, 12))]),
    makeup_workdays=frozenset([D(2027, 2, 13)]),
)


def test_package_covers_2025_and_2026_but_not_2027() -> None:
    years = PACKAGE.covered_years()
    assert {2025, 2026} <= set(years)
    assert 2027 not in years


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 19), True),  # Friday
        (D(2025, 9, 20), False),  # Saturday
        (D(2025, 9, 21), False),  # Sunday
        (D(2025, 9, 28), True),  # Sunday, make-up for National Day
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 8), False),  # Wednesday, last day of the holiday
        (D(2025, 10, 11), True),  # Saturday, make-up
        (D(2025, 1, 26), True),  # Sunday, make-up for Spring Festival
        (D(2025, 2, 4), False),  # Tuesday, last day of Spring Festival
        (D(2025, 2, 8), True),  # Saturday, make-up
        (D(2026, 2, 14), True),  # Saturday, make-up for Spring Festival 2026
        (D(2026, 2, 23), False),  # Monday, last day of Spring Festival 2026
        (D(2026, 2, 28), True),  # Saturday, make-up
    ],
)
def test_is_working_day_follows_the_official_schedule(day: dt.date, working: bool) -> None:
    assert PACKAGE.is_working_day(day) is working


def test_thirty_working_days_from_2025_09_20_across_national_day() -> None:
    # 09-22…26 (5), Sun 09-28 (6), 09-29, 09-30 (8), 10-09, 10-10 (10), Sat 10-11 (11),
    # 10-13…10-31 (26), 11-03…11-06 (30): 40 calendar days for 30 working days.
    assert PACKAGE.add_working_days(D(2025, 9, 20), 30) == D(2025, 11, 6)


def test_working_days_across_spring_festival_2025() -> None:
    # Fri 01-24 not counted; Sun 01-26 (1), Mon 01-27 (2), 02-05, 02-06, 02-07 (5), Sat 02-08 (6).
    assert PACKAGE.add_working_days(D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert PACKAGE.add_working_days(D(2025, 1, 24), 6) == D(2025, 2, 8)


def test_working_days_across_spring_festival_2026() -> None:
    # Tue 02-10 not counted; 02-11…02-13 (3), Sat 02-14 (4), 02-24…02-27 (8), Sat 02-28 (9), Mon 03-02 (10).
    assert PACKAGE.add_working_days(D(2026, 2, 10), 10) == D(2026, 3, 2)


def test_add_working_days_does_not_count_the_start_day() -> None:
    # Published on a Monday: day 1 is Tuesday.  Published on a holiday: day 1 is the first day back.
    assert PACKAGE.add_working_days(D(2025, 9, 22), 1) == D(2025, 9, 23)
    assert PACKAGE.add_working_days(D(2025, 10, 3), 1) == D(2025, 10, 9)
    assert PACKAGE.add_working_days(D(2025, 9, 22), 0) == D(2025, 9, 22)
    with pytest.raises(ValueError, match="negative"):
        PACKAGE.add_working_days(D(2025, 9, 22), -1)


def test_a_datetime_is_refused_because_it_would_miss_every_holiday() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        PACKAGE.add_working_days(dt.datetime(2025, 9, 20, 10, 0), 30)


def test_working_days_between_is_the_inverse_of_add_working_days() -> None:
    assert PACKAGE.working_days_between(D(2025, 9, 20), D(2025, 11, 6)) == 30
    assert PACKAGE.working_days_between(D(2025, 11, 6), D(2025, 9, 20)) == -30
    assert PACKAGE.working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert PACKAGE.working_days_between(D(2025, 9, 27), D(2025, 9, 28)) == 1  # make-up Sunday counts


def test_seed_000_agreement_deadline_counts_working_days_from_publication() -> None:
    deadline = parse_file(SEED_FILES["000"]).agreement
    assert deadline is not None
    assert deadline.deadline is not None
    assert deadline.deadline.working_days == 30
    assert PACKAGE.add_working_days(D(2025, 9, 20), deadline.deadline.working_days) == D(2025, 11, 6)


def test_a_day_in_a_year_without_data_raises_missing_calendar_year() -> None:
    with pytest.raises(MissingCalendarYear) as raised:
        PACKAGE.is_working_day(D(2027, 1, 4))
    assert (raised.value.year, raised.value.code) == (2027, "missing_calendar_year")
    # A period that runs into the missing year fails too, instead of guessing Monday to Friday.
    with pytest.raises(MissingCalendarYear):
        PACKAGE.add_working_days(D(2026, 12, 28), 5)


def test_operator_year_fills_a_missing_year() -> None:
    calendar = WorkCalendar.from_package([YEAR_2027])
    # 12-29, 12-30, 12-31 (3); Fri 01-01 off; 01-04, 01-05 (5).
    assert calendar.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert calendar.is_working_day(D(2027, 2, 13)) is True
    assert 2027 in calendar.covered_years()


def test_operator_year_replaces_the_package_year() -> None:
    # An operator's 2025 without the National Day holiday: the package's 2025 no longer applies.
    only_new_year = CalendarYear(year=2025, holidays=frozenset([D(2025, 1, 1)]), makeup_workdays=frozenset())
    calendar = WorkCalendar.from_package([only_new_year])
    assert calendar.is_working_day(D(2025, 10, 1)) is True
    assert calendar.is_working_day(D(2025, 9, 28)) is False  # no longer a make-up day: a plain Sunday
    assert PACKAGE.is_working_day(D(2026, 2, 14)) is calendar.is_working_day(D(2026, 2, 14)) is True


def test_calendar_year_refuses_inconsistent_data() -> None:
    with pytest.raises(ValueError, match="outside 2027"):
        CalendarYear(year=2027, holidays=frozenset([D(2026, 12, 31)]), makeup_workdays=frozenset())
    with pytest.raises(ValueError, match="both"):
        CalendarYear(year=2027, holidays=frozenset([D(2027, 2, 6)]), makeup_workdays=frozenset([D(2027, 2, 6)]))


# --- Django side: the stored years, the service, the query, the message ----------------------------


@pytest.mark.django_db
def test_missing_year_then_entered_by_an_operator_through_the_service() -> None:
    with pytest.raises(CalendarYearMissing) as raised:
        working_day_deadline(D(2026, 12, 28), 5)
    assert raised.value.year == 2027
    assert (
        str(raised.value)
        == "工作日历中还没有 2027 年的节假日安排，无法计算这个日期。管理员可以录入 2027 年的节假日和调休上班日。"
    )
    with translation.override("en"):
        assert str(raised.value) == (
            "The working-day calendar has no holidays for 2027 yet, so this date cannot be computed. "
            "An administrator can enter 2027's holidays and make-up working days."
        )

    operator = UserFactory()
    save_calendar_year(actor=operator, year=2027, holidays=YEAR_2027.holidays, makeup_workdays=YEAR_2027.makeup_workdays)
    assert working_day_deadline(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert 2027 in work_calendar().covered_years()


@pytest.mark.django_db
def test_saved_year_overrides_the_package_and_the_cache_follows_changes() -> None:
    assert work_calendar().is_working_day(D(2025, 10, 1)) is False
    save_calendar_year(actor=None, year=2025, holidays=[D(2025, 1, 1)], makeup_workdays=[])
    assert work_calendar().is_working_day(D(2025, 10, 1)) is True
    save_calendar_year(actor=None, year=2025, holidays=[D(2025, 1, 1), D(2025, 10, 1)], makeup_workdays=[])
    assert work_calendar().is_working_day(D(2025, 10, 1)) is False
    assert work_calendar() is work_calendar()  # nothing changed in between: the same object


@pytest.mark.django_db
def test_save_calendar_year_refuses_dates_outside_the_year() -> None:
    with pytest.raises(ValidationFailed) as raised:
        save_calendar_year(actor=None, year=2027, holidays=[D(2027, 1, 1), D(2026, 12, 31)], makeup_workdays=[])
    assert str(raised.value) == "这些日期不在 2027 年内：2026-12-31。"
    assert not WorkCalendarYear.objects.exists()


@pytest.mark.django_db
def test_save_calendar_year_refuses_a_day_both_holiday_and_makeup() -> None:
    with pytest.raises(ValidationFailed) as raised:
        save_calendar_year(actor=None, year=2027, holidays=[D(2027, 2, 6)], makeup_workdays=[D(2027, 2, 6)])
    assert str(raised.value) == "这些日期不能既是节假日又是调休上班日：2027-02-06。"
    assert not WorkCalendarYear.objects.exists()


@pytest.mark.django_db
def test_save_calendar_year_writes_an_audit_entry_with_the_previous_lists() -> None:
    operator = UserFactory()
    first = save_calendar_year(actor=operator, year=2027, holidays=[D(2027, 1, 1)], makeup_workdays=[])
    save_calendar_year(actor=operator, year=2027, holidays=[D(2027, 2, 6), D(2027, 1, 1)], makeup_workdays=[D(2027, 2, 13)])
    row = WorkCalendarYear.objects.get()
    assert (row.pk, row.holidays, row.makeup_workdays, row.updated_by) == (
        first.pk,
        ["2027-01-01", "2027-02-06"],
        ["2027-02-13"],
        operator,
    )
    latest, earliest = AuditEntry.objects.for_object(row)
    assert (latest.action, latest.actor, latest.data) == (
        "shenbao.calendar_year.saved",
        operator,
        {
            "year": 2027,
            "holidays": ["2027-01-01", "2027-02-06"],
            "makeup_workdays": ["2027-02-13"],
            "before": {"holidays": ["2027-01-01"], "makeup_workdays": []},
        },
    )
    assert earliest.data["before"] is None
    assert describe(latest) == "录入了某一年的节假日和调休上班日。"


@pytest.mark.django_db
def test_workday_deadline_tag_shows_the_date_in_both_languages() -> None:
    template = Template("{% load shenbao %}{% workday_deadline start 30 %}")
    context = Context({"start": D(2025, 9, 20)})
    assert template.render(context) == "2025年11月6日"
    with translation.override("en"):
        assert template.render(context) == "Nov. 6, 2025"
    # A moment counts from its Beijing day: 2025-09-19 17:00 UTC is 2025-09-20 01:00 in Beijing.
    moment = dt.datetime(2025, 9, 19, 17, 0, tzinfo=dt.UTC)
    assert template.render(Context({"start": moment})) == "2025年11月6日"
    # A year nobody entered: the reason, not a wrong date.
    assert template.render(Context({"start": D(2026, 12, 20)})).startswith("工作日历中还没有 2027 年")


@pytest.mark.django_db
def test_operator_enters_a_year_in_the_admin_through_the_service(client: Client) -> None:
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.post(
        reverse("admin:core_workcalendaryear_add"),
        {"year": 2027, "holidays_text": "2027-01-01\n2027-02-05, 2027-02-06", "makeup_text": "2027-02-13"},
    )
    assert response.status_code == 302
    row = WorkCalendarYear.objects.get()
    assert (row.year, row.holidays, row.makeup_workdays, row.updated_by) == (
        2027,
        ["2027-01-01", "2027-02-05", "2027-02-06"],
        ["2027-02-13"],
        operator,
    )
    assert AuditEntry.objects.for_object(row).get().action == "shenbao.calendar_year.saved"
    assert client.get(reverse("admin:core_workcalendaryear_change", args=[row.pk])).status_code == 200


@pytest.mark.django_db
def test_admin_form_shows_the_service_refusal_and_saves_nothing(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:core_workcalendaryear_add")
    response = client.post(url, {"year": 2027, "holidays_text": "2026-12-31", "makeup_text": ""})
    assert response.status_code == 200
    assert "这些日期不在 2027 年内：2026-12-31。" in response.content.decode()
    response = client.post(url, {"year": 2027, "holidays_text": "2027-13-01", "makeup_text": ""})
    assert "2027-13-01 不是 2027-01-01 这样的日期。" in response.content.decode()
    assert not WorkCalendarYear.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_provisional_count_takes_weekdays_in_a_year_the_calendar_lacks() -> None:
    calendar = WorkCalendar([y for y in PACKAGE._years.values() if y.year == 2026])
    # 2026-12-04…12-31 holds 20 working days; 2027 is assumed Monday to Friday.
    assert calendar.add_working_days_provisionally(D(2026, 12, 3), 30) == (D(2027, 1, 14), frozenset({2027}))
    assert calendar.add_working_days_provisionally(D(2026, 12, 3), 20) == (D(2026, 12, 31), frozenset())
    with_2027 = WorkCalendar([*(y for y in PACKAGE._years.values() if y.year == 2026), YEAR_2027])
    assert with_2027.add_working_days_provisionally(D(2026, 12, 3), 30) == (
        with_2027.add_working_days(D(2026, 12, 3), 30),
        frozenset(),
    )
    assert with_2027.add_working_days(D(2026, 12, 3), 30) == D(2027, 1, 15)  # New Year's Day off
