"""A program officer authors a call from scratch in the call editor in a real browser (issue 16): a
new draft call, a direction, two kinds of eligibility rule (with the live explanation), a form with a
date, a choice and a file field, a review stage with two criteria; publishes and opens it from the
status page; an applicant applies (fills the fields, uploads the file, submits); the exported
definition validates and loads again unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from shenbao.accounts.enums import EmploymentType, Position
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application
from shenbao.calls.definition.load import parse_file, parse_text
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import PDF
from tests.browser.test_reviewer_browser import log_in


def _save(page: Any) -> None:
    page.locator("form.editor-form button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()


def _add(
    page: Any,
    url: str,
    fill: dict[str, str],
    *,
    select: dict[str, str] | None = None,
    check: tuple[str, ...] = (),
) -> None:
    """Open a new item's page, choose (first: a choice may show more inputs), type, tick and save."""
    page.goto(url)
    for name, value in (select or {}).items():
        page.select_option(f'[name="{name}"]', value)
    for name, value in fill.items():
        page.fill(f'[name="{name}"]', value)
    for name in check:
        page.check(f'[name="{name}"]' if "[" not in name else name)
    _save(page)


def _move(page: Any, site: str, code: str, target: str) -> None:
    """Move the call on its status page; the change is refused unless every check passes."""
    page.goto(f"{site}/staff/calls/{code}/manage/")
    option = page.locator(f'article.transition[data-target="{target}"]')
    expect(option.locator(".checks li.outcome-fail")).to_have_count(0)
    option.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("h2 [data-status]")).to_have_attribute("data-status", target)


