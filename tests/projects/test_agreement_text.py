"""Issue 19, the agreement's text: generated from the call's Word template (or the plain default) with
the parties, the project, the amount and the KPI targets; the confirmations refer to its SHA-256; the
text is fixed once a party confirmed; staff upload the template, everyone who sees the agreement
downloads the text."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.errors import AgreementTextChanged, AgreementTextError
from shenbao.agreements.models import Agreement, AgreementTemplate
from shenbao.agreements.services.agreements import confirm_agreement
from shenbao.agreements.services.text import generate_text, upload_template
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(load_seed: Callable[[str], Call], settings: Any, tmp_path: Any) -> Call:
    settings.MEDIA_ROOT = tmp_path
    return load_seed("003")


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def agreement(call: Call) -> Agreement:
    pi = register_user(email="pi@example.com", password=None, name="张三")
    application = Application.objects.create(
        call=call,
        direction=call.directions.get(code="1.2"),
        applicant=pi,
        state=ApplicationState.SUBMITTED,
        title="储能材料合作研究",
        receipt_number="2025-0042",
    )
    award = Award.objects.create(
        call=call, application=application, run=SelectionRun.objects.create(call=call), amount_yuan=1_200_000
    )
    return Agreement.objects.create(award=award, status=AgreementStatus.PENDING)


def template_bytes() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph("甲方项目：")
    paragraph.add_run("{{project_")  # a placeholder split across runs, as Word often stores it
    paragraph.add_run("title}}，编号 {{receipt_number}}")
    document.add_paragraph("{{kpis}}")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "资助金额"
    table.cell(0, 1).text = "{{amount_wan}} 万元"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs] + [c.text for row in document.tables[0].rows for c in row.cells]


def test_the_text_comes_from_the_calls_template_and_the_confirmations_refer_to_its_hash(
    call: Call, officer: User, agreement: Agreement
) -> None:
    with pytest.raises(AgreementTextError):
        upload_template(call=call, stream=io.BytesIO(b"%PDF-1.4 not a word file"), actor=officer)
    assert not AgreementTemplate.objects.exists()
    upload_template(call=call, stream=io.BytesIO(template_bytes()), actor=officer)
    done = generate_text(agreement=agreement, actor=officer)
    with done.text.open("rb") as handle:
        data = handle.read()
    assert done.text_sha256 == hashlib.sha256(data).hexdigest()
    lines = texts(data)
    assert lines[0] == "甲方项目：储能材料合作研究，编号 2025-0042"
    assert lines[1] and "{{" not in lines[1]  # the direction's KPI targets, one a line
    assert lines[-2:] == ["资助金额", "120 万元"]

    pi = agreement.award.application.applicant
    with pytest.raises(AgreementTextChanged):
        confirm_agreement(agreement=agreement, party="pi", actor=pi, text_sha256="0" * 64)
    agreement.refresh_from_db()
    assert agreement.pi_confirmed_at is None
    confirm_agreement(agreement=agreement, party="pi", actor=pi, text_sha256=done.text_sha256)
    entry = AuditEntry.objects.filter(action="shenbao.agreement.confirmed").get()
    assert entry.data["text_sha256"] == done.text_sha256
    with pytest.raises(AgreementTextError) as fixed:
        generate_text(agreement=agreement, actor=officer)
    with translation.override("zh-hans"):
        assert str(fixed.value) == "一方确认协议后，协议文本即固定。"
    with translation.override("en"):
        assert str(fixed.value) == "The text is fixed once a party has confirmed the agreement."


def test_a_call_without_a_template_uses_the_default_and_the_pages_follow_permissions(
    call: Call, officer: User, agreement: Agreement
) -> None:
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(officer)
    page_url = f"/agreements/{agreement.pk}/"
    text_url = f"/agreements/{agreement.pk}/text/"
    pi = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pi.force_login(agreement.award.application.applicant)
    assert pi.get(text_url).status_code == 404  # nothing generated yet
    assert pi.post(text_url).status_code == 404  # the PI cannot generate it
    staff.post(text_url)
    agreement.refresh_from_db()
    assert len(agreement.text_sha256) == 64
    download = pi.get(text_url)
    assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == agreement.text_sha256
    assert "项目名称：储能材料合作研究" in texts_default(download.content)
    page = pi.get(page_url).content.decode()
    assert f'<input type="hidden" name="text_sha256" value="{agreement.text_sha256}">' in page and "协议文本" in page
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(text_url).status_code == 404
    template_url = f"/staff/calls/{call.code}/agreements/template/"
    assert pi.get(template_url).status_code == 404
    refused = staff.post(template_url, {"template": SimpleUploadedFile("t.docx", b"not a docx")}, follow=True)
    assert "has to be a Word (.docx) file" in refused.content.decode()
    staff.post(template_url, {"template": SimpleUploadedFile("t.docx", template_bytes())})
    assert AgreementTemplate.objects.filter(call=call).exists()
    assert 'data-template="call"' in staff.get(template_url).content.decode()


def texts_default(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
