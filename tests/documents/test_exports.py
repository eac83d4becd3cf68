"""Exports: bilingual headers, frozen header rows, widths, no formulas; staff page and API alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.documents.layout.tables import Column, to_csv, to_xlsx
from tests.applications.fixtures import open_call
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db
COLUMNS = [Column("receipt", "受理编号", "Receipt number", 18), Column("title", "项目名称", "Project name", 40)]


def test_xlsx_has_chinese_and_english_headers_frozen_with_widths() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(COLUMNS, [{"receipt": "2025-001", "title": "端侧推理"}]))).active

    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["受理编号", "项目名称"],
        ["Receipt number", "Project name"],
        ["2025-001", "端侧推理"],
    ]
    assert sheet.freeze_panes == "A3"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (18, 40)


def test_cells_that_look_like_formulas_stay_text() -> None:
    rows = [{"receipt": '=HYPERLINK("http://x")', "title": "@SUM(A1)"}]
    sheet = load_workbook(io.BytesIO(to_xlsx(COLUMNS, rows))).active
    assert [c.value for c in sheet[3]] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    text = to_csv(COLUMNS, rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["受理编号 / Receipt number", "项目名称 / Project name"],
        ['\'=HYPERLINK("http://x")', "'@SUM(A1)"],
    ]


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def submitted(ready_application: Callable[..., Application]) -> Application:
    application = ready_application("XM-T1")
    submit_application(application=application, actor=application.applicant)
    application.refresh_from_db()
    return application


def test_staff_export_of_the_filtered_queue(client: Client, officer: Any, submitted: Application, xiaomi_call: Call) -> None:
    client.force_login(officer)
    page = client.get(reverse("web:formal_check", args=[xiaomi_call.code]) + "?direction=XM-T1").content.decode()
    url = reverse("web:call_export", args=[xiaomi_call.code, "applications", "xlsx"])
    assert f"{url}?direction=XM-T1" in page

    sheet = load_workbook(io.BytesIO(client.get(url + "?direction=XM-T1").content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [(r[0], r[1], r[3]) for r in rows] == [(submitted.receipt_number, "XM-T1", "面向端侧大模型的高效推理")]

    empty = load_workbook(io.BytesIO(client.get(url + "?direction=XM-T2").content)).active
    assert empty.max_row == 2

    rules = client.get(reverse("web:call_export", args=[xiaomi_call.code, "rule-results", "csv"])).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(rules)))
    assert lines[0][0] == "受理编号 / Receipt number"
    assert {line[0] for line in lines[1:]} == {submitted.receipt_number}
    assert len(lines) - 1 == len(submitted.check_results)


@pytest.mark.parametrize(("who", "status"), [("applicant", 404), ("staff_of_another_program", 404), ("officer", 200)])
def test_exports_and_pdf_zip_are_for_the_programs_staff(
    client: Client, officer: Any, submitted: Application, xiaomi_call: Call, who: str, status: int
) -> None:
    other = UserFactory()
    grant_program_role(program=open_call("004", code="other-004").program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    user = {"applicant": submitted.applicant, "staff_of_another_program": other, "officer": officer}[who]
    client.force_login(user)

    assert client.get(reverse("web:call_export", args=[xiaomi_call.code, "applications", "csv"])).status_code == status
    # The zip is queued by a POST (it is prepared in the background: tests/documents/test_file_jobs.py).
    assert client.post(reverse("web:call_pdfs", args=[xiaomi_call.code])).status_code == (302 if status == 200 else status)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    response = api.get(f"/api/v1/calls/{xiaomi_call.code}/exports/applications.xlsx")
    assert response.status_code == status
    if status == 200:
        assert load_workbook(io.BytesIO(response.content)).active["A3"].value == submitted.receipt_number


def test_unknown_export_or_format_is_404(client: Client, officer: Any, xiaomi_call: Call) -> None:
    client.force_login(officer)
    assert client.get(reverse("web:call_export", args=[xiaomi_call.code, "objections", "xlsx"])).status_code == 404
    assert client.get(reverse("web:call_export", args=[xiaomi_call.code, "applications", "pdf"])).status_code == 404


def test_api_gives_the_applicant_their_form_and_revision_pdf(submitted: Application) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(submitted.applicant)}")

    form = api.get(f"/api/v1/applications/{submitted.pk}/form.docx")
    pdf = api.get(f"/api/v1/applications/{submitted.pk}/revisions/1.pdf")

    assert (form.status_code, form.content[:2]) == (200, b"PK")
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(UserFactory())}")
    assert stranger.get(f"/api/v1/applications/{submitted.pk}/revisions/1.pdf").status_code == 404


def test_export_query_count_does_not_grow_with_applications(
    client: Client, officer: Any, xiaomi_call: Call, ready_application: Callable[..., Application], university: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shenbao.accounts.services.accounts import add_membership
    from tests.documents.fixtures_users import young_scholar

    application = ready_application("XM-T1")
    submit_application(application=application, actor=application.applicant)
    client.force_login(officer)
    url = reverse("web:call_export", args=[xiaomi_call.code, "applications", "csv"])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(3):
        user = young_scholar(f"more{i}@example.com")
        add_membership(user=user, organisation=university)
        more = ready_application("XM-T2", user=user)
        submit_application(application=more, actor=user)
    with CaptureQueriesContext(connection) as four:
        text = client.get(url).content.decode("utf-8-sig")

    assert len(text.strip().splitlines()) == 5
    assert len(four.captured_queries) == len(one.captured_queries)
