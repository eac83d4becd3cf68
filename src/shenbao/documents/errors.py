"""Refusals of uploaded documents, with translated messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError


class DocumentRefused(DomainError):
    code = "document_refused"


def not_a_docx() -> DocumentRefused:
    return DocumentRefused(
        _("This file is not a Word document (.docx). Save the form as .docx and upload it again."), code="not_docx"
    )


def has_macros() -> DocumentRefused:
    return DocumentRefused(
        _("This Word document contains macros, which we do not accept. Save it as a plain .docx and upload it again."),
        code="macros",
    )


def zip_bomb() -> DocumentRefused:
    return DocumentRefused(_("This file unpacks to far more data than a form can hold, so it was refused."), code="zip_bomb")


def too_large(limit_mb: int) -> DocumentRefused:
    return DocumentRefused(
        _("The form may be at most %(limit)s MB; this file is larger. Remove large images and try again."),
        code="too_large",
        params={"limit": limit_mb},
    )


def other_call() -> DocumentRefused:
    return DocumentRefused(
        _("This form was generated for another call. Download this call's form and fill that one in."), code="other_call"
    )


def stale_reading() -> DocumentRefused:
    return DocumentRefused(_("The form you uploaded is no longer waiting for confirmation; upload it again."), code="stale")


def too_complex(reason: str) -> DocumentRefused:
    """A .docx that passed the size checks but holds far more than a form (or took too long to read)."""
    messages = {
        "too_large": _("This Word document's text unpacks to far more than a form holds, so it was not read."),
        "too_many": _("This Word document has far more paragraphs or tables than a form, so it was not read."),
        "too_slow": _("Reading this Word document took too long and was stopped. Save a plain copy of the form and try again."),
    }
    return DocumentRefused(messages.get(reason, messages["too_many"]), code="too_complex")
