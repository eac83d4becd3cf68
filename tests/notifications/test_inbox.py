"""In-app notifications: every stored mail to a user's address is one, shown (not while held or
discarded) on a paged list with the unread count in the header's bell; marking read, following the
link; every read scoped to the user; constant query counts for the list and the bell."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.notifications.inbox import mark_all_read, notifications_of, unread_count
from shenbao.notifications.mail import notify
from shenbao.notifications.models import Message, Notification
from shenbao.notifications.rendering import site_path
from shenbao.notifications.services import discard, edit_message, hold_call_mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.SHENBAO_SITE_URL = "https://shenbao.example.org/"


def _mail(to: str, *, number: str = "XM-1", call: str | None = None, link: str | None = "/applications/7/") -> Message:
    return notify(
        to=to,
        language="en",
        template="receipt",
        context={"call_title": {"en": "Call", "zh-hans": "征集"}, "number": number, "revision": 1, "title": "T"},
        call=call,
        link=link,
    )


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_mail_to_a_users_address_is_also_a_notification_with_its_title_and_link() -> None:
    user = UserFactory(email="pi@example.com")
    message = _mail("PI@example.com")
    notification = Notification.objects.get()
    assert (notification.user, notification.message, notification.title) == (user, message, message.subject)
    assert notification.link == "/applications/7/" and notification.read_at is None
    assert "https://shenbao.example.org/applications/7/" in message.body
    _mail("nobody@example.com")
    UserFactory(email="gone@example.com", is_active=False)
    _mail("gone@example.com")
    assert Notification.objects.count() == 1


def test_a_link_is_kept_as_a_path_on_this_site() -> None:
    assert site_path("https://shenbao.example.org/review/") == "/review/"
    assert site_path("https://evil.example.com/phish?x=1") == "/phish?x=1"
    assert site_path("//evil.example.com/x") == "/x"
    assert site_path("applications/3/") == "/applications/3/"
    assert site_path("") == ""


def test_held_and_discarded_mails_are_not_shown_and_an_edited_subject_is() -> None:
    user = UserFactory(email="pi@example.com")
    hold_call_mail(call_code="c1", actor=None)
    held = _mail(user.email, call="c1")
    assert unread_count(user) == 0
    edit_message(message=held, subject="Corrected subject", body="Body", actor=None)
    from shenbao.notifications.services import release_call_mail

    release_call_mail(call_code="c1", actor=None)
    assert [n.title for n in notifications_of(user)] == ["Corrected subject"]
    other = _mail(user.email, call="c1", number="XM-2")
    discard(call_code="c1", pks=[other.pk], actor=None)
    assert unread_count(user) == 1


def test_the_list_is_newest_first_paged_and_only_the_users_own() -> None:
    user, other = UserFactory(email="pi@example.com"), UserFactory(email="other@example.com")
    for i in range(3):
        _mail(user.email, number=f"N-{i}")
    _mail(other.email, number="THEIRS")
    page = _client(user).get(reverse("web:notifications"))
    assert page.status_code == 200
    titles = [n.title for n in page.context["rows"]]
    assert titles == ["Application received: N-2", "Application received: N-1", "Application received: N-0"]
    assert "THEIRS" not in page.content.decode()
    assert 'data-unread="3"' in page.content.decode()


def test_following_a_notification_marks_it_read_and_goes_to_its_link() -> None:
    user, other = UserFactory(email="pi@example.com"), UserFactory(email="other@example.com")
    _mail(user.email)
    notification = Notification.objects.get()
    refused = _client(other).get(reverse("web:notification_open", args=[notification.pk]))
    assert refused.status_code == 404
    assert _client(other).post(reverse("web:notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    answer = _client(user).get(reverse("web:notification_open", args=[notification.pk]))
    assert answer.status_code == 302 and answer["Location"] == "/applications/7/"
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None and unread_count(user) == 0
    _client(user).get(reverse("web:notification_open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read  # the first reading is kept


def test_a_notification_without_a_link_opens_the_list() -> None:
    user = UserFactory(email="pi@example.com")
    _mail(user.email, link=None)
    answer = _client(user).get(reverse("web:notification_open", args=[Notification.objects.get().pk]))
    assert answer["Location"] == reverse("web:notifications")


def test_mark_one_and_mark_all_read() -> None:
    user, other = UserFactory(email="pi@example.com"), UserFactory(email="other@example.com")
    for i in range(3):
        _mail(user.email, number=f"N-{i}")
    _mail(other.email)
    client = _client(user)
    first = notifications_of(user).last()
    assert first is not None
    answer = client.post(reverse("web:notification_read", args=[first.pk]), {"next": "https://evil.example.com/"})
    assert answer["Location"] == reverse("web:notifications")
    assert unread_count(user) == 2
    answer = client.post(reverse("web:notifications_read_all"), {"next": "/me/notifications/?page=1"})
    assert answer["Location"] == "/me/notifications/?page=1"
    assert (unread_count(user), unread_count(other)) == (0, 1)
    assert mark_all_read(user=user) == 0


def test_the_bell_shows_the_unread_count_to_signed_in_users_only() -> None:
    user = UserFactory(email="pi@example.com")
    _mail(user.email)
    _mail(user.email, number="XM-2")
    page = _client(user).get(reverse("web:call_list")).content.decode()
    assert 'class="bell has-unread" data-unread="2"' in page and '<span class="bell-count">2</span>' in page
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("web:call_list")).content.decode()
    assert 'class="bell' not in anonymous


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_page_and_the_bell_take_the_same_queries_for_few_and_many_notifications() -> None:
    user = UserFactory(email="pi@example.com")
    client = _client(user)
    _mail(user.email)
    few_list = _queries(client, reverse("web:notifications"))
    few_page = _queries(client, reverse("web:my_applications"))
    for i in range(30):
        _mail(user.email, number=f"N-{i}")
    assert _queries(client, reverse("web:notifications")) == few_list
    assert _queries(client, reverse("web:my_applications")) == few_page
