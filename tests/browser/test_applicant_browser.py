"""The applicant's journey in a real browser: register, profile, apply, autosave, upload, submit,
in Chinese, then the result in English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from shenbao.applications.models import Application
from tests.applications.fixtures import docx_bytes, open_call


@pytest.fixture
def site(live_server: Any) -> str:
    open_call("000", code="open-000")
    return str(live_server.url)


def test_applicant_journey_in_chinese_then_english(page: Any, site: str, tmp_path: Path) -> None:
    page.goto(site + "/accounts/register/")
    page.fill("input[name=email]", "browser@example.com")
    page.fill("input[name=name]", "浏览器用户")
    page.fill("input[name=password1]", "a-Long-pass-123")
    page.fill("input[name=password2]", "a-Long-pass-123")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_url("**/accounts/confirm-email/")
    # The address is confirmed through the mailed link before the account can be used.
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link is not None and mail.outbox[-1].to == ["browser@example.com"]
    page.goto(link.group(0).replace("http://testserver", site))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url("**/me/profile/")
    page.fill("input[name=p-birth_date]", "1990-05-06")
    page.select_option("select[name=p-position]", "faculty")
    page.select_option("select[name=p-employment_type]", "full_time")
    page.select_option("select[name=p-overseas_employment]", "false")  # unanswered fails seed 000's rule
    page.locator("details summary").click()
    page.fill("input[name=o-name_zh]", "浏览器大学")
    page.select_option("select[name=o-type]", "university")
    page.get_by_role("button", name="保存个人资料").click()
    assert "个人资料已保存" in page.locator(".messages").inner_text()

    page.goto(site + "/calls/open-000/")
    page.locator("a.button.primary").click()
    page.select_option("select[name=direction]", index=1)
    page.get_by_role("button", name="开始申报").click()
    page.wait_for_url("**/applications/*/")
    submit = page.locator(".submit-form button")
    assert submit.is_disabled()

    page.fill("input[name=title]", "浏览器里的申报")
    page.fill("textarea[name=value__summary]", "摘要")
    page.fill("textarea[name=value__plan]", "计划")
    page.fill("textarea[name=value__team]", "团队")
    for box in page.locator("input[type=checkbox][name^=declare__]").all():
        box.check()
    expect(page.locator("#save-status")).to_contain_text("已于")
    docx = tmp_path / "申报表.docx"
    docx.write_bytes(docx_bytes())
    document = page.locator('li[data-document="application-form"]')
    document.locator("input[type=file]").set_input_files(str(docx))
    document.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    assert page.locator(".attachment").count() == 1
    assert page.locator(".submit-form button").is_enabled()
    page.locator(".submit-form button").click()
    page.wait_for_load_state()
    application = Application.objects.get(applicant__email="browser@example.com")
    assert application.state == "submitted"
    assert application.receipt_number in page.locator(".messages").inner_text()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator(".badge.state-submitted").first.inner_text() == "Submitted"
    assert page.get_by_role("heading", name="Requirements check").is_visible()
