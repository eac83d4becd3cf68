"""Issue 19 through the pages: staff plan, approve and pay tranches and decide reviewed reports; the PI
reads the schedule and the decisions and can neither pay nor decide; another applicant sees nothing;
the named expert reviews; the call's committed-against-paid view and its export; both languages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.projects.enums import ReportStatus, TrancheStatus
from shenbao.projects.models import Project, ReportReview, Tranche
from shenbao.projects.services.disbursement import plan_tranche
from shenbao.projects.services.projects import submit_report
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


@pytest.fixture
def project(call: Call, officer: User) -> Project:
    project = started_project(call, direction="1.2", officer=officer)
    Project.objects.filter(pk=project.pk).update(budget_yuan=1_000_000)
    project.refresh_from_db()
    return project


def client_for(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _messages(page: str) -> str:
    start = page.find('class="messages"')
    return page[start : page.find("</ul>", start)] if start >= 0 else ""


def test_staff_plan_approve_and_pay_and_the_pi_only_reads(project: Project, officer: User, call: Call) -> None:
    staff, url = client_for(officer), f"/projects/{project.pk}/disbursement/"
    bad = staff.post(
        url, {"action": "plan", "amount_yuan": "四十万", "condition": "on_signing", "planned_on": "2025-11-01"}, follow=True
    )
    assert "is not a whole number" in _messages(bad.content.decode())
    over = client_for(officer, "zh-hans").post(
        url, {"action": "plan", "amount_yuan": "1,000,001", "condition": "on_signing", "planned_on": "2025-11-01"}, follow=True
    )
    assert "超过项目预算" in _messages(over.content.decode())
    assert not Tranche.objects.exists()  # nothing saved by a refused form
    staff.post(url, {"action": "plan", "amount_yuan": "400,000", "condition": "on_signing", "planned_on": "2025-11-01"})
    staff.post(url, {"action": "plan", "amount_yuan": "600000", "condition": "midterm_passed", "planned_on": "2026-05-01"})
    first, second = Tranche.objects.order_by("position")
    assert (first.status, second.status) == (TrancheStatus.DUE, TrancheStatus.PLANNED)

    pi = project.agreement.award.application.applicant
    reader = client_for(pi, "zh-hans")
    page = reader.get(url).content.decode()
    assert 'data-tranche="1" data-status="due"' in page and "签署协议时" in page
    assert "Record the payment" not in page and 'name="action"' not in page
    # The PI cannot approve or pay; nothing changes.
    assert reader.post(url, {"action": "approve", "tranche": first.pk}).status_code == 404
    assert (
        reader.post(
            url, {"action": "pay", "tranche": first.pk, "paid_yuan": "1", "paid_on": "2026-01-01", "reference": "x"}
        ).status_code
        == 404
    )
    first.refresh_from_db()
    assert first.status == TrancheStatus.DUE
    other = client_for(UserFactory())
    assert other.get(url).status_code == 404
    assert other.get(f"/projects/{project.pk}/reports/").status_code == 404

    staff.post(url, {"action": "approve", "tranche": first.pk})
    today = timezone.localdate().isoformat()
    staff.post(url, {"action": "pay", "tranche": first.pk, "paid_yuan": "400000", "paid_on": today, "reference": "GK-001"})
    first.refresh_from_db()
    assert (first.status, first.paid_amount_yuan, first.payment_reference) == (TrancheStatus.PAID, 400_000, "GK-001")

    summary = staff.get(f"/staff/calls/{call.code}/disbursement/").content.decode()
    assert 'data-money="paid">CNY 400,000<' in summary and 'data-money="open">CNY 600,000<' in summary
    assert 'data-money="committed">CNY 1,000,000<' in summary
    assert client_for(pi).get(f"/staff/calls/{call.code}/disbursement/").status_code == 404
    exported = staff.get(reverse("web:call_export", args=[call.code, "disbursement", "csv"]))
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][6] == "拨款批次 / Tranche"
    assert [(r[2], r[6], r[9], r[10], r[12], r[14]) for r in rows[1:]] == [
        ("1.2 项目", "1", "400000", "Paid", "400000", "GK-001"),
        ("1.2 项目", "2", "600000", "Planned", "", ""),
    ]


def test_experts_review_staff_decide_and_a_failed_midterm_withholds(project: Project, officer: User, call: Call) -> None:
    plan_tranche(project=project, amount_yuan=600_000, condition="midterm_passed", planned_on=dt.date(2026, 5, 1), actor=officer)
    pi = project.agreement.award.application.applicant
    report = submit_report(project=project, kind="midterm", actuals={}, text="中期进展报告", actor=pi)
    expert = UserFactory(email="expert@example.com")
    PoolMember.objects.create(call=call, user=expert, status=PoolStatus.ACCEPTED, token="pool-expert")
    staff, url = client_for(officer), f"/projects/{project.pk}/reports/"
    assert client_for(expert).get(url).status_code == 404  # not named yet
    refused = staff.post(url, {"action": "assign", "report": report.pk, "expert": "nobody@example.com"}, follow=True)
    assert "reviewer pool" in _messages(refused.content.decode())
    staff.post(url, {"action": "assign", "report": report.pk, "expert": "EXPERT@example.com"})
    review = ReportReview.objects.get(report=report)
    reviewer = client_for(expert, "zh-hans")
    page = reviewer.get(url).content.decode()
    assert "中期进展报告" in page and 'name="score-progress"' in page and "任务书执行进度" in page
    # The expert sees their own review, not the staff view (other reviews, naming, deciding).
    assert 'data-status="submitted"' not in page and 'name="decision"' not in page and 'name="expert"' not in page
    scored = {"score-progress": "45", "score-cooperation": "45", "score-funds": "45"}
    reviewer.post(url, {"action": "review", "review": review.pk, **scored, "opinion": "进展明显不足"})
    review.refresh_from_db()
    assert (review.score, review.total, review.opinion) == (45, 45.0, "进展明显不足")

    # The PI may not decide.
    pi_client = client_for(pi)
    assert pi_client.post(url, {"action": "decide", "report": report.pk, "decision": "passed"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    decided = staff.get(url).content.decode()
    assert 'data-expert="expert@example.com"' in decided and "进展明显不足" in decided
    missing = staff.post(url, {"action": "decide", "report": report.pk, "decision": "failed", "reasons": ""}, follow=True)
    assert "Give the reasons" in _messages(missing.content.decode())
    staff.post(url, {"action": "decide", "report": report.pk, "decision": "failed", "reasons": "考核指标进展不足"})
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    tranche = Tranche.objects.get()
    assert (tranche.status, tranche.withheld_reason) == (TrancheStatus.WITHHELD, "考核指标进展不足")
    seen = client_for(pi, "zh-hans").get(url).content.decode()
    assert "未通过" in seen and "考核指标进展不足" in seen and "expert@example.com" not in seen
    english = client_for(pi, "en").get(f"/projects/{project.pk}/disbursement/").content.decode()
    assert "Withheld" in english and "The report it depends on failed" in english
