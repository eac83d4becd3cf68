"""Staff downloads of a call: the formal-check list (and other registered tables) as .xlsx/.csv,
and the submitted applications as a zip of PDFs.  The zip, and exports of a call with more
applications than ``SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS``, are prepared in the background: the
page of the job shows progress and offers the file when it is ready (issue 18)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.calls.models import Call
from shenbao.documents.enums import FileJobStatus
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.registry import EXPORTS, FORMATS, export_table, may_export
from shenbao.documents.models import PDFS, FileJob
from shenbao.documents.queries import export_goes_to_background, get_file_job_for
from shenbao.documents.services.jobs import CONTENT_TYPES, start_file_job
from shenbao.reviews.queries.application_search import QueryError, staff_application_list
from shenbao.web.common import acting_user, file_response, stored_file_response


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


def filters_from_post(request: HttpRequest) -> Filters:
    return Filters(
        direction=request.POST.get("direction") or None,
        state=request.POST.get("state") or None,
        search=request.POST.get("q", "").strip(),
    )


def _query_refused(call: Call, f: Filters) -> str:
    """The search's error, or '' when it runs (checked before a job is queued, so it fails here)."""
    try:
        staff_application_list(call=call, direction=f.direction, state=f.state, query=f.search).exists()
    except QueryError as error:
        return str(error)
    return ""


def _queue(request: HttpRequest, call: Call, kind: str, file_format: str, f: Filters) -> HttpResponse:
    refused = _query_refused(call, f)
    if refused:
        return HttpResponseBadRequest(refused, content_type="text/plain; charset=utf-8")
    job = start_file_job(
        call=call,
        kind=kind,
        file_format=file_format,
        filters=f,
        language=translation.get_language() or "zh-hans",
        actor=acting_user(request),
    )
    return redirect("web:file_job", pk=job.pk)


@login_required
def call_export(request: HttpRequest, code: str, kind: str, file_format: str) -> HttpResponse:
    export = EXPORTS.get(kind)
    if export is None or file_format not in FORMATS:
        raise Http404(_("No such export."))
    call = _call(request, code, export.permission)
    if not may_export(request.user, export, call):
        raise Http404(_("No such call."))
    if request.method == "POST":
        return _queue(request, call, kind, file_format, filters_from_post(request))
    if export_goes_to_background(call):
        # Too large for one request: the page offers to prepare it in the background.
        return render(
            request,
            "web/staff/file_job_offer.html",
            {"call": call, "export": export, "file_format": file_format, "filters": filters_from(request)},
        )
    try:
        result = export_table(kind=export, call=call, filters=filters_from(request), file_format=file_format)
    except QueryError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return file_response(result.data, result.content_type, result.filename)


@login_required
@require_POST
def call_pdfs(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the zip of the listed applications' PDFs; the job's page follows it."""
    call = _call(request, code)
    return _queue(request, call, PDFS, "zip", filters_from_post(request))


def _job(request: HttpRequest, pk: int) -> FileJob:
    job = get_file_job_for(request.user, pk)
    if job is None:
        raise Http404(_("No such file."))
    return job


def _job_context(job: FileJob) -> dict[str, object]:
    return {"job": job, "title": _job_title(job)}


def _job_title(job: FileJob) -> str:
    if job.kind == PDFS:
        return _("PDFs of the applications of %(call)s (.zip)") % {"call": job.call.code}
    export = EXPORTS.get(job.kind)
    name = str(export.title) if export is not None else job.kind
    return _("%(export)s of %(call)s (.%(format)s)") % {"export": name, "call": job.call.code, "format": job.file_format}


@login_required
def file_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "web/staff/file_job.html", _job_context(_job(request, pk)))


@login_required
def file_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel (polled by htmx until the file is ready or the job failed)."""
    return render(request, "web/staff/_file_job_progress.html", _job_context(_job(request, pk)))


@login_required
def file_job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job(request, pk)
    if job.status != FileJobStatus.DONE:
        raise Http404(_("The file is not ready yet."))
    return stored_file_response(job.result, job.filename, CONTENT_TYPES.get(job.file_format))
