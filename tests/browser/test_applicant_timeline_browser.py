"""Issue 17 in a real browser: the PI of a funded application reaches the agreement and the project
from "My applications" by clicking, never by typing their addresses; once in Chinese (the labels
checked), once in English."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import confirm_agreement
from shenbao.projects.models import Project
from shenbao.projects.services.projects import start_projects
from tests.e2e.test_journey_mails import morning, submitted_and_checked, to_agreement


def _no_capture(*, execute: bool = True) -> contextlib.AbstractContextManager[None]:
    return contextlib.nullcontext()  # the live server's database commits: mail tasks run on their own


@pytest.fixture
def funded(live_server: Any) -> dict[str, Any]:
    world = submitted_and_checked(_no_capture)
    agreement: Agreement = to_agreement(world, _no_capture)
    signing = morning(dt.date(2025, 11, 3))
    confirm_agreement(agreement=agreement, party="pi", actor=world["winner"].applicant, now=signing)
    confirm_agreement(agreement=agreement, party="institution", actor=world["institution"], now=signing)
    confirm_agreement(agreement=agreement, party="funder", actor=world["officer"], now=signing)
    assert start_projects(call=world["call"], actor=world["officer"], start=dt.date(2025, 11, 10)) == 1
    return {**world, "agreement": agreement, "project": Project.objects.get(agreement=agreement), "site": live_server.url}


@contextlib.contextmanager
def _signed_in(browser: Any, world: dict[str, Any], locale: str) -> Iterator[Any]:
    context = browser.new_context(locale=locale, timezone_id="Europe/Berlin")
    client = Client()
    client.force_login(world["winner"].applicant)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": world["site"]}])
    page = context.new_page()
    page.set_default_timeout(60_000)  # a shared machine: wait for the server, not a fixed moment
    try:
        yield page
    finally:
        context.close()


def test_the_pi_clicks_from_my_applications_to_the_agreement_and_the_project_in_chinese(
    browser: Any, funded: dict[str, Any]
) -> None:
    agreement, project, winner = funded["agreement"], funded["project"], funded["winner"]
    with _signed_in(browser, funded, "zh-CN") as page:
        page.goto(funded["site"] + "/")
        page.get_by_role("link", name="我的申报").first.click()
        page.wait_for_url("**/me/applications/")
        row = page.locator(f'tr[data-application="{winner.pk}"]')
        expect(row.locator(".badge")).to_have_text("项目：执行中")
        # The timeline stands at the reports; "formal check passed" is not where it stands any more.
        expect(row.locator('li[data-step="reports"]')).to_have_attribute("aria-current", "step")
        assert "形式审查通过" not in row.locator(".badge").inner_text()
        row.get_by_role("link", name="查看协议").click()
        page.wait_for_url(f"**/agreements/{agreement.pk}/")
        page.go_back()
        page.wait_for_url("**/me/applications/")
        page.locator(f'tr[data-application="{winner.pk}"]').get_by_role("link", name="查看项目").click()
        page.wait_for_url(f"**/projects/{project.pk}/")
        expect(page.locator("h1")).to_contain_text(project.title)
        # The application page shows the same timeline, with the same links.
        page.go_back()
        page.locator(f'tr[data-application="{winner.pk}"]').get_by_role("link", name=winner.title).click()
        page.wait_for_url(f"**/applications/{winner.pk}/")
        timeline = page.locator("section.progress")
        expect(timeline.get_by_role("heading")).to_have_text("申报进度")
        expect(timeline.locator(".next")).to_contain_text("北京时间")
        timeline.get_by_role("link", name="查看协议").click()
        page.wait_for_url(f"**/agreements/{agreement.pk}/")


def test_the_pi_clicks_from_my_applications_to_the_agreement_and_the_project_in_english(
    browser: Any, funded: dict[str, Any]
) -> None:
    agreement, project, winner = funded["agreement"], funded["project"], funded["winner"]
    with _signed_in(browser, funded, "en-GB") as page:
        page.goto(funded["site"] + "/me/applications/")
        row = page.locator(f'tr[data-application="{winner.pk}"]')
        expect(row.locator(".badge")).to_have_text("Project: Running")
        row.get_by_role("link", name="Open the agreement").click()
        page.wait_for_url(f"**/agreements/{agreement.pk}/")
        page.go_back()
        page.locator(f'tr[data-application="{winner.pk}"]').get_by_role("link", name=winner.title).click()
        page.wait_for_url(f"**/applications/{winner.pk}/")
        page.locator("section.progress").get_by_role("link", name="Open the project").click()
        page.wait_for_url(f"**/projects/{project.pk}/")
        page.go_back()
        page.locator("section.progress").get_by_role("link", name="Reports and milestones").click()
        page.wait_for_url(f"**/projects/{project.pk}/#reports-title")
