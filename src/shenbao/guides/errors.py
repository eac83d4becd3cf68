"""Errors of guide import, with translated sentences."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenbao.calls.definition.load import DefinitionError
from shenbao.core.errors import DomainError, ValidationFailed
from shenbao.guides.parser.reading import GuideReadError

READ_ERRORS = {
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than %(limit_mb)s MB."),
    "legacy_doc": _("Old Word (.doc) files cannot be read: save the file as .docx and upload it again."),
    "unsupported": _("This is not a text, .docx or .pdf file."),
    "encoding": _("The text's encoding cannot be recognised: save it as UTF-8 and upload it again."),
    "docx_unreadable": _("The .docx file is damaged and cannot be read."),
    "pdf_unreadable": _("The PDF file is damaged and cannot be read."),
    "pdf_encrypted": _("The PDF is protected with a password: upload an unprotected copy."),
    "too_complex": _("The file holds far more than a guide, or took too long to read, so it was not read."),
    "pdf_no_text": _(
        "The PDF has no text layer (it is a scanned image of %(pages)s page(s)): "
        "run it through OCR, or upload the document as text or .docx."
    ),
}


#: Why a background import failed when it was not a read error.
TASK_ERRORS = {
    "internal": _("The importer failed on this document. The problem was logged: upload it again later, or paste its text."),
}


def import_failure_text(code: str, params: dict[str, object]) -> str:
    """The sentence for a failed background import, in the active language."""
    template = READ_ERRORS.get(code) or TASK_ERRORS.get(code) or TASK_ERRORS["internal"]
    try:
        return str(template) % params if params else str(template)
    except (KeyError, TypeError, ValueError):
        return str(TASK_ERRORS["internal"])


class GuideUnreadable(DomainError):
    code = "guide_unreadable"

    @classmethod
    def from_read_error(cls, exc: GuideReadError) -> GuideUnreadable:
        return cls(READ_ERRORS.get(exc.code, READ_ERRORS["unsupported"]), code=exc.code, params=dict(exc.params))


class DraftInvalid(ValidationFailed):
    """The edited draft is not a valid call definition; ``errors`` says where and why."""

    def __init__(self, errors: list[DefinitionError]) -> None:
        super().__init__(_("The draft is not a valid call definition: correct the places listed."))
        self.errors = errors


class CallCodeTaken(DomainError):
    code = "call_code_taken"

    def __init__(self, code: str) -> None:
        super().__init__(
            _("A call with the code “%(code)s” already exists: give the draft another call code."), params={"code": code}
        )


class CallNoLongerDraft(DomainError):
    code = "call_not_draft"

    def __init__(self, code: str) -> None:
        super().__init__(_("The call “%(code)s” has left the draft state: change it from its own pages."), params={"code": code})


class ProgramNotYours(DomainError):
    code = "program_not_yours"

    def __init__(self, code: str) -> None:
        super().__init__(
            _("The program “%(code)s” exists and you are not its program officer: give the draft another program code."),
            params={"code": code},
        )


class DirectionsChanged(DomainError):
    """The review form was drawn from other directions than the draft now holds: saving it by position
    would change or remove the wrong ones."""

    code = "guide_directions_changed"

    def __init__(self) -> None:
        super().__init__(
            _(
                "The directions were changed elsewhere since this page was opened. "
                "Nothing was saved: check them below and make your changes again."
            )
        )
