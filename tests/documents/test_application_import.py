"""Bulk import of applications: the dry run lists every row's problems; the import is all or nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.documents.layout.spec import FieldSpec, Kind
from shenbao.documents.layout.table_import import ImportProblem, check_rows
from tests.factories import UserFactory

EN = {"accept-language": "en"}
FORM = [
    FieldSpec("title", "方案名称", Kind.TEXT, aliases=("Proposal title",)),
    FieldSpec("months", "周期（月）", Kind.NUMBER, integer=True, max_value=48),
]


def test_rows_are_read_by_code_or_label_and_every_problem_is_listed() -> None:
    rows = [
        {"applicant_email": "A@example.com", "direction": "T1", "Proposal title": "方案一", "周期（月）": "12"},
        {"applicant_email": "nobody@example.com", "direction": "T9", "Proposal title": "方案二", "周期（月）": "60"},
        {"applicant_email": "", "direction": "T1", "Proposal title": "", "周期（月）": "一年", "备注": "x"},
    ]

    checked, problems = check_rows(rows, {"T1": FORM, "T2": FORM}, applicants={"a@example.com"})

    first = checked[0]
    assert (first.applicant_email, first.direction, first.values) == ("a@example.com", "T1", {"title": "方案一", "months": 12})
    assert problems == [
        ImportProblem(1, "备注", "unknown_column", "备注"),
        ImportProblem(3, "applicant_email", "no_such_applicant", "nobody@example.com"),
        ImportProblem(3, "direction", "unknown_direction", "T9"),
        ImportProblem(4, "applicant_email", "missing_applicant"),
        ImportProblem(4, "months", "not_a_number", "一年"),
    ]


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.mark.django_db
def test_staff_import_applications_after_a_dry_run(client: Client, officer: Any, xiaomi_call: Call, scholar: User) -> None:
    client.force_login(officer)
    url = reverse("web:application_import", args=[xiaomi_call.code])
    header = ["applicant_email", "direction", "方案名称", "summary", "plan"]
    bad = _xlsx([header, ["scholar@example.com", "XM-T1", "方案", "摘要", "计划"], ["x@example.com", "XM-T1", "方案", "", ""]])
    before = (Application.objects.count(), AuditEntry.objects.count())

    page = client.post(url, {"file": SimpleUploadedFile("apps.xlsx", bad)}, headers=EN).content.decode()
    assert "Row 3, column applicant_email: Nobody is registered with this e-mail address" in page
    client.post(url, {"confirm": "1"}, headers=EN)
    assert (Application.objects.count(), AuditEntry.objects.count()) == before

    good = _xlsx([header, ["Scholar@example.com", "XM-T2", "导入的方案", "摘要", "计划"]])
    page = client.post(url, {"file": SimpleUploadedFile("apps.xlsx", good)}, headers=EN).content.decode()
    assert "Applications to create: 1." in page
    response = client.post(url, {"confirm": "1"}, headers=EN, follow=True)

    assert "1 application(s) imported as drafts." in response.content.decode()
    application = Application.objects.get(call=xiaomi_call)
    assert (application.applicant, application.direction.code, application.state) == (scholar, "XM-T2", "draft")
    assert (application.title, application.values) == ("导入的方案", {"summary": "摘要", "plan": "计划"})
    assert AuditEntry.objects.filter(action="shenbao.application.imported", actor=officer).count() == 1


@pytest.mark.django_db
def test_only_the_programs_staff_may_import_applications(client: Client, xiaomi_call: Call, scholar: User) -> None:
    client.force_login(scholar)
    url = reverse("web:application_import", args=[xiaomi_call.code])
    data = _xlsx([["applicant_email", "direction", "title"], ["scholar@example.com", "XM-T1", "x"]])
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": SimpleUploadedFile("apps.xlsx", data)}).status_code == 404
    assert Application.objects.count() == 0
