"""Writes of guide import: store an upload with its extraction, edit the draft, save it as a draft call."""

from __future__ import annotations

import functools
from dataclasses import asdict
from typing import Any

import yaml
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
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.errors import CallCodeTaken, CallNoLongerDraft, DraftInvalid, GuideUnreadable, ProgramNotYours
from shenbao.guides.models import GuideImport
from shenbao.guides.parser.extract import Extraction, extract_guide
from shenbao.guides.parser.reading import GuideReadError, read_document
from shenbao.guides.transitions import GUIDE_IMPORT_LIFECYCLE


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


@transaction.atomic
def import_guide(*, data: bytes, filename: str, actor: Any) -> GuideImport:
    """Read and extract an uploaded guide and keep both; nothing of the call is created yet."""
    try:
        # In a child process with CPU, memory and time limits: a hostile PDF or .docx costs the child.
        document = run_bounded(functools.partial(read_document, data, filename=filename))
    except Refused as exc:
        raise GuideUnreadable.from_read_error(GuideReadError("too_complex", "reading took too long", **exc.context)) from exc
    except GuideReadError as exc:
        raise GuideUnreadable.from_read_error(exc) from exc
    extraction = extract_guide(document.text)
    draft = to_data(extraction.definition) if extraction.definition is not None else extraction.data
    guide = GuideImport.objects.create(
        uploaded_by=actor,
        filename=filename[:255],
        file_kind=document.kind,
        encoding=document.encoding or "",
        traditional=extraction.text.traditional,
        source_text=document.text,
        extraction=extraction.data,
        spans=_spans(extraction),
        warnings=[asdict(w) for w in extraction.warnings],
        draft=draft,
        reconciliation=reconciliation_rows(extraction.reconciliation),
    )
    log_action(
        action="shenbao.guide.imported",
        obj=guide,
        actor=actor,
        data={"file": guide.filename, "kind": guide.file_kind, "directions": len(draft.get("directions", []))},
    )
    return guide


def draft_yaml(guide: GuideImport) -> str:
    return yaml.safe_dump(guide.draft, allow_unicode=True, sort_keys=False, width=100)


@transaction.atomic
def update_guide_draft(*, guide: GuideImport, text: str, actor: Any) -> GuideImport:
    """Replace the draft with staff's edited YAML, which must be a valid call definition."""
    try:
        definition = parse_text(text, source="draft")
    except DefinitionInvalid as exc:
        raise DraftInvalid(exc.errors) from exc
    draft = to_data(definition)
    if draft == guide.draft:
        return guide
    guide.draft = draft
    guide.reconciliation = reconciliation_rows(reconcile(definition))
    guide.save(update_fields=["draft", "reconciliation", "updated_at"])
    log_action(action="shenbao.guide.draft_edited", obj=guide, actor=actor, data={"call": definition.call.code})
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
