"""Log-in and sign-up throttling (issue 15, item 7): five wrong passwords for one address lock it for
five minutes, the right password included, with a clear message in both languages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shenbao.accounts.services.accounts import register_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
LOCKED_EN = (
    "Too many failed log-ins for this address: it is locked for five minutes, even with the right password. "
    "Try again later, or reset your password."
)
LOCKED_ZH = "此地址登录失败次数过多，已锁定五分钟，即使密码正确也无法登录。请稍后再试，或重设密码。"


def log_in(client: Client, email: str, password: str, language: str = "zh-hans") -> tuple[int, str, bool]:
    response = client.post(reverse("web:login"), {"login": email, "password": password}, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content.decode(), "_auth_user_id" in client.session


@pytest.fixture
def account() -> str:
    register_user(email="target@example.com", password=PASSWORD, name="被攻击者")
    return "target@example.com"


def test_five_failures_lock_the_address_even_for_the_right_password(account: str) -> None:
    client = Client()
    for _ in range(5):
        status, body, logged_in = log_in(client, account, "wrong-password")
        assert (status, logged_in) == (200, False)
        assert LOCKED_ZH not in body
    status, body, logged_in = log_in(client, account, PASSWORD)
    assert (status, logged_in) == (200, False)
    assert LOCKED_ZH in body


def test_lockout_message_in_english(account: str) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        log_in(client, account, "wrong-password", "en")
    status, body, logged_in = log_in(client, account, PASSWORD, "en")
    assert (status, logged_in) == (200, False)
    assert LOCKED_EN in body


def test_lock_is_per_address_other_accounts_still_log_in(account: str) -> None:
    register_user(email="other@example.com", password=PASSWORD, name="旁人")
    client = Client()
    for _ in range(5):
        log_in(client, account, "wrong-password")
    assert log_in(Client(), "other@example.com", PASSWORD)[2] is True


def test_four_failures_then_right_password_logs_in(account: str) -> None:
    client = Client()
    for _ in range(4):
        log_in(client, account, "wrong-password")
    assert log_in(client, account, PASSWORD)[2] is True


def test_lock_ends_after_five_minutes(account: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    client = Client()
    for _ in range(5):
        log_in(client, account, "wrong-password")
    assert log_in(client, account, PASSWORD)[2] is False
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 301)
    assert log_in(client, account, PASSWORD)[2] is True


def test_signups_from_one_address_are_limited() -> None:
    client = Client()
    answers = []
    for n in range(11):
        response = client.post(
            reverse("web:register"),
            {
                "email": f"bulk{n}@example.com",
                "name": "批量",
                "language": "zh-hans",
                "password1": "a-Long-pass-123",
                "password2": "a-Long-pass-123",
            },
        )
        answers.append(response.status_code)
    assert answers[:10] == [302] * 10
    assert answers[10] == 429
    assert "尝试次数过多" in response.content.decode()
    from shenbao.accounts.models import User

    assert User.objects.filter(email__startswith="bulk").count() == 10


def test_lockout_message_is_translated() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext(LOCKED_EN) == LOCKED_ZH
