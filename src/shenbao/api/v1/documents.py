"""API downloads: staff exports of a call (the same registry and permission as the staff page),
an application's pre-filled Word form and the PDF of a submitted revision.

An export of a call with more applications than ``SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS`` is not
built inside the request: GET refuses it with ``409 export_in_background`` and a POST to the same
address queues it as a file job (202 with the job and its ``Location``), which the client polls at
``jobs/<id>/`` and fetches from ``jobs/<id>/download`` when done.  POST works for any size."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shenbao.api.v1.applicant import Refused
from shenbao.api.v1.serializers import ErrorSerializer, FileJobSerializer
from shenbao.applications.models import Application
from shenbao.applications.queries.access import get_application_for
from shenbao.calls.models import Call
from shenbao.documents.enums import FileJobStatus
from shenbao.documents.exports.base import ExportKind, Filters
from shenbao.documents.exports.registry import EXPORTS, FORMATS, export_table, may_export
from shenbao.documents.models import FileJob
from shenbao.documents.queries import export_goes_to_background, get_file_job_for
from shenbao.documents.services.jobs import CONTENT_TYPES, start_file_job
from shenbao.documents.services.pdf import stored_revision_pdf
from shenbao.documents.services.word import filled_form
from shenbao.reviews.queries.application_search import QueryError, staff_application_list
from shenbao.web.common import DOCX, file_response, stored_file_response

_FILTERS = [
    OpenApiParameter("direction", str, description="direction code"),
    OpenApiParameter(
        "state", str, description="application state, or all (default: waiting for the formal check unless q names a state)"
    ),
    OpenApiParameter(
        "q",
        str,
        description="staff search query (state:submitted AND score>=80); bare words search title, receipt, applicant",
    ),
]


_TOO_LARGE = gettext_lazy(
    "This call has too many applications to export in one request. "
    "POST to this address to have the file prepared in the background."
)


def _language() -> str:
    return translation.get_language() or "zh-hans"


def _filters(request: Request) -> Filters:
    return Filters(
        direction=request.query_params.get("direction") or None,
        state=request.query_params.get("state") or None,
        search=request.query_params.get("q", "").strip(),
    )


def _job_data(request: Request, job: FileJob) -> dict[str, Any]:
    url = reverse("api-v1:file-job", args=[job.pk])
    done = job.status == FileJobStatus.DONE
    return {
        "id": job.pk,
        "kind": job.kind,
        "file_format": job.file_format,
        "status": job.status,
        "progress": job.progress,
        "done_items": job.done_items,
        "total_items": job.total_items,
        "filename": job.filename,
        "error_code": job.error_code,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "url": request.build_absolute_uri(url),
        "download": request.build_absolute_uri(reverse("api-v1:file-job-download", args=[job.pk])) if done else None,
    }


class CallExportView(APIView):
    """A registered table of a call (``applications``, ``rule-results``, ``reviews``, ``rankings``, ``awards``,
    ``projects``, ``statistics``) as .xlsx or .csv, behind the same permission as its staff page."""

    permission_classes = [permissions.IsAuthenticated]

    def _export(self, request: Request, code: str, kind: str, file_format: str) -> tuple[ExportKind, Call]:
        export = EXPORTS.get(kind)
        call = Call.objects.select_related("program").filter(code=code).first()
        if export is None or file_format not in FORMATS or call is None or not may_export(request.user, export, call):
            raise Http404(_("No such export."))
        return export, call

    @extend_schema(
        parameters=_FILTERS,
        responses={
            **{(200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in FORMATS.values()},
            400: OpenApiResponse(ErrorSerializer, description="the query q cannot be run: where and why"),
            409: OpenApiResponse(
                ErrorSerializer, description="export_in_background: the call is too large to export in one request; POST here"
            ),
        },
    )
    def get(self, request: Request, code: str, kind: str, file_format: str) -> HttpResponse:
        export, call = self._export(request, code, kind, file_format)
        if export_goes_to_background(call):
            raise Refused(
                "export_in_background",
                str(_TOO_LARGE),
                status_code=409,
            )
        try:
            result = export_table(kind=export, call=call, filters=_filters(request), file_format=file_format)
        except QueryError as error:
            raise Refused(error.code, str(error)) from None
        return file_response(result.data, result.content_type, result.filename)

    @extend_schema(
        parameters=_FILTERS,
        request=None,
        responses={
            202: FileJobSerializer,
            400: OpenApiResponse(ErrorSerializer, description="the query q cannot be run: where and why"),
        },
    )
    def post(self, request: Request, code: str, kind: str, file_format: str) -> Response:
        """Queue the export as a file prepared in the background (any size); poll the job it answers with."""
        _export, call = self._export(request, code, kind, file_format)
        filters = _filters(request)
        try:
            staff_application_list(call=call, direction=filters.direction, state=filters.state, query=filters.search).exists()
        except QueryError as error:
            raise Refused(error.code, str(error)) from None
        job = start_file_job(
            call=call, kind=kind, file_format=file_format, filters=filters, language=_language(), actor=request.user
        )
        data = FileJobSerializer(_job_data(request, job)).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


def _file_job(request: Request, pk: int) -> FileJob:
    job = get_file_job_for(request.user, pk)
    if job is None:
        raise Http404(_("No such file."))
    return job


class FileJobView(APIView):
    """A file being prepared in the background: its state and progress (only for who asked for it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: FileJobSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(FileJobSerializer(_job_data(request, _file_job(request, pk))).data)


class FileJobDownloadView(APIView):
    """The prepared file, once the job is done."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={
            **{(200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()},
            409: OpenApiResponse(ErrorSerializer, description="file_not_ready: the job is not done (or the file expired)"),
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        job = _file_job(request, pk)
        if job.status != FileJobStatus.DONE:
            raise Refused(
                "file_not_ready",
                _("The file is not ready: its job is %(status)s.") % {"status": job.get_status_display()},
                status_code=409,
            )
        return stored_file_response(job.result, job.filename, CONTENT_TYPES.get(job.file_format))


def _application(request: Request, pk: int) -> Application:
    application = get_application_for(request.user, pk)
    if application is None or not request.user.has_perm("applications.view_application", application):
        raise Http404(_("No such application."))
    return application


class ApplicationFormView(APIView):
    """The application's Word 申报表, pre-filled with what it holds."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        application = _application(request, pk)
        data = filled_form(application=application, language=_language())
        return file_response(data, DOCX, f"{application.receipt_number or application.pk}.docx")


class RevisionPdfView(APIView):
    """The print-ready PDF of a submitted revision."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, number: int) -> HttpResponseBase:
        application = _application(request, pk)
        revision = application.revisions.filter(number=number).first()
        if revision is None:
            raise Http404(_("No such revision."))
        stored = stored_revision_pdf(revision=revision, language=_language())
        return stored_file_response(
            stored, f"{application.receipt_number or application.pk}-r{number}.pdf", "application/pdf", whole=True
        )
