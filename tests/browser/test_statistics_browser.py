"""The statistics dashboard in a real browser: the bars are drawn in proportion to the numbers beside
them, and the page fits a phone without the whole page scrolling sideways."""

from __future__ import annotations

import os
from typing import Any

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.services.definitions import load_call_definition
from tests.awards.statistics_fixtures import build_call
from tests.browser.test_reviewer_browser import log_in


def test_the_dashboard_draws_bars_in_proportion_and_fits_a_phone(page: Any, live_server: Any) -> None:
    built = build_call(lambda seed: load_call_definition(definition=parse_file(SEED_FILES[seed])).call)
    site = str(live_server.url)
    log_in(page, site, built.officer.email)
    page.goto(f"{site}/staff/calls/{built.call.code}/statistics/")
    assert page.locator("h1").inner_text().startswith("统计")
    directions = page.locator('[data-table="direction"]')
    widths = {
        key: directions.locator(f'tr[data-key="{key}"] .bar.received').evaluate("e => e.getBoundingClientRect().width")
        for key in ("1.5", "1.6")
    }
    assert widths["1.6"] > 0 and abs(widths["1.5"] / widths["1.6"] - 3 / 4) < 0.02  # 3 and 4 applications
    # The bars are hidden from screen readers; the numbers are in the table.
    assert directions.locator(".bar-cell").first.get_attribute("aria-hidden") == "true"
    if os.environ.get("SHENBAO_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SHENBAO_SCREENSHOTS"], "statistics.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
