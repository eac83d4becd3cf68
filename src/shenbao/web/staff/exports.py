"""Staff downloads of a call: the formal-check list (and other registered tables) as .xlsx/.csv,
and the submitted applications as a zip of PDFs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _

from shenbao.calls.models import Call
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.registry import EXPORTS, FORMATS, export_table, filter_suffix, may_export
from shenbao.documents.services.pdf import pdfs_zip
from shenbao.reviews.queries.application_search import QueryError, staff_application_list
from shenbao.web.common import file_response


def filters_from(request: HttpRequest) -> Filters:
    return Filters(
        direction=request.GET.get("direction") or None,
        state=request.GET.get("state") or None,
        search=request.GET.get("q", "").strip(),
    )


def _call(request: HttpRequest, code: str, permission: str = "calls.change_call") -> Call:
    call = Call.objects.select_related("program").filter(code=code).first()
    if call is None or not request.user.has_perm(permission, call):
        raise Http404(_("No such call."))
    return call


@login_required
def call_export(request: HttpRequest, code: str, kind: str, file_format: str) -> HttpResponse:
    export = EXPORTS.get(kind)
    if export is None or file_format not in FORMATS:
        raise Http404(_("No such export."))
    call = _call(request, code, export.permission)
    if not may_export(request.user, export, call):
        raise Http404(_("No such call."))
    try:
        result = export_table(kind=export, call=call, filters=filters_from(request), file_format=file_format)
    except QueryError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return file_response(result.data, result.content_type, result.filename)


@login_required
def call_pdfs(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    f = filters_from(request)
    try:
        applications = list(staff_application_list(call=call, direction=f.direction, state=f.state, query=f.search))
    except QueryError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    data = pdfs_zip(applications=applications, language=translation.get_language() or "zh-hans")
    return file_response(data, "application/zip", f"{call.code}-pdfs{filter_suffix(f.describe())}.zip")
