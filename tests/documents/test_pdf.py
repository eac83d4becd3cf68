"""The print-ready PDF of a submitted revision: Chinese text in an embedded CJK font, and the
revision's receipt number, number and content hash on every page."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.documents.services.pdf import latest_revision, pdfs_zip, revision_pdf
from tests.applications.fixtures import open_call
from tests.factories import UserFactory


def _fonts(reader: PdfReader) -> set[tuple[str, str]]:
    """(base font name, embedded font stream key) of every font the pages use."""
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = next(k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor)
            found.add((str(font["/BaseFont"]), embedded))
    return found


def test_seed_003_pdf_embeds_a_cjk_font_and_shows_the_chinese_title(most_application: Application) -> None:
    revision = latest_revision(most_application)
    assert revision is not None

    reader = PdfReader(io.BytesIO(revision_pdf(revision=revision, language="zh-hans")))

    text = "".join(page.extract_text() for page in reader.pages)
    assert "智慧水务关键技术联合研究" in text
    assert "政府间国际科技创新合作" in text
    cjk = {name for name, stream in _fonts(reader) if "CJK" in name}
    assert cjk, _fonts(reader)
    assert all("+" in name for name in cjk)  # subsetted, so embedded rather than referenced


def test_seed_003_pdf_hash_matches_the_stored_revision_on_every_page(most_application: Application) -> None:
    revision = latest_revision(most_application)
    assert revision is not None
    digest = hashlib.sha256(json.dumps(revision.content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert digest == revision.content_hash

    reader = PdfReader(io.BytesIO(revision_pdf(revision=revision, language="en")))

    assert reader.metadata is not None and reader.metadata.get("/Subject") == f"sha256:{digest}"
    for page in reader.pages:
        text = page.extract_text()
        assert f"SHA-256 {digest}" in text
        assert most_application.receipt_number in text
        assert f"Revision {revision.number}" in text


def test_zip_holds_one_pdf_per_submitted_application(most_application: Application) -> None:
    archive = zipfile.ZipFile(io.BytesIO(pdfs_zip(applications=[most_application], language="zh-hans")))

    assert archive.namelist() == [f"{most_application.receipt_number}-r1.pdf"]
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other applicant", 404),
        ("staff of another program", 404),
        ("applicant", 200),
        ("program officer", 200),
    ],
)
def test_who_may_download_a_revision_pdf(client: Client, most_application: Application, who: str, status: int) -> None:
    other_program = open_call("004", code="other-004").program
    users = {
        "other applicant": UserFactory(),
        "staff of another program": UserFactory(),
        "applicant": most_application.applicant,
        "program officer": UserFactory(),
    }
    grant_program_role(program=other_program, user=users["staff of another program"], role=ProgramRoleKind.PROGRAM_OFFICER)
    grant_program_role(program=most_application.call.program, user=users["program officer"], role=ProgramRoleKind.PROGRAM_OFFICER)
    if who != "anonymous":
        client.force_login(users[who])
    entries = AuditEntry.objects.count()

    response = client.get(reverse("web:revision_pdf", args=[most_application.pk, 1]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    assert AuditEntry.objects.count() == entries
