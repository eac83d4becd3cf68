"""The post-award API (issue 19): a project's tranches, reports with decisions, agreement hash and
document, and change requests; the PI submits a change.  Allowed and refused identities answer as
the web pages' predicates say, and the OpenAPI schema describes the answers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, User
from shenbao.agreements.models import Agreement
from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.projects.enums import ChangeStatus
from shenbao.projects.models import ChangeRequest, Project, Report
from shenbao.projects.services.changes import decide_change
from shenbao.projects.services.disbursement import plan_tranche
from tests.factories import OrganisationFactory, UserFactory, api_token_key
from tests.openapi_support import CHECKS, NO_RATE_LIMITS, load_schema
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 10, 20)
DOCUMENT = b"PK\x03\x04 agreement text"


@pytest.fixture(autouse=True)
def no_limits(settings: Any, tmp_path: Any) -> None:
    settings.SHENBAO_API_RATES = NO_RATE_LIMITS
    settings.MEDIA_ROOT = tmp_path  # the agreement's text is written to storage


@pytest.fixture
def officer(load_seed: Callable[[str], Call]) -> User:
    call = load_seed("003")
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def project(officer: User) -> Project:
    project = started_project(Call.objects.get(), direction="1.2", officer=officer)
    plan_tranche(
        project=project, amount_yuan=60, condition="on_signing", planned_on=dt.date(2025, 11, 1), actor=officer, today=TODAY
    )
    Report.objects.create(project=project, kind="midterm", text="进展", status="failed", decision_reasons="指标未达成")
    agreement = project.agreement
    agreement.text.save("agreement.docx", ContentFile(DOCUMENT), save=False)
    agreement.text_sha256 = hashlib.sha256(DOCUMENT).hexdigest()
    agreement.save(update_fields=["text", "text_sha256"])
    return project


def _api(user: User | None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def _identities(project: Project, officer: User) -> dict[str, User | None]:
    org = OrganisationFactory()
    Application.objects.filter(pk=project.agreement.award.application_id).update(lead_organisation=org)
    institution_officer = UserFactory()
    Membership.objects.create(user=institution_officer, organisation=org, role=MembershipRole.OFFICER)
    other_staff = UserFactory()
    other_call = Call.objects.get()
    other_call.program.pk = None  # another program, with an officer who is not this call's
    other_call.program.code = "other"
    other_call.program.save()
    grant_program_role(program=other_call.program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    return {
        "anonymous": None,
        "pi": project.agreement.award.application.applicant,
        "stranger": UserFactory(),
        "institution_officer": institution_officer,
        "other_program_staff": other_staff,
        "staff": officer,
    }


def test_reads_follow_the_pages_predicates(project: Project, officer: User) -> None:
    who = _identities(project, officer)
    base = f"/api/v1/projects/{project.pk}"
    allowed = {
        "tranches/": {"pi", "staff"},
        "reports/": {"pi", "staff"},
        "changes/": {"pi", "staff"},
        "agreement/": {"pi", "institution_officer", "staff"},
        "agreement.docx": {"pi", "institution_officer", "staff"},
    }
    seen = {}
    for path, roles in allowed.items():
        for role, user in who.items():
            status = _api(user).get(f"{base}/{path}").status_code
            seen[(path, role)] = status
            expected = 200 if role in roles else 401 if role == "anonymous" else 404
            assert status == expected, (path, role, status)
    pi = _api(who["pi"])
    tranches = pi.get(f"{base}/tranches/").json()
    assert [(t["position"], t["amount_yuan"], t["status"], t["paid_amount_yuan"]) for t in tranches] == [(1, 60, "due", None)]
    reports = pi.get(f"{base}/reports/").json()
    assert [(r["kind"], r["status"], r["decision_reasons"]) for r in reports] == [("midterm", "failed", "指标未达成")]
    agreement = pi.get(f"{base}/agreement/").json()
    assert agreement["text_sha256"] == hashlib.sha256(DOCUMENT).hexdigest()
    assert agreement["document"].endswith(f"/api/v1/projects/{project.pk}/agreement.docx")
    download = pi.get(f"{base}/agreement.docx")
    assert download.content == DOCUMENT
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_pi_requests_a_change_and_others_are_refused(project: Project, officer: User) -> None:
    who = _identities(project, officer)
    url = f"/api/v1/projects/{project.pk}/changes/"
    body = {"kind": "extension", "reason": "设备延迟到货", "new_end_date": (project.end_date + dt.timedelta(days=90)).isoformat()}
    for role in ("anonymous", "stranger", "institution_officer", "other_program_staff"):
        assert _api(who[role]).post(url, body, format="json").status_code in (401, 404), role
    refused = _api(officer).post(url, body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    assert not ChangeRequest.objects.exists()
    pi = who["pi"]
    for data, code, detail, language in (
        ({"kind": "merger", "reason": "x"}, "change_kind_required", "Choose the kind of change.", "en"),
        ({**body, "new_end_date": "next year"}, "invalid_date", "Enter the date as YYYY-MM-DD.", "en"),
        ({"kind": "pi", "reason": "调离"}, "change_pi_required", "请填写新负责人账号的邮箱。", "zh-hans"),
        (
            {"kind": "pi", "reason": "调离", "new_pi_email": "nobody@example.com"},
            "change_pi_unknown",
            "No account uses the e-mail nobody@example.com: the new PI registers first.",
            "en",
        ),
        (
            {"kind": "institution", "reason": "调动", "new_institution": "丙大学"},
            "change_institution_unknown",
            "没有登记为“丙大学”的单位。",
            "zh-hans",
        ),
    ):
        answer = _api(pi, language).post(url, data, format="json")
        assert (answer.status_code, answer.json()["code"], answer.json()["detail"]) == (400, code, detail)
    assert not ChangeRequest.objects.exists()
    created = _api(pi).post(url, body, format="json")
    assert created.status_code == 201
    assert (created.json()["kind"], created.json()["status"], created.json()["new_end_date"]) == (
        "extension",
        "requested",
        body["new_end_date"],
    )
    new = UserFactory(email="next@example.com")
    change = _api(pi).post(url, {"kind": "pi", "reason": "调离", "new_pi_email": "NEXT@example.com"}, format="json").json()
    assert change["new_pi_email"] == "next@example.com"
    listed = _api(officer).get(url).json()
    assert [(c["kind"], c["status"]) for c in listed] == [("extension", "requested"), ("pi", "requested")]
    assert [p["id"] for p in _api(pi).get("/api/v1/projects/").json()] == [project.pk]
    assert [p["id"] for p in _api(officer).get("/api/v1/projects/").json()] == [project.pk]
    assert _api(new).get("/api/v1/projects/").json() == []
    assert _api(who["other_program_staff"]).get("/api/v1/projects/").json() == []
    # Approved, the change of PI moves the API with the project: the new PI reads, the old one no longer.
    decide_change(change=ChangeRequest.objects.get(pk=change["id"]), approve=True, note="", actor=officer)
    assert _api(pi).get("/api/v1/projects/").json() == []
    assert [p["id"] for p in _api(new).get("/api/v1/projects/").json()] == [project.pk]
    assert ChangeRequest.objects.get(pk=change["id"]).status == ChangeStatus.APPROVED
    assert _api(pi).get(url).status_code == 404
    assert _api(new).get(url).status_code == 200
    assert _api(new).post(url, {"kind": "budget", "reason": "调整"}, format="json").status_code == 201


def test_the_schema_describes_the_post_award_answers(project: Project, officer: User) -> None:
    pi = project.agreement.award.application.applicant
    schema = load_schema()
    headers = {"Accept-Language": "en", "Authorization": f"Token {api_token_key(pi)}"}
    listed = schema.make_case(operation=schema["/api/v1/projects/"]["GET"], headers=headers)
    answer = listed.call()
    assert answer.status_code == 200
    listed.validate_response(answer, checks=CHECKS)
    for method, path, body, expected in (
        ("GET", "/api/v1/projects/{id}/tranches/", None, 200),
        ("GET", "/api/v1/projects/{id}/reports/", None, 200),
        ("GET", "/api/v1/projects/{id}/agreement/", None, 200),
        ("GET", "/api/v1/projects/{id}/agreement.docx", None, 200),
        ("GET", "/api/v1/projects/{id}/changes/", None, 200),
        ("POST", "/api/v1/projects/{id}/changes/", {"kind": "pi", "reason": "调离"}, 400),
        ("POST", "/api/v1/projects/{id}/changes/", {"kind": "budget", "reason": "调整"}, 201),
    ):
        parts: dict[str, Any] = {"path_parameters": {"id": project.pk}}
        if body is not None:
            parts.update(body=body, media_type="application/json")
        case = schema.make_case(operation=schema[path][method], headers=headers, **parts)
        response = case.call()
        assert response.status_code == expected, (path, response.text[:300])
        case.validate_response(response, checks=CHECKS)
    assert Agreement.objects.get(pk=project.agreement.pk).text_sha256


def test_the_project_list_costs_the_same_queries_for_one_project_or_three(project: Project, officer: User) -> None:
    client = _api(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/projects/").status_code == 200
        return len(queries)

    count()  # the token's first use of the day is noted once
    one = count()
    for n in (2, 3):
        started_project(Call.objects.get(), direction="1.2", officer=officer, email=f"pi{n}@example.com")
    assert len(client.get("/api/v1/projects/").json()) == 3
    assert count() == one
