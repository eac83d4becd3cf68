"""Uploaded files are kept under a generated name whose extension is the format their content was
recognised as; the sender's name is at most a display field (issue 15)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.errors import SignedCopyRefused
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import record_signed_copy
from shenbao.applications.enums import ApplicationState
from shenbao.applications.files import extension_of, stored_name
from shenbao.applications.models import Application
from shenbao.applications.services.parts import attach_file
from shenbao.awards.errors import EvidenceRefused
from shenbao.awards.models import Award, Objection, SelectionRun
from shenbao.awards.services.decisions import approve_run, file_objection, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call
from tests.applications.fixtures import PDF, docx_bytes, open_call
from tests.factories import UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
GENERATED = r"[0-9a-f]{32}"


def test_stored_name_is_generated_with_the_recognised_extension() -> None:
    first, second = stored_name("applications/7", "pdf"), stored_name("applications/7", "pdf")
    assert re.fullmatch(rf"applications/7/{GENERATED}\.pdf", first)
    assert first != second
    assert re.fullmatch(rf"x/{GENERATED}\.bin", stored_name("x", "exe"))
    assert re.fullmatch(rf"x/{GENERATED}\.bin", stored_name("x", None))


def test_extension_of_only_knows_recognised_formats() -> None:
    assert (extension_of("evidence.PNG"), extension_of("a.php"), extension_of("noext")) == ("png", None, None)


@pytest.mark.django_db
def test_attachment_is_stored_under_a_generated_name_with_the_sniffed_extension(
    ready_application: Callable[..., Application],
) -> None:
    application = ready_application()  # its Word form was uploaded as "申报表.docx"
    attachment = application.attachments.get(document_code="application-form")
    assert re.fullmatch(rf"applications/{application.pk}/{GENERATED}\.docx", attachment.file.name)
    assert attachment.original_name == "申报表.docx"  # kept for display only
    assert attachment.detected_format == "docx"


@pytest.mark.django_db
def test_attachment_named_with_a_hostile_name_is_stored_under_the_sniffed_extension(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    application.attachments.filter(document_code="application-form").delete()
    hostile = "../../etc/passwd 报告.exe"
    data = docx_bytes()
    attachment = attach_file(
        application=application,
        document_code="application-form",
        name=hostile,
        stream=io.BytesIO(data),
        size=len(data),
        actor=scholar,
    )
    assert re.fullmatch(rf"applications/{application.pk}/{GENERATED}\.docx", attachment.file.name)
    assert attachment.original_name == hostile


@pytest.fixture
def published(ranked: tuple[Call, Any]) -> tuple[Any, Award]:
    call, officer = ranked
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    notice = publish_results(call=call, actor=officer)
    return notice, Award.objects.filter(call=call).first()


def _objection(notice: Any, award: Award, data: bytes, name: str) -> Objection:
    return file_objection(
        notice=notice,
        award=award,
        name="异议人",
        email="o@example.com",
        organisation="",
        text="材料不实",
        evidence=io.BytesIO(data),
        evidence_name=name,
        evidence_size=len(data),
    )


@pytest.mark.django_db
def test_objection_evidence_is_stored_under_a_generated_name_with_the_sniffed_extension(published: tuple[Any, Award]) -> None:
    notice, award = published
    objection = _objection(notice, award, PNG, "photo.pdf")
    assert re.fullmatch(rf"objections/\d{{4}}/{GENERATED}\.png", objection.evidence.name)


@pytest.mark.django_db
def test_objection_evidence_of_an_unrecognised_format_is_refused_and_nothing_stored(published: tuple[Any, Award]) -> None:
    notice, award = published
    with pytest.raises(EvidenceRefused):
        _objection(notice, award, b"MZ\x90\x00 an executable", "evidence.pdf")
    assert Objection.objects.count() == 0


def _pending_agreement() -> Agreement:
    call = open_call("000", code="names-000")
    application = Application.objects.create(
        call=call, direction=call.directions.first(), applicant=UserFactory(), state=ApplicationState.SUBMITTED, title="项目"
    )
    run = SelectionRun.objects.create(call=call)
    award = Award.objects.create(call=call, application=application, run=run, direction=application.direction, amount_yuan=100)
    return Agreement.objects.create(award=award, status=AgreementStatus.PENDING)


@pytest.mark.django_db
def test_signed_copy_is_stored_under_a_generated_name_with_the_sniffed_extension() -> None:
    agreement = record_signed_copy(
        agreement=_pending_agreement(), stream=io.BytesIO(PDF), name="合同 final.docx", actor=UserFactory()
    )
    assert re.fullmatch(rf"agreements/\d{{4}}/{GENERATED}\.pdf", agreement.signed_copy.name)
    assert agreement.status == AgreementStatus.SIGNED


@pytest.mark.django_db
def test_signed_copy_of_an_unrecognised_format_is_refused_and_the_agreement_unchanged() -> None:
    agreement = _pending_agreement()
    with pytest.raises(SignedCopyRefused):
        record_signed_copy(agreement=agreement, stream=io.BytesIO(b"<html>not a scan</html>"), name="a.pdf", actor=UserFactory())
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_copy.name) == (AgreementStatus.PENDING, "")
