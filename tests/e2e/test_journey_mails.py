"""Issue 17: one call (seed 000) from submission to a running project sends exactly the mails the
applicant, the institution and the reviewer expect, read from the outbox (``Message`` rows): who, in
which language, which template, and an absolute link (``SHENBAO_SITE_URL``) that opens, as that
recipient, a page that answers 200.

The journey: two applications submitted (receipts); one returned for correction (补正), one passed
(formal-check mails); an expert invited and the review scored; the selection approved and the results
published (the decision letter); the agreement opened, reminded before its last day, confirmed by the
PI, the institution and the funder; the project started; its report due (the report reminder).  An
agreement left unsigned past its last day tells the PI as well as the program staff.

Dates: the results are published on 2025-09-20, a Saturday before National Day 2025, so the 30 working
days of seed 000 end on 2025-11-06 (see ``test_agreement_flow``); the pages run on the real clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import confirm_agreement, open_agreements
from shenbao.agreements.services.overdue import forfeit_overdue
from shenbao.agreements.services.reminders import send_agreement_reminders
from shenbao.applications.models import Application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_application
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call, ReviewStage
from shenbao.notifications.enums import MessageState
from shenbao.notifications.models import Message
from shenbao.projects.models import Milestone, Project
from shenbao.projects.services.projects import start_projects
from shenbao.projects.services.reminders import send_report_reminders
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, make_ready_application, open_call
from tests.e2e.test_review_flows import staff
from tests.reviews.fixtures import add_expert, score_all

pytestmark = pytest.mark.django_db

SITE = "https://shenbao.example.org"
BEIJING = ZoneInfo("Asia/Shanghai")
PUBLISHED = dt.datetime(2025, 9, 20, 10, 0, tzinfo=BEIJING)
LAST_DAY = dt.date(2025, 11, 6)


def morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=BEIJING)


def _applicant(email: str, name: str, language: str, university: Any) -> User:
    user = register_user(
        email=email,
        password="pass-Word-123",
        name=name,
        language=language,
        birth_date=dt.date(1988, 6, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
    add_membership(user=user, organisation=university)
    return user


def _mails(since: int = 0) -> list[tuple[str, str, str]]:
    """(template, recipient, language) of the outbox's mails after ``since``, in the order queued."""
    return [(m.template, m.to, m.language) for m in Message.objects.filter(pk__gt=since).order_by("pk")]


def _last() -> int:
    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


LINK = re.compile(re.escape(SITE) + r"(/[^\s“”\"'<>)）]*)")


def _assert_links_open(since: int = 0) -> int:
    """Every mail after ``since`` carries one absolute link to this site that answers 200 for its
    recipient; returns how many were followed."""
    followed = 0
    for message in Message.objects.filter(pk__gt=since).order_by("pk"):
        found = LINK.findall(message.body)
        assert found, f"{message.template} to {message.to} carries no absolute link: {message.body!r}"
        assert "http://" not in message.body.replace(SITE, "")  # no other host, no relative-looking link
        recipient = User.objects.get(email=message.to)
        client = Client()
        client.force_login(recipient)
        for path in found:
            response = client.get(urlsplit(SITE + path).path, headers={"accept-language": message.language})
            assert response.status_code == 200, (message.template, message.to, path, response.status_code)
            followed += 1
    return followed


@pytest.fixture
def journey(settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]) -> dict[str, Any]:
    settings.SHENBAO_SITE_URL = SITE + "/"  # a trailing slash is dropped, never doubled
    return submitted_and_checked(django_capture_on_commit_callbacks)


def submitted_and_checked(capture: Callable[..., Any]) -> dict[str, Any]:
    """Two applications of seed 000 submitted; the winner-to-be passed, the other returned (补正)."""
    call: Call = open_call("000", code="journey-000")
    officer = staff(call)
    university = create_organisation(name={"zh-hans": "旅程大学", "en": "Journey University"}, type=OrgType.UNIVERSITY)
    institution = register_user(email="keyan@example.com", password="pass-Word-123", name="科研处", language="en")
    add_membership(user=institution, organisation=university, role=MembershipRole.OFFICER)
    winner_pi = _applicant("pi@example.com", "Li Ming", "en", university)
    other_pi = _applicant("other@example.com", "王芳", "zh-hans", university)
    with capture(execute=True):
        winner = make_ready_application(call=call, applicant=winner_pi, organisation=university, title="端侧大模型推理")
        returned = make_ready_application(call=call, applicant=other_pi, organisation=university, title="电池热管理")
        submit_application(application=winner, actor=winner_pi)
        submit_application(application=returned, actor=other_pi)
        decide_formal_check(applications=[winner], outcome="pass", reason="", actor=officer)
        decide_formal_check(applications=[returned], outcome="return", reason="缺少单位盖章", actor=officer)
    return {"call": call, "officer": officer, "institution": institution, "winner": winner, "returned": returned}


