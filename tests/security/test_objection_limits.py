"""The anonymous objection form (issue 15, item 7): evidence is a few MB, recognised by its content
(PDF, PNG/JPEG, .docx), and one address may send only a few objections an hour."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shenbao.awards.models import Award, Objection
from shenbao.awards.services.decisions import EVIDENCE_MAX_MB, approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call
from shenbao.web.public.results import OBJECTIONS_PER_HOUR

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def published(ranked: tuple[Call, Any]) -> tuple[Call, Award]:
    call, officer = ranked
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    publish_results(call=call, actor=officer)
    award = Award.objects.filter(call=call).first()
    assert award is not None
    return call, award


def _object(call: Call, award: Award, *, evidence: SimpleUploadedFile | None = None, address: str = "10.0.0.1") -> list[str]:
    data: dict[str, Any] = {"award": str(award.pk), "name": "异议人", "email": "o@example.com", "text": "材料不实"}
    if evidence is not None:
        data["evidence"] = evidence
    response = Client(REMOTE_ADDR=address).post(f"/calls/{call.code}/results/", data, headers=EN)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_evidence_is_checked_by_content_not_by_name(published: tuple[Call, Award]) -> None:
    call, award = published
    script = SimpleUploadedFile("evidence.pdf", b"#!/bin/sh\necho not a pdf\n", content_type="application/pdf")
    assert _object(call, award, evidence=script) == [
        "Evidence is accepted as PDF, PNG, JPEG or Word (.docx) by its content; this file is none of them."
    ]
    assert Objection.objects.count() == 0
    real = SimpleUploadedFile("scan.bin", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/octet-stream")
    assert _object(call, award, evidence=real) == ["Your objection was received; staff will record an outcome."]
    assert Objection.objects.count() == 1


def test_evidence_over_the_limit_is_refused(published: tuple[Call, Award]) -> None:
    call, award = published
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (EVIDENCE_MAX_MB * 1024 * 1024))
    assert _object(call, award, evidence=big) == [f"The evidence file is larger than {EVIDENCE_MAX_MB} MB."]
    assert Objection.objects.count() == 0


def test_one_address_may_send_only_a_few_objections_an_hour(published: tuple[Call, Award]) -> None:
    call, award = published
    for _ in range(OBJECTIONS_PER_HOUR):
        assert _object(call, award) == ["Your objection was received; staff will record an outcome."]
    assert _object(call, award) == ["Too many objections were sent from this address; try again in an hour."]
    assert Objection.objects.count() == OBJECTIONS_PER_HOUR
    assert _object(call, award, address="10.0.0.2") == ["Your objection was received; staff will record an outcome."]
