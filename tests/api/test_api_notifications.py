"""The API's notifications: the user's own, newest first and paged; the unread count; mark one or
all read; another user's notification is 404; the OpenAPI schema describes the answers."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.notifications.mail import notify
from shenbao.notifications.models import Notification
from tests.factories import UserFactory, api_token_key
from tests.openapi_support import CHECKS, NO_RATE_LIMITS, load_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.SHENBAO_SITE_URL = "https://shenbao.example.org/"
    settings.SHENBAO_API_RATES = NO_RATE_LIMITS


def _mail(to: str, number: str) -> None:
    notify(
        to=to,
        language="en",
        template="receipt",
        context={"call_title": {"en": "Call"}, "number": number, "revision": 1, "title": "T"},
        link="/applications/7/",
    )


def _api(user: User | None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def test_the_list_is_the_users_own_newest_first_with_absolute_links() -> None:
    user, other = UserFactory(email="pi@example.com"), UserFactory(email="other@example.com")
    _mail(user.email, "N-1")
    _mail(user.email, "N-2")
    _mail(other.email, "THEIRS")
    body = _api(user).get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert [row["title"] for row in body["results"]] == ["Application received: N-2", "Application received: N-1"]
    assert body["results"][0]["link"] == "https://shenbao.example.org/applications/7/"
    assert body["results"][0]["unread"] is True and body["results"][0]["read_at"] is None
    assert _api(user).get("/api/v1/notifications/unread-count/").json() == {"unread": 2}


def test_mark_read_is_scoped_to_the_user_and_mark_all_counts() -> None:
    user, other = UserFactory(email="pi@example.com"), UserFactory(email="other@example.com")
    _mail(user.email, "N-1")
    _mail(user.email, "N-2")
    mine = Notification.objects.filter(user=user).order_by("pk").first()
    assert mine is not None
    refused = _api(other).post(f"/api/v1/notifications/{mine.pk}/read/")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    mine.refresh_from_db()
    assert mine.read_at is None
    read = _api(user).post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False and read.json()["id"] == mine.pk
    assert _api(user).post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert _api(user).get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert _api(other).get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_anonymous_gets_nothing() -> None:
    for path in ("/api/v1/notifications/", "/api/v1/notifications/unread-count/"):
        assert _api(None).get(path).status_code in (401, 403)
    assert _api(None).post("/api/v1/notifications/read-all/").status_code in (401, 403)


def test_the_schema_describes_the_notification_answers() -> None:
    user = UserFactory(email="pi@example.com")
    _mail(user.email, "N-1")
    pk = Notification.objects.get().pk
    schema = load_schema()
    headers = {"Accept-Language": "en", "Authorization": f"Token {api_token_key(user)}"}
    for method, path, params, expected in (
        ("GET", "/api/v1/notifications/", {}, 200),
        ("GET", "/api/v1/notifications/unread-count/", {}, 200),
        ("POST", "/api/v1/notifications/{id}/read/", {"id": pk}, 200),
        ("POST", "/api/v1/notifications/{id}/read/", {"id": pk + 1000}, 404),
        ("POST", "/api/v1/notifications/read-all/", {}, 200),
    ):
        parts = {"path_parameters": params} if params else {}
        case = schema.make_case(operation=schema[path][method], headers=headers, **parts)
        response = case.call()
        assert response.status_code == expected, (path, response.text[:300])
        case.validate_response(response, checks=CHECKS)
