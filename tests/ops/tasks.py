"""A task for the worker tests: answers which workers had a heartbeat while it ran."""

from __future__ import annotations

from django_tasks import task

from shenbao.core.models import WorkerHeartbeat


@task()
def heartbeats_seen() -> list[str]:
    return sorted(WorkerHeartbeat.objects.values_list("worker_id", flat=True))


@task()
def always_fails() -> None:
    raise RuntimeError("the mail server refused the connection")