def test_an_officer_authors_publishes_and_opens_a_call_and_an_applicant_applies(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    site = str(live_server.url)
    page.set_default_timeout(60_000)  # a long test on a busy machine
    program = load_call_definition(definition=parse_file(SEED_FILES["000"])).call.program
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    log_in(page, site, officer.email)

    deadline = timezone.localdate() + dt.timedelta(days=30)
    page.goto(f"{site}/staff/editor/new-call/")
    page.select_option("[name=program]", str(program.pk))
    page.fill("[name=code]", "browser-call")
    page.fill("[name=title_zh]", "浏览器征集")
    page.fill("[name=year]", str(deadline.year))
    page.fill("[name=deadline]", f"{deadline.isoformat()}T17:00")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("指南编辑器")
    editor = f"{site}/staff/calls/browser-call/editor"

    _add(
        page,
        f"{editor}/directions/new/",
        {
            "code": "D1",
            "title.zh-hans": "方向一",
            "quota.value": "3",
            "budget.per_project.amount_wan": "50",
            "duration.value": "2",
        },
        select={"quota.qualifier": "at_most"},
    )

    # A rule kind shows its own parameters and a live explanation in both languages.
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
    _add(
        page,
        f"{editor}/eligibility/new/",
        {"code": "one-each", "text.zh-hans": "每人限报1项", "rule@applications_per_applicant.max": "1"},
        select={"rule.kind": "applications_per_applicant"},
    )

    # The form: a date, a choice and a file field, each required.
    _add(
        page, f"{editor}/form/new/", {"code": "start", "label.zh-hans": "开始日期"}, select={"type": "date"}, check=("required",)
    )
    _add(
        page,
        f"{editor}/form/new/",
        {
            "code": "track",
            "label.zh-hans": "赛道",
            "choices.0.value": "a",
            "choices.0.label.zh-hans": "甲",
            "choices.1.value": "b",
            "choices.1.label.zh-hans": "乙",
        },
        select={"type": "choice"},
        check=("required",),
    )
    _add(
        page,
        f"{editor}/form/new/",
        {"code": "plan", "label.zh-hans": "实施方案", "label.en": "Work plan", "max_size_mb": "5"},
        select={"type": "file"},
        check=("required", '[name="formats"][value="pdf"]'),
    )

    _add(
        page,
        f"{editor}/stages/new/",
        {
            "code": "review",
            "name.zh-hans": "专家评审",
            "criteria.0.code": "novelty",
            "criteria.0.name.zh-hans": "创新性",
            "criteria.0.weight": "60",
            "criteria.1.code": "feasibility",
            "criteria.1.name.zh-hans": "可行性",
            "criteria.1.weight": "40",
        },
        select={"kind": "expert_review"},
    )

    # An error is shown on its field and nothing typed is lost.
    page.goto(f"{editor}/stages/0/")
    page.fill('[name="criteria.1.scale_min"]', "20")
    page.fill('[name="description.en"]', "typed before the error")
    page.locator("form.editor-form button[type=submit]").click()
    # The scale's error concerns the whole criterion: it is shown on its row (first cell).
    expect(page.locator('[id="criteria.1.code-errors"]')).to_contain_text("最低分（20）必须低于最高分（10）")
    expect(page.locator('[name="description.en"]')).to_have_value("typed before the error")

    # Published, then opened, each from the status page with its checks.
    _move(page, site, "browser-call", "published")
    _move(page, site, "browser-call", "open")

    # An applicant applies: the date, the choice, the TRL the rule asks about, the file; submits.
    applicant = register_user(
        email="applicant@example.com",
        password="pass-Word-123",
        name="申请人",
        birth_date=dt.date(1988, 6, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
    page.context.clear_cookies()
    log_in(page, site, applicant.email)
    page.goto(f"{site}/calls/browser-call/")
    page.locator("a.button.primary").click()
    page.select_option("select[name=direction]", index=1)
    page.get_by_role("button", name="开始申报").click()
    page.wait_for_url("**/applications/*/")
    expect(page.locator(".submit-form button")).to_be_disabled()
    page.fill("input[name=title]", "浏览器里的申报")
    page.fill("input[name=value__start]", (deadline + dt.timedelta(days=60)).isoformat())
    page.select_option("select[name=value__track]", "b")
    page.fill("input[name=trl]", "5")
    page.locator("input[name=trl]").dispatch_event("change")
    expect(page.locator("#save-status")).to_contain_text("已于")
    plan = tmp_path / "实施方案.pdf"
    plan.write_bytes(PDF)
    field = page.locator("#file-plan")
    field.locator("input[type=file]").set_input_files(str(plan))
    field.get_by_role("button", name="上传").click()
    expect(page.locator("#file-plan .attachment")).to_contain_text("实施方案.pdf")
    expect(page.locator(".submit-form button")).to_be_enabled()
    page.locator(".submit-form button").click()
    page.wait_for_load_state()
    application = Application.objects.get(applicant=applicant)
    assert application.state == "submitted"
    assert application.values == {"start": (deadline + dt.timedelta(days=60)).isoformat(), "track": "b"}
    assert application.trl == 5
    assert [a.document_code for a in application.attachments.all()] == ["plan"]
    expect(page.locator(".messages")).to_contain_text(application.receipt_number)

    # The definition exported from the editor validates and loads again unchanged.
    page.context.clear_cookies()
    log_in(page, site, officer.email)
    exported = page.request.get(f"{editor}/yaml/export/")
    assert exported.ok
    definition = parse_text(exported.text())
    assert [d.code for d in definition.directions] == ["D1"]
    assert definition.directions[0].quota is not None and definition.directions[0].quota.value == 3
    assert [c.rule.kind for c in definition.eligibility] == ["trl", "applications_per_applicant"]
    assert [(f.code, f.type.value, f.required) for f in definition.form] == [
        ("start", "date", True),
        ("track", "choice", True),
        ("plan", "file", True),
    ]
    assert [c.value for c in definition.form[1].choices] == ["a", "b"]
    assert ([f.value for f in definition.form[2].formats], definition.form[2].max_size_mb) == (["pdf"], 5)
    stage = definition.review_stages[0]
    assert [(c.code, c.weight) for c in stage.criteria] == [("novelty", 60), ("feasibility", 40)]
    call = Call.objects.get(code="browser-call")
    assert call.status == "open"
    again = load_call_definition(definition=definition, actor=officer)
    assert (again.changed, again.version) == (False, call.version)
