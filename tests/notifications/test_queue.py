"""Notifications go through the task queue: stored with the transaction's commit, sent by the worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from shenbao.applications.errors import NotEligible
from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application


@pytest.fixture
def database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_receipt_is_queued_at_commit_and_sent_by_the_worker_in_the_applicants_language(
    database_queue: None, ready_application: Callable[..., Application]
) -> None:
    application = ready_application()
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    submit_application(application=application, actor=application.applicant)
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []  # nothing is sent inside the request

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.to for m in mail.outbox] == [[application.applicant.email]]
    assert mail.outbox[0].subject == f"Application received: {application.receipt_number}"
    assert "Revision: 1" in mail.outbox[0].body
    assert "Beijing time" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_refused_submission_queues_nothing(database_queue: None, ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    Application.objects.filter(pk=application.pk).update(declarations=[])
    with pytest.raises(NotEligible):
        submit_application(application=application, actor=application.applicant)
    assert DBTaskResult.objects.count() == 0
