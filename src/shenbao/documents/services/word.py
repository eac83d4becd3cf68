"""The Word 申报表: generate it (blank or pre-filled), read a filled one back, and fill a draft
from what the applicant confirmed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction

from shenbao.accounts.models import User
from shenbao.applications.files import sniff
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft
from shenbao.calls.models import Call, Direction
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.bounded import Refused, check_docx, run_bounded
from shenbao.documents import errors
from shenbao.documents.describe import IDENTIFIER_PREFIX, changes_for, form_spec, stored_values
from shenbao.documents.layout.docx_read import UnreadableDocument, read_form
from shenbao.documents.layout.docx_write import write_form
from shenbao.documents.layout.spec import FieldSpec, Parsed, Status, Value, format_value

#: Largest 申报表 we read: a form is text, and its few images fit well below this.
MAX_FORM_MB = 20
MB = 1024 * 1024


def blank_form(*, call: Call, direction: Direction | None, language: str) -> bytes:
    definition = current_definition(call)
    spec = form_spec(call=call, definition=definition, direction=direction, language=language, application=None)
    return write_form(spec)


def filled_form(*, application: Application, language: str) -> bytes:
    """The application's 申报表 pre-filled with what the applicant already entered."""
    definition = current_definition(application.call)
    spec = form_spec(
        call=application.call, definition=definition, direction=application.direction, language=language, application=application
    )
    return write_form(spec, stored_values(application, definition))


@dataclass(frozen=True)
class FieldReading:
    spec: FieldSpec
    parsed: Parsed
    current: Value
    current_text: str
    read_text: str

    @property
    def changes_value(self) -> bool:
        return self.parsed.status == Status.READ and self.parsed.value != self.current

    @property
    def overwrites(self) -> bool:
        """Taking the read value would replace something already entered."""
        return self.changes_value and self.current not in (None, "", [])


@dataclass(frozen=True)
class FormReading:
    sha256: str
    version: int  # the application's version when read: confirming later refuses if it moved on
    fields: tuple[FieldReading, ...]

    def as_data(self) -> dict[str, Any]:
        """What the confirm step keeps between requests (JSON-safe)."""
        return {
            "sha256": self.sha256,
            "version": self.version,
            "values": {f.spec.code: f.parsed.value for f in self.fields if f.changes_value},
        }


def _read_bytes(stream: BinaryIO, size: int) -> bytes:
    if size > MAX_FORM_MB * MB:
        raise errors.too_large(MAX_FORM_MB)
    verdict = sniff(stream, size)
    if verdict.problem == "macros":
        raise errors.has_macros()
    if verdict.problem == "zip_bomb":
        raise errors.zip_bomb()
    if verdict.format != "docx":
        raise errors.not_a_docx()
    data = stream.read(MAX_FORM_MB * MB + 1)
    if len(data) > MAX_FORM_MB * MB:
        raise errors.too_large(MAX_FORM_MB)
    return data


def read_filled_form(*, application: Application, stream: BinaryIO, size: int, language: str) -> FormReading:
    """What a filled 申报表 says, field by field, next to what the application holds.  Writes nothing."""
    data = _read_bytes(stream, size)
    definition = current_definition(application.call)
    spec = form_spec(
        call=application.call, definition=definition, direction=application.direction, language=language, application=None
    )
    try:
        check_docx(data)
        result = run_bounded(read_form, spec, data)
    except Refused as exc:
        raise (errors.not_a_docx() if exc.code == "corrupt" else errors.too_complex(exc.code)) from exc
    except UnreadableDocument as exc:
        raise errors.not_a_docx() from exc
    if result.identifier.startswith(IDENTIFIER_PREFIX) and result.identifier != spec.identifier:
        raise errors.other_call()
    current = stored_values(application, definition)
    fields = []
    for field in spec.fields:
        parsed = result.fields[field.code]
        value = current.get(field.code)
        fields.append(
            FieldReading(
                spec=field,
                parsed=parsed,
                current=value,
                current_text=format_value(field, value, spec.words) if value not in (None, "", []) else "",
                read_text=format_value(field, parsed.value, spec.words) if parsed.status == Status.READ else "",
            )
        )
    return FormReading(sha256=hashlib.sha256(data).hexdigest(), version=application.version, fields=tuple(fields))


@transaction.atomic
def fill_from_form(*, application: Application, reading: dict[str, Any], accepted: list[str], actor: User) -> Application:
    """Store the confirmed fields of a read 申报表 on the draft.

    ``reading`` is ``FormReading.as_data()``; only the codes in ``accepted`` are taken, and only
    if nobody changed the application since it was read (else EditConflict, nothing written).
    """
    values = reading.get("values") or {}
    taken = {code: values[code] for code in accepted if code in values}
    if not taken:
        return application
    definition = current_definition(application.call)
    changes = changes_for(application, definition, taken)
    application = save_draft(application=application, changes=changes, expected_version=reading["version"], actor=actor)
    log_action(
        action="shenbao.application.filled_from_form",
        obj=application,
        actor=actor,
        data={"fields": sorted(taken), "sha256": reading.get("sha256", "")},
    )
    return application
