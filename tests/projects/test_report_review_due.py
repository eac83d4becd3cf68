"""Issue 19, the due date of a report review: the call gives ``due_days`` per report kind; an expert named
(by hand or by the solver) has until the end of the day that many days after the naming day, both read in
the call's time zone (Beijing for seed 003).  The naming mail states the day in the expert's language (no
line without a due date); the pages show it and mark an overdue review; the daily reminder reminds the
expert of reviews due within three days or overdue, at most once a day, and not after they submitted."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.calls.definition.load import content_hash, parse_definition, to_data
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.notifications.models import Message
from shenbao.notifications.rendering import absolute
from shenbao.projects.models import Report, ReportReview
from shenbao.projects.services.projects import submit_report
from shenbao.projects.services.reminders import send_report_review_reminders
from shenbao.projects.services.report_assignment import assign_report_experts
from shenbao.projects.services.report_reviews import assign_report_expert, decide_report, submit_report_review
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import PoolMember
from tests.factories import UserFactory, api_token_key
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NAMED = "report_review_assigned"
REMINDER = "report_review_reminder"
SCORES = {"progress": 80.0, "cooperation": 80.0, "funds": 80.0}


def beijing(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


def with_due_days(call: Call, days: int | None) -> Call:
    data = copy.deepcopy(call.definition)
    if days is None:
        data["report_reviews"][0].pop("due_days", None)
    else:
        data["report_reviews"][0]["due_days"] = days
    definition = parse_definition(data)
    Call.objects.filter(pk=call.pk).update(definition=to_data(definition), definition_hash=content_hash(definition))
    call.refresh_from_db()
    return call


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def expert(call: Call, email: str, language: str = "zh-hans") -> User:
    user = UserFactory(email=email, language=language)
    PoolMember.objects.create(call=call, user=user, status=PoolStatus.ACCEPTED, token=f"t-{email}")
    return user


def midterm(call: Call, officer: User, n: int = 1) -> Report:
    project = started_project(call, direction="1.2", officer=officer, email=f"pi{n}@example.com")
    pi = project.agreement.award.application.applicant
    return submit_report(project=project, kind="midterm", actuals={}, text=f"中期进展 {n}", actor=pi)


# 1. The due date of a naming


def test_named_at_2330_beijing_the_review_is_due_at_the_end_of_the_day_n_days_later(call: Call, officer: User) -> None:
    with_due_days(call, 14)
    report = midterm(call, officer)
    late = assign_report_expert(
        report=report, expert=expert(call, "a@example.com"), actor=officer, now=beijing(2026, 12, 3, 23, 30)
    )
    # 23:30 in Beijing is 15:30 UTC of the same day: due the end of 17 December, Beijing time (not 14 × 24 hours later).
    assert late.due_at == beijing(2026, 12, 18, 0, 0) == dt.datetime(2026, 12, 17, 16, 0, tzinfo=dt.UTC)
    # One hour later it is 4 December in Beijing but still 3 December in UTC: the call's day counts.
    early = assign_report_expert(
        report=report, expert=expert(call, "b@example.com"), actor=officer, now=beijing(2026, 12, 4, 0, 30)
    )
    assert early.due_at == beijing(2026, 12, 19, 0, 0)
    entry = AuditEntry.objects.filter(action="shenbao.report.expert_assigned").order_by("pk").first()
    assert entry is not None and entry.data["due_at"] == "2026-12-18T00:00:00+08:00"


def test_the_solver_gives_its_namings_the_same_due_date(call: Call, officer: User) -> None:
    with_due_days(call, 10)
    midterm(call, officer, 1)
    for n in range(2):
        expert(call, f"e{n}@example.com")
    outcome = assign_report_experts(call=call, kind="midterm", actor=officer, now=beijing(2026, 12, 3, 23, 30))
    assert outcome.created == 2
    assert set(ReportReview.objects.values_list("due_at", flat=True)) == {beijing(2026, 12, 14, 0, 0)}


def test_without_due_days_a_review_has_no_due_date(call: Call, officer: User) -> None:
    with_due_days(call, None)
    review = assign_report_expert(report=midterm(call, officer), expert=expert(call, "a@example.com"), actor=officer)
    assert review.due_at is None and review.overdue is False


# 2. The naming mail


def test_the_naming_mail_states_the_due_day_in_the_experts_language(call: Call, officer: User) -> None:
    with_due_days(call, 14)
    report = midterm(call, officer)
    now = beijing(2026, 12, 3, 23, 30)
    zh_review = assign_report_expert(report=report, expert=expert(call, "zh@example.com"), actor=officer, now=now)
    assign_report_expert(report=report, expert=expert(call, "en@example.com", "en"), actor=officer, now=now)
    link = absolute(f"/projects/{report.project_id}/reports/#own-{zh_review.pk}")
    zh = Message.objects.get(template=NAMED, to="zh@example.com").body
    assert zh.splitlines()[1:] == ["请于 2026-12-17 24:00 前提交评审意见。", f"请在此阅读报告并提交评分和意见: {link}"]
    en = Message.objects.get(template=NAMED, to="en@example.com").body
    assert en.splitlines()[1] == "Your review is due by the end of 2026-12-17."


def test_without_a_due_date_the_naming_mail_has_no_due_line(call: Call, officer: User) -> None:
    with_due_days(call, None)
    report = midterm(call, officer)
    assign_report_expert(report=report, expert=expert(call, "zh@example.com"), actor=officer)
    assign_report_expert(report=report, expert=expert(call, "en@example.com", "en"), actor=officer)
    zh = Message.objects.get(template=NAMED, to="zh@example.com").body
    en = Message.objects.get(template=NAMED, to="en@example.com").body
    assert len(zh.strip().splitlines()) == 2 and "提交评审意见。" not in zh and "24:00" not in zh
    assert len(en.strip().splitlines()) == 2 and "due by" not in en


# 3. The pages


def client_for(user: User, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "overdue", "label"), [("en", "Overdue", "Review due by"), ("zh-hans", "已逾期", "评审截止")]
)
def test_the_pages_show_the_due_date_and_mark_an_overdue_review(
    call: Call, officer: User, language: str, overdue: str, label: str
) -> None:
    with_due_days(call, 14)
    report = midterm(call, officer)
    late_expert, on_time_expert = expert(call, "late@example.com"), expert(call, "ontime@example.com")
    late = assign_report_expert(report=report, expert=late_expert, actor=officer, now=beijing(2026, 1, 5, 10, 0))
    on_time = assign_report_expert(report=report, expert=on_time_expert, actor=officer)
    on_time.refresh_from_db()  # the pages read it back from the database (in UTC)
    assert late.overdue and not on_time.overdue
    assert on_time.due_at is not None

    mine = client_for(late_expert, language).get("/review/").content.decode()
    assert label in mine and 'data-due="2026-01-19T16:00:00+00:00"' in mine and overdue in mine
    own_page = client_for(late_expert, language).get(f"/projects/{report.project_id}/reports/").content.decode()
    assert 'data-due="2026-01-19T16:00:00+00:00"' in own_page and overdue in own_page
    others = client_for(on_time_expert, language).get("/review/").content.decode()
    assert f'data-due="{on_time.due_at.isoformat()}"' in others and overdue not in others

    staff = client_for(officer, language)
    reports_page = staff.get(f"/projects/{report.project_id}/reports/").content.decode()
    assert reports_page.count(overdue) == 1 and f'data-due="{on_time.due_at.isoformat()}"' in reports_page
    queue = staff.get(f"/staff/calls/{call.code}/report-reviews/").content.decode()
    assert queue.count(overdue) == 1 and 'data-due="2026-01-19T16:00:00+00:00"' in queue

    # Submitted, the late review is no longer overdue.
    submit_report_review(review=late, scores=SCORES, opinion="符合任务书", actor=late_expert)
    late.refresh_from_db()
    assert not late.overdue
    assert overdue not in staff.get(f"/projects/{report.project_id}/reports/").content.decode()


# 4. The daily reminder


def reminders() -> list[tuple[str, str]]:
    return list(Message.objects.filter(template=REMINDER).order_by("pk").values_list("to", "subject"))


def test_the_expert_is_reminded_once_a_day_within_three_days_and_while_overdue(call: Call, officer: User) -> None:
    with_due_days(call, 14)
    e = expert(call, "e@example.com")
    review = assign_report_expert(report=midterm(call, officer), expert=e, actor=officer, now=beijing(2026, 12, 3, 23, 30))
    assert send_report_review_reminders(now=beijing(2026, 12, 14, 8, 0)) == 0  # due the end of 17 December: too early
    assert send_report_review_reminders(now=beijing(2026, 12, 15, 8, 0)) == 1
    assert send_report_review_reminders(now=beijing(2026, 12, 15, 20, 0)) == 0  # not twice the same day
    assert send_report_review_reminders(now=beijing(2026, 12, 15, 23, 59)) == 0
    assert send_report_review_reminders(now=beijing(2026, 12, 16, 0, 5)) == 1  # the next day in Beijing
    assert send_report_review_reminders(now=beijing(2026, 12, 18, 8, 0)) == 1  # overdue
    assert send_report_review_reminders(now=beijing(2026, 12, 18, 9, 0)) == 0
    assert reminders() == [
        ("e@example.com", "提醒：1 份报告评审将于 2026-12-17 截止"),
        ("e@example.com", "提醒：1 份报告评审将于 2026-12-17 截止"),
        ("e@example.com", "已逾期：1 份报告评审"),
    ]
    last = Message.objects.filter(template=REMINDER).order_by("pk").last()
    assert last is not None
    assert (
        f"您在“{call.title['zh-hans']}”中有 1 份项目报告评审尚未提交；最早的一份已于 2026-12-17 24:00 截止，现已逾期。"
        in last.body
    )
    assert absolute("/review/#report-reviews") in last.body
    review.refresh_from_db()
    assert review.reminded_on == dt.date(2026, 12, 18)
    assert AuditEntry.objects.filter(action="shenbao.report.review_reminder_sent").count() == 3

    submit_report_review(review=review, scores=SCORES, opinion="符合任务书", actor=e)
    assert send_report_review_reminders(now=beijing(2026, 12, 19, 8, 0)) == 0  # submitted: no more reminders
    assert len(reminders()) == 3


def test_one_reminder_per_expert_and_call_counts_the_reviews_in_english(call: Call, officer: User) -> None:
    with_due_days(call, 14)
    e = expert(call, "en@example.com", "en")
    assign_report_expert(report=midterm(call, officer, 1), expert=e, actor=officer, now=beijing(2026, 12, 3, 10, 0))
    assign_report_expert(report=midterm(call, officer, 2), expert=e, actor=officer, now=beijing(2026, 12, 4, 10, 0))
    assert send_report_review_reminders(now=beijing(2026, 12, 16, 8, 0)) == 1
    message = Message.objects.get(template=REMINDER)
    assert message.subject == "Reminder: 2 report review(s) due on 2026-12-17"
    assert (
        f"You have 2 project report review(s) in “{call.title['en']}” not yet submitted; the first is due by the end of "
        "2026-12-17." in message.body
    )
    assert set(ReportReview.objects.values_list("reminded_on", flat=True)) == {dt.date(2026, 12, 16)}


def test_no_reminder_without_a_due_date_or_once_the_report_is_decided(call: Call, officer: User) -> None:
    with_due_days(call, None)
    e = expert(call, "e@example.com")
    review = assign_report_expert(report=midterm(call, officer, 1), expert=e, actor=officer)
    assert review.due_at is None
    assert send_report_review_reminders(now=beijing(2030, 1, 1, 8, 0)) == 0
    with_due_days(call, 1)
    other = assign_report_expert(report=midterm(call, officer, 2), expert=e, actor=officer, now=beijing(2026, 12, 3, 10, 0))
    submit_report_review(review=other, scores=SCORES, opinion="x", actor=e)
    submit_report_review(review=review, scores=SCORES, opinion="x", actor=e)
    decide_report(report=other.report, decision="passed", reasons="", actor=officer)
    ReportReview.objects.filter(pk=other.pk).update(submitted_at=None)  # even an unsubmitted one of a decided report
    assert send_report_review_reminders(now=beijing(2026, 12, 10, 8, 0)) == 0
    assert reminders() == []


def test_the_daily_command_sends_the_report_review_reminders(call: Call, officer: User) -> None:
    with_due_days(call, 1)
    assign_report_expert(report=midterm(call, officer), expert=expert(call, "e@example.com"), actor=officer)
    out = StringIO()
    call_command("send_review_reminders", stdout=out)
    assert "report review reminders queued: 1" in out.getvalue()
    assert len(reminders()) == 1


# 5. The API


def test_the_api_gives_staff_the_pending_reviews_with_their_due_dates_and_the_pi_nothing(call: Call, officer: User) -> None:
    with_due_days(call, 14)
    report = midterm(call, officer)
    late_expert, on_time_expert = expert(call, "late@example.com"), expert(call, "ontime@example.com")
    late = assign_report_expert(report=report, expert=late_expert, actor=officer, now=beijing(2026, 1, 5, 10, 0))
    on_time = assign_report_expert(report=report, expert=on_time_expert, actor=officer)
    on_time.refresh_from_db()
    url = f"/api/v1/projects/{report.project_id}/reports/"

    def read(user: User) -> dict[str, object]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
        response = client.get(url)
        assert response.status_code == 200
        (only,) = response.json()
        return only

    staff = read(officer)
    assert staff["reviews"] == []
    assert [(p["expert_email"], p["due_at"], p["overdue"]) for p in staff["pending_reviews"]] == [
        ("late@example.com", "2026-01-19T16:00:00Z", True),
        ("ontime@example.com", on_time.due_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"), False),
    ]
    pi = read(report.project.agreement.award.application.applicant)
    assert pi["reviews"] is None and pi["pending_reviews"] is None

    submit_report_review(review=late, scores=SCORES, opinion="符合任务书", actor=late_expert)
    staff = read(officer)
    assert [(r["expert_email"], r["due_at"]) for r in staff["reviews"]] == [("late@example.com", "2026-01-19T16:00:00Z")]
    assert [p["expert_email"] for p in staff["pending_reviews"]] == ["ontime@example.com"]
