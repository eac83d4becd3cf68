"""Bulk mail: the text's placeholders, who of a list receives it (deduplicated), the mails in the
outbox in each recipient's language with absolute links, held mail, the form token, the audit
entry, and the staff page from the list's filter or selection to the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, TeamMember
from shenbao.core.errors import DomainError
from shenbao.core.models import AuditEntry
from shenbao.notifications.bulk import BulkText, check_text, render_for, send_bulk_mail
from shenbao.notifications.enums import BulkAudience, MessageState
from shenbao.notifications.models import BulkMail, Message, Notification
from shenbao.notifications.placeholders import PlaceholderProblem, fill, problems
from shenbao.notifications.services import hold_call_mail
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.queries.mail_recipients import application_recipients, reviewer_recipients, stage_applications
from shenbao.reviews.services.assignment import run_assignment
from tests.reviews.fixtures import ReviewSetup, score_all
from tests.reviews.test_reminders import with_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """The services' refusals read in English here (the pages' language is the request's)."""
    with translation.override("en"):
        yield


TEXT = BulkText.of(
    subject_zh_hans="关于 {{ receipt_number }} 的通知",
    body_zh_hans="{{ recipient_name }}，您好：\n您的项目“{{ application_title }}”（{{ call_title }}）请查看：{{ link }}",
    subject_en="About {{ receipt_number }}",
    body_en="Dear {{ recipient_name }},\nyour project “{{ application_title }}” ({{ call_title }}): {{ link }}",
)


@pytest.fixture
def site(settings: Any) -> None:
    settings.SHENBAO_SITE_URL = "https://shenbao.example.org/"


@pytest.fixture
def setup(in_review: Callable[..., ReviewSetup], site: None) -> ReviewSetup:
    made = in_review()
    english = made.applications[1].applicant
    english.language = "en"
    english.save(update_fields=["language"])
    for application in made.applications:
        application.refresh_from_db()
    return made


# --- The text -------------------------------------------------------------------------------------


def test_placeholders_known_ones_are_filled_and_others_are_refused() -> None:
    assert fill("Hi {{ recipient_name }}, {{link}}", {"recipient_name": "王", "link": "https://x/"}) == "Hi 王, https://x/"
    assert problems("{{ recipient_name }} {{ applicant.password }}") == [PlaceholderProblem("unknown", "applicant.password")]
    assert [p.code for p in problems("{% load x %}")] == ["tag"]
    assert [p.code for p in problems("{{ receipt_number }}", allowed=frozenset({"link"}))] == ["not_here"]
    assert problems("Plain text with {braces} and 100%") == []


def test_the_text_needs_a_complete_language_and_known_placeholders() -> None:
    with pytest.raises(DomainError, match="at least one language"):
        check_text(BulkText.of(), audience=BulkAudience.APPLICANTS)
    with pytest.raises(DomainError, match="needs a subject and a body"):
        check_text(BulkText.of(subject_en="Only a subject"), audience=BulkAudience.APPLICANTS)
    with pytest.raises(DomainError, match="“password” is not a placeholder"):
        check_text(BulkText.of(subject_en="S", body_en="{{ password }}"), audience=BulkAudience.APPLICANTS)
    with pytest.raises(DomainError, match="“receipt_number” names an application"):
        check_text(BulkText.of(subject_en="S", body_en="{{ receipt_number }}"), audience=BulkAudience.REVIEWERS)
    check_text(BulkText.of(subject_zh_hans="主题", body_zh_hans="正文 {{ link }}"), audience=BulkAudience.REVIEWERS)


# --- Who receives it -------------------------------------------------------------------------------


