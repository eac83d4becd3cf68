"""Cloning in a real browser (issue 16): seed 000's 2025 call becomes a 2026 edition, with the shift
computed from the new opening date, and the new draft is opened from its revision checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import CallStatus, ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from tests.browser.test_reviewer_browser import log_in


def test_clone_seed_000_into_its_2026_edition_and_open_it(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    source = load_call_definition(definition=parse_file(SEED_FILES["000"])).call
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=source.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    page.set_default_timeout(60_000)  # the machine is shared: the first page may take a while
    log_in(page, site, officer.email)

    page.goto(site + "/staff/")
    page.locator(f'a.call-manage[href="/staff/calls/{source.code}/manage/"]').click()
    expect(page.locator("h2 [data-status]")).to_have_text("已发布")
    page.get_by_role("link", name="复制本指南").click()

    # The form proposes next year's edition; a later opening date recomputes the shift.
    expect(page.locator("input[name=code]")).to_have_value("xiaomi-jbgs-2026")
    expect(page.locator("input[name=year]")).to_have_value("2026")
    expect(page.locator("input[name=shift_days]")).to_have_value("365")
    page.fill("input[name=opens_on]", "2026-03-20")
    page.get_by_role("button", name="根据开始日期计算平移天数").click()
    expect(page.locator("input[name=shift_days]")).to_have_value("367")
    page.get_by_role("button", name="创建草稿指南").click()

    page.wait_for_url("**/staff/calls/xiaomi-jbgs-2026/revise/")
    expect(page.locator(".messages")).to_contain_text("草稿指南“xiaomi-jbgs-2026”已创建")
    expect(page.locator(".clone-source")).to_contain_text("复制自 xiaomi-jbgs-2025；时间安排平移了 367 天。")
    expect(page.locator(".checklist-section", has_text="仍写着旧年份的文字").locator("li").first).to_contain_text("2025")

    # Open the new edition: a draft whose only way forward is publication, with its checks shown.
    page.get_by_role("link", name="状态与发布").click()
    expect(page.locator("h1")).to_have_text("小米揭榜挂帅 — 2026 科研专项")
    expect(page.locator("h2 [data-status]")).to_have_text("草稿")
    expect(page.locator("article.transition")).to_have_count(1)
    expect(page.locator('article.transition[data-target="published"] .checks li')).to_have_count(4)

    new = Call.objects.get(code="xiaomi-jbgs-2026")
    assert (new.status, new.year, new.published_on) == (CallStatus.DRAFT, 2026, dt.date(2026, 3, 20))
