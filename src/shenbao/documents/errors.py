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
