"""A reviewer in a real browser: accept the invitation (setting a password), score with autosave, mark
a criterion not applicable, submit — in Chinese, then read it back in English.  And the live reveal."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.enums import ReviewState
from shenbao.reviews.models import Assignment, PoolMember, Review
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.pool import invite_reviewer
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.fixtures import add_expert, checked_application, score_all


def log_in(page: Any, site: str, email: str) -> None:
    page.goto(site + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-Word-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_reviewer_accepts_scores_and_submits(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = open_call("000", code="browser-review")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    application = checked_application(
        call, direction="XM-T1", title="浏览器里的评审", email="applicant@example.com", text="面向端侧设备的大模型推理优化"
    )
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    close_submissions(call)
    open_stage(stage=stage, actor=officer)
    member = invite_reviewer(call=call, email="expert@example.com", name="评审专家", actor=officer)

    page.goto(f"{site}/review/invitations/{member.token}/")
    page.fill("input[name=password]", "a-Long-pass-123")
    page.get_by_role("button", name="接受").click()
    page.wait_for_url("**/review/")
    assert "目前没有分配给您的评审任务" in page.content()
    member.refresh_from_db()
    assert member.status == "accepted"

    assignment = assign_manually(stage=stage, application_id=application.pk, reviewer=member.user, actor=officer)
    page.reload()
    page.get_by_role("link", name="浏览器里的评审").click()
    page.wait_for_url(f"**/review/assignments/{assignment.pk}/")
    assert "面向端侧设备的大模型推理优化" in page.content()
    page.fill("#score-innovation-feasibility", "8")
    page.fill("#score-plan-and-output-value", "6")
    page.locator("#score-plan-and-output-value").blur()
    expect(page.locator("#save-status")).to_contain_text("70.00")
    page.locator("fieldset[data-criterion=team-capacity] input[type=checkbox]").check()
    expect(page.locator("#save-status")).to_contain_text("草稿已保存")
    page.fill("#score-innovation-feasibility", "11")
    page.locator("#score-innovation-feasibility").blur()
    # Out of scale: the browser refuses before sending (the server refuses too; tested in the services).
    assert page.locator("#score-innovation-feasibility:invalid").count() == 1
    page.fill("#score-innovation-feasibility", "9")
    page.locator("#score-innovation-feasibility").blur()
    expect(page.locator("#save-status")).to_contain_text("75.00")
    page.get_by_role("button", name="提交评审意见").click()
    page.wait_for_load_state()
    assert "您的评审意见已提交" in page.locator(".messages").inner_text()
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.scores, review.total) == (
        ReviewState.SUBMITTED,
        {"innovation-feasibility": 9.0, "plan-and-output-value": 6.0, "team-capacity": None},
        75.0,
    )

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    page.goto(f"{site}/review/assignments/{assignment.pk}/")
    assert "Not applicable" in page.content()
    assert page.locator("[data-total]").inner_text() == "75.00"


def test_live_reveal_shows_each_score_and_the_trimmed_mean(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = open_call("001", code="browser-finals")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    finals = ReviewStage.objects.get(call=call, code="finals")
    application = checked_application(call, direction="SME202301", title="决赛项目", email="team@example.com")
    from shenbao.reviews.models import StageEntry

    StageEntry.objects.create(stage=finals, application=application)
    close_submissions(call)
    for i, value in enumerate([9, 7, 10, 8]):
        judge = add_expert(call, f"judge{i}@example.com", officer=officer)
        score_all(assign_manually(stage=finals, application_id=application.pk, reviewer=judge, actor=officer), value)
    assert PoolMember.objects.filter(call=call).count() == 4 and Assignment.objects.filter(stage=finals).count() == 4

    log_in(page, site, "officer@example.com")
    page.goto(f"{site}/staff/stages/{finals.pk}/live/")
    assert page.locator(".live-current h2").inner_text() == "决赛项目"
    reveal = page.locator("#reveal-next")
    reveal.click()
    expect(page.locator(".live-score")).to_have_count(1)
    assert page.locator("[data-current]").inner_text() == "90.00"
    reveal.click()
    expect(page.locator(".live-score")).to_have_count(2)
    assert page.locator("[data-current]").inner_text() == "80.00"
    reveal.click()
    expect(page.locator(".live-score")).to_have_count(3)
    # Three scores 90, 70, 100: the highest and lowest are dropped, 90 remains.
    assert page.locator(".live-score.dropped").count() == 2
    assert page.locator("[data-current]").inner_text() == "90.00"
    reveal.click()
    expect(page.locator(".live-done")).to_have_count(1)
    assert "所有分数均已亮出" in page.content()
    assert page.locator(".live-board td.num").inner_text() == "85.00"