def to_agreement(world: dict[str, Any], capture: Callable[..., Any]) -> Agreement:
    """Reviewed, selected, results published on ``PUBLISHED``, the winner's agreement opened."""
    call, officer = world["call"], world["officer"]
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    with capture(execute=True):
        close_submissions(call)
        open_stage(stage=stage, actor=officer)
        add_expert(call, "expert@example.com", officer=officer)
        run_assignment(stage=stage, actor=officer, k=1)
        for assignment in Assignment.objects.filter(stage=stage):
            score_all(assignment, 8)
        approve_run(run=run_selection(call=call, actor=officer), actor=officer)
        publish_results(call=call, actor=officer, now=PUBLISHED)
        assert open_agreements(call=call, actor=officer, now=PUBLISHED) == 1
    return Agreement.objects.get(award__application=world["winner"])


def test_a_call_from_submission_to_project_sends_the_expected_mails_each_with_a_working_link(
    journey: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    winner: Application = journey["winner"]
    returned: Application = journey["returned"]
    assert _mails() == [
        ("receipt", "pi@example.com", "en"),
        ("receipt", "other@example.com", "zh-hans"),
        ("formal_check", "pi@example.com", "en"),
        ("formal_check", "other@example.com", "zh-hans"),
    ]
    returned_mail = Message.objects.get(template="formal_check", to="other@example.com")
    assert returned_mail.subject == f"退回补正：{returned.receipt_number}"
    assert "缺少单位盖章" in returned_mail.body
    assert Message.objects.get(template="formal_check", to="pi@example.com").related == winner

    mark = _last()
    agreement = to_agreement(journey, django_capture_on_commit_callbacks)
    assert _mails(mark) == [
        ("reviewer_invitation", "expert@example.com", "zh-hans"),
        ("decision", "pi@example.com", "en"),
        ("agreement_opened", "pi@example.com", "en"),
    ]
    # The returned application was never reviewed: it gets no decision letter.
    decision = Message.objects.get(template="decision")
    assert decision.related == winner and decision.call_code == "journey-000"
    assert f"{SITE}/applications/{winner.pk}/" in decision.body
    opened = Message.objects.get(template="agreement_opened")
    assert opened.related == agreement
    assert f"{SITE}/agreements/{agreement.pk}/" in opened.body

    # Five working days before the last day (2025-10-31): the PI and the institution are reminded.
    mark = _last()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_agreement_reminders(now=morning(dt.date(2025, 10, 31))) == 1
    assert sorted(_mails(mark)) == [
        ("agreement_reminder", "keyan@example.com", "en"),
        ("agreement_reminder", "pi@example.com", "en"),
    ]
    # Signed by every party before the last day; the project starts and its report comes due.
    mark = _last()
    signing = morning(dt.date(2025, 11, 3))
    with django_capture_on_commit_callbacks(execute=True):
        confirm_agreement(agreement=agreement, party="pi", actor=winner.applicant, now=signing)
        confirm_agreement(agreement=agreement, party="institution", actor=journey["institution"], now=signing)
        signed = confirm_agreement(agreement=agreement, party="funder", actor=journey["officer"], now=signing)
        assert signed.status == AgreementStatus.SIGNED
        assert start_projects(call=journey["call"], actor=journey["officer"], start=dt.date(2025, 11, 10)) == 1
    project = Project.objects.get(agreement=agreement)
    report = Milestone.objects.filter(project=project).exclude(kind="custom").order_by("due").first()
    assert report is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(now=morning(report.due)) == 1
    assert _mails(mark) == [("report_reminder", "pi@example.com", "en")]
    reminder = Message.objects.get(template="report_reminder")
    assert reminder.related == report
    assert f"{SITE}/projects/{project.pk}/" in reminder.body

    # Every mail of the journey went out (the task ran after each commit) and every link opens.
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    assert _assert_links_open() == Message.objects.count()
    # The PI's own pages agree with the mails: the timeline now stands at the reports.
    client = Client()
    client.force_login(winner.applicant)
    page = client.get(f"/applications/{winner.pk}/", headers={"accept-language": "en"}).content.decode()
    assert 'data-step="reports" data-status="current"' in page
    assert f'href="/projects/{project.pk}/#reports-title"' in page


def test_an_agreement_unsigned_past_its_last_day_tells_the_pi_and_the_staff(
    journey: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    agreement = to_agreement(journey, django_capture_on_commit_callbacks)
    mark = _last()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = forfeit_overdue(now=morning(LAST_DAY + dt.timedelta(days=1)))
    assert [a.pk for a in outcome.overdue] == [agreement.pk]
    assert _mails(mark) == [
        ("agreement_overdue", "officer@example.com", "zh-hans"),
        ("agreement_overdue_applicant", "pi@example.com", "en"),
    ]
    to_pi = Message.objects.get(template="agreement_overdue_applicant")
    assert to_pi.subject == "The agreement was not signed in time"
    assert "2025-11-06" in to_pi.body
    assert to_pi.related == agreement
    assert _assert_links_open(mark) == 2
