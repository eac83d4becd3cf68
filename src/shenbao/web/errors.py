"""Error pages in the reader's language, and JSON errors under /api/ (never a traceback).

Django calls these for errors raised outside the API's own handler (unknown URLs, a failure in a
page, a refused CSRF token); the API's handler (api/errors.py) answers everything the API raises.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _answer(request: HttpRequest, status: int, code: str, title: str, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    try:
        return render(request, "web/error.html", {"status": status, "title": title, "detail": detail}, status=status)
    except Exception:  # a broken template or database must not turn the error page itself into a traceback
        return HttpResponse(f"{status} {title}", status=status, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _answer(request, 400, "bad_request", _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _answer(request, 403, "permission_denied", _("Not allowed"), _("You may not open this page."))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _answer(request, 404, "not_found", _("Not found"), _("There is no such page, or it is not open to you."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(
        request,
        500,
        "server_error",
        _("Something went wrong"),
        _("The server could not complete the request. Nothing you entered before this step is lost; try again later."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _answer(
        request,
        403,
        "csrf_failed",
        _("The form has expired"),
        _("The page was open too long or was opened in another browser. Reload it and send the form again."),
    )
