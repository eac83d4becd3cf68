"""Refuse oversize uploads before anything reads the request body.

Django's CSRF check reads ``request.POST``, which would stream a whole multipart body to disk
before a view could refuse it; this middleware runs first and answers 413 (or 411 when the
length is not declared) from the headers alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from shenbao.applications.models import Application
from shenbao.awards.services.decisions import EVIDENCE_MAX_MB
from shenbao.calls.queries.definitions import current_definition
from shenbao.documents.services.word import MAX_FORM_MB
from shenbao.guides.parser.reading import MAX_BYTES as GUIDE_MAX_BYTES
from shenbao.web.staff.imports import MAX_TABLE_MB

MB = 1024 * 1024
#: Uploads of small tables (topic lists, applications, the partner agency's list).
TABLE_URLS = ("topic_import", "application_import", "partner_list")
#: An application's documents, on the web page and over the API.
ATTACHMENT_URLS = ("application_attach", "application-attachments")


def _upload_limit(pk: int) -> int | None:
    """The largest file the application's call accepts, in bytes, plus room for the other fields."""
    application = Application.objects.select_related("call").filter(pk=pk).first()
    if application is None:
        return None
    documents = current_definition(application.call).required_documents
    return (max((d.max_size_mb for d in documents), default=0) + 1) * MB


def _api_refusal(code: str, detail: str, status: int) -> HttpResponse:
    """The API's error shape (a code and a translated sentence) for a refused upload."""
    return JsonResponse({"code": code, "detail": detail}, status=status)


def _body_refused(request: HttpRequest) -> HttpResponse:
    context = {"limit": settings.SHENBAO_MAX_FORM_BODY_MB, "body": True}
    return render(request, "web/upload_refused.html", context, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH")
        length = int(declared) if declared and declared.isdecimal() else None
        cap = settings.SHENBAO_MAX_REQUEST_MB * MB
        if length is not None and length > cap:
            return render(request, "web/upload_refused.html", {"limit": settings.SHENBAO_MAX_REQUEST_MB}, status=413)
        if length is not None and length <= MB:
            return None  # every limit below is at least 1 MB: nothing to look up for a small request
        form_cap = settings.SHENBAO_MAX_FORM_BODY_MB * MB
        try:
            match = resolve(request.path_info)
        except Resolver404:
            if length is not None and length > form_cap:
                return _body_refused(request)
            return None
        if match.url_name == "call_results":  # an objection's evidence
            if length is not None and length > (EVIDENCE_MAX_MB + 1) * MB:
                return render(request, "web/upload_refused.html", {"limit": EVIDENCE_MAX_MB}, status=413)
            return None
        if match.url_name == "guide_upload":
            guide_limit = GUIDE_MAX_BYTES // MB
            if length is not None and length > (guide_limit + 1) * MB:
                return render(request, "web/upload_refused.html", {"limit": guide_limit, "guide": True}, status=413)
            return None
        api = match.namespace.startswith("api")
        if match.url_name not in (*ATTACHMENT_URLS, "application_form_upload", *TABLE_URLS):
            # Every other route takes forms and JSON, never files: a body past the cap is refused
            # before anything streams it to disk (it used to be read up to the 2 GB request cap).
            if length is not None and length > form_cap:
                if api:
                    message = _("The request body is larger than %(limit)s MB; nothing was saved.")
                    return _api_refusal("body_too_large", message % {"limit": settings.SHENBAO_MAX_FORM_BODY_MB}, 413)
                return _body_refused(request)
            return None
        if length is None:
            if api:
                return _api_refusal("length_required", _("The upload did not state its size, so it was refused."), 411)
            return render(request, "web/upload_refused.html", {"no_length": True}, status=411)
        if match.url_name == "application_form_upload":
            limit: int | None = (MAX_FORM_MB + 1) * MB
        elif match.url_name in TABLE_URLS:
            limit = (MAX_TABLE_MB + 1) * MB
        else:
            limit = _upload_limit(int(match.kwargs["pk"]))
        if limit is not None and length > limit:
            if api:
                message = _("The file is larger than this call accepts (at most %(limit)s MB); nothing was saved.")
                return _api_refusal("file_too_large", message % {"limit": limit // MB - 1}, 413)
            context = {"limit": limit // MB - 1, "pk": match.kwargs.get("pk")}
            return render(request, "web/upload_refused.html", context, status=413)
        return None
