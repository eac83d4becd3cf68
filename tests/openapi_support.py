"""Shared by the schema-conformance and fuzz tests: the project's own OpenAPI schema, loaded
in-process through the WSGI app (no network), and the checks a response must pass."""

from __future__ import annotations

from functools import cache
from typing import Any

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Every API rate limit off: a fuzz run is a flood by design.
NO_RATE_LIMITS = {"user_burst": None, "user_day": None, "anonymous": None}


@cache
def _app() -> Any:
    handler = get_wsgi_application()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        # As Django's test client does: a request must not close the test's database connection
        # (on PostgreSQL, close_old_connections closes a connection inside the test's transaction).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            body = b"".join(response)
            response.close()  # request_finished fires here, while disconnected
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return [body]

    return app


def load_schema() -> Any:
    """Loaded per test: the schema request goes through the test database's connection."""
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", _app())


def operation(schema: Any, method: str, path: str) -> Any:
    return schema[path][method.upper()]
