"""The staff application list in a real browser on a phone: a query filters it, select all selects
every row shown and says how many, and the page does not scroll sideways."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import open_call
from tests.browser.test_reviewer_browser import log_in
from tests.factories import OrganisationFactory
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_filter_with_a_query_and_select_all_on_a_phone(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = open_call("000", code="browser-list")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    german = OrganisationFactory(country="DE")
    long_title = "面向端侧设备的大模型高效推理与压缩关键技术研究及其在智能终端中的应用示范" * 2
    make_row(call, receipt="BL-001", title=long_title, direction="XM-T1", scores=(88,), check=("warn",))
    make_row(call, receipt="BL-002", title="传感器网络", direction="XM-T1", check=("needs_review",))
    make_row(call, receipt="BL-003", title="德国伙伴", direction="XM-T1", organisation=german)
    make_row(call, receipt="BL-004", title="课题二", direction="XM-T2")

    # A machine shared with other work answers slowly at times: wait longer than the default.
    page.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, officer.email)
    page.goto(f"{site}/staff/calls/{call.code}/formal-check/")
    expect(page.locator("tr[data-application]")).to_have_count(4)
    page.fill("#f-q", 'state:submitted AND direction:"XM-T1" AND NOT country:DE')
    page.locator("form.search-form button[type=submit]").click()
    rows = page.locator("tr[data-application]")
    expect(rows).to_have_count(2)
    expect(page.locator("td.code", has_text="BL-003")).to_have_count(0)
    expect(page.locator(".paging-count").first).to_have_attribute("data-total", "2")
    # The filter is in the URL, so the page can be shared and reloaded.
    expect(page).to_have_url(
        f"{site}/staff/calls/{call.code}/formal-check/?q=state%3Asubmitted+AND+direction%3A%22XM-T1%22+AND+NOT+country%3ADE&direction=&state=&per=50"
    )

    count = page.locator("output[data-selected-count]")
    expect(count).to_have_attribute("data-selected", "0")
    page.locator("button[data-select=all]").click()
    expect(count).to_have_text("已选 2 项")
    expect(page.locator("input[data-select-all]")).to_be_checked()
    for i in range(2):
        expect(rows.nth(i).locator("input[data-row]")).to_be_checked()
    page.locator("button[data-select=none]").click()
    expect(count).to_have_attribute("data-selected", "0")
    rows.first.locator("input[data-row]").check()
    expect(count).to_have_text("已选 1 项")

    # A phone: the wide table scrolls inside its box, the page itself does not scroll sideways.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    shots = os.environ.get("SHENBAO_SCREENSHOTS")
    if shots:
        page.screenshot(path=os.path.join(shots, "staff-list-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.reload()
        page.screenshot(path=os.path.join(shots, "staff-list-1366.png"), full_page=True)
        page.goto(f"{site}/staff/calls/{call.code}/dashboard/")
        page.screenshot(path=os.path.join(shots, "dashboard-1366.png"), full_page=True)
