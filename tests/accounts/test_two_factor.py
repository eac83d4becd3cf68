"""Optional TOTP two-factor log-in, required for staff by ``SHENBAO_REQUIRE_MFA_FOR_STAFF`` (issue 15)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import open_call

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"


def code_now(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time() + offset) // 30))


def log_in(client: Client, email: str) -> Any:
    return client.post(reverse("web:login"), {"login": email, "password": PASSWORD})


def activate_totp(client: Client) -> str:
    # Setting up a second factor asks for the password again first.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert page.context["totp_svg_data_uri"].startswith("data:image/svg+xml;base64,")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(secret)


@pytest.fixture
def officer() -> User:
    call = open_call("000", code="mfa-000")
    user = register_user(email="officer@example.com", password=PASSWORD, name="项目主管")
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def test_user_sets_up_totp_and_is_then_asked_for_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    user = register_user(email="careful@example.com", password=PASSWORD, name="谨慎")
    client = Client()
    log_in(client, "careful@example.com")
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
    client.post(reverse("web:logout"))

    fresh = Client()
    response = log_in(fresh, "careful@example.com")
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    assert "_auth_user_id" not in fresh.session
    wrong = fresh.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in fresh.session
    # A code of the next period: the one used to set up may not be used twice.
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 30)
    done = fresh.post(reverse("mfa_authenticate"), {"code": code_now(secret)})
    assert done.status_code == 302
    assert int(fresh.session["_auth_user_id"]) == user.pk


def test_staff_redirected_to_set_up_totp_when_required(officer: User, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    client = Client()
    client.force_login(officer)
    response = client.get(reverse("web:staff_calls"))
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp"))
    assert not Authenticator.objects.exists()


def test_staff_with_totp_opens_staff_pages_when_required(officer: User, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    client = Client()
    log_in(client, "officer@example.com")
    activate_totp(client)
    assert client.get(reverse("web:staff_calls")).status_code == 200


def test_administrator_redirected_from_admin_when_required(settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    admin = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp"))


def test_staff_pages_open_without_totp_when_not_required(officer: User, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = False
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("web:staff_calls")).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "applicant"])
def test_requirement_leaves_non_staff_alone(who: str, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    client = Client()
    if who == "applicant":
        client.force_login(register_user(email="applicant@example.com", password=PASSWORD, name="申请人"))
        assert client.get(reverse("web:staff_calls")).status_code == 200  # an empty list, no TOTP asked
        assert client.get(reverse("web:profile")).status_code == 200
    else:
        response = client.get(reverse("web:staff_calls"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_officer_pages_outside_staff_need_no_totp(officer: User, settings: Any) -> None:
    settings.SHENBAO_REQUIRE_MFA_FOR_STAFF = True
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("web:profile")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
