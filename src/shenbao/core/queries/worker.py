"""The task queue as administrators and ``/readyz`` see it: waiting, running and failed tasks of the
database queue (django-tasks-db) and the workers' heartbeats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shenbao.core.models import WorkerHeartbeat


def heartbeat_seconds() -> int:
    """How often a worker records it is alive (``SHENBAO_WORKER_HEARTBEAT_SECONDS``)."""
    return int(settings.SHENBAO_WORKER_HEARTBEAT_SECONDS)


def stale_after() -> dt.timedelta:
    """A worker silent for six beats counts as gone."""
    return dt.timedelta(seconds=heartbeat_seconds() * 6)


@dataclass(frozen=True)
class QueueState:
    ready: int
    running: int
    failed: int
    failed_last_day: int
    oldest_ready_at: dt.datetime | None


def queue_state(*, now: dt.datetime | None = None) -> QueueState:
    """One query: how many tasks wait, run and failed (all time and in the last 24 hours)."""
    day_ago = (now or timezone.now()) - dt.timedelta(days=1)
    row = DBTaskResult.objects.aggregate(
        ready=Count("id", filter=Q(status="READY")),
        running=Count("id", filter=Q(status="RUNNING")),
        failed=Count("id", filter=Q(status="FAILED")),
        failed_last_day=Count("id", filter=Q(status="FAILED", finished_at__gte=day_ago)),
        oldest_ready_at=Min("enqueued_at", filter=Q(status="READY")),
    )
    return QueueState(**row)


def recent_failures(*, limit: int = 20) -> list[DBTaskResult]:
    """The latest failed tasks, newest first (task, error, when, on which worker)."""
    return list(DBTaskResult.objects.filter(status="FAILED").order_by("-finished_at")[:limit])


def workers(*, now: dt.datetime | None = None) -> list[tuple[WorkerHeartbeat, bool]]:
    """The workers that reported, latest first, each with whether it is alive (beat recently)."""
    cutoff = (now or timezone.now()) - stale_after()
    return [(w, w.seen_at >= cutoff) for w in WorkerHeartbeat.objects.order_by("-seen_at")[:100]]


def latest_heartbeat() -> dt.datetime | None:
    """When any worker last beat (None: no worker ever ran, or all stopped cleanly)."""
    seen: dt.datetime | None = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))["latest"]
    return seen
