"""Issue 19, the change approval record (变更批复): every project change that takes effect (approved by
staff, or at once under the call's reallocation term) gets one Word document with the before and after,
the PI's reason and the decision, numbered per agreement and kept with its SHA-256; a rejected or
refused change gets none.  Whoever may see the agreement (the current PI, the current institution's
officers, the program's staff) lists and downloads them on the agreement and project pages and through
the API; the old PI, after a change of PI, no longer does."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any
from unittest import mock

import docx
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, User
from shenbao.accounts.services.accounts import register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.text import generate_text
from shenbao.applications.models import Application
from shenbao.calls.definition.schema import AgreementTerms
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.core.text import text_get
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Amendment, ChangeRequest, Project
from shenbao.projects.services.changes import decide_change, request_change
from tests.factories import OrganisationFactory, UserFactory, api_token_key
from tests.projects.test_approved_budget import _approve, _moved, call, english, officer, project  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

#: 2026-03-01 09:00 and 2026-03-02 10:30 in Beijing.
REQUESTED = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)
DECIDED = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC)


def _read(amendment: Amendment) -> tuple[list[str], list[tuple[str, ...]]]:
    """The document's paragraphs and its before-and-after table, after checking the stored hash."""
    with default_storage.open(amendment.file.name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == amendment.sha256
    document = docx.Document(io.BytesIO(data))
    (table,) = document.tables
    return [p.text for p in document.paragraphs], [tuple(c.text for c in row.cells) for row in table.rows]


def _pi(of: Project) -> User:
    return Application.objects.get(pk=of.agreement.award.application_id).applicant


def _fresh(of: Project) -> Project:
    return Project.objects.select_related("agreement__award__application").get(pk=of.pk)


def _ready(project: Project, officer: User) -> Project:  # noqa: F811
    """The approved budget, a receipt number, the institution and the agreement text."""
    _approve(project, officer)
    Application.objects.filter(pk=project.agreement.award.application_id).update(
        receipt_number="2026-0031", lead_organisation=OrganisationFactory(name={"zh-hans": "甲大学", "en": "University A"})
    )
    # The text as generated before signing (the fixture's agreement is signed already).
    Agreement.objects.filter(pk=project.agreement.pk).update(status=AgreementStatus.PENDING)
    generate_text(agreement=Agreement.objects.get(pk=project.agreement.pk), actor=officer)
    Agreement.objects.filter(pk=project.agreement.pk).update(status=AgreementStatus.SIGNED)
    return _fresh(project)


def test_each_kind_of_change_gets_one_amendment_with_its_before_and_after(project: Project, officer: User) -> None:  # noqa: F811
    project = _ready(project, officer)
    register_user(email="wang@example.com", password=None, name="王五")
    OrganisationFactory(name={"zh-hans": "乙研究所", "en": "Institute B"}, credit_code="91110000600037341L")
    end = project.end_date
    agreement = Agreement.objects.get(pk=project.agreement.pk)

    steps: list[tuple[str, dict[str, Any], str, list[tuple[str, ...]]]] = [
        (
            "pi",
            {"new_pi_email": "wang@example.com"},
            "项目负责人变更",
            [("项目负责人", "项目负责人", "王五"), ("电子邮箱", "pi@example.com", "wang@example.com")],
        ),
        ("institution", {"new_institution": "乙研究所"}, "承担单位变更", [("承担单位", "甲大学", "乙研究所")]),
        ("budget", {"new_budget": _moved("12", "24")}, "预算调剂", []),
        (
            "extension",
            {"new_end_date": end + dt.timedelta(days=180)},
            "项目延期",
            [("执行期结束日期", end.isoformat(), (end + dt.timedelta(days=180)).isoformat())],
        ),
    ]
    for number, (kind, extra, title, rows) in enumerate(steps, start=1):
        change = request_change(
            project=_fresh(project),
            kind=kind,
            reason=f"{title}的理由",
            new_end_date=extra.pop("new_end_date", None),
            actor=_pi(project),
            **extra,
        )
        ChangeRequest.objects.filter(pk=change.pk).update(requested_at=REQUESTED)
        decide_change(change=change, approve=True, note="同意", actor=officer, now=DECIDED)
        amendment = Amendment.objects.get(change=change)
        assert (amendment.agreement_id, amendment.number, amendment.created_at) == (agreement.pk, number, DECIDED)
        paragraphs, table = _read(amendment)
        assert paragraphs == [
            "项目变更批复",
            f"批复编号：第 {number} 号",
            f"指南：{text_get(project.agreement.award.call.title, 'zh-hans')}",
            "受理编号：2026-0031",
            "项目名称：1.2 项目",
            f"任务书 SHA-256：{agreement.text_sha256}",
            f"变更类型：{title}",
            *(["（核定预算：国拨经费，按预算科目列示）"] if kind == "budget" else []),
            f"变更理由：{title}的理由",
            f"申请人：{'项目负责人' if kind == 'pi' else '王五'}；申请时间：2026-03-01 09:00（北京时间）",
            "批复决定：同意变更",
            "批复意见：同意",
            f"批复人：{officer.display_name}",
            "批复时间：2026-03-02 10:30（北京时间）",
        ]
        assert table[0] == ("事项", "变更前", "变更后")
        if kind == "budget":
            budget = {row[0].strip(): row[1:] for row in table[1:]}
            assert budget["设备费"] == ("16.00 万元", "12.00 万元")
            assert budget["劳务费"] == ("20.00 万元", "24.00 万元")
            assert budget["间接费用"] == ("12.00 万元", "12.00 万元")
            assert budget["合计"] == ("80.00 万元", "80.00 万元")
            assert table[-1][0] == "合计"
        else:
            assert table[1:] == rows
    assert Amendment.objects.filter(agreement=agreement).count() == 4
    entries = AuditEntry.objects.filter(action="shenbao.project.amendment_generated").order_by("pk")
    assert [(e.data["number"], e.data["kind"], e.actor_id) for e in entries] == [
        (1, "pi", officer.pk),
        (2, "institution", officer.pk),
        (3, "budget", officer.pk),
        (4, "extension", officer.pk),
    ]
    assert [e.data["sha256"] for e in entries] == list(Amendment.objects.order_by("number").values_list("sha256", flat=True))


def test_a_rejected_or_refused_change_gets_no_amendment(project: Project, officer: User) -> None:  # noqa: F811
    project = _ready(project, officer)
    rejected = request_change(
        project=project,
        kind="extension",
        reason="延期",
        new_end_date=project.end_date + dt.timedelta(days=30),
        actor=_pi(project),
    )
    decide_change(change=rejected, approve=False, note="理由不足", actor=officer)
    gone = UserFactory(email="gone@example.com")
    refused = request_change(
        project=_fresh(project), kind="pi", reason="调离", new_end_date=None, actor=_pi(project), new_pi_email=gone.email
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    with pytest.raises(ProjectError):
        decide_change(change=refused, approve=True, note="", actor=officer)
    assert not Amendment.objects.exists()
    assert not AuditEntry.objects.filter(action="shenbao.project.amendment_generated").exists()
    # The next approved change is number 1 of the agreement.
    later = request_change(
        project=_fresh(project),
        kind="extension",
        reason="再次申请延期",
        new_end_date=project.end_date + dt.timedelta(days=60),
        actor=_pi(project),
    )
    decide_change(change=later, approve=True, note="", actor=officer)
    assert list(Amendment.objects.values_list("change_id", "number")) == [(later.pk, 1)]
    paragraphs, _table = _read(Amendment.objects.get())
    assert "批复意见：—" in paragraphs


def test_a_reallocation_that_takes_effect_without_approval_gets_its_amendment(project: Project, officer: User) -> None:  # noqa: F811
    project = _ready(project, officer)
    terms = AgreementTerms(reallocation_without_approval_percent=5)
    with (
        mock.patch("shenbao.projects.services.changes.agreement_terms", return_value=terms),
        mock.patch("shenbao.projects.services.amendments.agreement_terms", return_value=terms),
    ):
        change = request_change(
            project=project,
            kind="budget",
            reason="小额调剂",
            new_end_date=None,
            actor=_pi(project),
            new_budget=_moved("12", "24"),
        )
    assert (change.status, change.decided_by) == ("approved", None)
    amendment = Amendment.objects.get(change=change)
    paragraphs, table = _read(amendment)
    assert "批复人：无需审批：调剂不超过国拨经费的 5%，依指南条款自动生效" in paragraphs
    assert {row[0].strip(): row[1:] for row in table[1:]}["设备费"] == ("16.00 万元", "12.00 万元")
    entry = AuditEntry.objects.get(action="shenbao.project.amendment_generated")
    assert (entry.actor_id, entry.data["number"]) == (None, 1)


# --- Who lists and downloads them ---------------------------------------------------------------------


def _client(user: User | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def changed(project: Project, officer: User) -> dict[str, Any]:  # noqa: F811
    """After an approved change of PI: the old and new PI, the institution's officer, and the others."""
    project = _ready(project, officer)
    old = _pi(project)
    new = register_user(email="wang@example.com", password=None, name="王五")
    change = request_change(project=project, kind="pi", reason="调离", new_end_date=None, actor=old, new_pi_email=new.email)
    decide_change(change=change, approve=True, note="同意", actor=officer, now=DECIDED)
    institution_officer = UserFactory()
    Membership.objects.create(
        user=institution_officer, organisation=project.agreement.award.application.lead_organisation, role=MembershipRole.OFFICER
    )
    reviewer = UserFactory()  # a judge of the call's program
    grant_program_role(program=project.agreement.award.call.program, user=reviewer, role=ProgramRoleKind.JUDGE)
    other = register_user(email="other@example.com", password=None, name="别的申请人")
    return {
        "project": _fresh(project),
        "amendment": Amendment.objects.get(),
        "users": {
            "staff": officer,
            "new_pi": new,
            "institution_officer": institution_officer,
            "old_pi": old,
            "other_applicant": other,
            "reviewer": reviewer,
            "anonymous": None,
        },
    }


WHO_MAY = {
    "staff": True,
    "new_pi": True,
    "institution_officer": True,
    "old_pi": False,
    "other_applicant": False,
    "reviewer": False,
}


def test_the_download_follows_the_agreement_and_the_old_pi_loses_it(changed: dict[str, Any]) -> None:
    amendment: Amendment = changed["amendment"]
    url = reverse("web:agreement_amendment", args=[amendment.agreement_id, 1])
    assert url == f"/agreements/{amendment.agreement_id}/amendments/1/"
    answers = {}
    for role, user in changed["users"].items():
        response = _client(user).get(url)
        answers[role] = response.status_code
        if response.status_code == 200:
            data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
            assert hashlib.sha256(data).hexdigest() == amendment.sha256
            assert response["Content-Disposition"] == f'attachment; filename="2026-0031-amendment-1-{amendment.sha256[:12]}.docx"'
    assert answers == {**{r: 200 if ok else 404 for r, ok in WHO_MAY.items()}, "anonymous": 302}
    missing = _client(changed["users"]["staff"]).get(reverse("web:agreement_amendment", args=[amendment.agreement_id, 2]))
    assert missing.status_code == 404
    assert _client(changed["users"]["new_pi"]).post(url).status_code == 405


def test_the_project_and_agreement_pages_list_the_amendments_in_both_languages(changed: dict[str, Any]) -> None:
    project: Project = changed["project"]  # noqa: F811
    amendment: Amendment = changed["amendment"]
    link = f'href="/agreements/{amendment.agreement_id}/amendments/1/"'
    row = '<tr data-amendment="1" data-kind="pi">'
    for language, heading, label, kind in (
        ("en", "Change approval records (amendments)", "No. 1 (.docx)", "Change of PI"),
        ("zh-hans", "变更批复", "第 1 号（.docx）", "负责人变更"),
    ):
        for user, page in (
            (changed["users"]["new_pi"], f"/projects/{project.pk}/"),
            (changed["users"]["staff"], f"/projects/{project.pk}/"),
            (changed["users"]["new_pi"], f"/agreements/{project.agreement_id}/"),
            (changed["users"]["institution_officer"], f"/agreements/{project.agreement_id}/"),
        ):
            html = _client(user, language).get(page).content.decode()
            assert heading in html and row in html and f"{link}>{label}</a>" in html and kind in html, (language, page)
            assert amendment.sha256 in html
    empty_project = _client(changed["users"]["staff"], "zh-hans").get(f"/projects/{project.pk}/").content.decode()
    assert "尚无获批的项目变更。" not in empty_project


def test_a_project_without_approved_changes_says_so(project: Project, officer: User) -> None:  # noqa: F811
    for language, text in (("en", "No change of the project has been approved."), ("zh-hans", "尚无获批的项目变更。")):
        html = _client(officer, language).get(f"/projects/{project.pk}/").content.decode()
        assert text in html
        agreement_page = _client(officer, language).get(f"/agreements/{project.agreement_id}/").content.decode()
        assert 'class="amendments"' not in agreement_page  # listed there once there is one


def test_the_api_lists_and_serves_the_amendments_with_the_same_permissions(changed: dict[str, Any]) -> None:
    project: Project = changed["project"]  # noqa: F811
    amendment: Amendment = changed["amendment"]
    change = ChangeRequest.objects.get()
    listed = f"/api/v1/projects/{project.pk}/amendments/"
    document = f"http://testserver/api/v1/projects/{project.pk}/amendments/1.docx"
    answers = {}
    for role, user in changed["users"].items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
        response = client.get(listed)
        answers[role] = response.status_code
        if response.status_code == 200:
            assert response.json() == [
                {
                    "number": 1,
                    "kind": "pi",
                    "change": change.pk,
                    "created": "2026-03-02T10:30:00+08:00",
                    "sha256": amendment.sha256,
                    "document": document,
                }
            ]
            file = client.get(document)
            assert file.status_code == 200
            assert hashlib.sha256(b"".join(file.streaming_content)).hexdigest() == amendment.sha256  # type: ignore[attr-defined]
        elif user is not None:
            assert client.get(document).status_code == 404
    assert answers == {**{r: 200 if ok else 404 for r, ok in WHO_MAY.items()}, "anonymous": 401}


def test_the_project_page_lists_amendments_in_a_constant_number_of_queries(project: Project, officer: User) -> None:  # noqa: F811
    client = _client(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/projects/{project.pk}/").status_code == 200
        return len(captured)

    end = project.end_date
    counts = []
    for days in (30, 60, 90):
        change = request_change(
            project=_fresh(project),
            kind="extension",
            reason="延期",
            new_end_date=end + dt.timedelta(days=days),
            actor=_pi(project),
        )
        decide_change(change=change, approve=True, note="", actor=officer)
        counts.append(queries())
    assert Amendment.objects.count() == 3
    assert counts[0] == counts[1] == counts[2]
