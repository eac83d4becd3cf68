"""The deadline rush's hot path, statement by statement: one submission through the API with a token,
and its double click.  ``bench/deadline_rush.py`` measures its speed; this pins its round trips so a
new query on the path shows up here, not only as a slower benchmark."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shenbao.applications.models import Application
from shenbao.notifications.models import Message
from tests.api.test_api_v1 import api

pytestmark = pytest.mark.django_db

#: What the transaction markers are (the test wraps each test in a transaction: BEGIN / COMMIT
#: become SAVEPOINT / RELEASE).
_MARKERS = ("SAVEPOINT", "RELEASE")


def _kinds(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"].split(None, 1)[0].upper() for q in ctx.captured_queries]


@pytest.fixture
def database_tasks(settings: Any) -> None:
    """The production task backend: the receipt's sending is a task row written with the submission."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_submission_through_the_api_is_thirteen_statements(
    ready_application: Callable[..., Application], database_tasks: None
) -> None:
    application = ready_application()
    client = api(application.applicant)
    ContentType.objects.get_for_model(Application)  # cached for the process after its first use
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"/api/v1/applications/{application.pk}/submit/", {"key": "k1"}, format="json")
    assert response.status_code == 201
    assert _kinds(ctx) == [
        "SELECT",  # the token and its user
        "UPDATE",  # the token's last use (at most once a minute)
        "SAVEPOINT",  # BEGIN
        "SELECT",  # the application, locked
        "SELECT",  # its call, applicant, parts and the facts the rules read
        "INSERT",  # the frozen revision
        "UPDATE",  # the application: state, receipt, rule results
        "INSERT",  # the audit entry
        "SELECT",  # the staff's own text of the receipt mail, and whether the call's mail is held
        "INSERT",  # the receipt in the outbox
        "INSERT",  # its in-app notification
        "INSERT",  # the task that sends it after the commit
        "RELEASE",  # COMMIT
    ]
    assert len(ctx.captured_queries) == 13
    assert Message.objects.get().template == "receipt"


def test_the_double_click_through_the_api_reads_the_token_and_locks(
    ready_application: Callable[..., Application], database_tasks: None
) -> None:
    application = ready_application()
    client = api(application.applicant)
    assert client.post(f"/api/v1/applications/{application.pk}/submit/", {"key": "k1"}, format="json").status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        again = client.post(f"/api/v1/applications/{application.pk}/submit/", {"key": "k1"}, format="json")
    assert again.status_code == 200
    assert again.json()["receipt_number"] == Application.objects.get(pk=application.pk).receipt_number
    # the token (its last use was noted a moment ago); BEGIN; the lock finds it submitted; COMMIT
    assert _kinds(ctx) == ["SELECT", "SAVEPOINT", "SELECT", "RELEASE"]
