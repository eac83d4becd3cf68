"""Changing the e-mail address (the log-in) takes effect only once the new address is confirmed."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"


def test_new_address_is_used_only_after_its_link_is_opened() -> None:
    user = register_user(email="before@example.com", password=PASSWORD, name="换邮箱")
    client = Client()
    client.post(reverse("web:login"), {"login": "before@example.com", "password": PASSWORD})
    response = client.post(reverse("account_email"), {"action_add": "", "email": "after@example.com"})
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = client.post(reverse("account_email"), {"action_add": "", "email": "after@example.com"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "before@example.com"
    assert EmailAddress.objects.get(email="after@example.com").verified is False
    assert mail.outbox[-1].to == ["after@example.com"]
    # Not yet the log-in: the new address does not log in.
    other = Client()
    other.post(reverse("web:login"), {"login": "after@example.com", "password": PASSWORD})
    assert "_auth_user_id" not in other.session

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link is not None
    client.post(link.group(1))
    user.refresh_from_db()
    assert user.email == "after@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("after@example.com", True, True)
    ]
    fresh = Client()
    fresh.post(reverse("web:login"), {"login": "after@example.com", "password": PASSWORD})
    assert int(fresh.session["_auth_user_id"]) == user.pk
    assert User.objects.count() == 1
