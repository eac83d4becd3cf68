"""The call list and a call page in a real browser, in both languages and on a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from shenbao.calls.definition.load import parse_definition, parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.services.definitions import load_call_definition
from tests.conftest import seed_data


@pytest.fixture
def site(live_server: Any) -> str:
    for path in SEED_FILES.values():
        load_call_definition(definition=parse_file(path))
    data = seed_data("004")
    data["call"]["code"] = "open-004"
    data["call"]["status"] = "open"  # a merely published call is upcoming
    data["call"]["title"] = {"zh-hans": "开放中的测试征集", "en": "An open test call"}
    today = dt.date.today()
    data["timeline"] = [
        {"kind": "opens", "at": f"{today - dt.timedelta(days=3)}T09:00"},
        {"kind": "deadline", "at": f"{today + dt.timedelta(days=10)}T00:00"},
    ]
    load_call_definition(definition=parse_definition(data))
    return str(live_server.url)


def test_call_list_in_chinese_then_switch_to_english(page: Any, site: str) -> None:
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "专项与征集"
    assert page.locator(".call-card").count() == 5
    assert page.locator(".phase-open").count() == 1
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Programs and calls"
    assert page.locator(".call-card", has_text="An open test call").locator(".phase").inner_text() == "Open"


def test_countdown_runs_in_the_browser(page: Any, site: str) -> None:
    page.goto(site + "/")
    countdown = page.locator(".countdown").first
    expect(page.locator(".countdown")).to_contain_text("剩余时间")
    first = countdown.inner_text()
    assert re.search(r"剩余时间： ?\d+天 \d\d:\d\d:\d\d", first), first
    page.wait_for_timeout(1_200)
    assert countdown.inner_text() != first  # it ticks
    assert "你的当地时间" in first or "您的当地时间" in first


def test_seed_003_call_page_in_both_languages(page: Any, site: str) -> None:
    page.goto(site + "/calls/most-intl-2025-2/")
    assert page.locator("table.directions tbody tr").count() == 19
    reconciliation = page.locator(".reconciliation")
    assert "与公布的总数一致" in reconciliation.inner_text()
    row = page.locator("#direction-1\\.5")
    assert "不超过 5" in row.inner_text()
    row.locator("summary").click()
    assert row.locator("details ol li").first.is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert "matches the stated totals" in page.locator(".reconciliation").inner_text()
    assert "at most 5" in page.locator("#direction-1\\.5").inner_text()
    assert page.get_by_role("heading", name="Who can apply").is_visible()


def test_call_page_fits_a_phone(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    try:
        for path in ("/", "/calls/most-intl-2025-2/", "/calls/thepaper-kcxf-2025/"):
            page.goto(site + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_load_every_resource_with_no_console_error(browser: Any, site: str, language: str) -> None:
    """Every stylesheet, script and the icon load (no 404, nothing the Content-Security-Policy blocks)."""
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    for path in ("/", "/calls/open-004/", "/accounts/login/"):
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    context.close()
    assert problems == []
    assert icon is not None and icon.endswith("favicon.svg")
