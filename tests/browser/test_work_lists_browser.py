"""Staff lists at a laptop's 1366 px and on a 390 px phone (issue 16): the application list, the
assignment board, the agreements and the projects never make the page scroll sideways; on the phone
their rows stack (one block per row, each cell naming its column), so the list itself does not
scroll sideways either, and select all still selects every row shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from shenbao.accounts.services.accounts import register_user
from shenbao.agreements.models import Agreement
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.projects.models import Project
from shenbao.reviews.models import Assignment, StageEntry
from tests.applications.fixtures import open_call
from tests.browser.test_reviewer_browser import log_in
from tests.factories import UserFactory
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "面向端侧设备的大模型高效推理与压缩关键技术研究及其在智能终端中的应用示范" * 2

_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
_INNER = "Math.max(0, ...[...document.querySelectorAll('table.stack')].map(t => t.scrollWidth - t.parentElement.clientWidth))"


def test_staff_lists_do_not_scroll_sideways_at_1366_or_on_a_phone(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = open_call("000", code="browser-lists")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    stage = call.stages.first()
    assert stage is not None
    for i in range(3):
        application = make_row(call, receipt=f"WL-{i}", title=LONG, direction="XM-T1", scores=(80,), check=("warn",))
        StageEntry.objects.create(stage=stage, application=application)
        Assignment.objects.create(stage=stage, application=application, reviewer=UserFactory(), mode="manual")
        award = Award.objects.create(
            call=call,
            application=application,
            run=SelectionRun.objects.create(call=call),
            direction=application.direction,
            amount_yuan=1,
        )
        agreement = Agreement.objects.create(award=award, deadline=dt.date(2027, 3, 1))
        Project.objects.create(agreement=agreement, title=LONG, start_date=dt.date(2027, 3, 1), end_date=dt.date(2029, 3, 1))
    pages = {
        "applications": f"{site}/staff/calls/{call.code}/formal-check/?state=all",
        "board": f"{site}/staff/stages/{stage.pk}/board/",
        "agreements": f"{site}/staff/calls/{call.code}/agreements/",
        "projects": f"{site}/staff/calls/{call.code}/projects/",
        "calls": f"{site}/staff/",
    }
    page.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    log_in(page, site, officer.email)
    wide: dict[str, Any] = {}
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages.items():
            page.goto(url)
            expect(page.locator("h1")).to_be_visible()
            wide[f"{name}@{width}"] = (page.evaluate(_OVERFLOW), page.evaluate(_INNER) if width == 390 else 0)
    assert all(page_ <= 1 and inner <= 1 for page_, inner in wide.values()), wide

    # On the phone the rows are blocks that name their columns, and select all still works.
    page.goto(pages["agreements"])
    first = page.locator("tr[data-agreement] td[data-label]").first
    assert page.evaluate("el => getComputedStyle(el).display", first.element_handle()) == "block"
    page.locator("button[data-select=all]").click()
    expect(page.locator("output[data-selected-count]")).to_have_text("已选 3 项")

    # The board: select all on the page, then lock every assignment of the selected applications.
    page.goto(pages["board"])
    page.locator("button[data-select=all]").click()
    expect(page.locator("output[data-selected-count]")).to_have_text("已选 3 项")
    page.locator('#board-bulk button[value="lock"]').click()
    expect(page.locator(".messages")).to_contain_text("已更改 6 项分配。")
    assert Assignment.objects.filter(stage=stage, locked=True).count() == 6  # make_row adds one scored review each
