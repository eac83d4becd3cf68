"""API rate limits (issue 15, item 7): one user or one anonymous address cannot flood the API; other
users, including users behind the same address (a university's NAT), are not affected."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from shenbao.accounts.services.accounts import register_user

pytestmark = pytest.mark.django_db
RATES = {"user_burst": "5/minute", "user_day": "8/day", "anonymous": "3/minute"}


def _client(email: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.1.2.3")
    client.force_authenticate(register_user(email=email, password=None, name="用户"))
    return client


@override_settings(SHENBAO_API_RATES=RATES)
def test_a_user_past_the_burst_rate_gets_429_and_another_user_on_the_same_address_does_not() -> None:
    first, second = _client("a@example.com"), _client("b@example.com")
    assert [first.get("/api/v1/calls/").status_code for _ in range(6)] == [200] * 5 + [429]
    refused = first.get("/api/v1/calls/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert [second.get("/api/v1/calls/").status_code for _ in range(5)] == [200] * 5


@override_settings(SHENBAO_API_RATES={**RATES, "user_burst": None})
def test_the_daily_rate_holds_when_the_burst_allows() -> None:
    client = _client("c@example.com")
    assert [client.get("/api/v1/calls/").status_code for _ in range(9)] == [200] * 8 + [429]


@override_settings(SHENBAO_API_RATES=RATES)
def test_anonymous_clients_are_limited_per_address() -> None:
    here = APIClient(REMOTE_ADDR="10.9.9.9")
    there = APIClient(REMOTE_ADDR="10.9.9.10")
    assert [here.get("/api/v1/calls/").status_code for _ in range(4)] == [200] * 3 + [429]  # the list is public
    assert there.get("/api/v1/calls/").status_code == 200


def test_default_rates_come_from_the_settings() -> None:
    from django.conf import settings

    assert settings.SHENBAO_API_RATES == {"user_burst": "120/minute", "user_day": "5000/day", "anonymous": "30/minute"}
