"""The product's WSGI application with every view imported up front, so that ``gunicorn
--preload`` forks workers that are ready (no first-request imports inside the timing), and the
floor of the deadline-rush benchmark beside it.

The floor is the barest thing that does a submission's kind of I/O: one row written to the same
PostgreSQL through the same ORM, under the same connection policy (``CONN_MAX_AGE``), answered as
JSON, but without the product's middleware, URL resolution, authentication or views.  The rush
through the product is measured against it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import close_old_connections
from django.urls import get_resolver

from shenbao.config.wsgi import application as product  # sets Django up: models import after it

get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
FLOOR_PATH = "/bench/floor/"


def floor(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    from django.contrib.contenttypes.models import ContentType

    from shenbao.core.models import AuditEntry

    close_old_connections()  # what Django does when a request starts and ends
    try:
        entry = AuditEntry.objects.create(
            action="shenbao.bench.floor",
            content_type=ContentType.objects.get_for_model(AuditEntry),
            object_id="0",
            object_repr="bench",
        )
        body = json.dumps({"id": entry.pk}).encode()
    finally:
        close_old_connections()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == FLOOR_PATH:
        return floor(environ, start_response)
    return product(environ, start_response)


__all__ = ["application"]
