"""The API-token page of the profile: the owner creates (the key shown once) and revokes; nobody else can."""

from __future__ import annotations

import pytest
from django.test import Client

from shenbao.accounts.models import ApiToken, token_digest
from shenbao.accounts.services.api_tokens import create_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user: object | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def test_api_token_page_creates_a_token_and_shows_the_key_once() -> None:
    user = UserFactory()
    client = _client(user)
    response = client.post("/me/api-tokens/", {"name": "reporting script", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    key = response.context["new_key"]
    assert token_digest(key) == token.digest
    assert key in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get("/me/api-tokens/")
    assert key not in again.content.decode()
    assert "reporting script" in again.content.decode()


def test_api_token_page_without_a_name_creates_nothing() -> None:
    user = UserFactory()
    response = _client(user).post("/me/api-tokens/", {"name": "", "days": "30"})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_api_token_page_revokes_the_owners_token() -> None:
    user = UserFactory()
    issued = create_api_token(user=user, name="old")
    response = _client(user).post(f"/me/api-tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None


def test_api_token_revoke_of_another_users_token_is_404_and_changes_nothing() -> None:
    issued = create_api_token(user=UserFactory(), name="theirs")
    response = _client(UserFactory()).post(f"/me/api-tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_api_token_pages_refuse_anonymous_and_change_nothing() -> None:
    issued = create_api_token(user=UserFactory(), name="theirs")
    assert _client().get("/me/api-tokens/").status_code == 302
    assert _client().post("/me/api-tokens/", {"name": "x", "days": "1"}).status_code == 302
    assert _client().post(f"/me/api-tokens/{issued.token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.count() == 1
    assert ApiToken.objects.get().revoked_at is None


def test_api_token_page_is_linked_from_the_profile() -> None:
    assert 'href="/me/api-tokens/"' in _client(UserFactory()).get("/me/profile/").content.decode()
