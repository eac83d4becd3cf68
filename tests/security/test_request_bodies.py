"""Request bodies are capped per route (issue 15, item 8): routes that take no files refuse a body
above SHENBAO_MAX_FORM_BODY_MB from its declared length, before anything reads or parses it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from tests.factories import api_token_key

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def parsed(monkeypatch: Any) -> list[bool]:
    seen: list[bool] = []
    original = MultiPartParser.parse
    monkeypatch.setattr(MultiPartParser, "parse", lambda self: seen.append(True) or original(self))
    return seen


def _big_file() -> io.BytesIO:
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024))
    big.name = "big.pdf"
    return big


def test_a_big_body_to_a_form_route_is_refused_unread(ready_application: Callable[..., Application], parsed: list[bool]) -> None:
    application = ready_application()
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    before = application.version
    response = client.post(
        reverse("web:application_save", args=[application.pk]), {"version": before, "file": _big_file()}, headers=EN
    )
    assert response.status_code == 413
    assert "The request is larger than this page accepts (at most 4 MB); nothing was saved." in response.content.decode()
    assert parsed == []
    application.refresh_from_db()
    assert application.version == before


def test_a_big_body_to_an_unknown_url_is_refused_unread(parsed: list[bool]) -> None:
    response = Client().post("/no/such/page/", {"file": _big_file()}, headers=EN)
    assert response.status_code == 413
    assert parsed == []


def test_a_big_json_body_to_the_api_is_refused_with_the_api_error_shape(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    key = api_token_key(scholar)
    body = '{"name": "' + "x" * (5 * 1024 * 1024) + '"}'
    response = Client().patch(
        f"/api/v1/applications/{application.pk}/partners/1/",
        body,
        content_type="application/json",
        headers={**EN, "Authorization": f"Token {key}"},
    )
    assert response.status_code == 413
    assert response.json() == {"code": "body_too_large", "detail": "The request body is larger than 4 MB; nothing was saved."}


def test_a_form_body_under_the_cap_goes_through(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    client = Client()
    client.force_login(application.applicant)
    response = client.post(
        reverse("web:application_save", args=[application.pk]), {"version": application.version, "title": "x" * 1000}, headers=EN
    )
    assert (response.status_code, response["Location"]) == (302, f"/applications/{application.pk}/")  # the view answered
