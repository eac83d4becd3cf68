"""API downloads: staff exports of a call (the same registry and permission as the staff page),
an application's pre-filled Word form and the PDF of a submitted revision."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from shenbao.api.v1.applicant import Refused
from shenbao.api.v1.serializers import ErrorSerializer
from shenbao.applications.models import Application
from shenbao.applications.queries.access import get_application_for
from shenbao.calls.models import Call
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.registry import EXPORTS, FORMATS, export_table, may_export
from shenbao.documents.services.pdf import stored_revision_pdf
from shenbao.documents.services.word import filled_form
from shenbao.reviews.queries.application_search import QueryError
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


def _language() -> str:
    return translation.get_language() or "zh-hans"


class CallExportView(APIView):
    """A registered table of a call (``applications``, ``rule-results``, ``reviews``, ``rankings``, ``awards``,
    ``projects``, ``statistics``) as .xlsx or .csv, behind the same permission as its staff page."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=_FILTERS,
        responses={
            **{(200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in FORMATS.values()},
            400: OpenApiResponse(ErrorSerializer, description="the query q cannot be run: where and why"),
        },
    )
    def get(self, request: Request, code: str, kind: str, file_format: str) -> HttpResponse:
        export = EXPORTS.get(kind)
        call = Call.objects.select_related("program").filter(code=code).first()
        if export is None or file_format not in FORMATS or call is None or not may_export(request.user, export, call):
            raise Http404(_("No such export."))
        filters = Filters(
            direction=request.query_params.get("direction") or None,
            state=request.query_params.get("state") or None,
            search=request.query_params.get("q", "").strip(),
        )
        try:
            result = export_table(kind=export, call=call, filters=filters, file_format=file_format)
        except QueryError as error:
            raise Refused(error.code, str(error)) from None
        return file_response(result.data, result.content_type, result.filename)


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
