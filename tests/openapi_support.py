"""Shared by the schema-conformance and fuzz tests: the project's own OpenAPI schema, loaded
in-process through the WSGI app (no network), and the checks a response must pass."""

from __future__ import annotations

from functools import cache
from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
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
    return get_wsgi_application()


def load_schema() -> Any:
    """Loaded per test: the schema request goes through the test database's connection."""
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", _app())


def operation(schema: Any, method: str, path: str) -> Any:
    return schema[path][method.upper()]
