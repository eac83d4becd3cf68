"""Writes of guide import: store an upload with its extraction (at once, or queued in the background
when it is large), edit the draft, save it as a draft call."""

from __future__ import annotations

import functools
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from shenbao.accounts.permissions import user_is_administrator
from shenbao.calls.definition.load import DefinitionInvalid, ReconciliationLine, parse_definition, parse_text, reconcile, to_data
from shenbao.calls.enums import CallStatus, ProgramRoleKind
from shenbao.calls.models import Call, Program
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.audit import log_action
from shenbao.core.bounded import Refused, run_bounded
from shenbao.core.lifecycle import transition
from shenbao.core.tasks import enqueue_with_commit
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.errors import (
    CallCodeTaken,
    CallNoLongerDraft,
    DirectionsChanged,
    DraftInvalid,
    GuideUnreadable,
    ProgramNotYours,
)
from shenbao.guides.models import GuideImport
from shenbao.guides.parser.extract import Extraction, extract_guide
from shenbao.guides.parser.reading import GuideReadError, SourceDocument, read_document
from shenbao.guides.tasks import extract_guide_import
from shenbao.guides.transitions import GUIDE_IMPORT_LIFECYCLE

logger = logging.getLogger(__name__)


def reconciliation_rows(lines: list[ReconciliationLine]) -> list[dict[str, Any]]:
    return [
        {
            "measure": line.measure,
            "stated": line.stated,
            "summed": line.summed,
            "difference": line.difference,
            "missing": list(line.missing),
            "matches": line.matches,
        }
        for line in lines
    ]


def _spans(extraction: Extraction) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for span in extraction.spans:
        start, end = extraction.text.source_span(span.start, span.end)
        out.append({**asdict(span), "source_start": start, "source_end": end})
    return out


def _read(data: bytes, filename: str) -> SourceDocument:
    try:
        # In a child process with CPU, memory and time limits: a hostile PDF or .docx costs the child.
        return run_bounded(functools.partial(read_document, data, filename=filename))
    except Refused as exc:
        raise GuideUnreadable.from_read_error(GuideReadError("too_complex", "reading took too long", **exc.context)) from exc
    except GuideReadError as exc:
        raise GuideUnreadable.from_read_error(exc) from exc


#: The fields an extraction fills.
_EXTRACTED_FIELDS = (
    "file_kind",
    "encoding",
    "traditional",
    "source_text",
    "extraction",
    "spans",
    "warnings",
    "draft",
    "reconciliation",
    "suggestions",
)


def _fill(guide: GuideImport, document: SourceDocument, extraction: Extraction) -> None:
    guide.file_kind = document.kind
    guide.encoding = document.encoding or ""
    guide.traditional = extraction.text.traditional
    guide.source_text = document.text
    guide.extraction = extraction.data
    guide.spans = _spans(extraction)
    guide.warnings = [asdict(w) for w in extraction.warnings]
    guide.draft = to_data(extraction.definition) if extraction.definition is not None else extraction.data
    guide.reconciliation = reconciliation_rows(extraction.reconciliation)
    guide.suggestions = [
        dict(zip(("source_start", "source_end"), extraction.text.source_span(s.start, s.end), strict=True), title=s.title)
        for s in extraction.suggestions
    ]


def _imported_data(guide: GuideImport) -> dict[str, Any]:
    return {"file": guide.filename, "kind": guide.file_kind, "directions": len(guide.draft.get("directions", []))}


@transaction.atomic
def import_guide(*, data: bytes, filename: str, actor: Any) -> GuideImport:
    """Read and extract an uploaded guide and keep both; nothing of the call is created yet."""
    return _store(_read(data, filename), filename=filename, actor=actor)


def _store(document: SourceDocument, *, filename: str, actor: Any) -> GuideImport:
    extraction = extract_guide(document.text)
    guide = GuideImport(uploaded_by=actor, filename=filename[:255])
    _fill(guide, document, extraction)
    guide.save()
    log_action(action="shenbao.guide.imported", obj=guide, actor=actor, data=_imported_data(guide))
    return guide


def inline_limit_bytes() -> int:
    """Uploads, and texts, above this many bytes are read in the background (setting SHENBAO_GUIDE_INLINE_MAX_KB)."""
    return int(settings.SHENBAO_GUIDE_INLINE_MAX_KB) * 1024


