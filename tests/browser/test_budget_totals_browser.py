"""Budget tables recompute their totals while the officer types (issue 19), on the approved-budget page;
a cell that is not an amount is marked and left out until corrected, and saving still goes through the
server's checks."""

from __future__ import annotations

from typing import Any

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.load import parse_file
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.cli.demo_reviews import demo_budget
from shenbao.projects.models import Project
from tests.browser.test_reviewer_browser import log_in
from tests.conftest import SEED_FILES
from tests.projects.fixtures import started_project


def test_totals_follow_the_typing_and_a_bad_cell_is_marked(page: Any, live_server: Any) -> None:
    site = str(live_server.url)
    call = load_call_definition(definition=parse_file(SEED_FILES["003"]), source=SEED_FILES["003"].name).call
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    project = started_project(call, direction="1.2", officer=officer, values={"budget_table": demo_budget(1_000_000, "1.2")})
    Project.objects.filter(pk=project.pk).update(budget_yuan=800_000)

    log_in(page, site, "officer@example.com")
    page.goto(f"{site}/agreements/{project.agreement.pk}/budget/")
    assert page.locator("table[data-budget]").count() == 1, (page.url, page.content()[:3000])
    table = page.locator("table[data-budget]")
    grand = table.locator("[data-grand-total]")
    assert grand.inner_text() == "100.00"  # prefilled with the request, in 万元
    equipment = table.locator('input[data-row="equipment"][data-source="grant"]')
    before = equipment.input_value()
    assert before == "20.00"
    equipment.fill("0")
    assert grand.inner_text() == "80.00"
    assert table.locator('[data-row-total="equipment"]').inner_text() == "0.00"
    assert table.locator('[data-source-total="grant"]').inner_text() == "80.00"
    equipment.fill("12.345")  # three decimals: not an amount of this table
    assert equipment.get_attribute("aria-invalid") == "true"
    assert grand.inner_text() == "80.00"
    equipment.fill("1,000")
    assert equipment.get_attribute("aria-invalid") is None
    assert grand.inner_text() == "1,080.00"
