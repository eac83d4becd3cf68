"""Queueing a background task from inside a write (issue 18): the job row and the task are stored
in the same transaction by the database queue (``db_worker``); a backend that runs tasks at once
(the tests', or a development setting) must wait for the commit, or the task would not see the row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend


def enqueue_with_commit(task: Any, **kwargs: Any) -> None:
    """Queue ``task(**kwargs)`` with the current transaction (or after its commit when it would run at once)."""

    def enqueue() -> None:
        task.enqueue(**kwargs)

    if isinstance(task.get_backend(), ImmediateBackend):
        transaction.on_commit(enqueue)
    else:
        enqueue()
