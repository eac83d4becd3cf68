"""Issue 19, report review through the pages: the named expert scores seed 003's mid-term criteria (a
refused form comes back with what was typed and the reason, in the expert's language, nothing saved);
staff read the scores by criterion and the result; the call's report-review page shows the declared
review and names the experts of all waiting reports through the solver; nobody else may."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shenbao.accounts.models import User
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.projects.models import Report, ReportReview
from shenbao.projects.services.projects import submit_report
from shenbao.projects.services.report_reviews import assign_report_expert
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import PoolMember
from tests.factories import UserFactory
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def client_for(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def pool_expert(call: Call, email: str) -> User:
    user = UserFactory(email=email)
    PoolMember.objects.create(call=call, user=user, status=PoolStatus.ACCEPTED, token=f"t-{email}")
    return user


def midterm(call: Call, officer: User, n: int = 1) -> Report:
    project = started_project(call, direction="1.2", officer=officer, email=f"pi{n}@example.com")
    return submit_report(
        project=project, kind="midterm", actuals={}, text=f"中期进展报告 {n}", actor=project.agreement.award.application.applicant
    )


@pytest.mark.parametrize(
    ("language", "criterion", "refusal", "not_a_number"),
    [
        (
            "en",
            "Progress against the agreement",
            "The score for “Progress against the agreement” must be between 0 and 100.",
            "The score for “Use of the funds” is not a number.",
        ),
        ("zh-hans", "任务书执行进度", "“任务书执行进度”的评分须在 0 到 100 之间。", "“经费使用情况”的评分不是数字。"),
    ],
)
def test_the_expert_scores_each_criterion_and_a_refusal_keeps_what_was_typed(
    call: Call, officer: User, language: str, criterion: str, refusal: str, not_a_number: str
) -> None:
    report = midterm(call, officer)
    expert = pool_expert(call, "expert@example.com")
    review = assign_report_expert(report=report, expert=expert, actor=officer)
    url = f"/projects/{report.project_id}/reports/"
    reviewer = client_for(expert, language)
    page = reviewer.get(url).content.decode()
    assert criterion in page and 'name="score-progress"' in page and 'name="score-funds"' in page
    assert 'name="score"' not in page and 'name="na-progress"' not in page  # the seed allows no "not applicable"

    typed = {"score-progress": "150", "score-cooperation": "70", "score-funds": "88", "opinion": "进展基本符合任务书"}
    refused = reviewer.post(url, {"action": "review", "review": review.pk, **typed})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert refusal in body
    assert 'value="150"' in body and 'value="70"' in body and 'value="88"' in body and "进展基本符合任务书" in body
    review.refresh_from_db()
    assert (review.submitted_at, review.scores, review.total) == (None, {}, None)

    garbled = reviewer.post(url, {"action": "review", "review": review.pk, **typed, "score-progress": "80", "score-funds": "abc"})
    assert not_a_number in garbled.content.decode() and 'value="abc"' in garbled.content.decode()
    review.refresh_from_db()
    assert review.submitted_at is None

    saved = reviewer.post(url, {"action": "review", "review": review.pk, **typed, "score-progress": "80"})
    assert saved.status_code == 302
    review.refresh_from_db()
    # 0.4 × 80 + 0.3 × 70 + 0.3 × 88
    assert (review.scores, review.total, review.score) == ({"progress": 80.0, "cooperation": 70.0, "funds": 88.0}, 79.4, 79)
    again = reviewer.get(url).content.decode()
    assert 'value="80"' in again and 'value="88"' in again  # the stored scores fill the form for a revision

    staff = client_for(officer, language).get(url).content.decode()
    assert criterion in staff and "79.4" in staff
    assert 'data-result="79.40"' in staff


def test_a_review_of_another_expert_cannot_be_posted(call: Call, officer: User) -> None:
    report = midterm(call, officer)
    named = pool_expert(call, "named@example.com")
    other = pool_expert(call, "other@example.com")
    review = assign_report_expert(report=report, expert=named, actor=officer)
    assign_report_expert(report=report, expert=other, actor=officer)
    answer = client_for(other).post(
        f"/projects/{report.project_id}/reports/",
        {
            "action": "review",
            "review": review.pk,
            "score-progress": "1",
            "score-cooperation": "1",
            "score-funds": "1",
            "opinion": "x",
        },
    )
    assert answer.status_code == 404
    review.refresh_from_db()
    assert review.submitted_at is None


@pytest.mark.parametrize(
    ("language", "heading", "button", "criterion", "done"),
    [
        (
            "en",
            "Report review",
            "Assign experts to the waiting reports",
            "Progress against the agreement",
            "4 expert(s) named for 2 report(s).",
        ),
        ("zh-hans", "报告评审", "为待评审的报告分配专家", "任务书执行进度", "已为 2 份报告指定 4 名专家。"),
    ],
)
def test_staff_assign_the_experts_of_all_waiting_reports_through_the_solver(
    call: Call, officer: User, language: str, heading: str, button: str, criterion: str, done: str
) -> None:
    reports = [midterm(call, officer, n) for n in (1, 2)]
    for n in range(3):
        pool_expert(call, f"expert{n}@example.com")
    staff = client_for(officer, language)
    url = f"/staff/calls/{call.code}/report-reviews/"
    page = staff.get(url).content.decode()
    assert heading in page and button in page and criterion in page
    assert all(f'data-report="{r.pk}"' in page for r in reports)
    answer = staff.post(url, {"kind": "midterm"}, follow=True)
    assert done in answer.content.decode()
    assert [ReportReview.objects.filter(report=r).count() for r in reports] == [2, 2]
    assert AuditEntry.objects.filter(action="shenbao.report.assignment_run", actor=officer).count() == 1
    refused = staff.post(url, {"kind": "final"}, follow=True).content.decode()
    assert {"en": "The call declares no expert review for “Final report”", "zh-hans": "本指南未规定“结题报告”的专家评审"}[
        language
    ] in refused


def test_only_the_calls_officers_may_open_or_run_the_report_assignment(call: Call, officer: User) -> None:
    report = midterm(call, officer)
    pool_expert(call, "expert@example.com")
    url = f"/staff/calls/{call.code}/report-reviews/"
    outsider = UserFactory()
    other_program_officer = UserFactory()
    pi = report.project.agreement.award.application.applicant
    for user in (outsider, other_program_officer, pi):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"kind": "midterm"}).status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in
    assert not ReportReview.objects.exists()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_report_review_page_query_count_does_not_grow_with_reports(call: Call, officer: User) -> None:
    first = midterm(call, officer, 1)
    for n in range(2):
        assign_report_expert(report=first, expert=pool_expert(call, f"e{n}@example.com"), actor=officer)
    staff, url = client_for(officer), f"/staff/calls/{call.code}/report-reviews/"
    one = _count(staff, url)
    for n in (2, 3, 4):
        report = midterm(call, officer, n)
        assign_report_expert(report=report, expert=pool_expert(call, f"e{n}x@example.com"), actor=officer)
    assert _count(staff, url) == one
