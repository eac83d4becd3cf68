"""Bulk mail and the bell in a real browser: staff filter the applications list to those returned
for correction, write to their applicants, preview, send, and find the mails in the outbox; an
applicant signs in, sees the bell's count, opens the notification and follows it to the application."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import open_call
from tests.browser.test_reviewer_browser import log_in
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_mail_the_returned_applications_and_the_applicant_follows_the_notification(
    page: Any, browser: Any, live_server: Any, settings: Any
) -> None:
    site = str(live_server.url)
    settings.SHENBAO_SITE_URL = site
    call = open_call("000", code="browser-bulk")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    returned = make_row(call, receipt="BB-001", title="需要补正的项目", state="returned", applicant_name="王补正")
    make_row(call, receipt="BB-002", title="另一个补正项目", state="returned")
    # The applicant's address is verified, as it is after registration.
    EmailAddress.objects.update_or_create(
        user=returned.applicant, email=returned.applicant.email, defaults={"verified": True, "primary": True}
    )
    make_row(call, receipt="BB-003", title="等待审查的项目", state="submitted")

    page.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    log_in(page, site, officer.email)
    page.goto(f"{site}/staff/calls/{call.code}/formal-check/")
    page.fill("#f-q", "state:returned")
    page.locator("form.search-form button[type=submit]").click()
    expect(page.locator("tr[data-application]")).to_have_count(2)

    page.locator("a[data-bulk-mail]").click()
    expect(page.locator("p.recipient-count")).to_have_attribute("data-mails", "2")
    page.fill("#id_subject_zh_hans", "请补正：{{ receipt_number }}")
    page.fill("#id_body_zh_hans", "{{ recipient_name }}，您好：请补正“{{ application_title }}”。{{ link }}")
    page.fill("#id_subject_en", "Please correct {{ receipt_number }}")
    page.fill("#id_body_en", "Dear {{ recipient_name }}, please correct “{{ application_title }}”. {{ link }}")
    page.select_option("#id_preview_recipient", index=0)
    page.locator("button[name=action][value=preview]").click()
    expect(page.locator(".preview-subject")).to_have_text("请补正：BB-001")
    expect(page.locator(".preview-body")).to_contain_text(f"{site}/applications/{returned.pk}/")
    page.locator("button[data-send]").click()

    expect(page).to_have_url(f"{site}/staff/calls/{call.code}/outbox/?template=bulk")
    rows = page.locator("tr[data-message]")
    expect(rows).to_have_count(2)
    expect(page.locator("tr[data-message]", has_text="请补正：BB-001")).to_have_count(1)

    applicant_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        applicant = applicant_context.new_page()
        applicant.set_default_timeout(60_000)
        log_in(applicant, site, returned.applicant.email)
        bell = applicant.locator("a.bell")
        expect(bell).to_have_attribute("data-unread", "1")
        expect(bell.locator(".bell-count")).to_have_text("1")
        bell.click()
        link = applicant.locator("a.notification-link", has_text="请补正：BB-001")
        expect(link).to_have_count(1)
        link.click()
        expect(applicant).to_have_url(f"{site}/applications/{returned.pk}/")
        expect(applicant.locator("a.bell")).to_have_attribute("data-unread", "0")
    finally:
        applicant_context.close()
