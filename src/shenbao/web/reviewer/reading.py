"""Reading an application's documents in the review page (an <iframe> beside the form), and the
access log of every view and download."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from shenbao.applications.models import ApplicationRevision, Attachment
from shenbao.core.storage import read_bytes
from shenbao.documents.services.conversion import WORD_FORMATS, attachment_format, converted_pdf_name, word_converter
from shenbao.documents.services.pdf import stored_revision_pdf
from shenbao.reviews.models import Assignment, DocumentAccess
from shenbao.reviews.queries.reviewer import attachment_readable
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.reading import record_document_access
from shenbao.web.common import acting_user

#: A document read in the page may be framed by our own pages only (the rest of the site: by none).
FRAMED_BY_US = {"default-src": ["'self'"], "frame-ancestors": ["'self'"], "base-uri": ["'none'"], "form-action": ["'none'"]}


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    from shenbao.web.reviewer.views import _assignment_or_404

    return _assignment_or_404(request, pk)


def inline_pdf(name: str, filename: str) -> HttpResponse:
    """A stored PDF shown in the browser (``inline``), never cached by a shared cache."""
    if not name or not default_storage.exists(name):
        raise Http404(_("The file is no longer available."))
    response = HttpResponse(read_bytes(name), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def revision_pdf_name(assignment: Assignment) -> tuple[str, str]:
    """The stored PDF of the last submitted revision (blinded where the stage hides the applicant) and its file name."""
    revision = ApplicationRevision.objects.filter(application_id=assignment.application_id).order_by("-number").first()
    if revision is None:
        raise Http404
    blind = stage_definition(assignment.stage).applicant_identity_hidden
    stored = stored_revision_pdf(revision=revision, language=translation.get_language() or "zh-hans", blind=blind)
    name = f"{assignment.application.receipt_number or revision.application_id}{'-blind' if blind else ''}.pdf"
    return stored, name


@login_required
@xframe_options_sameorigin
@csp(FRAMED_BY_US)  # type: ignore[arg-type]  # django-csp types views as taking the request only
def assignment_pdf_read(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    stored, name = revision_pdf_name(assignment)
    response = inline_pdf(stored, name)
    record_document_access(user=acting_user(request), assignment=assignment, mode=DocumentAccess.Mode.VIEW, document=name)
    return response


def readable_attachment(request: HttpRequest, assignment: Assignment, attachment_pk: int) -> Attachment | None:
    """The assignment's attachment, None when the stage withholds it; 404 when it is not the application's."""
    attachment = Attachment.objects.filter(application_id=assignment.application_id, pk=attachment_pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    return attachment if attachment_readable(assignment, attachment) else None


@login_required
@xframe_options_sameorigin
@csp(FRAMED_BY_US)  # type: ignore[arg-type]  # django-csp types views as taking the request only
def assignment_attachment_read(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A PDF attachment in the page; a Word document converted to PDF where a converter is installed;
    otherwise a short page that says why it cannot be shown and links the download."""
    assignment = _assignment(request, pk)
    attachment = readable_attachment(request, assignment, attachment_pk)
    download = reverse("web:assignment_attachment", args=[assignment.pk, attachment_pk])
    if attachment is None:
        return render(request, "web/reviewer/reader_message.html", {"reason": "withheld"}, status=403)
    fmt = attachment_format(attachment)
    name = attachment.original_name or "document"
    stored: str | None = None
    if fmt == "pdf":
        stored = attachment.file.name
    elif fmt in WORD_FORMATS:
        stored = converted_pdf_name(attachment)
        if stored is None:
            reason = "no_converter" if word_converter() is None else "conversion_failed"
            return render(request, "web/reviewer/reader_message.html", {"reason": reason, "download": download, "name": name})
        name = f"{name.rsplit('.', 1)[0]}.pdf"
    if stored is None:
        return render(request, "web/reviewer/reader_message.html", {"reason": "format", "download": download, "name": name})
    response = inline_pdf(stored, name)
    record_document_access(user=acting_user(request), assignment=assignment, mode=DocumentAccess.Mode.VIEW, attachment=attachment)
    return response


def reader_documents(assignment: Assignment, attachments: list[Attachment]) -> list[dict[str, Any]]:
    """What the reader beside the form offers: the application PDF, then every readable attachment."""
    items = [
        {
            "kind": "application",
            "view": reverse("web:assignment_pdf_read", args=[assignment.pk]),
            "download": reverse("web:assignment_pdf", args=[assignment.pk]),
            "name": None,
        }
    ]
    for a in attachments:
        items.append(
            {
                "kind": attachment_format(a),
                "view": reverse("web:assignment_attachment_read", args=[assignment.pk, a.pk]),
                "download": reverse("web:assignment_attachment", args=[assignment.pk, a.pk]),
                "name": a.original_name or a.document_code,
            }
        )
    return items
