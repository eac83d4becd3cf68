"""Identity in a blind stage (issue 15, item 5): where a stage hides the applicant's identity, the
reviewer reads a blinded PDF of the revision and opens only the documents the call marks anonymous;
the others are listed as withheld with the reason, and their download is refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from pypdf import PdfReader

from shenbao.applications.models import ApplicationRevision, Attachment
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.services.definitions import load_call_definition
from tests.web.test_review_visibility import set_stage, two_reviewers  # noqa: F401 - the fixture

EN = {"Accept-Language": "en"}


@pytest.fixture
def documents(two_reviewers: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The application carries a filled 申报表 (with the applicant's name) and a team member."""
    application = two_reviewers["a1"].application
    form = Attachment(application=application, document_code="application-form", original_name="张三-申报表.pdf", sha256="a" * 64)
    form.file.save("form.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    revision = ApplicationRevision.objects.get(application=application, number=1)
    revision.content = {
        **revision.content,
        "team": [{"name": "张三", "role": "pi", "email": "zhang@example.com", "status": "accepted"}],
        "partners": [{"side": "foreign", "name": "某某外方大学", "type": "university", "country": "FR"}],
        "attachments": [{"document": "application-form", "sha256": "a" * 64, "name": "张三-申报表.pdf", "link": ""}],
    }
    revision.save(update_fields=["content"])
    client = Client()
    client.force_login(two_reviewers["first"])
    return {**two_reviewers, "form": form, "client": client}


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_in_a_blind_stage_the_named_form_is_withheld_with_the_reason(documents: dict[str, Any]) -> None:
    set_stage(documents["call"], applicant_identity_hidden=True)
    a1, client = documents["a1"], documents["client"]
    html = client.get(f"/review/assignments/{a1.pk}/", headers=EN).content.decode()
    assert "张三-申报表.pdf" not in html
    assert "Withheld in this stage, which hides the applicant's identity: Application form (Xiaomi &quot;Open" in html
    assert "The application as submitted (PDF, blinded)" in html
    refused = client.get(f"/review/assignments/{a1.pk}/attachments/{documents['form'].pk}/", headers=EN)
    assert refused.status_code == 403
    assert "does not mark this document as free of it" in refused.content.decode()


def test_the_blinded_pdf_leaves_out_the_team_partner_names_and_file_names(documents: dict[str, Any]) -> None:
    set_stage(documents["call"], applicant_identity_hidden=True)
    response = documents["client"].get(f"/review/assignments/{documents['a1'].pk}/application.pdf", headers=EN)
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "可见性测试" in text  # the application itself is there
    for name in ("张三", "zhang@example.com", "某某外方大学", "张三-申报表.pdf"):
        assert name not in text
    assert "Blinded for review" in text


def test_outside_a_blind_stage_everything_is_readable(documents: dict[str, Any]) -> None:
    set_stage(documents["call"], applicant_identity_hidden=False)
    a1, client = documents["a1"], documents["client"]
    html = client.get(f"/review/assignments/{a1.pk}/", headers=EN).content.decode()
    assert "张三-申报表.pdf" in html and "data-withheld" not in html
    assert client.get(f"/review/assignments/{a1.pk}/attachments/{documents['form'].pk}/").status_code == 200
    text = _pdf_text(client.get(f"/review/assignments/{a1.pk}/application.pdf").content)
    assert "张三" in text and "某某外方大学" in text


def test_a_document_the_call_marks_anonymous_stays_readable_in_a_blind_stage(documents: dict[str, Any]) -> None:
    call = documents["call"]
    data = call.definition
    for stage in data["review_stages"]:
        if stage["code"] == "expert-committee":
            stage["applicant_identity_hidden"] = True
    for document in data["required_documents"]:
        if document["code"] == "application-form":
            document["anonymous"] = True
    load_call_definition(definition=parse_definition(data))
    a1, client = documents["a1"], documents["client"]
    assert client.get(f"/review/assignments/{a1.pk}/attachments/{documents['form'].pk}/").status_code == 200


def test_another_reviewer_cannot_read_the_pdf(documents: dict[str, Any]) -> None:
    from shenbao.accounts.services.accounts import register_user

    stranger = Client()
    stranger.force_login(register_user(email="stranger-r@example.com", password="pass-Word-123", name="路人"))
    assert stranger.get(f"/review/assignments/{documents['a1'].pk}/application.pdf").status_code == 404
