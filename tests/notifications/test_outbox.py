"""The outbox: every mail stored before it is sent, its states, retries, holds, edits, and the staff page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.applications.enums import FormalCheckOutcome
from shenbao.applications.models import Application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_application
from shenbao.calls.models import Call
from shenbao.core.errors import DomainError
from shenbao.core.models import AuditEntry
from shenbao.notifications.enums import MessageState
from shenbao.notifications.mail import notify
from shenbao.notifications.models import Message
from shenbao.notifications.services import discard, edit_message, hold_call_mail, release_call_mail, send_now
from shenbao.notifications.tasks import BACKOFF, send_message
from tests.applications.fixtures import matrix_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def site(settings: Any) -> None:
    settings.SHENBAO_SITE_URL = "https://shenbao.example.org/"


def _message(**extra: Any) -> Message:
    return notify(
        to="a@example.com",
        language="en",
        template="receipt",
        context={
            "call_title": {"en": 'The "Best" <Call> & more', "zh-hans": "“最佳”征集"},
            "number": "XM-1",
            "revision": 1,
            "submitted_at": "2025-03-01T08:00:00+00:00",
            "title": 'A "quoted" title & <tags>',
        },
        **extra,
    )


def test_a_mail_is_stored_rendered_in_its_language_with_an_absolute_link_and_no_html_escapes(site: None) -> None:
    message = _message(call="xiaomi-jbgs-2025", link="/applications/7/")
    message.refresh_from_db()
    assert message.state == MessageState.SENT  # the immediate backend sends it after the commit
    assert message.subject == "Application received: XM-1"
    assert 'Your application to “The "Best" <Call> & more” was received.' in message.body
    assert 'A "quoted" title & <tags>' in message.body
    assert "&quot;" not in message.body and "&lt;" not in message.body
    assert "Your application: https://shenbao.example.org/applications/7/" in message.body
    assert message.call_code == "xiaomi-jbgs-2025"
    assert [m.body for m in mail.outbox] == [message.body]
    assert list(
        AuditEntry.objects.filter(object_id=str(message.pk), action__startswith="shenbao.message.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["shenbao.message.sending", "shenbao.message.sent"]


def test_a_relative_link_in_the_context_gets_the_site_address(site: None) -> None:
    message = notify(
        to="r@example.com",
        language="zh-hans",
        template="reviewer_invitation",
        context={"call_title": {"zh-hans": "征集"}, "link": "/review/invitations/abc/"},
    )
    assert "https://shenbao.example.org/review/invitations/abc/" in message.body


def test_a_failure_is_recorded_and_retried_with_back_off_until_staff_must_act(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.FailingBackend"
    message = _message()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    assert message.last_error == "ConnectionRefusedError: mail server down"
    assert message.next_attempt_at is not None
    for attempt in range(2, len(BACKOFF) + 2):
        assert send_message.call(message_id=message.pk) == "failed"
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.next_attempt_at is None  # no more automatic attempts
    assert send_message.call(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.attempts == len(BACKOFF) + 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = UserFactory()
    assert send_now(call_code="", pks=[message.pk], actor=staff) == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert len(mail.outbox) == 1


def test_a_message_is_sent_once_however_often_the_task_runs() -> None:
    message = _message()
    assert send_message.call(message_id=message.pk) == "sent"
    assert send_message.call(message_id=message.pk) == "sent"
    assert len(mail.outbox) == 1
    assert send_message.call(message_id=10**9) == "missing"


def test_holding_a_calls_mail_keeps_new_mails_until_released() -> None:
    staff = UserFactory()
    hold_call_mail(call_code="c1", actor=staff)
    held = _message(call="c1")
    other_call = _message(call="c2")
    held.refresh_from_db()
    other_call.refresh_from_db()
    assert (held.state, other_call.state) == (MessageState.HELD, MessageState.SENT)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]  # only the other call's

    edited = edit_message(message=held, subject="  Corrected   subject ", body="New body", actor=staff)
    assert (edited.subject, edited.body) == ("Corrected subject", "New body\n")
    entry = AuditEntry.objects.get(action="shenbao.message.edited", object_id=str(held.pk))
    assert entry.data["before"]["subject"] == "Application received: XM-1"

    assert release_call_mail(call_code="c1", actor=staff) == 1
    held.refresh_from_db()
    assert held.state == MessageState.SENT
    assert mail.outbox[-1].subject == "Corrected subject"
    assert _message(call="c1").state == MessageState.QUEUED  # no longer held


def test_sent_mails_cannot_be_edited_or_discarded() -> None:
    staff = UserFactory()
    message = _message(call="c1")
    message.refresh_from_db()
    with pytest.raises(DomainError, match="不能再修改"):
        edit_message(message=message, subject="x", body="y", actor=staff)
    assert discard(call_code="c1", pks=[message.pk], actor=staff) == 0
    hold_call_mail(call_code="c1", actor=staff)
    held = _message(call="c1")
    with pytest.raises(DomainError, match="须有主题和正文"):
        edit_message(message=held, subject=" ", body="y", actor=staff)
    assert discard(call_code="c1", pks=[held.pk, message.pk], actor=staff) == 1
    held.refresh_from_db()
    assert held.state == MessageState.DISCARDED
    assert discard(call_code="other", pks=[held.pk], actor=staff) == 0  # another call's outbox


def test_formal_check_outcome_is_mailed_with_its_reason_and_link(
    settings: Any, ready_application: Callable[..., Application]
) -> None:
    settings.SHENBAO_SITE_URL = "https://s.example.org"
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    staff = UserFactory()
    decide_formal_check(applications=[application], outcome=FormalCheckOutcome.RETURN, reason="缺少单位盖章", actor=staff)
    message = Message.objects.get(template="formal_check")
    assert message.call_code == application.call.code
    assert message.related == application
    assert message.subject == f"退回补正：{application.receipt_number}"
    assert "原因：缺少单位盖章" in message.body
    assert f"https://s.example.org/applications/{application.pk}/" in message.body


def test_staff_outbox_page_permissions_filters_paging_and_actions(
    client: Client, xiaomi_call: Call, ready_application: Callable[..., Application], university: Any
) -> None:
    application = ready_application()
    users = matrix_users(application, university)
    url = reverse("web:call_outbox", args=[xiaomi_call.code])
    expected = {
        "anonymous": 302,
        "applicant": 404,
        "team_member": 404,
        "other_applicant": 404,
        "institution_officer": 404,
        "staff_of_another_program": 404,
        "program_officer": 200,
    }
    seen = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        seen[role] = client.get(url).status_code
    assert seen == expected

    officer = users["program_officer"]
    client.force_login(officer)
    for i in range(3):
        notify(to=f"r{i}@example.com", language="en", template="receipt", context={"number": f"N{i}"}, call=xiaomi_call)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(3, 60):
        notify(to=f"r{i}@example.com", language="en", template="receipt", context={"number": f"N{i}"}, call=xiaomi_call)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert len(many) == len(few)  # the list does not query per row
    assert page.count('<tr data-message="') == 50
    assert "Page 1 of 2" in page
    found = client.get(url + "?q=r42%40").content.decode()
    assert found.count('<tr data-message="') == 1

    client.post(reverse("web:call_outbox_action", args=[xiaomi_call.code]), {"action": "hold"})
    late = notify(to="late@example.com", language="en", template="receipt", context={"number": "L"}, call=xiaomi_call)
    assert late.state == MessageState.HELD
    held_page = client.get(url + "?state=held", headers={"accept-language": "en"}).content.decode()
    assert held_page.count('<tr data-message="') == 1
    assert "Outgoing mail of this call is held" in held_page

    edit_url = reverse("web:call_outbox_message", args=[xiaomi_call.code, late.pk])
    client.post(edit_url, {"subject": "Changed", "body": "Body"})
    late.refresh_from_db()
    assert late.subject == "Changed"
    response = client.post(
        reverse("web:call_outbox_action", args=[xiaomi_call.code]), {"action": "send", "message": [str(late.pk), "abc"]}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.state == MessageState.SENT
    client.force_login(users["staff_of_another_program"])
    assert client.get(edit_url).status_code == 404
    assert client.post(reverse("web:call_outbox_action", args=[xiaomi_call.code]), {"action": "release"}).status_code == 404