def test_applicants_and_teams_are_deduplicated_per_application(setup: ReviewSetup) -> None:
    first, second = setup.applications[:2]
    # The second applicant is also an accepted member of the first application's team, twice over
    # the list: one mail per application they are on, never two for the same one.
    TeamMember.objects.create(
        application=first,
        email=second.applicant.email.upper(),
        name="合作者",
        role="member",
        token="bulk-t1",
        status=InvitationStatus.ACCEPTED,
        user=second.applicant,
    )
    TeamMember.objects.create(application=first, email="pending@example.com", name="待定", role="member", token="bulk-t2")
    applicants = application_recipients([first, second, first], BulkAudience.APPLICANTS)
    assert [(r.email, r.related) for r in applicants] == [(first.applicant.email, first), (second.applicant.email, second)]
    teams = application_recipients(Application.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"), BulkAudience.TEAMS)
    assert sorted((r.email.lower(), r.related.pk) for r in teams) == sorted(  # type: ignore[union-attr]
        [(first.applicant.email, first.pk), (second.applicant.email, first.pk), (second.applicant.email, second.pk)]
    )
    assert next(r for r in teams if r.related == first and r.email.lower() == second.applicant.email).language == "en"


def test_institution_officers_get_one_mail_per_application_of_their_organisation(setup: ReviewSetup) -> None:
    first, second = setup.applications[:2]
    officer = register_user(email="io@example.com", password=None, name="单位管理员")
    add_membership(user=officer, organisation=setup.organisations[0], role=MembershipRole.OFFICER)
    rows = application_recipients([first, second], BulkAudience.OFFICERS)
    assert [(r.email, r.related, r.name) for r in rows] == [("io@example.com", first, "单位管理员")]


def test_reviewers_with_overdue_reviews_only_after_the_due_date(setup: ReviewSetup) -> None:
    with_due(setup, dt.date(2026, 12, 10))
    setup.stage.refresh_from_db()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    done = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    score_all(done, 7)
    assert reviewer_recipients(setup.stage, "overdue", today=dt.date(2026, 12, 10)) == []
    overdue = reviewer_recipients(setup.stage, "overdue", today=dt.date(2026, 12, 11))
    assigned = set(Assignment.objects.filter(stage=setup.stage).values_list("reviewer__email", flat=True))
    assert sorted(r.email for r in overdue) == sorted(assigned - {"rice@example.com"})
    assert all(r.link == "/review/" and r.related == setup.stage for r in overdue)
    assert sorted(r.email for r in reviewer_recipients(setup.stage, "all")) == sorted(assigned)


def test_finalists_are_the_applications_that_advanced_from_a_stage(setup: ReviewSetup) -> None:
    StageEntry.objects.filter(stage=setup.stage, application=setup.applications[2]).update(status=EntryStatus.ADVANCED)
    assert list(stage_applications(setup.stage, "advanced")) == [setup.applications[2]]
    assert stage_applications(setup.stage, "all").count() == 4


# --- Sending ---------------------------------------------------------------------------------------


def test_a_bulk_mail_is_in_the_outbox_in_each_language_with_links_notifications_and_an_audit_entry(
    setup: ReviewSetup,
) -> None:
    first, second = setup.applications[:2]
    recipients = application_recipients([first, second], BulkAudience.APPLICANTS)
    bulk, created = send_bulk_mail(
        token="t-1",
        call_code=setup.call.code,
        audience=BulkAudience.APPLICANTS,
        source={"kind": "applications", "q": "state:check_passed"},
        text=TEXT,
        recipients=recipients,
        actor=setup.officer,
    )
    assert created and (bulk.recipient_count, bulk.message_count) == (2, 2)
    mails = {m.to: m for m in Message.objects.filter(bulk=bulk)}
    zh, en = mails[first.applicant.email], mails[second.applicant.email]
    assert (zh.language, zh.template, zh.call_code, zh.state) == ("zh-hans", "bulk", setup.call.code, MessageState.QUEUED)
    assert zh.subject == f"关于 {first.receipt_number} 的通知"
    assert zh.body == (
        f"申请人0，您好：\n您的项目“{first.title}”（{setup.call.title['zh-hans']}）请查看："
        f"https://shenbao.example.org/applications/{first.pk}/\n"
    )
    assert en.subject == f"About {second.receipt_number}"
    assert f"https://shenbao.example.org/applications/{second.pk}/" in en.body
    assert zh.related == first and en.related == second
    notices = {n.user: n for n in Notification.objects.filter(message__bulk=bulk)}
    assert notices[first.applicant].title == zh.subject and notices[first.applicant].link == f"/applications/{first.pk}/"
    entry = AuditEntry.objects.get(action="shenbao.mail.bulk_sent")
    assert (entry.actor, entry.data["mails"], entry.data["recipients"], entry.data["held"]) == (setup.officer, 2, 2, False)
    assert entry.data["source"] == {"kind": "applications", "q": "state:check_passed"}


def test_the_same_form_sent_twice_creates_the_mails_once(setup: ReviewSetup) -> None:
    recipients = application_recipients(setup.applications, BulkAudience.APPLICANTS)
    kwargs: dict[str, Any] = {
        "token": "same",
        "call_code": setup.call.code,
        "audience": BulkAudience.APPLICANTS,
        "source": {},
        "text": TEXT,
        "recipients": recipients,
        "actor": setup.officer,
    }
    first, created = send_bulk_mail(**kwargs)
    again, created_again = send_bulk_mail(**kwargs)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Message.objects.filter(template="bulk").count() == 4
    assert AuditEntry.objects.filter(action="shenbao.mail.bulk_sent").count() == 1


def test_a_held_calls_bulk_mail_waits_and_its_notifications_are_not_shown_until_released(setup: ReviewSetup) -> None:
    from shenbao.notifications.inbox import unread_count
    from shenbao.notifications.services import release_call_mail

    applicant = setup.applications[0].applicant
    before = unread_count(applicant)  # the receipt and the formal check's mails, still queued here
    hold_call_mail(call_code=setup.call.code, actor=setup.officer)
    assert unread_count(applicant) == 0  # held for review: not shown
    recipients = application_recipients(setup.applications[:1], BulkAudience.APPLICANTS)
    bulk, _created = send_bulk_mail(
        token="held",
        call_code=setup.call.code,
        audience=BulkAudience.APPLICANTS,
        source={},
        text=TEXT,
        recipients=recipients,
        actor=setup.officer,
    )
    assert unread_count(applicant) == 0
    assert list(Message.objects.filter(bulk=bulk).values_list("state", flat=True)) == [MessageState.HELD]
    release_call_mail(call_code=setup.call.code, actor=setup.officer)
    assert unread_count(applicant) == before + 1


def test_nobody_to_mail_and_bad_text_send_nothing(setup: ReviewSetup) -> None:
    common: dict[str, Any] = {"call_code": setup.call.code, "audience": BulkAudience.APPLICANTS, "source": {}, "actor": None}
    with pytest.raises(DomainError, match="Nobody on this list"):
        send_bulk_mail(token="a", text=TEXT, recipients=[], **common)
    recipients = application_recipients(setup.applications, BulkAudience.APPLICANTS)
    with pytest.raises(DomainError, match="not a placeholder"):
        send_bulk_mail(token="b", text=BulkText.of(subject_en="S", body_en="{{ secret }}"), recipients=recipients, **common)
    assert (BulkMail.objects.count(), Message.objects.filter(template="bulk").count()) == (0, 0)


def test_a_language_left_empty_falls_back_to_the_other(setup: ReviewSetup) -> None:
    english = application_recipients(setup.applications[1:2], BulkAudience.APPLICANTS)[0]
    assert english.language == "en"
    only_chinese = BulkText.of(subject_zh_hans="主题 {{ receipt_number }}", body_zh_hans="正文")
    assert render_for(only_chinese, english) == (f"主题 {setup.applications[1].receipt_number}", "正文\n")


# --- The staff page --------------------------------------------------------------------------------


def _officer_client(setup: ReviewSetup) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(setup.officer)
    return client


FORM = {
    "subject_zh_hans": "补正提醒 {{ receipt_number }}",
    "body_zh_hans": "{{ recipient_name }}：请补正。{{ link }}",
    "subject_en": "Please correct {{ receipt_number }}",
    "body_en": "{{ recipient_name }}: please correct it. {{ link }}",
}


def test_staff_mail_the_applicants_of_a_filtered_list_preview_count_and_send(setup: ReviewSetup) -> None:
    returned = setup.applications[:2]
    Application.objects.filter(pk__in=[a.pk for a in returned]).update(state="returned")
    client = _officer_client(setup)
    url = reverse("web:bulk_mail", args=[setup.call.code])
    page = client.get(url, {"source": "applications", "q": "state:returned"})
    assert page.status_code == 200
    assert page.context["mail_count"] == 2 and page.context["people_count"] == 2
    token = page.context["token"]
    base = {"source": "applications", "q": "state:returned", "audience": "applicants", "token": token, **FORM}
    preview = client.post(url, {**base, "action": "preview", "preview_recipient": "1"})
    assert preview.status_code == 200
    shown = preview.context["preview"]
    assert shown["recipient"].email == returned[1].applicant.email
    assert shown["subject"] == f"Please correct {returned[1].receipt_number}"  # the English applicant
    changed = client.post(url, {**base, "action": "send", "expected": "3"})
    assert changed.status_code == 400 and "The list changed" in changed.context["error"]
    assert Message.objects.filter(template="bulk").count() == 0
    sent = client.post(url, {**base, "action": "send", "expected": "2"})
    assert sent.status_code == 302 and sent["Location"] == reverse("web:call_outbox", args=[setup.call.code]) + "?template=bulk"
    assert sorted(Message.objects.filter(template="bulk").values_list("to", flat=True)) == sorted(
        a.applicant.email for a in returned
    )
    entry = AuditEntry.objects.get(action="shenbao.mail.bulk_sent")
    assert (entry.object_id, entry.data["source"]) == (
        str(setup.call.pk),
        {"kind": "applications", "q": "state:returned", "state": "", "direction": "", "applications": []},
    )
    again = client.post(url, {**base, "action": "send", "expected": "2"})  # a double click
    assert again.status_code == 302 and Message.objects.filter(template="bulk").count() == 2
    outbox = client.get(sent["Location"])
    assert f"Please correct {returned[1].receipt_number}" in outbox.content.decode()


def test_staff_mail_the_selected_rows_only(setup: ReviewSetup) -> None:
    client = _officer_client(setup)
    url = reverse("web:bulk_mail", args=[setup.call.code])
    chosen = setup.applications[3]
    start = client.post(url, {"action": "start", "application": [str(chosen.pk)]})
    assert start.status_code == 200 and start.context["mail_count"] == 1
    empty = client.post(url, {"action": "start"})
    assert empty.status_code == 302 and empty["Location"] == reverse("web:formal_check", args=[setup.call.code])
    token = start.context["token"]
    sent = client.post(
        url,
        {"application": [str(chosen.pk)], "audience": "applicants", "token": token, "action": "send", "expected": "1", **FORM},
    )
    assert sent.status_code == 302
    assert list(Message.objects.filter(template="bulk").values_list("to", flat=True)) == [chosen.applicant.email]


def test_the_page_refuses_bad_text_and_a_stage_of_another_call(setup: ReviewSetup) -> None:
    client = _officer_client(setup)
    url = reverse("web:bulk_mail", args=[setup.call.code])
    bad = client.post(
        url, {"source": "applications", "state": "all", "action": "preview", "subject_en": "S", "body_en": "{% load x %}"}
    )
    assert bad.status_code == 400 and "template syntax" in bad.context["error"]
    assert client.get(url, {"source": "reviewers", "stage": "999999"}).status_code == 404
    query = client.get(url, {"source": "applications", "q": "nofield:1"})
    assert "there is no field" in query.context["error"] and query.context["mail_count"] == 0


@pytest.mark.parametrize("role", ["chair", "other_program", "applicant", "anonymous"])
def test_only_the_calls_program_officers_may_write_to_a_list(setup: ReviewSetup, role: str) -> None:
    from shenbao.calls.enums import ProgramRoleKind
    from shenbao.calls.services.roles import grant_program_role
    from tests.applications.fixtures import open_call

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role == "chair":
        chair = register_user(email="chair@example.com", password=None, name="主任")
        grant_program_role(program=setup.call.program, user=chair, role=ProgramRoleKind.COMMITTEE_CHAIR)
        client.force_login(chair)
    elif role == "other_program":
        other = register_user(email="else@example.com", password=None, name="别人")
        grant_program_role(program=open_call("004", code="else-004").program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
        client.force_login(other)
    elif role == "applicant":
        client.force_login(setup.applications[0].applicant)
    url = reverse("web:bulk_mail", args=[setup.call.code])
    token = "refused"
    answer = client.post(
        url, {"state": "all", "audience": "applicants", "token": token, "action": "send", "expected": "4", **FORM}
    )
    assert answer.status_code in (302, 404)
    if role == "anonymous":
        assert answer["Location"].startswith(reverse("web:login"))
    assert (BulkMail.objects.count(), Message.objects.filter(template="bulk").count()) == (0, 0)
    assert client.get(url).status_code in (302, 404)
