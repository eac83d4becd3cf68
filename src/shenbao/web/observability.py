"""Health endpoints and the request id (issue 18).

``/healthz``: the process answers (no database, no cache: a load balancer restarts what fails it).
``/readyz``: the database, the cache, the file storage and a recent task-worker heartbeat (a load
balancer sends no traffic to a server that fails it).  Both answer JSON, 200 or 503.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shenbao.core.health import readiness
from shenbao.core.logs import bind_request_id, unbind_request_id

#: An id from the proxy in front is kept when it looks like one; anything else is replaced.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("shenbao.request")


class RequestIdMiddleware:
    """Gives each request an id (the proxy's ``X-Request-ID`` when it sends a sane one, otherwise a new
    one), tags every log line written while it runs, echoes it in the response's ``X-Request-ID`` and
    logs one line per request (logger ``shenbao.request``, level INFO)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = bind_request_id(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )
            return response
        finally:
            unbind_request_id(token)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503)
