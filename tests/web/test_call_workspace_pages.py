"""The program office's workspace pages (issue 16): the permission matrix of every new page, the
status change, cloning, people and the audit log through the pages, and constant query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import CallStatus, ProgramRoleKind
from shenbao.calls.models import Call, ProgramRole
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.audit import log_action
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import PoolMember
from shenbao.reviews.services.pool import answer_pool_invitation, invite_reviewer
from tests.applications.fixtures import open_call
from tests.conftest import seed_data
from tests.factories import OrganisationFactory, UserFactory

EN = {"accept-language": "en"}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _count(fetch: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.fixture
def world(ready_application: Callable[..., Application], xiaomi_call: Call, scholar: User) -> dict[str, Any]:
    """Seed 000 open with a submitted application; one user of each kind of the matrix."""
    application = ready_application()
    submit_application(application=application, actor=scholar)
    officer = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    member = invite_reviewer(call=xiaomi_call, email="expert@example.com", name="专家", actor=officer)
    answer_pool_invitation(token=member.token, accept=True, user=member.user)
    other = UserFactory()
    grant_program_role(program=open_call("004", code="other-004").program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    users: dict[str, User | None] = {
        "anonymous": None,
        "applicant": scholar,
        "reviewer": member.user,
        "officer_of_another_program": other,
        "officer": officer,
        "superuser": UserFactory(is_superuser=True),
    }
    return {"call": xiaomi_call, "application": application, "users": users, "organisation": application.lead_organisation}


#: Every new page, and who sees it (the others get the login page, or a 404 / 403 that names nothing).
CALL_PAGES = ["web:call_manage", "web:call_clone", "web:call_revision", "web:call_audit", "web:call_people"]
ALLOWED = {"officer", "superuser"}


@pytest.mark.django_db
def test_permission_matrix_of_every_new_page(world: dict[str, Any]) -> None:
    call, application, organisation = world["call"], world["application"], world["organisation"]
    pages = [(name, reverse(name, args=[call.code]), ALLOWED) for name in CALL_PAGES]
    pages += [
        ("web:application_audit", reverse("web:application_audit", args=[application.pk]), ALLOWED),
        ("web:organisation_list", reverse("web:organisation_list"), {"superuser"}),
        ("web:organisation_officers", reverse("web:organisation_officers", args=[organisation.pk]), {"superuser"}),
    ]
    for who, user in world["users"].items():
        client = _client(user)
        for name, url, allowed in pages:
            response = client.get(url)
            if user is None:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], (who, name)
            elif who in allowed:
                assert response.status_code == 200, (who, name)
            else:
                assert response.status_code in (403, 404), (who, name, response.status_code)


@pytest.mark.django_db
def test_posts_by_the_wrong_people_change_nothing(world: dict[str, Any]) -> None:
    call, organisation = world["call"], world["organisation"]
    role = ProgramRole.objects.get(program=call.program)
    member = PoolMember.objects.get(call=call)
    officer_membership = organisation.memberships.create(user=UserFactory(), role="officer")
    posts = [
        (reverse("web:call_transition", args=[call.code]), {"to": "closed", "expected": "open"}),
        (
            reverse("web:call_clone", args=[call.code]),
            {"create": "1", "code": "copy-2026", "year": "2026", "title_zh": "副本", "shift_days": "0"},
        ),
        (reverse("web:role_invite", args=[call.code]), {"email": "x@example.com", "role": "observer"}),
        (reverse("web:role_revoke", args=[call.code, role.pk]), {}),
        (reverse("web:people_pool_invite", args=[call.code]), {"email": "y@example.com"}),
        (reverse("web:pool_remove", args=[call.code, member.pk]), {}),
        (reverse("web:organisation_officers", args=[organisation.pk]), {"email": "z@example.com"}),
        (reverse("web:officer_revoke", args=[organisation.pk, officer_membership.pk]), {}),
    ]
    before = (AuditEntry.objects.count(), Call.objects.count(), ProgramRole.objects.count(), PoolMember.objects.count())
    for who in ("anonymous", "applicant", "reviewer", "officer_of_another_program"):
        client = _client(world["users"][who])
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code in (302, 403, 404), (who, url)
            if who == "anonymous":
                assert "/accounts/login/" in response["Location"]
    after = (AuditEntry.objects.count(), Call.objects.count(), ProgramRole.objects.count(), PoolMember.objects.count())
    assert after == before
    call.refresh_from_db()
    officer_membership.refresh_from_db()
    assert call.status == CallStatus.OPEN and officer_membership.end_date is None
    # A program officer does not appoint institution officers: that acts in every program.
    response = _client(world["users"]["officer"]).post(
        reverse("web:organisation_officers", args=[organisation.pk]), {"email": "z@example.com"}
    )
    assert response.status_code == 403 and not User.objects.filter(email="z@example.com").exists()


def _draft_call() -> Call:
    data = seed_data("000")
    data["call"]["code"] = "draft-000"
    data["call"]["status"] = "draft"
    today = dt.date.today()
    data["timeline"] = [
        {"kind": "opens", "at": f"{today + dt.timedelta(days=10)}T00:00"},
        {"kind": "deadline", "at": f"{today + dt.timedelta(days=40)}T00:00"},
    ]
    return load_call_definition(definition=parse_definition(data)).call


@pytest.mark.django_db
def test_the_status_page_shows_the_checks_and_publishes_only_when_acknowledged() -> None:
    call = _draft_call()
    officer = UserFactory()
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    client = _client(officer)
    page = client.get(reverse("web:call_manage", args=[call.code]), headers=EN).content.decode()
    assert 'data-status="draft"' in page and 'data-target="published"' in page
    assert "the document states 50, the directions add up to 0" in page
    assert 'name="acknowledge"' in page

    url = reverse("web:call_transition", args=[call.code])
    response = client.post(url, {"to": "published", "expected": "draft"}, headers=EN, follow=True)
    assert "The call cannot become “Published” yet" in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT

    response = client.post(url, {"to": "published", "expected": "draft", "acknowledge": "1"}, headers=EN, follow=True)
    assert "The call is now “Published”." in response.content.decode()
    again = client.post(url, {"to": "published", "expected": "draft", "acknowledge": "1"}, headers=EN, follow=True)
    assert "it was changed meanwhile" in again.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert AuditEntry.objects.for_object(call).filter(action="shenbao.call.status_changed").count() == 1
    junk = client.post(url, {"to": "nowhere", "expected": "published"}, headers=EN, follow=True)
    assert "Choose a status the call can move to." in junk.content.decode()


@pytest.mark.django_db
def test_clone_page_computes_the_shift_and_creates_the_draft(load_seed: Callable[[str], Call]) -> None:
    source = load_seed("000")
    admin = UserFactory(is_superuser=True)
    client = _client(admin)
    url = reverse("web:call_clone", args=[source.code])
    form = client.get(url, headers=EN).context["form"]
    assert form.initial["code"] == "xiaomi-jbgs-2026"
    assert form.initial["shift_days"] == 365 and form.initial["opens_on"] == dt.date(2026, 3, 18)
    assert form.initial["title_zh"] == "小米揭榜挂帅 — 2026 科研专项"
    data = {"code": "xiaomi-jbgs-2026", "year": "2026", "title_zh": "小米揭榜挂帅 — 2026 科研专项", "title_en": ""}
    computed = client.post(url, {**data, "opens_on": "2026-03-20", "shift_days": "365", "compute": "1"}, headers=EN)
    assert computed.context["form"].data["shift_days"] == "367"
    assert not Call.objects.filter(code="xiaomi-jbgs-2026").exists()

    taken = client.post(url, {**data, "code": source.code, "shift_days": "367", "create": "1"}, headers=EN)
    assert taken.status_code == 400 and "already exists" in taken.content.decode()
    response = client.post(url, {**data, "shift_days": "367", "create": "1"}, headers=EN)
    assert response.status_code == 302 and response["Location"] == reverse("web:call_revision", args=["xiaomi-jbgs-2026"])
    new = Call.objects.get(code="xiaomi-jbgs-2026")
    assert new.status == CallStatus.DRAFT and new.published_on == dt.date(2026, 3, 20)
    checklist = client.get(response["Location"], headers=EN).content.decode()
    assert "Cloned from xiaomi-jbgs-2025; the timeline moved by 367 day(s)." in checklist
    assert "Texts that still name the old year" in checklist


@pytest.mark.django_db
def test_people_page_invites_and_revokes_with_the_log(world: dict[str, Any]) -> None:
    call, officer = world["call"], world["users"]["officer"]
    client = _client(officer)
    people = reverse("web:call_people", args=[call.code])
    client.post(reverse("web:role_invite", args=[call.code]), {"email": "chair@example.com", "role": "committee_chair"})
    chair = ProgramRole.objects.get(program=call.program, user__email="chair@example.com")
    assert chair.role == "committee_chair"
    mine = ProgramRole.objects.get(program=call.program, user=officer)
    last = client.post(reverse("web:role_revoke", args=[call.code, mine.pk]), headers=EN, follow=True)
    assert "last program officer" in last.content.decode()
    client.post(reverse("web:role_revoke", args=[call.code, chair.pk]))
    assert not ProgramRole.objects.filter(pk=chair.pk).exists()
    client.post(reverse("web:people_pool_invite", args=[call.code]), {"email": "pool@example.com", "name": "池中专家"})
    waiting = PoolMember.objects.get(call=call, user__email="pool@example.com")
    client.post(reverse("web:pool_remove", args=[call.code, waiting.pk]))
    assert not PoolMember.objects.filter(pk=waiting.pk).exists()
    page = client.get(people, headers=EN).content.decode()
    for text in (
        "A program role was granted.",
        "A program role was revoked.",
        "An expert was taken out of the reviewer pool.",
        "chair@example.com",
        "Test University",
    ):
        assert text in page


@pytest.mark.django_db
def test_audit_page_filters_and_pages(world: dict[str, Any]) -> None:
    call, officer = world["call"], world["users"]["officer"]
    for i in range(55):
        log_action(action="shenbao.call.late_token_issued", obj=call, actor=officer, data={"n": i})
    client = _client(officer)
    url = reverse("web:call_audit", args=[call.code])
    first = client.get(url, headers=EN)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 58
    assert {r["text"] for r in first.context["rows"]} == {"A late-submission extension was issued."}
    assert "<td>A late-submission extension was issued.</td>" in first.content.decode()
    second = client.get(url, {"page": "2"}, headers=EN)
    assert len(second.context["rows"]) == 8
    only = client.get(url, {"action": "shenbao.call.created"}, headers=EN)
    assert [r["entry"].action for r in only.context["rows"]] == ["shenbao.call.created"]
    by_officer = client.get(url, {"actor": officer.email}, headers=EN)
    assert by_officer.context["page"].paginator.count == 56  # the 55 and the expert they invited
    future = client.get(url, {"since": "2999-01-01"}, headers=EN)
    assert future.context["page"].paginator.count == 0
    application = world["application"]
    assert client.get(url, {"action": "shenbao.application.created"}).context["page"].paginator.count == 0
    both = client.get(url, {"action": "shenbao.application.created", "scope": "applications"}, headers=EN)
    assert [r["application"] for r in both.context["rows"]] == [application.pk]
    assert reverse("web:application_audit", args=[application.pk]) in both.content.decode()
    today = dt.date.today().isoformat()
    assert client.get(url, {"since": "2000-01-01", "until": "2999-12-31"}).context["page"].paginator.count == 58
    assert client.get(url, {"until": "not-a-date", "since": today}).status_code == 200


@pytest.mark.django_db
def test_audit_and_people_lists_cost_the_same_queries_for_more_rows(world: dict[str, Any]) -> None:
    call, officer, application = world["call"], world["users"]["officer"], world["application"]
    client = _client(officer)
    audit = reverse("web:call_audit", args=[call.code])
    application_audit = reverse("web:application_audit", args=[application.pk])
    people = reverse("web:call_people", args=[call.code])

    def counts() -> tuple[int, int, int]:
        return (
            _count(lambda: client.get(audit)),
            _count(lambda: client.get(application_audit)),
            _count(lambda: client.get(people)),
        )

    few = counts()
    for i in range(12):
        actor = UserFactory()
        log_action(action="shenbao.call.late_token_issued", obj=call, actor=actor, data={"n": i})
        log_action(action="shenbao.application.attached", obj=application, actor=actor, data={"n": i})
        grant_program_role(program=call.program, user=actor, role=ProgramRoleKind.OBSERVER, actor=officer)
        invite_reviewer(call=call, email=f"expert{i}@example.com", name=f"专家{i}", actor=officer)
        organisation: Organisation = OrganisationFactory()
        applicant = register_user(email=f"app{i}@example.com", password=None, name=f"申请人{i}")
        organisation.memberships.create(user=UserFactory(), role="officer")
        Application.objects.create(
            call=call, direction=call.directions.first(), applicant=applicant, lead_organisation=organisation
        )
    assert counts() == few
