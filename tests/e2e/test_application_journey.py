"""The whole journey of a competition entry (seed 001), through the pages:
register → draft → team invited and accepted → pre-check → submit → receipt e-mail →
staff formal check → the result shown to the applicant."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import open_call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def test_competition_entry_from_registration_to_formal_check(django_capture_on_commit_callbacks: Any) -> None:
    call = open_call("001")
    officer = UserFactory()
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    pi = Client()
    pi.post(
        reverse("web:register"),
        {
            "email": "pi@example.com",
            "name": "李老师",
            "language": "en",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
        },
    )
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert confirm is not None
    pi.post(confirm.group(1))  # the confirmed address logs the new account in
    mail.outbox.clear()
    pi.post(reverse("web:apply", args=[call.code]), {"direction": call.directions.get(code="SME202302").pk})
    application = Application.objects.get(applicant__email="pi@example.com")
    team_rule = 'data-rule="team-composition"'
    page = pi.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert team_rule in page and "The team has no confirmed member as:" in page

    pi.post(
        reverse("web:application_save", args=[application.pk]),
        {
            "version": application.version,
            "title": "仓储机器人路径规划",
            "value__enterprise_problem": "多机器人在窄巷道中的死锁。",
            "value__results": "提出分层调度算法并在仓库验证。",
            "declare__enterprise-problem": "on",
        },
    )
    people = [
        ("teacher@example.com", "王老师", "faculty", ""),
        ("student@example.com", "张同学", "student", "on"),
        ("expert@example.com", "赵工", "enterprise_expert", ""),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for email, name, role, presenter in people:
            pi.post(
                reverse("web:application_invite", args=[application.pk]),
                {"email": email, "name": name, "role": role, "presenter": presenter},
            )
    assert len(mail.outbox) == 3
    for (email, name, _, _), message in zip(people, mail.outbox, strict=True):
        assert message.to == [email]
        link = re.search(r"/invitations/[\w-]+/", message.body)
        assert link is not None
        member = Client()
        member.force_login(register_user(email=email, password=None, name=name))
        member.post(link.group(0), {"answer": "accept"})

    panel = pi.get(reverse("web:application_eligibility", args=[application.pk]), headers=EN).content.decode()
    assert "You can submit." in panel
    with django_capture_on_commit_callbacks(execute=True):
        response = pi.post(reverse("web:application_submit", args=[application.pk]), {"key": "once"}, headers=EN, follow=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert f"Submitted. Receipt number {application.receipt_number}" in response.content.decode()
    receipt = mail.outbox[-1]
    assert (receipt.to, receipt.subject) == (["pi@example.com"], f"Application received: {application.receipt_number}")

    staff = Client()
    staff.force_login(officer)
    queue = staff.get(reverse("web:formal_check", args=[call.code])).content.decode()
    assert f'data-application="{application.pk}"' in queue
    staff.post(
        reverse("web:formal_check_decide", args=[call.code]),
        {"application": [application.pk], "outcome": "return", "reason": "请补充企业专家的单位证明。"},
    )
    page = pi.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert "Returned for correction" in page
    assert "请补充企业专家的单位证明。" in page
