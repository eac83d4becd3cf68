"""A program officer authors a small call in the call editor in a real browser (issue 16): a new
draft call, a direction, two kinds of eligibility rule (with the live explanation), a form with a
date and a choice field and a file upload, a review stage with two criteria; the exported
definition validates and loads again unchanged."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.load import parse_file, parse_text
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from tests.browser.test_reviewer_browser import log_in


def _save(page: Any) -> None:
    page.locator("form.editor-form button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()


def test_an_officer_authors_a_call_in_the_editor(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    page.set_default_timeout(60_000)  # a long test on a busy machine
    program = load_call_definition(definition=parse_file(SEED_FILES["000"])).call.program
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    log_in(page, site, officer.email)

    page.goto(f"{site}/staff/editor/new-call/")
    page.select_option("[name=program]", str(program.pk))
    page.fill("[name=code]", "browser-call")
    page.fill("[name=title_zh]", "浏览器征集")
    page.fill("[name=year]", "2026")
    page.fill("[name=deadline]", "2026-09-30T17:00")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("指南编辑器")
    editor = f"{site}/staff/calls/browser-call/editor"

    page.goto(f"{editor}/directions/new/")
    page.fill('[name="code"]', "D1")
    page.fill('[name="title.zh-hans"]', "方向一")
    page.select_option('[name="quota.qualifier"]', "at_most")
    page.fill('[name="quota.value"]', "3")
    page.fill('[name="budget.per_project.amount_wan"]', "50")
    page.fill('[name="duration.value"]', "2")
    _save(page)

    page.goto(f"{editor}/eligibility/new/")
    page.fill('[name="code"]', "trl")
    page.fill('[name="text.zh-hans"]', "技术成熟度不超过6级")
    page.select_option('[name="rule.kind"]', "trl")
    expect(page.locator('[data-rule-params="trl"]')).to_be_visible()
    expect(page.locator('[data-rule-params="birth_date"]')).to_be_hidden()
    page.fill('[name="rule@trl.max"]', "6")
    page.locator('[name="rule@trl.max"]').dispatch_event("change")
    explanation = page.locator("#rule-explanation")
    expect(explanation.locator('[data-language="en"]')).to_contain_text("The technology readiness level is at most N.")
    expect(explanation.locator('[data-language="en"] dd')).to_have_text("6")
    _save(page)

    page.goto(f"{editor}/eligibility/new/")
    page.fill('[name="code"]', "one-each")
    page.fill('[name="text.zh-hans"]', "每人限报1项")
    page.select_option('[name="rule.kind"]', "applications_per_applicant")
    page.fill('[name="rule@applications_per_applicant.max"]', "1")
    _save(page)

    page.goto(f"{editor}/form/new/")
    page.fill('[name="code"]', "start")
    page.fill('[name="label.zh-hans"]', "开始日期")
    page.select_option('[name="type"]', "date")
    page.check('[name="required"]')
    _save(page)

    page.goto(f"{editor}/form/new/")
    page.fill('[name="code"]', "track")
    page.fill('[name="label.zh-hans"]', "赛道")
    page.select_option('[name="type"]', "choice")
    page.fill('[name="choices.0.value"]', "a")
    page.fill('[name="choices.0.label.zh-hans"]', "甲")
    page.fill('[name="choices.1.value"]', "b")
    page.fill('[name="choices.1.label.zh-hans"]', "乙")
    _save(page)

    # The file field: an upload the application asks for (a required document), added from the form's page.
    page.goto(f"{editor}/form/")
    page.get_by_role("link", name="添加文件上传").click()
    page.fill('[name="code"]', "plan")
    page.fill('[name="name.zh-hans"]', "实施方案")
    page.select_option('[name="type"]', "proposal")
    page.check('[name="formats"][value="docx"]')
    _save(page)

    page.goto(f"{editor}/stages/new/")
    page.fill('[name="code"]', "review")
    page.fill('[name="name.zh-hans"]', "专家评审")
    page.select_option('[name="kind"]', "expert_review")
    page.fill('[name="criteria.0.code"]', "novelty")
    page.fill('[name="criteria.0.name.zh-hans"]', "创新性")
    page.fill('[name="criteria.0.weight"]', "60")
    page.fill('[name="criteria.1.code"]', "feasibility")
    page.fill('[name="criteria.1.name.zh-hans"]', "可行性")
    page.fill('[name="criteria.1.weight"]', "40")
    _save(page)

    # An error is shown on its field and nothing typed is lost.
    page.goto(f"{editor}/stages/0/")
    page.fill('[name="criteria.1.scale_min"]', "20")
    page.fill('[name="description.en"]', "typed before the error")
    page.locator("form.editor-form button[type=submit]").click()
    # The scale's error concerns the whole criterion: it is shown on its row (first cell).
    expect(page.locator('[id="criteria.1.code-errors"]')).to_contain_text("最低分（20）必须低于最高分（10）")
    expect(page.locator('[name="description.en"]')).to_have_value("typed before the error")

    exported = page.request.get(f"{editor}/yaml/export/")
    assert exported.ok
    definition = parse_text(exported.text())
    assert [d.code for d in definition.directions] == ["D1"]
    assert definition.directions[0].quota is not None and definition.directions[0].quota.value == 3
    assert [c.rule.kind for c in definition.eligibility] == ["trl", "applications_per_applicant"]
    assert [(f.code, f.type.value, f.required) for f in definition.form] == [("start", "date", True), ("track", "choice", False)]
    assert [c.value for c in definition.form[1].choices] == ["a", "b"]
    assert [(d.code, [f.value for f in d.formats]) for d in definition.required_documents] == [("plan", ["docx", "pdf"])]
    stage = definition.review_stages[0]
    assert [(c.code, c.weight) for c in stage.criteria] == [("novelty", 60), ("feasibility", 40)]
    call = Call.objects.get(code="browser-call")
    assert call.status == "draft"
    again = load_call_definition(definition=definition, actor=officer)
    assert (again.changed, again.version) == (False, call.version)
