"""The applicant's API: team and invitations, partners, attachments, amend, withdraw — the web's
services and predicates, refusals as codes, retries that do not duplicate."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import ApplicationState, InvitationStatus
from shenbao.applications.models import Application, Attachment, Partner, TeamMember
from shenbao.applications.services.parts import add_partner
from shenbao.applications.services.submission import submit_application
from shenbao.applications.services.team import invite_team_member
from shenbao.calls.models import Call
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import PDF, XIAOMI_VALUES, docx_bytes, make_ready_application, matrix_users, open_call
from tests.factories import api_token_key

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "applicant",
    "team_member",
    "other_applicant",
    "institution_officer",
    "staff_of_another_program",
    "program_officer",
)


def api(user: User | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        key = api_token_key(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def other_docx() -> bytes:
    """A Word file with other content than the attached form."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>申报表（第二版）</w:document>")
    return buffer.getvalue()


def upload(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def state_of(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (
        application.state,
        application.revision,
        application.version,
        sorted(application.team.values_list("email", "status")),
        sorted(application.partners.values_list("name", "country")),
        sorted(application.attachments.values_list("document_code", "sha256")),
    )


# Outcomes on a draft: only the applicant and the team see it; only the applicant changes it.
DRAFT_SEE = {"anonymous": 401, "applicant": 200, "team_member": 200}
DRAFT_WRITE = {"anonymous": 401, "applicant": "ok", "team_member": 403}


@pytest.mark.parametrize("who", ROLES)
def test_draft_parts_permission_matrix(ready_application: Callable[..., Application], university: Organisation, who: str) -> None:
    application = ready_application()
    users = matrix_users(application, university)
    partner = add_partner(
        application=application, actor=application.applicant, side="foreign", name="MIT", type="university", country="US"
    )
    attachment = application.attachments.get()
    member = application.team.get()
    client = api(users[who])
    base = f"/api/v1/applications/{application.pk}"
    see = DRAFT_SEE.get(who, 404)
    for url in (f"{base}/team/", f"{base}/partners/", f"{base}/attachments/", f"{base}/attachments/{attachment.pk}/"):
        assert client.get(url).status_code == see, url
    before = state_of(application)
    write = DRAFT_WRITE.get(who, 404)
    outcomes = [
        client.post(f"{base}/team/", {"email": "new@example.com", "name": "新人", "role": "member"}, format="json"),
        client.post(
            f"{base}/partners/", {"side": "foreign", "name": "ETH", "type": "university", "country": "CH"}, format="json"
        ),
        client.patch(f"{base}/partners/{partner.pk}/", {"name": "MIT CSAIL"}, format="json"),
        client.post(f"{base}/attachments/", {"document": "application-form", "file": upload(other_docx(), "v2.docx")}),
        client.delete(f"{base}/attachments/{attachment.pk}/"),
        client.delete(f"{base}/partners/{partner.pk}/"),
        client.delete(f"{base}/team/{member.pk}/"),
    ]
    if write == "ok":
        assert [r.json() if r.status_code == 400 else None for r in outcomes] == [None] * 7
        assert [r.status_code for r in outcomes] == [201, 201, 200, 201, 204, 204, 204]
        assert state_of(application) != before
    else:
        assert [r.status_code for r in outcomes] == [write] * 7
        if write == 403:
            assert {r.json()["code"] for r in outcomes} == {"not_allowed"}
        assert state_of(application) == before


# Outcomes once submitted: the institution's and the program's officers see it too; nobody
# changes its parts in place; only the applicant amends and withdraws.
SUBMITTED_SEE = {
    "anonymous": 401,
    "applicant": 200,
    "team_member": 200,
    "institution_officer": 200,
    "program_officer": 200,
}


@pytest.mark.parametrize("who", ROLES)
def test_submitted_application_permission_matrix(
    ready_application: Callable[..., Application], university: Organisation, who: str
) -> None:
    application = ready_application()
    users = matrix_users(application, university)
    submit_application(application=application, actor=application.applicant)
    client = api(users[who])
    base = f"/api/v1/applications/{application.pk}"
    see = SUBMITTED_SEE.get(who, 404)
    assert [client.get(f"{base}/{part}/").status_code for part in ("team", "partners", "attachments")] == [see] * 3
    before = state_of(application)
    invite = client.post(f"{base}/team/", {"email": "new@example.com", "name": "新人", "role": "member"}, format="json")
    attach = client.post(f"{base}/attachments/", {"document": "application-form", "file": upload(other_docx(), "v2.docx")})
    if who == "applicant":
        assert (invite.status_code, invite.json()["code"]) == (400, "not_editable")
        assert (attach.status_code, attach.json()["code"]) == (400, "not_editable")
    else:
        assert (invite.status_code, attach.status_code) == ({200: 403}.get(see, see),) * 2
    assert state_of(application) == before
    amend = client.post(f"{base}/amend/", {"reason": "题目笔误", "changes": {"title": "改后的题目"}}, format="json")
    withdraw = client.post(f"{base}/withdraw/", {"reason": "不再申报"}, format="json")
    application.refresh_from_db()
    if who == "applicant":
        assert (amend.status_code, amend.json()["revision"]) == (201, 2)
        assert (withdraw.status_code, withdraw.json()) == (200, {"id": application.pk, "state": "withdrawn"})
        assert (application.title, application.state) == ("改后的题目", ApplicationState.WITHDRAWN)
    else:
        assert (amend.status_code, withdraw.status_code) == ({200: 403}.get(see, see),) * 2
        assert state_of(application) == before


def test_invitation_is_idempotent_and_refuses_other_details(
    ready_application: Callable[..., Application], scholar: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = ready_application()
    client = api(scholar)
    url = f"/api/v1/applications/{application.pk}/team/"
    body = {"email": "Li@Example.com", "name": "李娜", "role": "student", "presenter": True}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, body, format="json")
        again = client.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["email"] == "li@example.com"
    assert (first.json()["role"], first.json()["status"], first.json()["presenter"]) == ("student", "invited", True)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li@example.com"]
    other = client.post(url, {**body, "role": "member"}, format="json")
    assert other.status_code == 400
    assert other.json()["code"] == "already_invited"
    assert application.team.count() == 1
    bad = client.post(url, {"email": "not-an-address", "name": "", "role": "captain"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert sorted(bad.json()["fields"]) == ["email", "name", "role"]
    assert AuditEntry.objects.filter(action="shenbao.application.team_invited").count() == 1
    listed = client.get(url).json()
    assert [m["email"] for m in listed] == ["li@example.com"]
    assert "token" not in listed[0]


def test_invitee_lists_accepts_and_declines(ready_application: Callable[..., Application], scholar: User) -> None:
    first, second = ready_application("XM-T1"), ready_application("XM-T2")
    invitee = register_user(email="li@example.com", password=None, name="李娜")
    stranger = register_user(email="stranger@example.com", password=None, name="旁人")
    a = invite_team_member(application=first, email="li@example.com", name="李娜", role="member", actor=scholar)
    b = invite_team_member(application=second, email="li@example.com", name="李娜", role="member", actor=scholar)
    client = api(invitee)
    listed = client.get("/api/v1/invitations/").json()
    assert sorted(i["id"] for i in listed) == sorted([a.pk, b.pk])
    assert {i["applicant"] for i in listed} == {"scholar@example.com"}
    assert api(stranger).get("/api/v1/invitations/").json() == []
    assert api(stranger).post(f"/api/v1/invitations/{a.pk}/accept/", {"token": a.token}, format="json").status_code == 404
    accepted = client.post(f"/api/v1/invitations/{a.pk}/accept/", {"token": a.token}, format="json")
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    declined = client.post(f"/api/v1/invitations/{b.pk}/decline/", {"token": b.token}, format="json")
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    # Answering again changes nothing.
    assert client.post(f"/api/v1/invitations/{a.pk}/decline/", {"token": a.token}, format="json").json()["status"] == "accepted"
    assert TeamMember.objects.get(pk=a.pk).status == InvitationStatus.ACCEPTED
    assert client.get(f"/api/v1/applications/{first.pk}/").status_code == 200
    assert client.get(f"/api/v1/applications/{second.pk}/").status_code == 404
    assert api().get("/api/v1/invitations/").status_code == 401


def test_team_member_removed_with_an_audit_entry(ready_application: Callable[..., Application], scholar: User) -> None:
    application = ready_application()
    member = invite_team_member(application=application, email="li@example.com", name="李娜", role="member", actor=scholar)
    client = api(scholar)
    assert client.delete(f"/api/v1/applications/{application.pk}/team/{member.pk}/").status_code == 204
    assert application.team.count() == 0
    entry = AuditEntry.objects.get(action="shenbao.application.team_removed")
    assert entry.data == {"email": "li@example.com", "role": "member", "status": "invited"}
    assert client.delete(f"/api/v1/applications/{application.pk}/team/{member.pk}/").status_code == 404


def test_partners_added_edited_and_removed(ready_application: Callable[..., Application], scholar: User) -> None:
    application = ready_application()
    client = api(scholar)
    url = f"/api/v1/applications/{application.pk}/partners/"
    body = {"side": "foreign", "name": "ETH Zürich", "type": "university", "country": "CH", "legal_person": True}
    first = client.post(url, body, format="json")
    again = client.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json() | {"id": 0} == {
        "id": 0,
        "side": "foreign",
        "name": "ETH Zürich",
        "type": "university",
        "country": "CH",
        "legal_person": True,
        "registered_on": None,
        "matching_funds_yuan": 0,
        "networks": [],
        "affiliation_valid_until": None,
        "external_affiliation": None,
    }
    clash = client.post(url, {**body, "matching_funds_yuan": 5000}, format="json")
    assert (clash.status_code, clash.json()["code"]) == (400, "partner_listed")
    assert clash.json()["detail"] == "“ETH Zürich” is already a partner with other details; edit that partner instead."
    bad = client.post(url, {**body, "name": "Somewhere", "country": "XX"}, format="json")
    assert (bad.status_code, bad.json()["code"], list(bad.json()["fields"])) == (400, "invalid", ["country"])
    unknown = client.post(url, {**body, "name": "Elsewhere", "application": 1}, format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_fields")
    pk = first.json()["id"]
    edited = client.patch(f"{url}{pk}/", {"matching_funds_yuan": 5000, "registered_on": "1855-02-07"}, format="json")
    assert edited.status_code == 200
    assert (edited.json()["matching_funds_yuan"], edited.json()["registered_on"], edited.json()["name"]) == (
        5000,
        "1855-02-07",
        "ETH Zürich",
    )
    entry = AuditEntry.objects.get(action="shenbao.application.partner_changed")
    assert entry.data == {
        "name": "ETH Zürich",
        "changed": {"matching_funds_yuan": [0, 5000], "registered_on": [None, "1855-02-07"]},
    }
    invalid = client.patch(f"{url}{pk}/", {"side": "martian"}, format="json")
    assert (invalid.status_code, invalid.json()["code"]) == (400, "invalid")
    assert Partner.objects.get(pk=pk).side == "foreign"
    assert client.delete(f"{url}{pk}/").status_code == 204
    assert client.get(url).json() == []
    assert client.delete(f"{url}{pk}/").status_code == 404


def test_attachments_checked_by_content_and_size(ready_application: Callable[..., Application], scholar: User) -> None:
    application = ready_application()
    client = api(scholar)
    url = f"/api/v1/applications/{application.pk}/attachments/"
    existing = application.attachments.get()
    with existing.file.open("rb") as stored:
        data = stored.read()  # the attached form's own bytes: a retried upload
    again = client.post(url, {"document": "application-form", "file": upload(data, "申报表.docx")})
    assert (again.status_code, again.json()["id"]) == (200, existing.pk)
    wrong = client.post(url, {"document": "application-form", "file": upload(PDF, "disguised.docx")})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "file_refused")
    assert wrong.json()["detail"] == "The file's content is not an allowed format (docx)."
    macros = client.post(url, {"document": "application-form", "file": upload(docx_bytes(macros=True), "m.docx")})
    assert macros.json() == {
        "code": "file_refused",
        "detail": "Documents with macros are not accepted; save it as .docx without macros.",
    }
    unknown = client.post(url, {"document": "no-such", "file": upload(docx_bytes(), "x.docx")})
    assert unknown.json() == {"code": "file_refused", "detail": "This call asks for no document “no-such”."}
    missing = client.post(url, {"document": "application-form"})
    assert missing.json() == {"code": "file_missing", "detail": "Choose a file to upload."}
    link = client.post(url, {"document": "application-form", "url": "https://pan.example.com/s/1"}, format="json")
    assert link.json() == {"code": "file_refused", "detail": "This document must be uploaded as a file."}
    assert application.attachments.count() == 1
    download = client.get(f"{url}{existing.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data  # type: ignore[attr-defined]
    assert client.delete(f"{url}{existing.pk}/").status_code == 204
    assert application.attachments.count() == 0
    created = client.post(url, {"document": "application-form", "file": upload(docx_bytes(), "申报表.docx")})
    assert (created.status_code, created.json()["detected_format"], created.json()["original_name"]) == (
        201,
        "docx",
        "申报表.docx",
    )


def _small_documents(data: dict[str, Any]) -> None:
    data["required_documents"][0]["max_size_mb"] = 1


def test_oversize_attachments_are_refused(scholar: User, university: Organisation) -> None:
    call = open_call("000", code="small-000", edit=_small_documents)
    application = make_ready_application(call=call, applicant=scholar, organisation=university)
    client = api(scholar)
    url = f"/api/v1/applications/{application.pk}/attachments/"
    over_limit = docx_bytes() + b"\0" * (1024 * 1024 + 200_000)
    refused = client.post(url, {"document": "application-form", "file": upload(over_limit, "big.docx")})
    assert refused.status_code == 400
    assert refused.json() == {"code": "file_refused", "detail": "The file is 1.2 MB; at most 1 MB is allowed."}
    huge = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    too_big = client.post(url, {"document": "application-form", "file": upload(huge, "huge.pdf")})
    assert too_big.status_code == 413
    assert too_big.json() == {
        "code": "file_too_large",
        "detail": "The file is larger than this call accepts (at most 1 MB); nothing was saved.",
    }
    assert application.attachments.count() == 1


def test_share_links_where_the_call_allows_them(university: Organisation) -> None:
    call = open_call("004", code="open-004")
    user = register_user(email="media@example.com", password=None, name="案例申报")
    from shenbao.applications.services.drafts import start_application

    application = start_application(call=call, direction=call.directions.first(), applicant=user, lead_organisation=university)
    client = api(user)
    url = f"/api/v1/applications/{application.pk}/attachments/"
    body = {"document": "supporting-media", "url": "https://pan.example.com/s/video"}
    first = client.post(url, body, format="json")
    again = client.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json()["share_link"], first.json()["id"]) == ("https://pan.example.com/s/video", again.json()["id"])
    bad = client.post(url, {"document": "supporting-media", "url": "ftp://pan.example.com/x"}, format="json")
    assert bad.json() == {"code": "file_refused", "detail": "A share link starts with http:// or https://."}
    garbage = client.post(url, {"document": "supporting-media", "url": "not a link"}, format="json")
    assert (garbage.status_code, garbage.json()["code"], list(garbage.json()["fields"])) == (400, "invalid", ["url"])
    assert Attachment.objects.filter(application=application).count() == 1
    assert client.get(f"{url}{first.json()['id']}/").status_code == 404  # a link has no file to download


@pytest.fixture
def submitted(ready_application: Callable[..., Application]) -> Application:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    application.refresh_from_db()
    return application


def test_amend_needs_a_reason_and_valid_changes(submitted: Application) -> None:
    client = api(submitted.applicant)
    url = f"/api/v1/applications/{submitted.pk}/amend/"
    no_reason = client.post(url, {"reason": " ", "changes": {"title": "新题目"}}, format="json")
    assert no_reason.json() == {"code": "reason_required", "detail": "Say why you change the submitted application."}
    absent = client.post(url, {"changes": {"title": "新题目"}}, format="json")
    assert absent.json()["code"] == "reason_required"
    unknown = client.post(url, {"reason": "x", "changes": {"state": "draft"}}, format="json")
    assert unknown.json() == {"code": "unknown_fields", "detail": "These fields cannot be changed here: state."}
    long = client.post(url, {"reason": "x", "changes": {"title": "题" * 301}}, format="json")
    assert (long.status_code, long.json()["code"], list(long.json()["fields"])) == (400, "invalid", ["title"])
    emptied = client.post(url, {"reason": "x", "changes": {"values": {"summary": ""}}}, format="json")
    assert (emptied.status_code, emptied.json()["code"]) == (400, "required_fields_missing")
    submitted.refresh_from_db()
    assert (submitted.revision, submitted.values) == (1, XIAOMI_VALUES)
    done = client.post(url, {"reason": "题目笔误", "changes": {"title": "新题目"}}, format="json")
    assert done.status_code == 201
    submitted.refresh_from_db()
    assert done.json() == {"id": submitted.pk, "revision": 2, "version": submitted.version}
    assert list(submitted.revisions.values_list("number", "reason")) == [(1, ""), (2, "题目笔误")]


def test_amend_refused_once_the_call_allows_no_more_changes(submitted: Application) -> None:
    Call.objects.filter(pk=submitted.call_id).update(deadline=timezone.now() - dt.timedelta(hours=1))
    client = api(submitted.applicant)
    refused = client.post(
        f"/api/v1/applications/{submitted.pk}/amend/", {"reason": "晚了", "changes": {"title": "新题目"}}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "deadline_passed")
    assert refused.json()["detail"].startswith("The deadline (")
    assert AuditEntry.objects.filter(action="shenbao.application.late_refused").count() == 1
    submitted.refresh_from_db()
    assert (submitted.title, submitted.revision) == ("面向端侧大模型的高效推理", 1)


def test_amend_a_draft_or_a_decided_application_is_refused(
    ready_application: Callable[..., Application], submitted: Application
) -> None:
    draft = ready_application("XM-T2")
    client = api(draft.applicant)
    body = {"reason": "改", "changes": {"title": "新题目"}}
    refused = client.post(f"/api/v1/applications/{draft.pk}/amend/", body, format="json")
    assert refused.json() == {"code": "not_editable", "detail": "This application cannot be changed in its current state."}
    Application.objects.filter(pk=submitted.pk).update(state=ApplicationState.CHECK_PASSED)
    refused = client.post(f"/api/v1/applications/{submitted.pk}/amend/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "not_editable")


def test_withdraw_twice_is_refused_with_a_code(submitted: Application) -> None:
    client = api(submitted.applicant)
    url = f"/api/v1/applications/{submitted.pk}/withdraw/"
    assert client.post(url, {}, format="json").json() == {"id": submitted.pk, "state": "withdrawn"}
    again = client.post(url, {}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "invalid_transition")
    entry = AuditEntry.objects.get(action="shenbao.application.withdrawn")
    assert entry.data["reason"] == ""


def test_refusals_are_in_the_request_language(ready_application: Callable[..., Application], scholar: User) -> None:
    application = ready_application()
    client = api(scholar)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(scholar)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post(f"/api/v1/applications/{application.pk}/team/", {"role": "member"}, format="json")
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]["email"] == ["此项为必填项。"]


def test_amend_refused_once_staff_closed_the_call_before_the_deadline(submitted: Application) -> None:
    Call.objects.filter(pk=submitted.call_id).update(status="closed")
    response = api(submitted.applicant).post(
        f"/api/v1/applications/{submitted.pk}/amend/", {"reason": "改", "changes": {"title": "新题目"}}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "deadline_passed")
    submitted.refresh_from_db()
    assert submitted.revision == 1
