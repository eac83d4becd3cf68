"""Password reset by a mailed link, and password change, through the log-in library (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user

pytestmark = pytest.mark.django_db

OLD, NEW = "pass-Word-123", "brand-New-pass-456"


@pytest.fixture
def user() -> User:
    return register_user(email="forgetful@example.com", password=OLD, name="健忘")


def test_login_page_links_to_password_reset_and_register(client: Client) -> None:
    page = client.get(reverse("web:login")).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in page
    assert f'href="{reverse("web:register")}"' in page
    assert "忘记密码？" in page


def test_password_reset_round_trip_with_mailed_link(client: Client, user: User) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "Forgetful@example.com"})
    assert (response.status_code, response["Location"]) == (302, reverse("account_reset_password_done"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["forgetful@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"password1": NEW, "password2": NEW})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)
    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert again.context["token_fail"] is True
    assert not Client().post(reverse("web:login"), {"login": "forgetful@example.com", "password": OLD}).has_header("Location")
    logged = Client()
    assert logged.post(reverse("web:login"), {"login": "forgetful@example.com", "password": NEW}).status_code == 302
    assert "_auth_user_id" in logged.session


def test_password_reset_for_unknown_address_answers_the_same(client: Client, user: User) -> None:
    known = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert User.objects.filter(email="nobody@example.com").count() == 0


def test_password_reset_link_with_wrong_key_changes_nothing(client: Client, user: User) -> None:
    response = client.get(f"/accounts/password/reset/key/{user.pk:x}-wrong-key/", follow=True)
    assert (response.status_code, response.context["token_fail"]) == (200, True)
    client.post(f"/accounts/password/reset/key/{user.pk:x}-wrong-key/", {"password1": NEW, "password2": NEW})
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_password_change_from_profile(client: Client, user: User) -> None:
    client.force_login(user)
    profile = client.get(reverse("web:profile")).content.decode()
    for name in ("account_change_password", "account_email", "mfa_index"):
        assert f'href="{reverse(name)}"' in profile
    wrong = client.post(reverse("account_change_password"), {"oldpassword": "nope", "password1": NEW, "password2": NEW})
    assert wrong.status_code == 200
    user.refresh_from_db()
    assert user.check_password(OLD)
    changed = client.post(reverse("account_change_password"), {"oldpassword": OLD, "password1": NEW, "password2": NEW})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_password_pages_need_login(client: Client) -> None:
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
