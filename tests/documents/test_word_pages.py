"""The applicant's Word form pages: download, upload, confirm; bad files change nothing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.documents.describe import form_spec
from shenbao.documents.services.word import blank_form
from tests.documents.helpers import docx_with, fill_docx
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _filled(application: Application, typed: dict[str, str]) -> bytes:
    spec = form_spec(
        call=application.call,
        definition=current_definition(application.call),
        direction=application.direction,
        language="zh-hans",
        application=None,
    )
    return fill_docx(blank_form(call=application.call, direction=application.direction, language="zh-hans"), spec, typed)


def _upload(client: Client, application: Application, data: bytes, name: str = "申报表.docx") -> Any:
    url = reverse("web:application_form_upload", args=[application.pk])
    return client.post(url, {"form": SimpleUploadedFile(name, data)}, headers=EN, follow=True)


def _state(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (application.version, application.title, application.values, AuditEntry.objects.count())


def test_public_call_page_offers_the_blank_form(client: Client, xiaomi_call: Call) -> None:
    page = client.get(reverse("web:call_detail", args=[xiaomi_call.code])).content.decode()
    url = reverse("web:call_form", args=[xiaomi_call.code])
    assert url in page

    response = client.get(url, headers=EN)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "application form" in text
    assert client.get(url + "?direction=nope").status_code == 404


def test_upload_shows_what_was_read_and_fills_only_confirmed_fields(
    client: Client, ready_application: Callable[..., Application]
) -> None:
    application = ready_application()  # title and summary/plan/team already entered
    client.force_login(application.applicant)
    data = _filled(application, {"title": "新的方案名称", "summary": "", "plan": "新的计划。", "team": "x" * 3001})

    page = _upload(client, application, data).content.decode()

    assert "Confirm what was read from the form" in page
    assert 'data-field="plan"' in page and "would replace what you entered" in page
    assert "Left empty" in page  # summary
    assert "Did not fit" in page and "The text is longer than the field allows." in page  # team
    before = _state(application)

    client.post(reverse("web:application_form_confirm", args=[application.pk]), {"field": ["plan"]})

    application.refresh_from_db()
    assert application.values["plan"] == "新的计划。"
    assert application.title == "面向端侧大模型的高效推理"  # not ticked, so not replaced
    assert application.values["summary"] == "研究目标与技术路线。"
    assert application.version == before[0] + 1
    assert AuditEntry.objects.filter(action="shenbao.application.filled_from_form").count() == 1


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # 40 MB of zeros pack into ~40 KB: a ratio no real form has (the sniffer refuses above 200:1).
        archive.writestr("word/document.xml", b"\x00" * (40 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("pdf", "This file is not a Word document (.docx)."),
        ("doc-named-docx", "This file is not a Word document (.docx)."),
        ("broken-docx", "This file is not a Word document (.docx)."),
        ("macros", "This Word document contains macros"),
        ("zip-bomb", "This file unpacks to far more data than a form can hold"),
        ("other-call", "This form was generated for another call."),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_change_nothing(
    client: Client, ready_application: Callable[..., Application], case: str, message: str
) -> None:
    application = ready_application()
    client.force_login(application.applicant)
    if case == "other-call":
        data = _filled(application, {"title": "x"})
        document = Document(io.BytesIO(data))
        document.core_properties.identifier = "shenbao:another-call"
        buffer = io.BytesIO()
        document.save(buffer)
        data = buffer.getvalue()
    else:
        data = {
            "pdf": lambda: b"%PDF-1.4\n%%EOF\n",
            "doc-named-docx": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "broken-docx": lambda: docx_with({"[Content_Types].xml": "<Types/>", "word/document.xml": "<not-xml"}),
            "macros": lambda: docx_with({"word/document.xml": "<w:document/>", "word/vbaProject.bin": b"\x00" * 64}),
            "zip-bomb": _zip_bomb,
        }[case]()
    before = _state(application)

    page = _upload(client, application, data).content.decode()

    assert message in page
    assert _state(application) == before


def test_a_200_mb_upload_is_refused_before_it_is_read(client: Client, ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    client.force_login(application.applicant)
    before = _state(application)
    url = reverse("web:application_form_upload", args=[application.pk])

    response = client.generic(
        "POST", url, b"", content_type="multipart/form-data; boundary=x", headers={**EN, "content-length": str(200 * 1024 * 1024)}
    )

    assert response.status_code == 413
    assert "nothing was saved" in response.content.decode()
    assert _state(application) == before


@pytest.mark.parametrize(
    ("who", "download", "upload"),
    [("anonymous", 302, 302), ("other", 404, 404), ("program officer", 404, 404), ("applicant", 200, 302)],
)
def test_who_may_download_and_upload_the_form_of_a_draft(
    client: Client, ready_application: Callable[..., Application], who: str, download: int, upload: int
) -> None:
    application = ready_application()
    if who == "other":
        client.force_login(UserFactory())
    elif who == "program officer":
        officer = UserFactory()
        grant_program_role(program=application.call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
        client.force_login(officer)
    elif who == "applicant":
        client.force_login(application.applicant)
    before = _state(application)

    assert client.get(reverse("web:application_form_docx", args=[application.pk])).status_code == download
    response = client.post(
        reverse("web:application_form_upload", args=[application.pk]), {"form": SimpleUploadedFile("a.docx", b"x")}
    )
    assert response.status_code == upload
    assert _state(application) == before


def test_a_submitted_application_is_not_filled_from_a_form(client: Client, ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    client.force_login(application.applicant)
    before = _state(application)

    response = client.post(
        reverse("web:application_form_upload", args=[application.pk]),
        {"form": SimpleUploadedFile("a.docx", _filled(application, {"title": "改"}))},
    )

    assert response.status_code == 404
    assert _state(application) == before
    assert client.get(reverse("web:application_form_docx", args=[application.pk])).status_code == 200
