"""A form's file field (issue 16): defined in the call definition, uploaded on the application page
like a document, checked against its own formats and size, required at submission, named in the PDF."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import Organisation, User
from shenbao.applications.facts import missing_required_fields
from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.definition.load import DefinitionInvalid, parse_definition, to_data
from shenbao.calls.models import Call
from shenbao.core.errors import DomainError
from shenbao.documents.services.pdf import _context
from tests.applications.fixtures import PDF, make_ready_application, open_call
from tests.conftest import seed_data

EN = {"Accept-Language": "en"}

PLAN = {
    "code": "workplan",
    "label": {"zh-hans": "工作计划书", "en": "Work plan"},
    "type": "file",
    "required": True,
    "formats": ["pdf"],
    "max_size_mb": 1,
    "help": {"zh-hans": "一页以内。", "en": "One page at most."},
}


def _with_plan(data: dict[str, Any]) -> None:
    data["form"].append(dict(PLAN))


@pytest.fixture
def plan_call(db: Any) -> Call:
    return open_call("000", code="open-000-file", edit=_with_plan)


def test_file_field_options_are_validated_with_the_rest_of_the_definition() -> None:
    data = seed_data("000")
    data["form"].append({**PLAN, "type": "text"})
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(data)
    assert any(e.type == "file_options_unexpected" for e in caught.value.errors)
    data = seed_data("000")
    data["form"].append({**PLAN, "code": data["required_documents"][0]["code"]})
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(data)
    assert any(e.type == "file_code_taken" for e in caught.value.errors)
    data = seed_data("000")
    data["form"].append({**PLAN, "binds": "title"})
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(data)
    assert any(e.type == "file_bound" for e in caught.value.errors)


def test_a_file_field_without_formats_takes_pdf_and_round_trips() -> None:
    data = seed_data("000")
    data["form"].append({"code": "annex", "label": {"zh-hans": "附件", "en": "Annex"}, "type": "file"})
    definition = parse_definition(data)
    annex = definition.form[-1]
    assert annex.formats == [] and annex.max_size_mb is None
    assert to_data(definition)["form"][-1] == {"code": "annex", "label": {"zh-hans": "附件", "en": "Annex"}, "type": "file"}


def test_file_field_upload_required_and_pdf(client: Client, plan_call: Call, scholar: User, university: Organisation) -> None:
    application = make_ready_application(call=plan_call, applicant=scholar, organisation=university)
    client.force_login(scholar)
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert 'id="file-workplan"' in page and 'accept=".pdf"' in page and "Work plan" in page
    assert 'name="value__workplan"' not in page  # no text input: it is uploaded, not typed
    # Required: the draft cannot be submitted without it.
    assert [f.code for f in missing_required_fields(application)] == ["workplan"]
    with pytest.raises(DomainError):
        submit_application(application=application, actor=scholar)
    # A wrong format is refused with a translated reason and nothing is kept.
    wrong = io.BytesIO(b"PK\x03\x04 not a pdf")
    wrong.name = "plan.pdf"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]),
        {"document": "workplan", "file": wrong, "anchor": "#file-workplan"},
        headers=EN,
        follow=True,
    )
    assert "The file's content is not an allowed format (pdf)." in html.unescape(response.content.decode())
    too_big = io.BytesIO(PDF + b"0" * (1024 * 1024))
    too_big.name = "plan.pdf"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]),
        {"document": "workplan", "file": too_big},
        headers=EN,
        follow=True,
    )
    assert "The file is 1.0 MB; at most 1 MB is allowed." in html.unescape(response.content.decode())
    assert not application.attachments.filter(document_code="workplan").exists()
    # The good one is kept, and the field is no longer missing.
    good = io.BytesIO(PDF)
    good.name = "工作计划.pdf"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]),
        {"document": "workplan", "file": good, "anchor": "#file-workplan"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#file-workplan")
    assert application.attachments.get(document_code="workplan").original_name == "工作计划.pdf"
    application.refresh_from_db()
    assert missing_required_fields(application) == []
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert "工作计划.pdf" in page
    result = submit_application(application=application, actor=scholar)
    revision = result.application.revisions.get()
    rows = [f for s in _context(revision, "en")["sections"] for f in s["fields"]]
    assert {"label": "Work plan", "text": "工作计划.pdf"} in rows
    blind = [f for s in _context(revision, "en", blind=True)["sections"] for f in s["fields"]]
    assert {"label": "Work plan", "text": "(file withheld)"} in blind


def test_a_file_field_code_is_no_document_for_other_calls(client: Client, ready_application: Callable[..., Application]) -> None:
    application = ready_application()  # seed 000 has no file field
    client.force_login(application.applicant)
    good = io.BytesIO(PDF)
    good.name = "plan.pdf"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]), {"document": "workplan", "file": good}, headers=EN, follow=True
    )
    assert "This call asks for no document “workplan”." in html.unescape(response.content.decode())


def test_a_required_file_field_counts_as_a_document_handed_in_for_publication() -> None:
    from django.utils import translation

    from shenbao.calls.queries.lifecycle import _documents_check

    data = seed_data("000")
    data["required_documents"] = []
    data["eligibility"] = [c for c in data["eligibility"] if c["rule"]["kind"] != "required_document"]
    data["kpi_templates"] = []
    with translation.override("en"):
        without = _documents_check(parse_definition(data))
    assert (without.ok, str(without.text)) == (
        False,
        "The call lists no required document, so applicants would hand in nothing to check.",
    )
    data["form"].append(dict(PLAN))
    assert _documents_check(parse_definition(data)).ok
    data["form"][-1]["required"] = False
    assert not _documents_check(parse_definition(data)).ok
