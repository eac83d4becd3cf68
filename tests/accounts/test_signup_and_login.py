"""Registration, e-mail confirmation and log-in through the log-in library (issue 15, items 2 and 7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import Person, User
from shenbao.accounts.services.accounts import register_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-123"


def sign_up(client: Client, email: str, name: str = "新用户", language: str = "zh-hans") -> Any:
    return client.post(
        reverse("web:register"),
        {"email": email, "name": name, "language": language, "password1": PASSWORD, "password2": PASSWORD},
    )


def confirmation_link(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_register_creates_account_with_person_and_unconfirmed_address(client: Client) -> None:
    response = sign_up(client, "New@Example.com", name="王小明", language="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.com")
    assert (user.display_name, user.language) == ("王小明", "en")
    assert Person.objects.get(user=user).name == "王小明"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@example.com", False, True)
    ]
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.com"]


def test_login_refused_until_address_confirmed(client: Client) -> None:
    sign_up(client, "new@example.com")
    mail.outbox.clear()
    response = client.post(reverse("web:login"), {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert mail.outbox == []  # the link went out a moment ago: not sent again within the cool-down


def test_confirmation_link_confirms_and_logs_in(client: Client) -> None:
    sign_up(client, "new@example.com")
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # the page asks to confirm with a button (no change on GET)
    assert not EmailAddress.objects.get(email="new@example.com").verified
    response = client.post(link)
    assert (response.status_code, response["Location"]) == (302, reverse("web:profile"))
    assert "欢迎！" in client.get(response["Location"]).content.decode()
    assert EmailAddress.objects.get(email="new@example.com").verified
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="new@example.com").pk
    client.post(reverse("web:logout"))
    response = client.post(reverse("web:login"), {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:call_list")


def test_register_existing_address_answers_like_a_new_one_and_mails_the_owner(client: Client) -> None:
    owner = register_user(email="owner@example.com", password="pass-Word-123", name="原用户")
    fresh = sign_up(client, "fresh@example.com")
    fresh_page = client.get(fresh["Location"])
    mail.outbox.clear()
    taken = sign_up(Client(), "OWNER@example.com", name="冒名者")
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    taken_page = Client().get(taken["Location"])
    assert taken_page.status_code == fresh_page.status_code
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.display_name == "原用户" and owner.check_password("pass-Word-123")
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert "confirm-email" not in mail.outbox[0].body  # a warning to the owner, no link that would verify anything


def test_old_login_field_name_still_accepted(client: Client) -> None:
    register_user(email="old@example.com", password="pass-Word-123", name="旧脚本")
    response = client.post(reverse("web:login"), {"username": "old@example.com", "password": "pass-Word-123"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_accounts_made_by_staff_or_demo_log_in_without_confirmation(client: Client) -> None:
    register_user(email="staffmade@example.com", password="pass-Word-123", name="专家")
    assert EmailAddress.objects.get(email="staffmade@example.com").verified
    response = client.post(reverse("web:login"), {"login": "staffmade@example.com", "password": "pass-Word-123"})
    assert response.status_code == 302 and response["Location"] == reverse("web:call_list")


def test_url_names_point_at_the_library_pages() -> None:
    assert reverse("web:login") == "/accounts/login/" == reverse("account_login")
    assert reverse("web:logout") == "/accounts/logout/" == reverse("account_logout")
    assert reverse("web:register") == "/accounts/register/"


def test_admin_login_goes_through_the_same_log_in_page(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    client.force_login(register_user(email="plain@example.com", password="pass-Word-123", name="普通用户"))
    assert client.get("/admin/login/").status_code == 403