@transaction.atomic
def start_guide_import(*, data: bytes, filename: str, actor: Any) -> GuideImport:
    """Import a guide at once when it is small; queue a large one (file or text above the setting)
    for the background task, which reads it (if not read yet) and extracts it with progress."""
    limit = inline_limit_bytes()
    if len(data) > limit:
        return _queue(filename=filename, actor=actor, data=data, document=None)
    document = _read(data, filename)
    if len(document.text.encode("utf-8")) > limit:
        return _queue(filename=filename, actor=actor, data=None, document=document)
    return _store(document, filename=filename, actor=actor)


def _queue(*, filename: str, actor: Any, data: bytes | None, document: SourceDocument | None) -> GuideImport:
    guide = GuideImport(
        uploaded_by=actor,
        filename=filename[:255],
        status=GuideImportStatus.QUEUED,
        file_kind=document.kind if document else "",
        encoding=(document.encoding or "") if document else "",
        source_text=document.text if document else "",
        progress_step="queued",
    )
    if data is not None:
        # The bytes go to storage before the row exists; a failed commit leaves an orphan file, never a row without it.
        guide.upload.save(_storage_name(filename), ContentFile(data), save=False)
    guide.save()
    log_action(
        action="shenbao.guide.queued",
        obj=guide,
        actor=actor,
        data={"file": guide.filename, "bytes": len(data) if data is not None else len(guide.source_text.encode("utf-8"))},
    )

    enqueue_with_commit(extract_guide_import, guide_id=guide.pk)
    return guide


def run_queued_guide_import(*, guide_id: int) -> None:
    """The background task's work: read (when only the bytes are kept) and extract a queued import,
    reporting progress as it goes; it ends extracted, or failed with a code for a translated sentence.
    Not one transaction: progress is committed as it is reported, so the page polling it sees it."""
    guide = GuideImport.objects.filter(pk=guide_id, status=GuideImportStatus.QUEUED).first()
    if guide is None:
        return  # already done (a task run twice), or gone

    def report(step: str, fraction: float) -> None:
        GuideImport.objects.filter(pk=guide_id).update(progress=min(99, round(fraction * 100)), progress_step=step)

    try:
        if guide.upload:
            report("reading", 0)
            with guide.upload.open("rb") as stored:
                data = stored.read()
            document = _read(data, guide.filename)
        else:
            document = SourceDocument(text=guide.source_text, kind=guide.file_kind, encoding=guide.encoding or None)
        extraction = extract_guide(document.text, progress=report)
    except GuideUnreadable as exc:
        _fail(guide_id, exc.code, exc.params)
        return
    except Exception:
        logger.exception("guide import %s: extraction failed", guide_id)
        _fail(guide_id, "internal", {})
        return
    with transaction.atomic():
        guide = GuideImport.objects.select_for_update().get(pk=guide_id)
        if guide.status != GuideImportStatus.QUEUED:
            return
        _fill(guide, document, extraction)
        _drop_upload(guide)
        guide.progress, guide.progress_step = 100, "done"
        transition(
            guide,
            GUIDE_IMPORT_LIFECYCLE,
            GuideImportStatus.EXTRACTED,
            actor=None,
            data=_imported_data(guide),
            also_update=(*_EXTRACTED_FIELDS, "upload", "progress", "progress_step"),
            action="shenbao.guide.imported",
        )


def _fail(guide_id: int, code: str, params: dict[str, Any]) -> None:
    with transaction.atomic():
        guide = GuideImport.objects.select_for_update().get(pk=guide_id)
        if guide.status != GuideImportStatus.QUEUED:
            return
        guide.error_code, guide.error_params = code, params
        _drop_upload(guide)
        transition(
            guide,
            GUIDE_IMPORT_LIFECYCLE,
            GuideImportStatus.FAILED,
            actor=None,
            data={"error": code},
            also_update=("error_code", "error_params", "upload"),
        )


def _storage_name(filename: str) -> str:
    """The file's own name is kept on the row; storage gets a plain ASCII name of the same kind."""
    suffix = Path(filename).suffix.lower()
    return "upload" + (suffix if suffix.isascii() and suffix[1:].isalnum() and len(suffix) <= 6 else "")


def _drop_upload(guide: GuideImport) -> None:
    """Remove the queued file once read (or refused): the text and extraction are what the import keeps."""
    if guide.upload:
        storage, name = guide.upload.storage, guide.upload.name
        guide.upload = ""
        transaction.on_commit(lambda: storage.delete(name))


def draft_yaml(guide: GuideImport) -> str:
    return yaml.safe_dump(guide.draft, allow_unicode=True, sort_keys=False, width=100)


