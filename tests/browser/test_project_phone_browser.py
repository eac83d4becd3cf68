"""The PI's project pages on a 390 px phone, in Chinese and English: the project (targets, the change
form with its budget table, the change approval records with their SHA-256), the reports page and the
agreement never make the page scroll sideways; a refused change request comes back with what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from shenbao.accounts.models import User
from shenbao.projects.models import Project
from shenbao.projects.services.changes import decide_change, request_change
from tests.browser.test_reviewer_browser import log_in
from tests.projects.test_approved_budget import call, officer, project  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_pis_project_pages_fit_a_phone_in_both_languages(
    page: Any,
    live_server: Any,
    project: Project,  # noqa: F811
    officer: User,  # noqa: F811
) -> None:
    site = str(live_server.url)
    pi = project.agreement.award.application.applicant
    pi.set_password("pass-Word-123")
    pi.save()
    later = project.end_date + dt.timedelta(days=180)
    change = request_change(project=project, kind="extension", reason="设备交付延迟", new_end_date=later, actor=pi)
    decide_change(change=change, approve=True, note="同意", actor=officer)
    page.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, pi.email)
    wide: dict[str, int] = {}
    for language, switch in (("zh-hans", "中文"), ("en", "English")):
        page.locator("form.language-switch button", has_text=switch).click()
        page.wait_for_load_state()
        for name, path in (
            ("project", f"/projects/{project.pk}/"),
            ("reports", f"/projects/{project.pk}/reports/"),
            ("agreement", f"/agreements/{project.agreement.pk}/"),
        ):
            page.goto(site + path)
            expect(page.locator("h1")).to_be_visible()
            wide[f"{name}@{language}"] = page.evaluate(_OVERFLOW)
    assert all(v <= 1 for v in wide.values()), wide

    # The amendment is listed with its hash, and a refused request keeps the typed reason (English now).
    page.goto(f"{site}/projects/{project.pk}/")
    expect(page.locator("tr[data-amendment='1'] code.sha256")).to_have_count(1)
    page.select_option("#c-kind", "extension")
    page.fill("#c-reason", "Samples arrive late")
    page.fill("#c-end", project.start_date.isoformat())
    page.locator("#c-reason").evaluate("e => e.form.querySelector('button[type=submit]').click()")
    expect(page.locator(".message.error, .messages .error").first).to_contain_text("An extension gives a new end after")
    expect(page.locator("#c-reason")).to_have_value("Samples arrive late")
    expect(page.locator("#c-kind")).to_have_value("extension")
    assert page.evaluate(_OVERFLOW) <= 1
