"""Structured logs (issue 18): every log line carries the id of the request it was written in, and
``SHENBAO_LOG_FORMAT=json`` writes one JSON object per line for a log collector.

The id is kept in a context variable set by ``RequestIdMiddleware`` (web/observability.py): any code
that logs during a request, ours or a library's, is tagged without passing it around.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from contextvars import ContextVar, Token

NO_REQUEST = "-"
_request_id: ContextVar[str] = ContextVar("shenbao_request_id", default=NO_REQUEST)

#: The attributes every LogRecord has; anything else was passed as ``extra=`` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return _request_id.get()


def bind_request_id(value: str) -> Token[str]:
    return _request_id.set(value)


def unbind_request_id(token: Token[str]) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx answer (logger django.request) after the middleware has returned,
        # with the request attached: its id is taken from there.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, host and
    process, the ``extra=`` fields, and the traceback if any."""

    host = socket.gethostname()

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
            "host": self.host,
            "pid": os.getpid(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":  # Django's request object
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
