"""Two reviewers discuss an application in a real browser, one mentioning the other, and the panel
head writes the panel's opinion (issue 20)."""

from __future__ import annotations

from typing import Any

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.notifications.models import Notification
from shenbao.reviews.models import DiscussionComment, PanelOpinion
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.discussion import appoint_panel_head
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.browser.test_reviewer_browser import log_in
from tests.reviews.fixtures import add_expert, checked_application, score_all


def test_two_reviewers_discuss_and_the_panel_head_writes_the_opinion(browser: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = open_call("000", code="browser-discussion")
    data = call.definition
    for item in data["review_stages"]:
        if item["code"] == "expert-committee":
            item.update(reviewer_discussion="after_own", panel_opinion=True, applicant_identity_hidden=True)
    load_call_definition(definition=parse_definition(data))
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    application = checked_application(call, direction="XM-T1", title="讨论中的项目", email="owner@example.com")
    stage = ReviewStage.objects.select_related("call").get(call=call, code="expert-committee")
    close_submissions(call)
    open_stage(stage=stage, actor=officer)
    first, second, head = (add_expert(call, f"{n}@example.com", officer=officer) for n in ("first", "second", "head"))
    for expert in (first, second, head):
        expert.set_password("pass-Word-123")  # invited experts set theirs on the invitation page (tested elsewhere)
        expert.save(update_fields=["password"])
    a1 = assign_manually(stage=stage, application_id=application.pk, reviewer=first, actor=officer)
    a2 = assign_manually(stage=stage, application_id=application.pk, reviewer=second, actor=officer)
    score_all(a1, 7)
    score_all(a2, 9)
    stage = ReviewStage.objects.select_related("call").get(pk=stage.pk)
    appoint_panel_head(stage=stage, user=head, actor=officer, direction=application.direction)

    def session(email: str) -> Any:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, site, email)
        assert "/accounts/login/" not in page.url
        return context, page

    context, page = session("first@example.com")
    page.goto(f"{site}/review/assignments/{a1.pk}/")
    page.get_by_role("link", name="讨论与专家组意见").click()
    page.wait_for_url(f"**/review/discussion/{stage.pk}/{application.pk}/")
    assert "本评审阶段对评审专家隐去申请人身份" in page.content()
    page.fill("#id_body", "owner 的预算偏高")  # names the applicant: refused, the text kept
    page.get_by_role("button", name="发表意见").click()
    page.wait_for_load_state()
    assert "请删去该名称" in page.locator(".messages").inner_text()
    assert page.input_value("#id_body") == "owner 的预算偏高"
    page.fill("#id_body", "@second 预算部分偏高，请看第三节。")
    page.get_by_role("button", name="发表意见").click()
    page.wait_for_load_state()
    assert "您的意见已发表" in page.locator(".messages").inner_text()
    context.close()
    assert Notification.objects.filter(user=second, link=f"/review/discussion/{stage.pk}/{application.pk}/").count() == 1

    context, page = session("second@example.com")
    page.goto(f"{site}/review/discussion/{stage.pk}/{application.pk}/")
    comment = page.locator("article.comment").first
    assert "预算部分偏高" in comment.inner_text()
    comment.locator("summary", has_text="回复").click()
    comment.locator("textarea").fill("同意，建议压缩设备费。")
    comment.get_by_role("button", name="发表回复").click()
    page.wait_for_load_state()
    assert "同意，建议压缩设备费。" in page.locator("article.comment .replies").inner_text()
    assert page.locator("#opinion-form").count() == 0  # a reviewer does not write the panel opinion
    context.close()

    context, page = session("head@example.com")
    page.goto(f"{site}/review/discussion/{stage.pk}/{application.pk}/")
    assert "同意，建议压缩设备费。" in page.content()
    page.fill("#id_opinion", "创新性突出，预算需压缩后资助。")
    page.select_option("#id_recommendation", "with_changes")
    page.get_by_role("button", name="保存专家组意见").click()
    page.wait_for_load_state()
    assert "专家组意见已保存" in page.locator(".messages").inner_text()
    assert "修改后推荐" in page.locator("[data-opinion]").inner_text()
    context.close()

    replies = list(DiscussionComment.objects.order_by("pk").values_list("author__email", "reply_to_id"))
    assert [r[0] for r in replies] == ["first@example.com", "second@example.com"]
    assert replies[1][1] is not None
    opinion = PanelOpinion.objects.get()
    assert (opinion.author_id, opinion.recommendation) == (head.pk, "with_changes")
