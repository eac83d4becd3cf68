"""Mail templates in a real browser (issue 17): a program officer opens the call's mail templates from
its workspace, edits the receipt in Chinese, previews it on a real application, fixes a mistyped
placeholder, saves; the next receipt of the call in the outbox uses the new text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.notifications.models import MailTemplateOverride, Message
from tests.applications.fixtures import make_ready_application, open_call
from tests.browser.test_reviewer_browser import log_in


def _scholar(email: str, name: str, university: Organisation) -> User:
    """A young full-time faculty member of the university: eligible for seed 000."""
    user = register_user(
        email=email,
        password=None,
        name=name,
        birth_date=dt.date(1988, 6, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
    add_membership(user=user, organisation=university, role=MembershipRole.MEMBER)
    return user


def test_staff_edit_preview_and_save_a_template_and_the_next_mail_uses_it(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = open_call("000", code="browser-mail")
    university = create_organisation(name={"zh-hans": "测试大学"}, type=OrgType.UNIVERSITY)
    first = _scholar("first@example.com", "王一", university)
    application = make_ready_application(call=call, applicant=first, organisation=university, title="第一份申报")
    submit_application(application=application, actor=first)
    application.refresh_from_db()
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    page.set_default_timeout(60_000)  # the machine is shared: the first page may take a while
    log_in(page, site, officer.email)

    page.goto(site + f"/staff/calls/{call.code}/outbox/")
    page.locator("nav.workspace-nav").get_by_role("link", name="邮件模板").click()
    expect(page.locator('tr[data-template="receipt"] .source')).to_have_text("默认")
    page.locator('tr[data-template="receipt"] a').first.click()

    chinese = page.locator('fieldset[data-language="zh-hans"]')
    expect(chinese.locator("input")).to_have_value("申报书已收到：{{ number }}")
    chinese.locator("input").fill("【{{ call_title }}】受理回执 {{ number }}")
    chinese.locator("textarea").fill("{{ applicant }}，您好：\n“{{ title }}”已受理，编号 {{ numbr }}。\n{{ link }}")
    page.get_by_role("button", name="预览").click()
    # A mistyped placeholder: a clear error under the field, the text kept, nothing saved.
    expect(chinese.locator(".errorlist")).to_contain_text("未知的占位符：{{ numbr }}")
    expect(chinese.locator("textarea")).to_have_value(
        "{{ applicant }}，您好：\n“{{ title }}”已受理，编号 {{ numbr }}。\n{{ link }}"
    )
    chinese.locator("textarea").fill("{{ applicant }}，您好：\n“{{ title }}”已受理，编号 {{ number }}。\n{{ link }}")
    page.get_by_role("button", name="预览").click()

    preview = page.locator('.mail-preview article[data-language="zh-hans"]')
    expect(preview.locator(".preview-subject")).to_have_text(
        f"【小米揭榜挂帅 — 2025 科研专项】受理回执 {application.receipt_number}"
    )
    expect(preview.locator(".preview-body")).to_contain_text(
        f"王一，您好：\n“第一份申报”已受理，编号 {application.receipt_number}。"
    )
    expect(preview.locator(".preview-body")).to_contain_text(f"/applications/{application.pk}/")
    assert not MailTemplateOverride.objects.exists()

    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("邮件模板已保存")
    expect(page.locator(".history li")).to_have_count(1)
    page.get_by_role("link", name="邮件模板").first.click()
    expect(page.locator('tr[data-template="receipt"] .source')).to_have_text("本征集的（第 1 版）")

    # The next receipt of this call is written with the new text.
    second = _scholar("second@example.com", "李二", university)
    other = make_ready_application(call=call, applicant=second, organisation=university, title="第二份申报")
    submit_application(application=other, actor=second)
    other.refresh_from_db()
    mail = Message.objects.filter(template="receipt", to=second.email).get()
    assert mail.subject == f"【小米揭榜挂帅 — 2025 科研专项】受理回执 {other.receipt_number}"
    assert mail.body.startswith(f"李二，您好：\n“第二份申报”已受理，编号 {other.receipt_number}。\n")
    page.goto(site + f"/staff/calls/{call.code}/outbox/?template=receipt")
    expect(page.locator(f'tr[data-message="{mail.pk}"]')).to_contain_text(f"受理回执 {other.receipt_number}")
