"""Invitation links never skip the second factor (issue 15): an invitation link is one factor (the
mailbox).  A reviewer-pool link sets a password and logs a new expert in, but only through the
log-in library's steps and never for an account with TOTP; a team invitation is answered only by a
fully logged-in user.  Whoever has TOTP is asked for the code before any answer is taken."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, TeamMember
from shenbao.applications.services.team import invite_team_member
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import PoolMember
from shenbao.reviews.services.pool import invite_reviewer
from tests.applications.fixtures import open_call

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
NEW_PASSWORD = "a-Long-pass-123"
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def with_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


@pytest.fixture
def invite() -> Callable[[str], PoolMember]:
    call = open_call("000", code="inv-2fa")
    officer = register_user(email="officer@example.com", password=PASSWORD, name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)

    def make(email: str) -> PoolMember:
        return invite_reviewer(call=call, email=email, name="专家", actor=officer)

    return make


def pool_link(member: PoolMember) -> str:
    return f"/review/invitations/{member.token}/"


def test_new_expert_sets_a_password_and_is_logged_in_through_the_log_in_library(
    invite: Callable[[str], PoolMember],
) -> None:
    member = invite("new@example.com")
    client = Client()
    response = client.post(pool_link(member), {"answer": "accept", "password": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("web:my_reviews"))
    assert logged_in_as(client) == member.user_id
    assert client.session["_auth_user_backend"] == ALLAUTH_BACKEND
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.status == PoolStatus.ACCEPTED
    assert member.user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_link_gives_no_password_to_an_account_with_totp(invite: Callable[[str], PoolMember], answer: str) -> None:
    """An account made by an institution's sign-in has no password; with TOTP, the link must not
    become a way to log in with the mailbox alone."""
    user = register_user(email="sso@example.com", password=None, name="单点登录")
    with_totp(user)
    member = invite("sso@example.com")
    client = Client()
    page = client.get(pool_link(member)).content.decode()
    assert 'name="password"' not in page
    assert f'href="{reverse("web:login")}?next=' in page
    response = client.post(pool_link(member), {"answer": answer, "password": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, f"{reverse('web:login')}?next={pool_link(member)}")
    assert logged_in_as(client) is None
    user.refresh_from_db()
    member.refresh_from_db()
    assert not user.has_usable_password()
    assert member.status == PoolStatus.INVITED
    assert client.get(reverse("web:my_reviews")).status_code == 302


def test_totp_is_asked_even_if_the_link_logs_someone_in(
    invite: Callable[[str], PoolMember], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Second line: should the page ever offer the password to an account with TOTP, the log-in
    itself still stops at the TOTP step and nothing is answered."""
    user = register_user(email="sso@example.com", password=None, name="单点登录")
    with_totp(user)
    member = invite("sso@example.com")
    monkeypatch.setattr("shenbao.web.reviewer.views.is_mfa_enabled", lambda user: False)
    client = Client()
    response = client.post(pool_link(member), {"answer": "accept", "password": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    assert logged_in_as(client) is None
    member.refresh_from_db()
    assert member.status == PoolStatus.INVITED
    assert client.get(reverse("web:my_reviews")).status_code == 302


def test_reviewer_with_totp_answers_only_after_the_code(invite: Callable[[str], PoolMember]) -> None:
    user = register_user(email="expert@example.com", password=PASSWORD, name="专家")
    secret = with_totp(user)
    member = invite("expert@example.com")
    client = Client()
    response = client.post(reverse("web:login"), {"login": "expert@example.com", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    # Password given, code not yet: the invitation is not answered and no reviewer page opens.
    pending = client.post(pool_link(member), {"answer": "accept"})
    assert (pending.status_code, pending["Location"]) == (302, f"{reverse('web:login')}?next={pool_link(member)}")
    assert client.get(reverse("web:my_reviews")).status_code == 302
    member.refresh_from_db()
    assert member.status == PoolStatus.INVITED
    assert client.post(reverse("mfa_authenticate"), {"code": code_now(secret)}).status_code == 302
    assert logged_in_as(client) == user.pk
    done = client.post(pool_link(member), {"answer": "accept"})
    assert (done.status_code, done["Location"]) == (302, reverse("web:my_reviews"))
    member.refresh_from_db()
    assert member.status == PoolStatus.ACCEPTED


def test_team_invitation_with_totp_is_answered_only_after_the_code(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    member = invite_team_member(
        application=ready_application(), email="li@example.com", name="李娜", role="member", actor=scholar
    )
    user = register_user(email="li@example.com", password=PASSWORD, name="李娜")
    secret = with_totp(user)
    link = f"/invitations/{member.token}/"
    client = Client()
    response = client.post(reverse("web:login"), {"login": "li@example.com", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    pending = client.post(link, {"answer": "accept"})
    assert (pending.status_code, pending["Location"]) == (302, f"{reverse('web:login')}?next={link}")
    assert 'name="answer"' not in client.get(link).content.decode()
    member.refresh_from_db()
    assert (member.status, member.user_id) == (InvitationStatus.INVITED, None)
    assert client.post(reverse("mfa_authenticate"), {"code": code_now(secret)}).status_code == 302
    done: Any = client.post(link, {"answer": "accept"})
    assert done.status_code == 200
    member = TeamMember.objects.get(pk=member.pk)
    assert (member.status, member.user_id) == (InvitationStatus.ACCEPTED, user.pk)
