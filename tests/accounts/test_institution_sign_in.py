"""Sign-in with an institution's OpenID Connect provider (issue 15), against a local fake provider."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import Person, User
from shenbao.accounts.services.accounts import register_user
from shenbao.config.settings import _oidc_providers
from tests.accounts.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider

pytestmark = pytest.mark.django_db

PERSON = {"sub": "u-1001", "email": "Zhang.San@univ.example.edu.cn", "email_verified": True, "name": "张三"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def provider_settings(base: str) -> dict[str, Any]:
    app = {
        "provider_id": "institution",
        "name": "测试大学",
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "settings": {"server_url": base, "fetch_userinfo": True, "oauth_pkce_enabled": True},
    }
    return {"openid_connect": {"APPS": [app], "OAUTH_PKCE_ENABLED": True}}


@pytest.fixture
def institution(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    with FakeProvider(dict(PERSON)) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = provider_settings(provider.base)
        yield provider


def sign_in(client: Client) -> Any:
    """The browser's round trip: our login URL → the provider's authorize URL → back to our callback."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "institution"}), {"process": "login"})
    assert start.status_code == 302, start.content[:500]
    authorize = start["Location"]
    assert authorize.startswith(f"{urlparse(authorize).scheme}://127.0.0.1:")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(HTTPError) as answer:
        opener.open(authorize)
    assert answer.value.code == 302
    back = urlparse(answer.value.headers["Location"])
    assert back.path == reverse("openid_connect_callback", kwargs={"provider_id": "institution"})
    return client.get(f"{back.path}?{back.query}")


def test_login_page_offers_the_institution_when_configured(institution: FakeProvider, client: Client) -> None:
    page = client.get(reverse("web:login")).content.decode()
    assert "使用 测试大学 登录" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "institution"}) in page


def test_first_sign_in_creates_a_confirmed_account_with_a_person(institution: FakeProvider, client: Client) -> None:
    response = sign_in(client)
    assert (response.status_code, response["Location"]) == (302, reverse("web:profile"))  # a new account
    user = User.objects.get(email="zhang.san@univ.example.edu.cn")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.display_name == "张三"
    assert Person.objects.get(user=user).name == "张三"
    assert EmailAddress.objects.get(user=user).verified is True
    assert SocialAccount.objects.get(user=user).uid == "u-1001"
    assert not user.has_usable_password()
    # Real HTTP to the provider: the code exchanged for a token (with PKCE) and the userinfo read.
    assert [r for r in institution.requests if "well-known" not in r] == ["GET /authorize", "POST /token", "GET /userinfo"]


def test_second_sign_in_logs_into_the_same_account(institution: FakeProvider) -> None:
    sign_in(Client())
    again = Client()
    response = sign_in(again)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert int(again.session["_auth_user_id"]) == User.objects.get().pk


def test_sign_in_does_not_take_over_an_existing_local_account(institution: FakeProvider, client: Client) -> None:
    local = register_user(email="zhang.san@univ.example.edu.cn", password="pass-Word-123", name="本地账号")
    response = sign_in(client)
    assert int(client.session.get("_auth_user_id", 0) or 0) != local.pk
    assert not SocialAccount.objects.filter(user=local).exists()
    # Answered like any sign-up (no hint that the address has an account); no one is logged in, and
    # the owner gets a mail rather than a second account or a link to theirs.
    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert "_auth_user_id" not in client.session
    assert list(User.objects.values_list("email", flat=True)) == ["zhang.san@univ.example.edu.cn"]
    assert mail.outbox[-1].to == ["zhang.san@univ.example.edu.cn"]


def test_tampered_state_is_refused(institution: FakeProvider, client: Client) -> None:
    client.post(reverse("openid_connect_login", kwargs={"provider_id": "institution"}), {"process": "login"})
    response = client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "institution"}) + "?code=made-up&state=forged"
    )
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 0


def test_no_institution_sign_in_unless_configured(settings: Any, client: Client) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert client.post(reverse("openid_connect_login", kwargs={"provider_id": "institution"})).status_code == 404
    assert "openid" not in client.get(reverse("web:login")).content.decode()


def test_provider_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHENBAO_OIDC_SERVER_URL", raising=False)
    assert _oidc_providers() == {}
    monkeypatch.setenv("SHENBAO_OIDC_SERVER_URL", "https://sso.univ.example.edu.cn")
    monkeypatch.setenv("SHENBAO_OIDC_CLIENT_ID", "shenbao")
    monkeypatch.setenv("SHENBAO_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("SHENBAO_OIDC_NAME", "某大学统一身份认证")
    app = _oidc_providers()["openid_connect"]["APPS"][0]
    assert (app["provider_id"], app["name"], app["client_id"], app["secret"]) == (
        "institution",
        "某大学统一身份认证",
        "shenbao",
        "s3cret",
    )
    assert app["settings"]["server_url"] == "https://sso.univ.example.edu.cn"
