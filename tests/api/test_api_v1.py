"""The REST API: the same rules and permissions as the pages, over token auth."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import XIAOMI_VALUES, open_call
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db


def api(user: User | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def test_calls_are_public_and_drafts_hidden(load_seed: Callable[[str], Call]) -> None:
    load_seed("003")
    open_call("004", code="draft-004")
    Call.objects.filter(code="draft-004").update(status="draft")
    response = api().get("/api/v1/calls/")
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["results"]] == ["most-intl-2025-2"]
    detail = api().get("/api/v1/calls/most-intl-2025-2/").json()
    assert len(detail["directions"]) == 19
    assert detail["definition"]["stated_totals"]["projects"]["value"] == 176
    assert api().get("/api/v1/calls/draft-004/").status_code == 404


def test_applicant_drafts_checks_and_submits_over_the_api(
    ready_application: Callable[..., Application], scholar: User, xiaomi_call: Call
) -> None:
    client = api(scholar)
    created = client.post("/api/v1/applications/", {"call": xiaomi_call.code, "direction": "XM-T2"}, format="json")
    assert created.status_code == 201
    pk, version = created.json()["id"], created.json()["version"]
    patched = client.patch(f"/api/v1/applications/{pk}/", {"version": version, "changes": {"title": "接口创建"}}, format="json")
    assert (patched.status_code, patched.json()["title"]) == (200, "接口创建")
    stale = client.patch(f"/api/v1/applications/{pk}/", {"version": version, "changes": {"title": "旧"}}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")
    forbidden = client.patch(
        f"/api/v1/applications/{pk}/", {"version": version + 1, "changes": {"state": "submitted"}}, format="json"
    )
    assert forbidden.status_code == 400
    checks = {r["code"]: r for r in client.get(f"/api/v1/applications/{pk}/checks/").json()}
    assert checks["pi-signs-commitments"]["outcome"] == "fail"
    assert checks["pi-signs-commitments"]["reason"].startswith("Not yet confirmed:")
    refused = client.post(f"/api/v1/applications/{pk}/submit/", {"key": "a"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "required_fields_missing")
    assert (
        refused.json()["detail"]
        == "Fill in the required fields first: Summary of the proposal, Implementation plan and outputs, Academic level and research capacity of the applicant and team."
    )
    client.patch(f"/api/v1/applications/{pk}/", {"version": version + 1, "changes": {"values": XIAOMI_VALUES}}, format="json")
    refused = client.post(f"/api/v1/applications/{pk}/submit/", {"key": "a"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "not_eligible")
    ready = ready_application("XM-T1")
    first = client.post(f"/api/v1/applications/{ready.pk}/submit/", {"key": "k"}, format="json")
    again = client.post(f"/api/v1/applications/{ready.pk}/submit/", {"key": "k"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["receipt_number"] == again.json()["receipt_number"]
    assert Application.objects.get(pk=ready.pk).revisions.count() == 1


@pytest.fixture
def submitted(ready_application: Callable[..., Application]) -> Application:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    return application


@pytest.mark.parametrize(
    ("who", "see", "decide"),
    [
        ("anonymous", 401, 401),
        ("applicant", 200, 403),
        ("other_applicant", 404, 404),
        ("institution_officer", 200, 403),
        ("staff_of_another_program", 404, 404),
        ("program_officer", 200, 201),
    ],
)
def test_api_permission_matrix(
    submitted: Application, university: Organisation, xiaomi_call: Call, who: str, see: int, decide: int
) -> None:
    users: dict[str, Any] = {"anonymous": None, "applicant": submitted.applicant}
    users["other_applicant"] = register_user(email="other@example.com", password=None, name="他人")
    users["institution_officer"] = register_user(email="inst@example.com", password=None, name="依托单位")
    add_membership(user=users["institution_officer"], organisation=university, role=MembershipRole.OFFICER)
    users["staff_of_another_program"] = UserFactory()
    grant_program_role(
        program=open_call("004", code="other-004").program,
        user=users["staff_of_another_program"],
        role=ProgramRoleKind.PROGRAM_OFFICER,
    )
    users["program_officer"] = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=users["program_officer"], role=ProgramRoleKind.PROGRAM_OFFICER)
    client = api(users[who])
    assert client.get(f"/api/v1/applications/{submitted.pk}/").status_code == see
    assert client.get(f"/api/v1/applications/{submitted.pk}/checks/").status_code == see
    listing = client.get("/api/v1/applications/")
    if see == 200:
        assert [a["id"] for a in listing.json()["results"]] == [submitted.pk]
    elif who != "anonymous":
        assert listing.json()["results"] == []
    before = (submitted.title, submitted.revision, submitted.version)
    patch = client.patch(
        f"/api/v1/applications/{submitted.pk}/", {"version": submitted.version, "changes": {"title": "改"}}, format="json"
    )
    assert patch.status_code == {200: 403, 401: 401, 404: 404}[see]  # nobody edits a submitted application in place
    again = client.post(f"/api/v1/applications/{submitted.pk}/submit/", {"key": "x"}, format="json")
    assert again.status_code == {"applicant": 200, "anonymous": 401}.get(who, 403 if see == 200 else 404)
    submitted.refresh_from_db()
    assert (submitted.title, submitted.revision, submitted.version) == before
    response = client.post(f"/api/v1/applications/{submitted.pk}/formal-check/", {"outcome": "pass"}, format="json")
    assert response.status_code == decide
    submitted.refresh_from_db()
    assert submitted.state == (ApplicationState.CHECK_PASSED if decide == 201 else ApplicationState.SUBMITTED)


def test_openapi_schema_is_valid() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    assert "/api/v1/applications/{id}/submit/" in schema
    for path in (
        "/api/v1/applications/{id}/team/",
        "/api/v1/applications/{id}/team/{member_pk}/",
        "/api/v1/applications/{id}/partners/",
        "/api/v1/applications/{id}/partners/{partner_pk}/",
        "/api/v1/applications/{id}/attachments/",
        "/api/v1/applications/{id}/attachments/{attachment_pk}/",
        "/api/v1/applications/{id}/amend/",
        "/api/v1/applications/{id}/withdraw/",
        "/api/v1/invitations/",
        "/api/v1/invitations/{id}/accept/",
        "/api/v1/invitations/{id}/decline/",
    ):
        assert f"  {path}:" in schema, path


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"trl": 9}, "This call's form has no such fields: trl."),
        ({"state": "submitted"}, "These fields cannot be changed here: state."),
        ({"values": "x"}, "“values” has the wrong shape."),
        ({"title": "x" * 301}, "Ensure this value has at most 300 characters (it has 301)."),
        ({"declarations": ["no-such-declaration"]}, "This call's form has no such fields: declare__no-such-declaration."),
    ],
)
def test_api_changes_are_validated_like_the_form(
    scholar: User, xiaomi_call: Call, changes: dict[str, Any], expected: str
) -> None:
    client = api(scholar)
    created = client.post("/api/v1/applications/", {"call": xiaomi_call.code, "direction": "XM-T1"}, format="json").json()
    response = client.patch(
        f"/api/v1/applications/{created['id']}/", {"version": created["version"], "changes": changes}, format="json"
    )
    assert response.status_code == 400
    assert expected in str(response.json())
    application = Application.objects.get(pk=created["id"])
    assert (application.title, application.version, application.trl) == ("", created["version"], None)


def test_api_patch_keeps_what_it_does_not_name(ready_application: Callable[..., Application], scholar: User) -> None:
    application = ready_application()
    client = api(scholar)
    response = client.patch(
        f"/api/v1/applications/{application.pk}/",
        {"version": application.version, "changes": {"title": "只改题目"}},
        format="json",
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.title == "只改题目"
    assert application.values == XIAOMI_VALUES
    assert len(application.declarations) == 3


def test_api_non_numeric_id_is_404(scholar: User) -> None:
    assert api(scholar).get("/api/v1/applications/abc/").status_code == 404


def test_token_authentication_answers_as_drf_does(scholar: User) -> None:
    key = api_token_key(scholar)
    ok = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/applications/")
    assert ok.status_code == 200
    unknown = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION="Token not-a-key").get("/api/v1/applications/")
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "Invalid token.")
    chinese = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_AUTHORIZATION="Token not-a-key").get("/api/v1/applications/")
    assert (chinese.status_code, chinese.json()["detail"]) == (401, "认证令牌无效。")
    User.objects.filter(pk=scholar.pk).update(is_active=False)
    inactive = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/applications/")
    assert (inactive.status_code, inactive.json()["detail"]) == (401, "User inactive or deleted.")
