"""The applicant's Word 申报表 (download pre-filled, upload filled, confirm field by field) and
the PDFs of submitted revisions."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.applications.models import Application
from shenbao.applications.queries.access import get_application_for
from shenbao.core.errors import DomainError
from shenbao.documents import errors
from shenbao.documents.layout.spec import Status
from shenbao.documents.messages import PROBLEM_TEXTS, STATUS_LABELS
from shenbao.documents.services.pdf import stored_revision_pdf
from shenbao.documents.services.word import FormReading, fill_from_form, filled_form, read_filled_form
from shenbao.web.common import DOCX, acting_user, file_response, stored_file_response


def _application_for(request: HttpRequest, pk: int, permission: str) -> Application:
    application = get_application_for(request.user, pk)
    if application is None or not request.user.has_perm(permission, application):
        raise Http404(_("No such application."))
    return application


def _session_key(pk: int) -> str:
    return f"shenbao.form-reading.{pk}"


@login_required
def application_form_download(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.view_application")
    data = filled_form(application=application, language=translation.get_language() or "zh-hans")
    name = application.receipt_number or f"{application.call.code}-{application.pk}"
    return file_response(data, DOCX, f"{name}.docx")


def _rows(reading: FormReading) -> list[dict[str, Any]]:
    return [
        {
            "code": f.spec.code,
            "label": f.spec.label,
            "status": f.parsed.status.value,
            "status_label": str(STATUS_LABELS[f.parsed.status]),
            "problem": str(PROBLEM_TEXTS[f.parsed.problem]) if f.parsed.problem else "",
            "written": str(f.parsed.value) if f.parsed.status == Status.INVALID else "",
            "current": f.current_text,
            "read": f.read_text,
            "changes": f.changes_value,
            "overwrites": f.overwrites,
        }
        for f in reading.fields
    ]


@login_required
@require_POST
def application_form_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    upload = request.FILES.get("form")
    back = reverse("web:application", kwargs={"pk": pk}) + "#word-form-title"
    if upload is None:
        messages.error(request, _("Choose the filled form (.docx) to upload."))
        return redirect(back)
    try:
        reading = read_filled_form(
            application=application,
            stream=cast(BinaryIO, upload),
            size=upload.size or 0,
            language=translation.get_language() or "zh-hans",
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    request.session[_session_key(pk)] = {**reading.as_data(), "rows": _rows(reading), "name": upload.name or ""}
    return redirect("web:application_form_confirm", pk=pk)


@login_required
def application_form_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    stored = request.session.get(_session_key(pk))
    if request.method == "POST":
        if stored is None:
            messages.error(request, str(errors.stale_reading()))
            return redirect("web:application", pk=pk)
        accepted = request.POST.getlist("field")
        try:
            fill_from_form(application=application, reading=stored, accepted=accepted, actor=acting_user(request))
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("web:application", pk=pk)
        del request.session[_session_key(pk)]
        taken = [code for code in accepted if code in stored["values"]]
        messages.success(request, _("%(count)s field(s) filled from the form.") % {"count": len(taken)})
        return redirect("web:application", pk=pk)
    if stored is None:
        return redirect("web:application", pk=pk)
    return render(
        request,
        "web/applicant/form_confirm.html",
        {"application": application, "call": application.call, "rows": stored["rows"], "name": stored["name"]},
    )


@login_required
def revision_pdf_download(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    application = _application_for(request, pk, "applications.view_application")
    revision = application.revisions.filter(number=number).first()
    if revision is None:
        raise Http404(_("No such revision."))
    name = stored_revision_pdf(revision=revision, language=translation.get_language() or "zh-hans")
    return stored_file_response(
        name, f"{application.receipt_number or application.pk}-r{number}.pdf", "application/pdf", whole=True
    )
