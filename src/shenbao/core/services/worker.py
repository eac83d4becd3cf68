"""Heartbeats of the task workers (no audit entry: a heartbeat is no state change anyone acts on)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shenbao.core.models import WorkerHeartbeat


def record_heartbeat(
    *, worker_id: str, hostname: str, pid: int, queues: str, started_at: dt.datetime, now: dt.datetime | None = None
) -> None:
    """Marks the worker alive now (one row per worker, written over)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": hostname[:255],
            "pid": pid,
            "queues": queues[:255],
            "started_at": started_at,
            "seen_at": now or timezone.now(),
        },
    )


def forget_heartbeat(*, worker_id: str) -> None:
    """A worker that stops cleanly leaves no stale row behind."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def prune_heartbeats(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Rows of workers gone for longer than ``older_than`` (killed, their machine gone)."""
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=(now or timezone.now()) - older_than).delete()
    return deleted
