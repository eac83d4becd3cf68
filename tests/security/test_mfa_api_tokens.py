"""API tokens and the staff two-factor rule (issue 15): with ``SHENBAO_REQUIRE_MFA_FOR_STAFF`` on, a
program officer, administrator or admin-site user without TOTP can make no API token, and the tokens
they already have are refused by the API (403 ``mfa_required``) until TOTP is set up: a token must
not be a way around the second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from shenbao.accounts.models import ApiToken, User
from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import open_call
from tests.factories import api_token_key

pytestmark = pytest.mark.django_db

PAGE_EN = (
    "Your role needs two-factor log-in: set up an authenticator app before you make an API token. "
    "Until then your existing tokens are refused by the API."
)
PAGE_ZH = "您的角色需要两步验证登录：请先设置身份验证器应用，再创建 API 令牌。在此之前，API 会拒绝您现有的令牌。"
API_EN = "Your role needs two-factor log-in: set up an authenticator app on the website; until then your API tokens are refused."
API_ZH = "您的角色需要两步验证登录：请在网站上设置身份验证器应用；在此之前，您的 API 令牌会被拒绝。"


def officer() -> User:
    call = open_call("000", code="mfa-tok")
    user = register_user(email="officer@example.com", password=None, name="项目主管")
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def administrator() -> User:
    return User.objects.create_superuser(email="root@example.com", password=None)


def admin_site_user() -> User:
    user = register_user(email="desk@example.com", password=None, name="后台")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


def applicant() -> User:
    return register_user(email="applicant@example.com", password=None, name="申请人")


STAFF: dict[str, Callable[[], User]] = {
    "program officer": officer,
    "administrator": administrator,
    "admin-site user": admin_site_user,
}


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
    return user


def web(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def api_get(key: str, language: str = "en") -> Any:
    return APIClient().get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("who", list(STAFF))
def test_staff_without_totp_cannot_make_a_token(who: str, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    user = STAFF[who]()
    page = web(user).get("/me/api-tokens/")
    assert page.status_code == 200
    body = page.content.decode()
    assert PAGE_EN in body
    assert 'href="/accounts/2fa/totp/activate/"' in body
    assert "Create token" not in body  # the form is replaced by the set-up link
    refused = web(user).post("/me/api-tokens/", {"name": "script", "days": "30"})
    assert refused.status_code == 403
    assert PAGE_EN in refused.content.decode()
    assert refused.context["new_key"] is None
    chinese = web(user, "zh-hans").post("/me/api-tokens/", {"name": "script", "days": "30"})
    assert chinese.status_code == 403
    assert PAGE_ZH in chinese.content.decode(), chinese.content.decode()[-1500:]
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("who", list(STAFF))
def test_staff_with_totp_make_tokens(who: str, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    user = with_totp(STAFF[who]())
    response = web(user).post("/me/api-tokens/", {"name": "script", "days": "30"})
    assert response.status_code == 200
    assert PAGE_EN not in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_staff_without_totp_make_tokens_when_the_rule_is_off(settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = False
    user = officer()
    response = web(user).post("/me/api-tokens/", {"name": "script", "days": "30"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_applicants_make_tokens_without_totp_under_the_rule(settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    user = applicant()
    response = web(user).post("/me/api-tokens/", {"name": "script", "days": "30"})
    assert response.status_code == 200
    assert PAGE_EN not in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("who", list(STAFF))
def test_existing_tokens_of_staff_without_totp_are_refused(who: str, settings: Any) -> None:
    user = STAFF[who]()
    key = api_token_key(user)  # made before the rule was switched on
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = False
    assert api_get(key).status_code == 200
    ApiToken.objects.update(last_used_at=None)
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    refused = api_get(key)
    assert refused.status_code == 403
    assert refused.json() == {"code": "mfa_required", "detail": API_EN}
    assert api_get(key, "zh-hans").json() == {"code": "mfa_required", "detail": API_ZH}
    assert ApiToken.objects.get().last_used_at is None  # a refused token was not used
    with_totp(user)
    assert api_get(key).status_code == 200


def test_removing_totp_refuses_the_tokens_again(settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    user = with_totp(officer())
    key = api_token_key(user)
    assert api_get(key).status_code == 200
    Authenticator.objects.filter(user=user).delete()
    assert api_get(key).json()["code"] == "mfa_required"


def test_applicant_tokens_work_under_the_rule(settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    assert api_get(api_token_key(applicant())).status_code == 200


def test_messages_are_translated() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext(PAGE_EN) == PAGE_ZH
        assert translation.gettext(API_EN) == API_ZH
        assert translation.gettext("Set up an authenticator app") == "设置身份验证器应用"


SESSION_EN = "Your role needs two-factor log-in: set up an authenticator app on the website before you use the API."
SESSION_ZH = "您的角色需要两步验证登录：请先在网站上设置身份验证器应用，再使用 API。"


@pytest.mark.parametrize("who", list(STAFF))
def test_staff_without_totp_cannot_use_the_api_through_the_session(who: str, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    user = STAFF[who]()
    refused = web(user).get("/api/v1/calls/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert refused.json() == {"code": "mfa_required", "detail": SESSION_EN}
    assert web(user, "zh-hans").get("/api/v1/calls/").json() == {"code": "mfa_required", "detail": SESSION_ZH}
    with_totp(user)
    assert web(user).get("/api/v1/calls/").status_code == 200


def test_session_api_use_is_unchanged_when_the_rule_is_off_or_for_applicants(settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = False
    assert web(officer()).get("/api/v1/calls/").status_code == 200
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    assert web(applicant()).get("/api/v1/calls/").status_code == 200
