"""Every date input round-trips in Chinese and in English (issue 13.7): a form saved without a
change changes nothing, and a date picked in the browser is stored as that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shenbao.accounts.enums import EmploymentType, OrgType, Position
from shenbao.accounts.models import Person, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from tests.applications.fixtures import open_call

LANGUAGES = [("中文", "保存个人资料", "保存"), ("English", "Save profile", "Save")]


@pytest.fixture
def scholar(live_server: Any) -> User:
    university = create_organisation(name={"zh-hans": "测试大学", "en": "Test University"}, type=OrgType.UNIVERSITY)
    user = register_user(
        email="dates@example.com",
        password="pass-Word-123",
        name="日期用户",
        birth_date=dt.date(1988, 6, 1),
        position=Position.FACULTY,
        employment_type=EmploymentType.FULL_TIME,
    )
    add_membership(user=user, organisation=university)
    return user


def log_in(page: Any, site: str, email: str) -> None:
    page.goto(site + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-Word-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def switch_to(page: Any, language: str) -> None:
    page.locator(".language-switch").get_by_role("button", name=language).click()
    page.wait_for_load_state()


def _person_row(user: User) -> dict[str, Any]:
    row = Person.objects.values().get(user=user)
    row.pop("updated_at")
    return row


def test_profile_saved_unchanged_in_both_languages_keeps_every_value(page: Any, live_server: Any, scholar: User) -> None:
    site = str(live_server.url)
    log_in(page, site, scholar.email)
    before = _person_row(scholar)
    for language, save, _ in LANGUAGES:
        switch_to(page, language)
        page.goto(site + "/me/profile/")
        assert page.input_value("input[name=p-birth_date]") == "1988-06-01"
        page.get_by_role("button", name=save).click()
        page.wait_for_load_state()
        assert page.locator(".messages").is_visible()
        assert _person_row(scholar) == before, language


def test_application_date_field_saved_unchanged_in_both_languages(page: Any, live_server: Any, scholar: User) -> None:
    call = open_call(
        "000",
        code="dates-000",
        edit=lambda d: d["form"].append(
            {"code": "founded", "label": {"zh-hans": "成立日期", "en": "Founded on"}, "type": "date"}
        ),
    )
    application = start_application(call=call, direction=call.directions.first(), applicant=scholar, lead_organisation=None)
    save_draft(
        application=application,
        changes={"title": "日期", "values": {"founded": "2001-09-10"}},
        expected_version=application.version,
        actor=scholar,
    )
    site = str(live_server.url)
    log_in(page, site, scholar.email)
    for language, _, save in LANGUAGES:
        switch_to(page, language)
        page.goto(f"{site}/applications/{application.pk}/")
        assert page.input_value("input[name=value__founded]") == "2001-09-10"
        page.locator("#application-form").get_by_role("button", name=save, exact=True).click()
        page.wait_for_load_state()
        assert Application.objects.get(pk=application.pk).values["founded"] == "2001-09-10", language


def test_partner_and_signing_dates_are_stored_as_picked_in_both_languages(page: Any, live_server: Any, scholar: User) -> None:
    call = open_call("003", code="dates-003")
    networks = start_application(call=call, direction=call.directions.get(code="2.9"), applicant=scholar, lead_organisation=None)
    signed = start_application(call=call, direction=call.directions.get(code="2.2"), applicant=scholar, lead_organisation=None)
    site = str(live_server.url)
    log_in(page, site, scholar.email)
    for number, (language, _, _) in enumerate(LANGUAGES, start=1):
        switch_to(page, language)
        page.goto(f"{site}/applications/{networks.pk}/")
        form = page.locator("form:has(input[name=registered_on])")
        form.locator("input[name=name]").fill(f"Institute {number}")
        form.locator("select[name=country]").select_option("RU")
        form.locator("input[name=registered_on]").fill(f"1990-0{number}-15")
        form.locator("input[name=affiliation_valid_until]").fill(f"2030-1{number}-30")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        partner = networks.partners.get(name=f"Institute {number}")
        assert partner.registered_on == dt.date(1990, number, 15), language
        assert partner.affiliation_valid_until == dt.date(2030, 10 + number, 30), language

        page.goto(f"{site}/applications/{signed.pk}/")
        document = page.locator('li[data-document="coconstruction-agreement-2.2"]')
        document.locator("input[type=file]").set_input_files(
            files=[
                {
                    "name": f"agreement-{number}.pdf",
                    "mimeType": "application/pdf",
                    "buffer": b"%PDF-1.4 agreement " + bytes([48 + number]),
                }
            ]
        )
        document.locator("input[name=signed_on]").fill(f"2023-0{number}-06")
        document.locator("form:has(input[type=file]) button[type=submit]").click()
        page.wait_for_load_state()
        attachment = signed.attachments.get(original_name=f"agreement-{number}.pdf")
        assert attachment.signed_on == dt.date(2023, number, 6), language