@transaction.atomic
def update_guide_draft(*, guide: GuideImport, text: str, actor: Any) -> GuideImport:
    """Replace the draft with staff's edited YAML, which must be a valid call definition."""
    try:
        definition = parse_text(text, source="draft")
    except DefinitionInvalid as exc:
        raise DraftInvalid(exc.errors) from exc
    return _save_draft(guide, definition, actor, via="yaml")


def _with_directions(draft: dict[str, Any], directions: list[dict[str, Any]]) -> dict[str, Any]:
    return {**draft, "directions": directions}


def draft_reconciliation(guide: GuideImport, directions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reconciliation the draft would have with these directions (nothing is saved);
    DraftInvalid when they do not make a valid definition."""
    try:
        definition = parse_definition(_with_directions(guide.draft, directions))
    except DefinitionInvalid as exc:
        raise DraftInvalid(exc.errors) from exc
    return reconciliation_rows(reconcile(definition))


@transaction.atomic
def direction_codes(draft: dict[str, Any]) -> list[str]:
    return [str(d.get("code", "")) for d in draft.get("directions", [])]


@transaction.atomic
def update_guide_directions(
    *, guide: GuideImport, directions: list[dict[str, Any]], actor: Any, seen: list[str] | None = None
) -> GuideImport:
    """Replace the draft's directions with those edited in the review form; the whole draft must stay valid.

    ``seen`` is the direction codes the form was drawn from: when the draft holds others by now (a second
    tab, a colleague's save), nothing is saved (``DirectionsChanged``). The audit entry names the codes
    added and removed."""
    locked = GuideImport.objects.select_for_update().get(pk=guide.pk)
    before = direction_codes(locked.draft)
    if seen is not None and seen != before:
        raise DirectionsChanged
    try:
        definition = parse_definition(_with_directions(locked.draft, directions))
    except DefinitionInvalid as exc:
        raise DraftInvalid(exc.errors) from exc
    after = [str(d.code) for d in definition.directions]
    changes = {"added": [c for c in after if c not in before], "removed": [c for c in before if c not in after]}
    return _save_draft(locked, definition, actor, via="form", changes={k: v for k, v in changes.items() if v})


def _save_draft(
    guide: GuideImport, definition: Any, actor: Any, *, via: str, changes: dict[str, list[str]] | None = None
) -> GuideImport:
    draft = to_data(definition)
    if draft == guide.draft:
        return guide
    guide.draft = draft
    guide.reconciliation = reconciliation_rows(reconcile(definition))
    guide.save(update_fields=["draft", "reconciliation", "updated_at"])
    log_action(
        action="shenbao.guide.draft_edited",
        obj=guide,
        actor=actor,
        data={"call": definition.call.code, "via": via, **(changes or {})},
    )
    return guide


@transaction.atomic
def save_guide_as_draft_call(*, guide: GuideImport, actor: Any) -> Call:
    """Create (or, while it is still a draft, update) the call the draft describes, in the draft state.

    The importer becomes the program officer of a new program, so the call appears among the
    calls they manage; an existing program is used only by its own officers (or an administrator).
    """
    guide = GuideImport.objects.select_for_update().get(pk=guide.pk)
    data = dict(guide.draft)
    data["call"] = {**data.get("call", {}), "status": CallStatus.DRAFT.value}
    try:
        definition = parse_definition(data)
    except DefinitionInvalid as exc:
        raise DraftInvalid(exc.errors) from exc
    existing = Call.objects.filter(code=definition.call.code).first()
    if existing is not None:
        if guide.call_id != existing.pk:
            raise CallCodeTaken(definition.call.code)
        if existing.status != CallStatus.DRAFT:
            raise CallNoLongerDraft(definition.call.code)
    program = Program.objects.filter(code=definition.program.code).first()
    if program is not None and not actor.has_perm("calls.change_program", program):
        # Loading would change someone else's program and make the importer its officer.
        raise ProgramNotYours(definition.program.code)
    result = load_call_definition(definition=definition, actor=actor, source=f"guide import {guide.pk}: {guide.filename}")
    if not user_is_administrator(actor):
        grant_program_role(program=result.call.program, user=actor, role=ProgramRoleKind.PROGRAM_OFFICER, actor=actor)
    guide.call = result.call
    transition(
        guide,
        GUIDE_IMPORT_LIFECYCLE,
        GuideImportStatus.SAVED,
        actor=actor,
        data={"call": result.call.code, "version": result.version, "created": result.created},
        also_update=("call",),
        action="shenbao.guide.saved_as_call",
    )
    return result.call
