"""The Word 申报表 round trip in a real browser: download the pre-filled form, fill it in "Word",
upload it, confirm the fields, and see them in the application form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import mark_email_verified
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.calls.queries.definitions import current_definition
from shenbao.documents.describe import form_spec
from tests.applications.fixtures import open_call
from tests.documents.helpers import fill_docx


@pytest.fixture
def draft(live_server: Any) -> Application:
    call = open_call("000", code="open-000")
    user = User.objects.create_user(email="word@example.com", password="a-Long-pass-123")
    mark_email_verified(user=user)  # made here, not by sign-up: the address counts as confirmed
    application = start_application(call=call, direction=call.directions.first(), applicant=user)
    return save_draft(
        application=application, changes={"values": {"plan": "已写好的计划。"}}, expected_version=application.version, actor=user
    )


def test_download_fill_upload_and_confirm_the_word_form(page: Any, live_server: Any, draft: Application, tmp_path: Path) -> None:
    site = str(live_server.url)
    page.goto(site + "/accounts/login/")
    page.fill("input[name=login]", "word@example.com")
    page.fill("input[name=password]", "a-Long-pass-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"{site}/applications/{draft.pk}/")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载已按您填写内容预填的申报表").click()
    downloaded = Path(info.value.path())
    assert downloaded.read_bytes()[:2] == b"PK"

    spec = form_spec(
        call=draft.call,
        definition=current_definition(draft.call),
        direction=draft.direction,
        language="zh-hans",
        application=None,
    )
    filled = tmp_path / "填好的申报表.docx"
    filled.write_bytes(
        fill_docx(
            downloaded.read_bytes(),
            spec,
            {"title": "浏览器里填的方案", "summary": "摘要写在 Word 里。", "plan": "Word 里的新计划。"},
        )
    )
    page.set_input_files("#id_word_form", str(filled))
    page.get_by_role("button", name="读取申报表").click()
    page.wait_for_url("**/form/confirm/")

    assert page.locator('tr[data-field="title"] input[type=checkbox]').is_checked()
    plan = page.locator('tr[data-field="plan"]')
    assert "将替换您已填写的内容" in plan.inner_text()
    assert not plan.locator("input[type=checkbox]").is_checked()
    assert "未填写" in page.locator('tr[data-field="team"]').inner_text()
    page.get_by_role("button", name="填入勾选的项").click()
    page.wait_for_url(f"**/applications/{draft.pk}/")

    assert "已从申报表填入 2 项" in page.locator(".messages").inner_text()
    assert page.input_value("input[name=title]") == "浏览器里填的方案"
    assert page.input_value("textarea[name=value__summary]") == "摘要写在 Word 里。"
    assert page.input_value("textarea[name=value__plan]") == "已写好的计划。"
