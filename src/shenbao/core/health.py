"""Readiness checks (issue 18): can this app server serve requests — its database, its cache, its
file storage, and is any task worker alive?  Each check answers ``ok`` or ``fail`` with the
exception's class name only (``/readyz`` is open to the load balancer; the details go to the log)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from shenbao.core.queries.worker import latest_heartbeat, stale_after
from shenbao.core.storage import storage_check

logger = logging.getLogger("shenbao.health")


class NotReady(Exception):
    """A check that ran but found the service not ready (e.g. no worker heartbeat)."""


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _cache() -> dict[str, Any]:
    key, token = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 10)
    try:
        if cache.get(key) != token:
            raise NotReady("the cache did not return what was just stored")
    finally:
        cache.delete(key)
    return {}


def _storage() -> dict[str, Any]:
    storage_check()
    return {"backend": settings.SHENBAO_STORAGE}


def _worker() -> dict[str, Any]:
    seen = latest_heartbeat()
    if seen is None:
        raise NotReady("no task worker has reported")
    age = timezone.now() - seen
    if age > stale_after():
        raise NotReady(f"the last task worker heartbeat is {int(age.total_seconds())} s old")
    return {"seen_seconds_ago": round(age.total_seconds(), 1)}


def readiness() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Every check, each timed; ready only when all pass."""
    checks: dict[str, Callable[[], dict[str, Any]]] = {"database": _database, "cache": _cache, "storage": _storage}
    if settings.SHENBAO_READYZ_WORKER:
        checks["worker"] = _worker
    results: dict[str, dict[str, Any]] = {}
    for name, check in checks.items():
        start = time.perf_counter()
        try:
            result: dict[str, Any] = {"status": "ok", **check()}
        except NotReady as exc:
            result = {"status": "fail", "error": str(exc)}
            logger.warning("readiness check %s failed: %s", name, exc)
        except Exception as exc:
            result = {"status": "fail", "error": type(exc).__name__}
            logger.warning("readiness check %s failed", name, exc_info=True)
        result["ms"] = round((time.perf_counter() - start) * 1000, 1)
        results[name] = result
    return all(r["status"] == "ok" for r in results.values()), results
