"""Issue 19, the joints of the report review a program office meets: the named expert is mailed (once,
by hand or by the solver; a kept expert is not mailed again on a rerun, a refused naming mails nobody);
after the decision the expert reads their own scores and the decision, and before it nothing of the
decision; staff decide through the API with the page's refusals, in both languages, and read the
experts' scores by criterion there (the PI does not, as on the page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.notifications.models import Message, Notification
from shenbao.notifications.rendering import absolute
from shenbao.projects.enums import ProjectStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Project, Report, ReportReview
from shenbao.projects.services.projects import submit_report
from shenbao.projects.services.report_assignment import assign_report_experts
from shenbao.projects.services.report_reviews import assign_report_expert, decide_report, submit_report_review
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import PoolMember
from tests.factories import UserFactory, api_token_key
from tests.openapi_support import NO_RATE_LIMITS
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db

TEMPLATE = "report_review_assigned"


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


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


def scores(progress: float | None, cooperation: float | None, funds: float | None) -> dict[str, float | None]:
    return {"progress": progress, "cooperation": cooperation, "funds": funds}


def mailed() -> list[tuple[str, str]]:
    """(recipient, project id) of every report-review mail in the outbox."""
    return sorted(Message.objects.filter(template=TEMPLATE).values_list("to", "object_id"))


# 1. Experts are told


def test_an_expert_named_by_hand_is_mailed_once_in_their_language(call: Call, officer: User) -> None:
    report = midterm(call, officer)
    chinese = expert(call, "zh@example.com")
    english = expert(call, "en@example.com", language="en")
    zh_review = assign_report_expert(report=report, expert=chinese, actor=officer)
    en_review = assign_report_expert(report=report, expert=english, actor=officer)
    title = report.project.title
    zh = Message.objects.get(template=TEMPLATE, to="zh@example.com")
    link = absolute(f"/projects/{report.project_id}/reports/#own-{zh_review.pk}")
    assert (zh.language, zh.subject) == ("zh-hans", f"待评审报告：“{title}”的中期报告")
    assert f"您被指定评审“{call.title['zh-hans']}”中项目“{title}”的中期报告。" in zh.body
    assert f"请在此阅读报告并提交评分和意见: {link}" in zh.body
    assert zh.related == report.project
    en = Message.objects.get(template=TEMPLATE, to="en@example.com")
    assert en.subject == f"Report to review: Mid-term report of “{title}”"
    assert f"You are named to review Mid-term report of the project “{title}” in “{call.title['en']}”." in en.body
    assert absolute(f"/projects/{report.project_id}/reports/#own-{en_review.pk}") in en.body
    # The in-app notification follows the mail, to the same page.
    assert sorted(Notification.objects.filter(message__template=TEMPLATE).values_list("user_id", "link")) == sorted(
        [
            (chinese.pk, f"/projects/{report.project_id}/reports/#own-{zh_review.pk}"),
            (english.pk, f"/projects/{report.project_id}/reports/#own-{en_review.pk}"),
        ]
    )
    assert Message.objects.filter(template=TEMPLATE).count() == 2


def test_a_refused_naming_mails_nobody(call: Call, officer: User) -> None:
    report = midterm(call, officer)
    e = expert(call, "e@example.com")
    assign_report_expert(report=report, expert=e, actor=officer)
    with pytest.raises(ProjectError) as twice:
        assign_report_expert(report=report, expert=e, actor=officer)
    assert twice.value.code == "expert_assigned"
    pi = report.project.agreement.award.application.applicant
    PoolMember.objects.create(call=call, user=pi, status=PoolStatus.ACCEPTED, token="t-pi")
    with pytest.raises(ProjectError) as own:
        assign_report_expert(report=report, expert=pi, actor=officer)
    assert own.value.code == "expert_is_pi"
    outsider = UserFactory(email="outsider@example.com")
    with pytest.raises(ProjectError):
        assign_report_expert(report=report, expert=outsider, actor=officer)
    assert mailed() == [("e@example.com", str(report.project_id))]


def test_the_solver_mails_the_experts_it_names_and_a_rerun_mails_nobody_again(call: Call, officer: User) -> None:
    a, b = midterm(call, officer, 1), midterm(call, officer, 2)
    picked = expert(call, "picked@example.com")
    assign_report_expert(report=a, expert=picked, actor=officer)  # by hand: mailed now, kept by the run
    for n in range(3):
        expert(call, f"e{n}@example.com")
    outcome = assign_report_experts(call=call, kind="midterm", actor=officer)
    assert (outcome.created, outcome.kept) == (3, 1)
    expected = sorted(
        (email, str(project_id)) for email, project_id in ReportReview.objects.values_list("expert__email", "report__project_id")
    )
    assert len(expected) == 4
    assert mailed() == expected  # one mail per naming, the kept one once
    # The expert picked by hand for a is mailed for a once (the run kept them), and once for b if named there.
    assert Message.objects.filter(template=TEMPLATE, to="picked@example.com", object_id=str(a.project_id)).count() == 1
    # A new report: the rerun names its experts only, and mails only them.
    c = midterm(call, officer, 3)
    again = assign_report_experts(call=call, kind="midterm", actor=officer)
    assert again.reports == 1 and again.created == 2
    assert Message.objects.filter(template=TEMPLATE).count() == 6
    assert sorted(Message.objects.filter(template=TEMPLATE, object_id=str(c.project_id)).values_list("to", flat=True)) == sorted(
        ReportReview.objects.filter(report=c).values_list("expert__email", flat=True)
    )
    with pytest.raises(ProjectError):
        assign_report_experts(call=call, kind="midterm", actor=officer)  # nothing waiting: nothing mailed
    assert Message.objects.filter(template=TEMPLATE).count() == 6
    assert {a.pk, b.pk} <= set(ReportReview.objects.values_list("report_id", flat=True))


# 2. The expert sees the outcome of their own review


def _page(user: User, report: Report, language: str = "en") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(f"/projects/{report.project_id}/reports/")
    assert response.status_code == 200
    return response.content.decode()


def _reviewed(call: Call, officer: User) -> tuple[Report, User, User]:
    report = midterm(call, officer)
    first, second = expert(call, "first@example.com"), expert(call, "second@example.com")
    for e, given, opinion in ((first, scores(80, 70, 90), "进展良好"), (second, scores(40, 50, 60), "其他专家的意见")):
        review = assign_report_expert(report=report, expert=e, actor=officer)
        submit_report_review(review=review, scores=given, opinion=opinion, actor=e)
    return report, first, second


def test_the_expert_reads_their_own_scores_and_the_decision_only_after_it(call: Call, officer: User, settings: Any) -> None:
    report, first, second = _reviewed(call, officer)
    before = _page(first, report)
    assert "Outcome of your review" not in before
    assert 'class="decision"' not in before and "data-decision" not in before
    assert "Submitted, in review" not in before and "Passed with conditions" not in before

    decide_report(report=report, decision="conditional", reasons="补充测试数据", actor=officer)
    after = _page(first, report)
    assert 'id="outcome-' in after
    assert '<dd class="decision" data-decision="conditional">Passed with conditions · ' in after
    assert '<tr data-criterion="progress"><th scope="row">Progress against the agreement</th>' in after
    assert '<td class="num" data-score>80</td>' in after
    assert '<td class="num" data-score>70</td>' in after
    assert '<dd class="num" data-own-total>80.0</dd>' in after
    assert '<td class="num" data-score>90</td>' in after
    assert "进展良好" in after
    # Nothing of the other expert: not their name, their opinion or their scores.
    assert second.display_name not in after and "second@example.com" not in after
    assert "其他专家的意见" not in after
    assert "data-score>40<" not in after and "data-score>50<" not in after
    # Nor the reasons meant for the PI, nor the staff's table of reviews.
    assert "补充测试数据" not in after and "report-reviews" not in after

    chinese = _page(first, report, "zh-hans")
    assert "您所评审报告的结论" in chinese and "您对各评审指标的评分" in chinese
    assert 'data-decision="conditional">有条件通过 · ' in chinese


def test_the_experts_list_shows_their_report_reviews_and_the_decision_only_once_made(call: Call, officer: User) -> None:
    report, first, _second = _reviewed(call, officer)
    pending = midterm(call, officer, 2)
    waiting = assign_report_expert(report=pending, expert=first, actor=officer)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(first)
    reviewed = ReportReview.objects.get(report=report, expert=first)
    before = client.get("/review/").content.decode()
    assert '<h2 id="report-reviews">Project reports to review</h2>' in before
    assert f'href="/projects/{report.project_id}/reports/#own-{reviewed.pk}"' in before
    assert f'href="/projects/{pending.project_id}/reports/#own-{waiting.pk}"' in before
    assert before.count('<td data-decision="">—</td>') == 2 and "Passed" not in before
    decide_report(report=report, decision="passed", reasons="", actor=officer)
    after = client.get("/review/").content.decode()
    assert '<td data-decision="passed">Passed</td>' in after
    assert after.count('<td data-decision="">—</td>') == 1  # the other report is not decided
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(first)
    assert '<h2 id="report-reviews">待评审的项目报告</h2>' in chinese.get("/review/").content.decode()
    # Someone named for no report review sees no such section.
    nobody = Client()
    nobody.force_login(UserFactory())
    assert 'id="report-reviews"' not in nobody.get("/review/").content.decode()


def test_the_experts_list_costs_the_same_queries_for_one_report_review_or_three(call: Call, officer: User) -> None:
    e = expert(call, "e@example.com")
    client = Client()
    client.force_login(e)
    assign_report_expert(report=midterm(call, officer, 1), expert=e, actor=officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/review/").status_code == 200
    for n in (2, 3):
        assign_report_expert(report=midterm(call, officer, n), expert=e, actor=officer)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/review/").content.decode()
    assert page.count("data-report-review=") == 3
    assert len(three) == len(one)


# 3. Staff decide through the API


def _api(user: User | None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


@pytest.fixture(autouse=True)
def no_limits(settings: Any) -> None:
    settings.SHENBAO_API_RATES = NO_RATE_LIMITS


def _decision_url(report: Report) -> str:
    return f"/api/v1/projects/{report.project_id}/reports/{report.pk}/decision/"


def test_staff_decide_a_report_through_the_api_and_read_the_scores(call: Call, officer: User) -> None:
    report, first, second = _reviewed(call, officer)
    answer = _api(officer).post(_decision_url(report), {"decision": "failed", "reasons": "进度滞后"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["id"], body["status"], body["decision_reasons"]) == (report.pk, "failed", "进度滞后")
    assert [(r["expert_email"], r["score"], r["total"], r["opinion"]) for r in body["reviews"]] == [
        ("first@example.com", 80, 80.0, "进展良好"),
        ("second@example.com", 49, 49.0, "其他专家的意见"),
    ]
    assert [r["expert"] for r in body["reviews"]] == [first.display_name, second.display_name]
    assert body["reviews"][0]["scores"] == [
        {"criterion": "progress", "name": "Progress against the agreement", "score": 80.0},
        {"criterion": "cooperation", "name": "Conduct of the international cooperation", "score": 70.0},
        {"criterion": "funds", "name": "Use of the funds", "score": 90.0},
    ]
    report.refresh_from_db()
    assert (report.status, report.decided_by_id) == ("failed", officer.pk)
    assert AuditEntry.objects.filter(action="shenbao.report.failed").count() == 1
    assert Message.objects.filter(template="report_decided").count() == 1

    # Staff read the scores in the report's GET; the PI reads what the page shows the PI: no reviews.
    staff_view = _api(officer).get(f"/api/v1/projects/{report.project_id}/reports/").json()
    assert [r["expert_email"] for r in staff_view[0]["reviews"]] == ["first@example.com", "second@example.com"]
    pi = report.project.agreement.award.application.applicant
    pi_view = _api(pi).get(f"/api/v1/projects/{report.project_id}/reports/").json()
    assert (pi_view[0]["status"], pi_view[0]["decision_reasons"], pi_view[0]["reviews"]) == ("failed", "进度滞后", None)


REFUSALS = {
    "report_not_reviewed": (
        "Name at least one expert to review the report before deciding.",
        "作出决定前，请至少指定一位专家评审报告。",
    ),
    "reviews_pending": (
        "Every named expert has to submit a review before the decision.",
        "作出决定前，每位被指定的专家都须提交评审意见。",
    ),
    "decision_reasons_required": ("Give the reasons (or the conditions) of the decision.", "请填写决定的理由（或条件）。"),
    "decision_invalid": ("Choose pass, pass with conditions or fail.", "请选择通过、有条件通过或未通过。"),
    "report_decided": ("This report is decided already.", "该报告已有决定。"),
    "project_not_running": ("This project is no longer running.", "该项目已不在执行中。"),
}


def _refused(officer: User, report: Report, data: dict[str, Any], code: str) -> None:
    before = Report.objects.filter(pk=report.pk).values_list("status", "decision_reasons", "decided_at").get()
    for language, text in zip(("en", "zh-hans"), REFUSALS[code], strict=True):
        answer = _api(officer, language).post(_decision_url(report), data, format="json")
        assert (answer.status_code, answer.json()) == (400, {"code": code, "detail": text}), language
    assert Report.objects.filter(pk=report.pk).values_list("status", "decision_reasons", "decided_at").get() == before


def test_the_api_decision_is_refused_as_the_page_refuses_in_both_languages(call: Call, officer: User) -> None:
    report = midterm(call, officer)
    _refused(officer, report, {"decision": "passed"}, "report_not_reviewed")
    e = expert(call, "e@example.com")
    review = assign_report_expert(report=report, expert=e, actor=officer)
    _refused(officer, report, {"decision": "passed"}, "reviews_pending")
    submit_report_review(review=review, scores=scores(70, 70, 70), opinion="尚可", actor=e)
    _refused(officer, report, {"decision": "failed", "reasons": "  "}, "decision_reasons_required")
    _refused(officer, report, {"decision": "conditional"}, "decision_reasons_required")
    _refused(officer, report, {"decision": "pass"}, "decision_invalid")
    _refused(officer, report, {"decision": "submitted"}, "decision_invalid")
    _refused(officer, report, {"reasons": "x"}, "decision_invalid")
    Project.objects.filter(pk=report.project_id).update(status=ProjectStatus.TERMINATED)
    _refused(officer, report, {"decision": "passed"}, "project_not_running")
    Project.objects.filter(pk=report.project_id).update(status=ProjectStatus.ACTIVE)
    not_text = _api(officer).post(_decision_url(report), {"decision": "passed", "reasons": ["x"]}, format="json")
    assert (not_text.status_code, not_text.json()["code"]) == (400, "invalid")
    decisions = ["shenbao.report.passed", "shenbao.report.conditional", "shenbao.report.failed"]
    assert not AuditEntry.objects.filter(action__in=decisions).exists()
    assert not Message.objects.filter(template="report_decided").exists()
    decided = _api(officer).post(_decision_url(report), {"decision": "passed"}, format="json")
    assert (decided.status_code, decided.json()["status"], decided.json()["decision_reasons"]) == (200, "passed", "")
    _refused(officer, report, {"decision": "failed", "reasons": "改判"}, "report_decided")
    other = midterm(call, officer, 2)
    elsewhere = f"/api/v1/projects/{report.project_id}/reports/{other.pk}/decision/"  # another project's report
    assert _api(officer).post(elsewhere, {"decision": "passed"}, format="json").status_code == 404


def test_only_the_programs_staff_may_decide_through_the_api(call: Call, officer: User) -> None:
    report, first, _second = _reviewed(call, officer)
    pi = report.project.agreement.award.application.applicant
    stranger_expert = expert(call, "stranger@example.com")
    other_staff = UserFactory()
    other = Call.objects.get()
    other.program.pk = None  # another program, with an officer who is not this call's
    other.program.code = "other"
    other.program.save()
    grant_program_role(program=other.program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    refused = {
        "anonymous": (None, 401),
        "pi": (pi, 403),
        "expert_of_the_report": (first, 404),
        "other_expert": (stranger_expert, 404),
        "other_program_staff": (other_staff, 404),
    }
    for role, (user, expected) in refused.items():
        answer = _api(user).post(_decision_url(report), {"decision": "passed"}, format="json")
        assert answer.status_code == expected, role
        assert _api(user).get(_decision_url(report)).status_code in (401, 404, 405), role
    chinese = _api(pi, "zh-hans").post(_decision_url(report), {"decision": "passed"}, format="json").json()
    assert chinese == {"code": "not_allowed", "detail": "只有本计划的工作人员可以作出报告审查结论。"}
    english = _api(pi).post(_decision_url(report), {"decision": "passed"}, format="json").json()
    assert english == {"code": "not_allowed", "detail": "Only the program's staff may decide a report."}
    report.refresh_from_db()
    assert (report.status, report.decided_at) == ("submitted", None)
    assert not Message.objects.filter(template="report_decided").exists()
    # The expert of the report reads no project through the reports API either.
    assert _api(first).get(f"/api/v1/projects/{report.project_id}/reports/").status_code == 404


# 4. The disbursement pages' headings


def test_every_table_of_the_disbursement_pages_has_a_heading_and_a_caption(call: Call, officer: User) -> None:
    report = midterm(call, officer)
    for language, headings, captions in (
        (
            "en",
            ['<h2 id="summary">Committed against paid</h2>', '<h2 id="tranches">Tranches</h2>'],
            [
                "<caption>Each tranche of the grant: its amount, the condition that makes it due, its status and its payment"
                "</caption>"
            ],
        ),
        (
            "zh-hans",
            ['<h2 id="summary">资助总额与已拨付</h2>', '<h2 id="tranches">拨款批次</h2>'],
            ["<caption>资助经费的各拨款批次：金额、拨付条件、状态和拨付记录</caption>"],
        ),
    ):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(officer)
        page = client.get(f"/projects/{report.project_id}/disbursement/").content.decode()
        for text in headings + captions:
            assert text in page, (language, text)
        assert page.count("<table") == page.count("<caption>")
        whole = client.get(f"/staff/calls/{call.code}/disbursement/").content.decode()
        heading = {"en": "Committed against paid by project", "zh-hans": "各项目的资助总额与已拨付"}[language]
        assert f'<h2 id="by-project">{heading}</h2>' in whole
        assert whole.count("<table") == whole.count("<caption>") == 1
