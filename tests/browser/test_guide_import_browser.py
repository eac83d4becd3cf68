"""Guide import in a real browser: upload a .docx, see the source beside the draft, edit, save a draft call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import CallStatus, ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.guides.models import GuideImport
from tests.factories import UserFactory
from tests.guides.documents import make_docx, seed_text
from tests.guides.test_direction_form import NOTICE, UNSURE


@pytest.fixture
def site(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def officer_page(page: Any, site: str) -> Any:
    program = load_call_definition(definition=parse_file(SEED_FILES["004"])).call.program
    user = UserFactory()
    grant_program_role(program=program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}])
    return page


def test_upload_review_edit_and_save_a_draft_call(officer_page: Any, site: str, tmp_path: Path) -> None:
    page = officer_page
    page.set_default_timeout(60_000)  # the machine may be shared: wait for the server, not for a fixed moment
    guide_file = tmp_path / "指南.docx"
    guide_file.write_bytes(make_docx(seed_text("003").split("\n")))

    page.goto(site + "/staff/")
    page.get_by_role("link", name="导入指南文件，生成草稿指南").click()
    page.locator("input[name=document]").set_input_files(str(guide_file))
    page.get_by_role("button", name="读取指南").click()
    page.wait_for_url("**/staff/guides/*/")

    # The source text with highlighted spans beside the extracted draft.
    assert page.locator("pre.source mark.span").count() >= 19 * 3
    assert page.locator("table.draft-directions tbody tr").count() == 19
    assert page.locator(".reconciliation-table tr.ok").count() == 3
    # Nothing spills out of its column at a desktop width, in the longer English either: the legend is a
    # sentence that wraps, and a wide table scrolls in its own box.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form[action='/i18n/setlang/'] button", has_text="English").click()
    page.wait_for_selector("h2#source-heading:text('Source text')")
    spill = "e => e.scrollWidth - e.clientWidth"
    assert page.locator(".guide-source .legend").evaluate(spill) == 0
    assert [s.evaluate(spill) for s in page.locator(".guide-review > section").all()] == [0, 0]
    page.locator("form[action='/i18n/setlang/'] button", has_text="中文").click()
    page.wait_for_selector("h2#source-heading:text('原文')")
    first = page.locator("table.draft-directions tbody tr").first
    assert first.locator("td").nth(1).inner_text() == "中国和新西兰政府间科技合作项目"
    first.locator("a").click()
    assert page.locator("mark.span:target").get_attribute("data-path", timeout=5_000) is not None

    # Edit the draft: htmx swaps the panel without a page load.
    editor = page.locator("textarea[name=definition]")
    yaml_text = editor.input_value()
    code = GuideImport.objects.get().draft["call"]["code"]
    editor.fill(yaml_text.replace(f"code: {code}", "code: most-intl-2025-2-draft"))
    page.get_by_role("button", name="检查并保存草稿").click()
    page.wait_for_selector("#guide-draft .message.success")
    assert "草稿已保存" in page.locator("#guide-draft .message.success").inner_text()

    page.get_by_role("button", name="保存为草稿指南").click()
    page.wait_for_load_state()
    assert "草稿指南“most-intl-2025-2-draft”已保存，尚未发布。" in page.locator(".messages").inner_text()
    call = Call.objects.get(code="most-intl-2025-2-draft")
    assert call.status == CallStatus.DRAFT and call.directions.count() == 19

    # Published calls are what the public sees: the draft is not listed.
    page.goto(site + "/")
    assert page.locator(".call-card", has_text="政府间国际科技创新合作").count() == 0


def _read_pasted(page: Any, site: str, text: str) -> Any:
    """Paste ``text`` on the import page as the officer and wait for its review page."""
    page.set_default_timeout(60_000)  # the machine may be shared: wait for the server, not for a fixed moment
    page.goto(site + "/staff/guides/")
    page.locator("textarea[name=text]").fill(text)
    page.get_by_role("button", name="读取指南").click()
    page.wait_for_url("**/staff/guides/*/")
    return page


def test_editing_a_quota_in_the_direction_form_updates_the_reconciliation(officer_page: Any, site: str) -> None:
    from playwright.sync_api import expect

    page = _read_pasted(officer_page, site, seed_text("003"))

    projects = page.locator('#reconciliation tr[data-measure="projects"]')
    expect(projects).to_have_class("ok", timeout=30_000)
    expect(projects.locator("td").nth(1)).to_have_text("176", timeout=30_000)
    quota = page.locator("input[name=d0-quota_value]")
    expect(quota).to_have_value("6", timeout=30_000)
    # The field links to where the quota was read in the source.
    expect(page.locator('fieldset[data-direction="0"] p[data-field="quota_qualifier"] a.source-link')).to_have_text(
        "来源", timeout=30_000
    )

    quota.fill("7")
    quota.press("Tab")  # the change event: htmx asks for the sums with the form's values
    expect(projects.locator("td").nth(1)).to_have_text("177", timeout=30_000)
    expect(projects).to_have_class("mismatch", timeout=30_000)
    expect(page.locator("#reconciliation .reconciliation-preview")).to_have_text(
        "尚未保存：合计按表单中当前的数值计算。", timeout=30_000
    )
    assert GuideImport.objects.get().draft["directions"][0]["quota"] == {"value": 6.0}

    page.get_by_role("button", name="保存各指南方向").click()
    expect(page.locator(".messages")).to_contain_text("各指南方向已保存到草稿。", timeout=30_000)
    expect(page.locator('#reconciliation tr[data-measure="projects"] td').nth(1)).to_have_text("177", timeout=30_000)
    expect(page.locator("input[name=d0-quota_value]")).to_have_value("7", timeout=30_000)
    assert GuideImport.objects.get().draft["directions"][0]["quota"] == {"value": 7.0}


def test_removing_and_adding_directions_in_the_form(officer_page: Any, site: str) -> None:
    from playwright.sync_api import expect

    page = _read_pasted(officer_page, site, NOTICE)
    directions = page.locator('#reconciliation tr[data-measure="directions"]')
    expect(directions).to_have_class("ok", timeout=30_000)

    # Remove the second direction: the sums say 2 of the 3 stated, before anything is saved.
    page.locator('fieldset[data-direction="1"]').get_by_label("从草稿中删除此方向").check()
    expect(directions).to_have_class("mismatch", timeout=30_000)
    expect(directions.locator("td").nth(1)).to_have_text("2", timeout=30_000)
    # Add the direction the importer missed: the sums agree again.
    new = page.locator("fieldset.new-direction")
    expect(new.locator("legend")).to_have_text("添加方向")
    new.get_by_label("名称", exact=True).fill("尾矿库溃坝风险监测预警")
    new.get_by_label("名称", exact=True).press("Tab")
    expect(directions).to_have_class("ok", timeout=30_000)
    expect(directions.locator("td").nth(1)).to_have_text("3", timeout=30_000)
    assert [d["code"] for d in GuideImport.objects.get().draft["directions"]] == ["1", "2", "3"]

    page.get_by_role("button", name="保存各指南方向").click()
    expect(page.locator(".messages")).to_contain_text("各指南方向已保存到草稿。", timeout=30_000)
    draft = GuideImport.objects.get().draft
    assert [(d["code"], d["title"]["zh-hans"]) for d in draft["directions"]] == [
        ("1", "煤矿井下主运输系统无人值守"),
        ("3", "危险货物运输车辆碰撞主动防控"),
        ("4", "尾矿库溃坝风险监测预警"),
    ]
    expect(page.locator("fieldset.direction-form:not(.new-direction)")).to_have_count(3)
    expect(page.locator("input[name=new-title]")).to_have_value("")

    page.locator("form[action='/i18n/setlang/'] button", has_text="English").click()
    expect(page.locator("fieldset.new-direction legend")).to_have_text("Add a direction", timeout=30_000)
    expect(page.locator('fieldset[data-direction="0"]').get_by_label("Remove this direction from the draft")).not_to_be_checked()


def test_a_name_the_importer_was_unsure_of_is_added_with_one_click(officer_page: Any, site: str) -> None:
    from playwright.sync_api import expect

    page = _read_pasted(officer_page, site, UNSURE)
    offered = page.locator(".suggested-directions li")
    expect(offered).to_have_count(3, timeout=30_000)
    offered.filter(has_text="工业软件").get_by_role("button", name="添加为方向").click()
    expect(page.locator(".messages")).to_contain_text("各指南方向已保存到草稿。", timeout=30_000)
    expect(page.locator("input[name=d0-title]")).to_have_value("工业软件")
    expect(offered).to_have_count(2)
    assert [d["title"]["zh-hans"] for d in GuideImport.objects.get().draft["directions"]] == ["工业软件"]
    page.locator("form[action='/i18n/setlang/'] button", has_text="English").click()
    expect(page.locator(".suggested-directions h4")).to_have_text("Also named in the text", timeout=30_000)
    expect(page.locator(".suggested-directions button").first).to_have_text("Add as a direction")
    # On a phone the page does not run wider than the screen: wide tables scroll in their own box.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
