"""The page the log-in library answers when a rate limit is reached (sign-ups, password-reset mails)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from shenbao.web.errors import _answer


def too_many_requests(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _answer(
        request,
        429,
        "rate_limited",
        _("Too many attempts"),
        _("Too many attempts from your network in a short time. Wait a while and try again."),
    )
