"""One error shape for every API refusal: ``{"code": ..., "detail": ...}`` (plus ``fields`` for
invalid input), in the reader's language, whatever raised it: our services, DRF's own checks
(authentication, permissions, throttling, parsing), or a 404."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "code" in data:
        return response  # already in our shape
    if isinstance(exc, exceptions.ValidationError) and not (isinstance(data, dict) and set(data) == {"detail"}):
        messages = " ".join(_flatten(data)) or _("Some values are not valid.")
        response.data = {"code": "invalid", "detail": messages, "fields": data}
        return response
    detail = data.get("detail", "") if isinstance(data, dict) else data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", None) or "error"
    response.data = {"code": str(code), "detail": str(detail)}
    return response


def _flatten(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [m for value in data.values() for m in _flatten(value)]
    if isinstance(data, list):
        return [m for value in data for m in _flatten(value)]
    return [str(data)]
