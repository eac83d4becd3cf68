"""Staff's own mail templates: precedence (call, program, default), checking, the sandbox, preview,
audit and version, and the staff pages with their permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.applications.enums import FormalCheckOutcome
from shenbao.applications.models import Application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import ValidationFailed
from shenbao.core.models import AuditEntry
from shenbao.notifications.mail import notify
from shenbao.notifications.models import MailTemplateOverride, Message
from shenbao.notifications.overrides import (
    CHANGED,
    RESET,
    MailTemplateInvalid,
    StaleVersion,
    default_sources,
    preview,
    render_mail,
    reset_override,
    save_override,
    validate_texts,
)
from shenbao.notifications.registry import sample_context
from shenbao.notifications.sandbox import check_source
from tests.applications.fixtures import matrix_users, open_call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RECEIPT = {"call_title": {"zh-hans": "小米计划", "en": "Xiaomi call"}, "number": "XM-7", "title": "推理", "revision": 1}


def _officer(call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def _mail(call: Call, language: str = "en", **context: Any) -> Message:
    return notify(to="a@example.com", language=language, template="receipt", context={**RECEIPT, **context}, call=call)


def test_the_call_text_wins_over_the_program_text_which_wins_over_the_default(xiaomi_call: Call) -> None:
    officer = _officer(xiaomi_call)
    sibling = open_call("000", code="sibling-000")
    sibling.program = xiaomi_call.program
    sibling.save(update_fields=["program"])
    assert _mail(xiaomi_call).subject == "Application received: XM-7"

    save_override(
        key="receipt",
        program=xiaomi_call.program,
        subject={"en": "Program: {{ number }}", "zh-hans": "计划：{{ number }}"},
        body={"en": "Program body {{ title }}", "zh-hans": "计划正文 {{ title }}"},
        actor=officer,
    )
    assert _mail(xiaomi_call).subject == "Program: XM-7"
    assert _mail(sibling, "zh-hans").body == "计划正文 推理\n"

    save_override(
        key="receipt",
        call=xiaomi_call,
        subject={"en": "Call: {{ number }} of {{ call_title }}"},
        body={"en": "Call body"},
        actor=officer,
    )
    assert _mail(xiaomi_call).subject == "Call: XM-7 of Xiaomi call"
    assert _mail(xiaomi_call, "zh-hans").subject == "计划：XM-7"  # no Chinese text of the call: the program's
    assert _mail(sibling).subject == "Program: XM-7"  # the other call of the program is untouched
    other = open_call("004", code="other-004")
    assert _mail(other).subject == "Application received: XM-7"  # another program: the default

    assert reset_override(key="receipt", call=xiaomi_call, actor=officer) is True
    assert _mail(xiaomi_call).subject == "Program: XM-7"
    assert reset_override(key="receipt", program=xiaomi_call.program, actor=officer) is True
    assert _mail(xiaomi_call).subject == "Application received: XM-7"
    assert reset_override(key="receipt", program=xiaomi_call.program, actor=officer) is False


def test_a_real_event_uses_the_override_of_its_call(ready_application: Callable[..., Application], settings: Any) -> None:
    settings.SHENBAO_SITE_URL = "https://s.example.org"
    application = ready_application()
    officer = _officer(application.call)
    save_override(
        key="formal_check",
        call=application.call,
        subject={"zh-hans": "{% if outcome == 'return' %}请补正{% else %}形式审查{% endif %}：{{ number }}"},
        body={"zh-hans": "{{ applicant }}您好：{{ title }} 需补正。原因：{{ reason }}\n{{ link }}"},
        actor=officer,
    )
    submit_application(application=application, actor=application.applicant)
    decide_formal_check(applications=[application], outcome=FormalCheckOutcome.RETURN, reason="缺少盖章", actor=officer)
    message = Message.objects.get(template="formal_check")
    assert message.subject == f"请补正：{application.receipt_number}"
    assert "原因：缺少盖章" in message.body
    assert f"https://s.example.org/applications/{application.pk}/" in message.body


def test_saving_is_audited_with_the_text_it_replaced_and_versioned(xiaomi_call: Call) -> None:
    officer = _officer(xiaomi_call)
    first = save_override(key="receipt", call=xiaomi_call, subject={"en": "A {{ number }}"}, body={"en": "a"}, actor=officer)
    assert (first.version, first.updated_by) == (1, officer)
    same = save_override(key="receipt", call=xiaomi_call, subject={"en": "A  {{ number }}"}, body={"en": "a"}, actor=officer)
    assert same.version == 1  # nothing changed: no new version, no audit entry
    second = save_override(
        key="receipt", call=xiaomi_call, subject={"en": "B {{ number }}"}, body={"en": "b"}, actor=officer, expected_version=1
    )
    assert second.version == 2
    with pytest.raises(StaleVersion):
        save_override(key="receipt", call=xiaomi_call, subject={"en": "C"}, body={"en": "c"}, actor=officer, expected_version=1)
    reset_override(key="receipt", call=xiaomi_call, actor=officer)
    entries = list(AuditEntry.objects.for_object(xiaomi_call).filter(action__in=(CHANGED, RESET)).order_by("pk"))
    assert [(e.action, e.data.get("version"), e.actor) for e in entries] == [
        (CHANGED, 1, officer),
        (CHANGED, 2, officer),
        (RESET, None, officer),
    ]
    assert entries[0].data["before"] is None
    assert entries[1].data["before"] == {"subject": {"en": "A {{ number }}"}, "body": {"en": "a\n"}}
    assert entries[2].data["before"]["subject"] == {"en": "B {{ number }}"}
    assert not MailTemplateOverride.objects.exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ nonsense }}", "Unknown placeholder(s): {{ nonsense }}. This mail knows: applicant, call_title"),
        ("{% load static %}x", "The tag “load” is not allowed"),
        ("{% include 'web/base.html' %}", "The tag “include” is not allowed"),
        ("{% url 'web:home' %}", "The tag “url” is not allowed"),
        ("{% if number %}open", "The template cannot be read"),
        ("{{ title.upper }}", "A placeholder is used whole: write {{ title }}, not {{ title.upper }}."),
        ("{{ title|safe }}", "The template cannot be read"),
        ("{{ title.__class__ }}", "The template cannot be read"),
    ],
)
def test_a_bad_template_is_refused_with_a_clear_error(source: str, message: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        errors = check_source("receipt", source)
    assert errors and message in errors[0]


def test_errors_are_given_by_field_translated_and_nothing_is_saved(xiaomi_call: Call) -> None:
    officer = _officer(xiaomi_call)
    with pytest.raises(MailTemplateInvalid) as caught:
        save_override(
            key="receipt",
            call=xiaomi_call,
            subject={"zh-hans": "{{ number }}", "en": "Fine {{ number }}"},
            body={"zh-hans": "{{ 未知 }}", "en": ""},
            actor=officer,
        )
    errors = caught.value.errors
    assert sorted(errors) == ["body_en", "body_zh-hans"]
    assert errors["body_en"] == ["请填写正文，或将两栏都留空以使用默认文本。"]
    assert errors["body_zh-hans"][0].startswith("模板无法解析") or errors["body_zh-hans"][0].startswith("未知的占位符")
    assert not MailTemplateOverride.objects.exists()
    assert validate_texts("receipt", {}, {}) == {"__all__": ["请至少用一种语言写出邮件，或将其恢复为默认文本。"]}
    assert validate_texts("receipt", {"en": "x" * 301}, {"en": "y" * 20_001}) == {
        "subject_en": ["主题超过300个字符。"],
        "body_en": ["正文超过 20000 个字符。"],
    }
    with pytest.raises(ValidationFailed):  # a platform-wide mail has no call or program text
        save_override(
            key="institution_officer_appointed", program=xiaomi_call.program, subject={"en": "x"}, body={"en": "y"}, actor=officer
        )
    with pytest.raises(ValidationFailed):  # a program mail has no call text
        save_override(key="program_role_granted", call=xiaomi_call, subject={"en": "x"}, body={"en": "y"}, actor=officer)


def test_a_stored_override_that_no_longer_renders_falls_back_to_the_default(xiaomi_call: Call) -> None:
    MailTemplateOverride.objects.create(key="receipt", call=xiaomi_call, subject={"en": "{% bad %}"}, body={"en": "x"})
    assert render_mail("receipt", "en", RECEIPT, call_id=xiaomi_call.pk).subject == "Application received: XM-7"


def test_the_sandbox_reaches_no_object_and_escapes_nothing(xiaomi_call: Call) -> None:
    officer = _officer(xiaomi_call)
    save_override(
        key="receipt",
        call=xiaomi_call,
        subject={"en": "{{ number }}"},
        body={"en": "{{ title }} {{ link }} {% for o in obligations %}[{{ o }}]{% endfor %} {{ submitted_at }}"},
        actor=officer,
    )
    message = _mail(
        xiaomi_call,
        title='A "quoted" <b>',
        obligations=[{"zh-hans": "真实", "en": "Truthful"}],
        submitted_at="2025-03-01T08:00:00+00:00",
        link="/applications/3/",
    )
    assert message.body == 'A "quoted" <b> http://localhost:8000/applications/3/ [Truthful] 2025-03-01 16:00 Beijing time\n'


def test_preview_renders_unsaved_text_and_the_default_on_sample_data() -> None:
    context = sample_context("decision")
    draft = preview("decision", "en", context, subject="{% if awarded %}Yes{% endif %} {{ number }}", body="{{ amount_yuan }}")
    assert (draft.subject, draft.body, draft.source) == ("Yes SB-2027-000123", "CNY 500,000\n", "draft")
    assert preview("decision", "zh-hans", context).subject == "入选：SB-2027-000123"
    subject, body = default_sources("decision", "zh-hans")
    assert "{{ number }}" in subject and "{{ notice_ends }}" in body


# --- the staff pages ---------------------------------------------------------------------------


def test_template_pages_by_role_and_observers_read_only(
    client: Client, xiaomi_call: Call, ready_application: Callable[..., Application], university: Any
) -> None:
    application = ready_application()
    users = matrix_users(application, university)
    observer = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=observer, role=ProgramRoleKind.OBSERVER)
    users["observer"] = observer
    pages = [
        reverse("web:call_mail_templates", args=[xiaomi_call.code]),
        reverse("web:call_mail_template", args=[xiaomi_call.code, "receipt"]),
        reverse("web:program_mail_templates", args=[xiaomi_call.program_id]),
        reverse("web:program_mail_template", args=[xiaomi_call.program_id, "receipt"]),
    ]
    expected = {
        "anonymous": 302,
        "applicant": 404,
        "team_member": 404,
        "other_applicant": 404,
        "institution_officer": 404,
        "staff_of_another_program": 404,
        "program_officer": 200,
        "observer": 200,
    }
    for url in pages:
        seen = {}
        for role, user in users.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            seen[role] = client.get(url).status_code
        assert seen == expected, url
    client.force_login(observer)
    page = client.get(pages[1], headers={"accept-language": "en"}).content.decode()
    assert 'value="save"' not in page and "readonly" in page
    posted = {"action": "save", "subject_en": "X {{ number }}", "body_en": "Y", "subject_zh-hans": "", "body_zh-hans": ""}
    assert client.post(pages[1], posted).status_code == 403
    assert client.post(pages[3], posted).status_code == 403
    assert client.post(pages[1], {**posted, "action": "reset"}).status_code == 403
    previewed = client.post(pages[1], {**posted, "action": "preview"}, headers={"accept-language": "en"})
    assert previewed.status_code == 200 and "X SB-2027-000123" in previewed.content.decode()
    client.force_login(users["staff_of_another_program"])
    assert client.post(pages[1], posted).status_code == 404
    assert not MailTemplateOverride.objects.exists()
    assert client.get(reverse("web:call_mail_template", args=[xiaomi_call.code, "nope"])).status_code == 404
    client.force_login(users["program_officer"])
    assert client.get(reverse("web:call_mail_template", args=[xiaomi_call.code, "nope"])).status_code == 404
    # A program-only mail is edited on the program's page, not the call's.
    assert client.get(reverse("web:call_mail_template", args=[xiaomi_call.code, "program_role_granted"])).status_code == 404
    assert (
        client.get(reverse("web:program_mail_template", args=[xiaomi_call.program_id, "program_role_granted"])).status_code == 200
    )


def test_staff_edit_preview_save_and_reset_on_the_call_page(
    client: Client, xiaomi_call: Call, ready_application: Callable[..., Application]
) -> None:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    application.refresh_from_db()
    officer = _officer(xiaomi_call)
    client.force_login(officer)
    url = reverse("web:call_mail_template", args=[xiaomi_call.code, "receipt"])
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    start_subject = default_sources("receipt", "en")[0]
    assert f'value="{start_subject}"' in page.replace("&#x27;", "'")
    assert application.receipt_number in page  # offered for the preview

    form = {
        "version": "0",
        "application": str(application.pk),
        "subject_en": "Got it: {{ number }}",
        "body_en": "Dear {{ applicant }}, {{ title }} is in.",
        "subject_zh-hans": default_sources("receipt", "zh-hans")[0],
        "body_zh-hans": default_sources("receipt", "zh-hans")[1],
    }
    shown = client.post(url, {**form, "action": "preview"}, headers={"accept-language": "en"}).content.decode()
    assert f"Got it: {application.receipt_number}" in shown
    assert f"Dear {application.applicant}, {application.title} is in." in shown
    assert f"已收到：{application.receipt_number}" in shown or application.receipt_number in shown
    assert not MailTemplateOverride.objects.exists()  # a preview saves nothing

    bad = client.post(url, {**form, "action": "save", "body_en": "{{ nope }}"}, headers={"accept-language": "en"})
    text = bad.content.decode()
    assert bad.status_code == 200 and "Unknown placeholder(s): {{ nope }}" in text
    assert "{{ nope }}</textarea>" in text  # what was typed is kept
    assert not MailTemplateOverride.objects.exists()

    saved = client.post(url, {**form, "action": "save"})
    assert saved.status_code == 302
    row = MailTemplateOverride.objects.get(call=xiaomi_call, key="receipt")
    assert sorted(row.body) == ["en"]  # the Chinese text was left as inherited: not stored
    assert (row.version, row.subject["en"]) == (1, "Got it: {{ number }}")
    listing = client.get(reverse("web:call_mail_templates", args=[xiaomi_call.code]), headers={"accept-language": "en"})
    assert "this call&#x27;s (version 1)" in listing.content.decode() or "this call's (version 1)" in listing.content.decode()

    stale = client.post(url, {**form, "action": "save", "version": "0", "subject_en": "Other {{ number }}"})
    assert "Someone else changed this mail meanwhile" in stale.content.decode() or "其间已有他人修改" in stale.content.decode()
    assert MailTemplateOverride.objects.get(pk=row.pk).version == 1

    assert client.post(url, {"action": "reset"}).status_code == 302
    assert not MailTemplateOverride.objects.exists()


def test_the_template_list_has_a_constant_query_count(client: Client, xiaomi_call: Call) -> None:
    officer = _officer(xiaomi_call)
    client.force_login(officer)
    url = reverse("web:call_mail_templates", args=[xiaomi_call.code])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for key in ("receipt", "formal_check", "decision", "agreement_opened"):
        save_override(key=key, call=xiaomi_call, subject={"en": "S"}, body={"en": "B"}, actor=officer)
        save_override(key=key, program=xiaomi_call.program, subject={"en": "S"}, body={"en": "B"}, actor=officer)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
