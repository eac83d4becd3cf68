"""API tokens: stored as digests, named, several per user, expiring, revocable, read in one statement."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shenbao.accounts.models import ApiToken, User
from shenbao.accounts.services.api_tokens import TokenRefused, create_api_token, revoke_api_token
from shenbao.api.authentication import TokenAuthentication
from shenbao.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _get(key: str, language: str = "en") -> Any:
    return APIClient(HTTP_ACCEPT_LANGUAGE=language, HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/applications/")


def test_api_token_is_stored_only_as_its_digest() -> None:
    user = UserFactory()
    issued = create_api_token(user=user, name="reporting script")
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(issued.key.encode()).hexdigest()
    assert row.prefix == issued.key[:8]
    assert issued.key not in {str(v) for v in ApiToken.objects.values_list("name", "digest", "prefix").get()}
    assert (row.name, row.user, row.last_used_at, row.revoked_at) == ("reporting script", user, None, None)
    assert row.expires_at - row.created_at == pytest.approx(dt.timedelta(days=365), abs=dt.timedelta(seconds=5))
    assert AuditEntry.objects.filter(action="shenbao.user.api_token_created").count() == 1


def test_api_token_several_per_user_each_works() -> None:
    user = UserFactory()
    first = create_api_token(user=user, name="one", days=10)
    second = create_api_token(user=user, name="two", days=10)
    assert first.key != second.key
    assert (_get(first.key).status_code, _get(second.key).status_code) == (200, 200)


def test_api_token_without_a_name_is_refused() -> None:
    with pytest.raises(TokenRefused):
        create_api_token(user=UserFactory(), name="  ")
    assert ApiToken.objects.count() == 0


def test_api_token_lifetime_out_of_range_is_refused() -> None:
    with pytest.raises(TokenRefused):
        create_api_token(user=UserFactory(), name="x", days=0)
    assert ApiToken.objects.count() == 0


def test_api_token_authentication_is_one_statement(django_assert_num_queries: Any) -> None:
    issued = create_api_token(user=UserFactory(), name="rush")
    ApiToken.objects.update(last_used_at=timezone.now())
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(issued.key)
    assert (user.pk, token.pk, token.name) == (issued.token.user_id, issued.token.pk, "rush")


def test_api_token_last_used_is_written_at_most_once_a_minute(django_assert_num_queries: Any) -> None:
    issued = create_api_token(user=UserFactory(), name="rush")
    with django_assert_num_queries(2):  # first use: the lookup and the one write
        TokenAuthentication().authenticate_credentials(issued.key)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # again within the minute: the lookup only
        TokenAuthentication().authenticate_credentials(issued.key)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    TokenAuthentication().authenticate_credentials(issued.key)
    assert ApiToken.objects.get().last_used_at > first


def test_expired_api_token_is_401_in_the_readers_language() -> None:
    issued = create_api_token(user=UserFactory(), name="old", days=1)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    english = _get(issued.key)
    assert (english.status_code, english.json()) == (401, {"code": "token_expired", "detail": "This token has expired."})
    chinese = _get(issued.key, "zh-hans")
    assert (chinese.status_code, chinese.json()) == (401, {"code": "token_expired", "detail": "此令牌已过期。"})
    assert english["WWW-Authenticate"] == "Token"


def test_revoked_api_token_is_401_and_the_revocation_is_audited() -> None:
    user = UserFactory()
    issued = create_api_token(user=user, name="leaked")
    assert _get(issued.key).status_code == 200
    revoke_api_token(token=issued.token, actor=user)
    response = _get(issued.key)
    assert (response.status_code, response.json()) == (401, {"code": "token_revoked", "detail": "This token was revoked."})
    chinese = _get(issued.key, "zh-hans")
    assert chinese.json() == {"code": "token_revoked", "detail": "此令牌已被撤销。"}
    assert AuditEntry.objects.filter(action="shenbao.user.api_token_revoked").count() == 1


def test_unknown_api_token_is_401_with_the_error_shape() -> None:
    response = _get("sb_not-a-key")
    assert (response.status_code, response.json()) == (401, {"code": "token_invalid", "detail": "Invalid token."})


def test_migration_hashes_existing_authtoken_keys_and_drops_the_plaintext() -> None:
    user = UserFactory()
    old = Token.objects.create(user=user)
    key = old.key
    migration = importlib.import_module("shenbao.accounts.migrations.0004_hash_authtoken_keys")
    migration.hash_keys(django_apps, None)
    assert Token.objects.count() == 0
    row = ApiToken.objects.get()
    assert (row.user_id, row.digest, row.revoked_at) == (user.pk, hashlib.sha256(key.encode()).hexdigest(), None)
    assert row.expires_at > timezone.now() + dt.timedelta(days=364)
    response = _get(key)  # the holder's key keeps working
    assert response.status_code == 200


def test_inactive_user_token_is_401() -> None:
    user = UserFactory()
    issued = create_api_token(user=user, name="x")
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = _get(issued.key)
    assert (response.status_code, response.json()["code"]) == (401, "user_inactive")
