"""Staff import seed 000's topic list from the web: a dry run first, then the import."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
TOPICS = (SEED_FILES["000"].parent / "xiaomi-jbgs-2025-topics.example.csv").read_bytes()


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def _state(call: Call) -> tuple[int, int]:
    return call.directions.count(), AuditEntry.objects.count()


def test_dry_run_then_import_of_the_50_topics(client: Client, officer: Any, xiaomi_call: Call) -> None:
    client.force_login(officer)
    url = reverse("web:topic_import", args=[xiaomi_call.code])
    before = _state(xiaomi_call)

    page = client.post(url, {"file": SimpleUploadedFile("topics.csv", TOPICS), "example": "1"}, headers=EN).content.decode()

    assert "To add: 50" in page
    assert _state(xiaomi_call) == before
    response = client.post(url, {"confirm": "1"}, headers=EN, follow=True)
    assert "Imported: 50 added" in response.content.decode()
    assert xiaomi_call.directions.count() == before[0] + 50
    assert AuditEntry.objects.filter(action="shenbao.call.directions_imported").count() == 1


def test_a_bad_row_is_listed_and_nothing_can_be_imported(client: Client, officer: Any, xiaomi_call: Call) -> None:
    client.force_login(officer)
    url = reverse("web:topic_import", args=[xiaomi_call.code])
    bad = TOPICS.replace(b"XM2025-02,", b",", 1)
    before = _state(xiaomi_call)

    page = client.post(url, {"file": SimpleUploadedFile("topics.csv", bad)}, headers=EN).content.decode()

    assert "Row 3" in page and "Nothing can be imported until they are fixed." in page
    client.post(url, {"confirm": "1"}, headers=EN)
    assert _state(xiaomi_call) == before


def test_a_pdf_is_not_a_table(client: Client, officer: Any, xiaomi_call: Call) -> None:
    client.force_login(officer)
    url = reverse("web:topic_import", args=[xiaomi_call.code])
    response = client.post(url, {"file": SimpleUploadedFile("topics.xlsx", b"%PDF-1.4\n")}, headers=EN, follow=True)
    assert "Only .csv and .xlsx files can be imported." in response.content.decode()


def test_only_the_programs_staff_may_import(client: Client, xiaomi_call: Call) -> None:
    client.force_login(UserFactory())
    before = _state(xiaomi_call)
    url = reverse("web:topic_import", args=[xiaomi_call.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": SimpleUploadedFile("topics.csv", TOPICS)}).status_code == 404
    assert _state(xiaomi_call) == before
