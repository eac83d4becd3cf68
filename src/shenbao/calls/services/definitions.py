"""Write a call definition into the database: create or update, idempotently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError

from shenbao.calls.definition.load import content_hash, parse_definition, to_data
from shenbao.calls.definition.schema import CallDefinition, TimelineKind
from shenbao.calls.definition.schema import Direction as DirectionDef
from shenbao.calls.errors import CallInAnotherProgram, PartInUse
from shenbao.calls.models import (
    Call,
    CallDefinitionVersion,
    Direction,
    DirectionCategory,
    EligibilityCriterion,
    FormField,
    KpiTemplate,
    Program,
    RequiredDocument,
    ReviewCriterion,
    ReviewStage,
    TimelineItem,
)
from shenbao.core.audit import log_action
from shenbao.core.timeutil import localise


@dataclass(frozen=True)
class LoadResult:
    call: Call
    created: bool
    changed: bool
    version: int


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=True) if model is not None else {}


def _aware(value: dt.datetime | None, tz: str) -> dt.datetime | None:
    return localise(value, tz) if value is not None else None


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def load_call_definition(*, definition: CallDefinition, actor: Any = None, source: str = "", comment: str = "") -> LoadResult:
    """Create or update the call that ``definition`` describes.

    Loading the same definition again changes nothing (no row is written, no version
    is added, no audit entry is made).  A changed definition becomes a new version and
    the call's rows are brought in step with it, keeping the identity of every part
    whose code stays the same.
    """
    call = Call.objects.select_for_update(of=("self",)).select_related("program").filter(code=definition.call.code).first()
    if call is not None and call.program.code != definition.program.code:
        raise CallInAnotherProgram(call=call.code, program=call.program.code, other=definition.program.code)
    if call is not None and "directions" not in definition.model_fields_set and call.definition.get("directions"):
        # A definition without a directions key keeps the directions imported from a table
        # (seed 000's topic list); an explicit empty list removes them.
        merged = to_data(definition)
        merged["directions"] = call.definition["directions"]
        definition = parse_definition(merged)
    digest = content_hash(definition)
    data = to_data(definition)
    if call is not None and call.definition_hash == digest:
        return LoadResult(call=call, created=False, changed=False, version=call.version)
    program = _save_program(definition, actor)
    created = call is None

    c = definition.call
    tz = c.timezone
    deadline_item = next(item for item in definition.timeline if item.kind == TimelineKind.DEADLINE)
    opens_item = next((item for item in definition.timeline if item.kind == TimelineKind.OPENS), None)
    fields: dict[str, Any] = {
        "program": program,
        "title": c.title.as_dict(),
        "year": c.year,
        "batch": c.batch,
        "example": c.example,
        "timezone": tz,
        "direction_label": c.direction_label.as_dict(),
        "summary": c.summary.as_dict() if c.summary else {},
        "published_on": c.published_on,
        "opens_at": _aware(opens_item.at or opens_item.start, opens_item.timezone or tz) if opens_item else None,
        "deadline": _aware(deadline_item.at, deadline_item.timezone or tz),
        "deadline_tentative": deadline_item.tentative,
        "definition": data,
        "definition_hash": digest,
        "stated_totals": _dump(definition.stated_totals),
        "selection": _dump(definition.selection),
        "agreement": _dump(definition.agreement),
    }
    if call is None:
        # The file's status is the initial one; afterwards only change_call_status moves it.
        call = Call.objects.create(code=c.code, version=1, status=c.status.value, **fields)
    else:
        for name, value in fields.items():
            setattr(call, name, value)
        call.version += 1
        call.save()
    CallDefinitionVersion.objects.create(
        call=call,
        version=call.version,
        definition=data,
        definition_hash=digest,
        source=source[:200],
        comment=comment,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _sync_parts(call, definition)
    log_action(
        action="shenbao.call.created" if created else "shenbao.call.definition_updated",
        obj=call,
        actor=actor,
        data={"version": call.version, "hash": digest, "source": source, **({"comment": comment} if comment else {})},
    )
    return LoadResult(call=call, created=created, changed=True, version=call.version)


def _save_program(definition: CallDefinition, actor: Any) -> Program:
    p = definition.program
    values = {"name": p.name.as_dict(), "kind": p.kind.value, "funder": p.funder.as_dict(), "data": _dump(p)}
    program = Program.objects.filter(code=p.code).first()
    if program is None:
        program = Program.objects.create(code=p.code, **values)
        log_action(action="shenbao.program.created", obj=program, actor=actor, data={"code": p.code})
    elif any(getattr(program, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(program, k, v)
        program.save(update_fields=[*values, "updated_at"])
        log_action(action="shenbao.program.updated", obj=program, actor=actor, data={"code": p.code})
    return program


def _sync(model: type[models.Model], call: Call, rows: list[dict[str, Any]], key: str = "code") -> dict[str, Any]:
    """Make ``model``'s rows of ``call`` equal ``rows``: update by key, create new, delete the rest."""
    existing = {getattr(obj, key): obj for obj in model._default_manager.filter(call=call)}
    wanted = {row[key] for row in rows}
    stale = {k: obj.pk for k, obj in existing.items() if k not in wanted}
    if stale:
        try:
            with transaction.atomic():
                model._default_manager.filter(pk__in=stale.values()).delete()
        except ProtectedError as exc:
            raise PartInUse(codes=sorted(str(k) for k in stale)) from exc
    # Positions are unique per call: park the kept rows first so reordering cannot collide.
    if "position" in {f.name for f in model._meta.get_fields()} and key != "position":
        model._default_manager.filter(call=call).update(position=models.F("position") + 10000)
    out: dict[str, Any] = {}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model._default_manager.create(call=call, **row)
        else:
            for name, value in row.items():
                setattr(obj, name, value)
            obj.save()
        out[row[key]] = obj
    return out


def _direction_row(position: int, d: DirectionDef, categories: dict[str, Any]) -> dict[str, Any]:
    quota = d.quota
    budget = d.budget
    return {
        "code": d.code,
        "position": position,
        "title": d.title.as_dict(),
        "category": categories.get(d.category) if d.category else None,
        "example": d.example,
        "partner_countries": list(d.partner.countries) if d.partner else [],
        "fields": [f.as_dict() for f in d.fields],
        "quota_qualifier": quota.qualifier.value if quota else "",
        "quota_value": _dec(quota.value) if quota else None,
        "quota_min": _dec(quota.min) if quota else None,
        "quota_max": _dec(quota.max) if quota else None,
        "quota_in_principle": quota.in_principle if quota else False,
        "budget_total_yuan": budget.total.yuan if budget and budget.total else None,
        "budget_per_project_yuan": budget.per_project.yuan if budget and budget.per_project else None,
        "duration_min_months": d.duration.min_months if d.duration else None,
        "duration_max_months": d.duration.max_months if d.duration else None,
        "data": _dump(d),
    }


def _sync_parts(call: Call, definition: CallDefinition) -> None:
    tz = call.timezone
    _sync(
        TimelineItem,
        call,
        [
            {
                "position": i,
                "kind": item.kind.value,
                "label": item.label.as_dict() if item.label else {},
                "note": item.note.as_dict() if item.note else {},
                "at": _aware(item.at, item.timezone or tz),
                "start": _aware(item.start, item.timezone or tz),
                "end": _aware(item.end, item.timezone or tz),
                "timezone": item.timezone or tz,
                "tentative": item.tentative,
                "precision": item.precision.value,
                "stage_code": item.stage or "",
            }
            for i, item in enumerate(definition.timeline)
        ],
        key="position",
    )
    categories = _sync(
        DirectionCategory,
        call,
        [
            {
                "code": c.code,
                "position": i,
                "name": c.name.as_dict(),
                "description": c.description.as_dict() if c.description else {},
            }
            for i, c in enumerate(definition.categories)
        ],
    )
    _sync(Direction, call, [_direction_row(i, d, categories) for i, d in enumerate(definition.directions)])
    _sync(
        EligibilityCriterion,
        call,
        [
            {
                "code": c.code,
                "position": i,
                "kind": c.rule.kind,
                "level": c.level.value,
                "text": c.text.as_dict(),
                "directions": list(c.directions),
                "data": _dump(c),
            }
            for i, c in enumerate(definition.eligibility)
        ],
    )
    _sync(
        RequiredDocument,
        call,
        [
            {
                "code": d.code,
                "position": i,
                "name": d.name.as_dict(),
                "type": d.type.value,
                "required": d.required,
                "directions": list(d.directions),
                "max_size_mb": d.max_size_mb,
                "share_link_over_mb": d.share_link_over_mb,
                "data": _dump(d),
            }
            for i, d in enumerate(definition.required_documents)
        ],
    )
    _sync(
        FormField,
        call,
        [
            {
                "code": f.code,
                "position": i,
                "label": f.label.as_dict(),
                "type": f.type.value,
                "required": f.required,
                "data": _dump(f),
            }
            for i, f in enumerate(definition.form)
        ],
    )
    stages = _sync(
        ReviewStage,
        call,
        [
            {"code": s.code, "position": i, "name": s.name.as_dict(), "kind": s.kind.value, "data": _dump(s)}
            for i, s in enumerate(definition.review_stages)
        ],
    )
    for s in definition.review_stages:
        stage = stages[s.code]
        wanted = {c.code for c in s.criteria}
        ReviewCriterion.objects.filter(stage=stage).exclude(code__in=wanted).delete()
        ReviewCriterion.objects.filter(stage=stage).update(position=models.F("position") + 10000)
        for i, c in enumerate(s.criteria):
            ReviewCriterion.objects.update_or_create(
                stage=stage,
                code=c.code,
                defaults={
                    "position": i,
                    "name": c.name.as_dict(),
                    "weight": _dec(c.weight),
                    "scale_min": c.scale_min,
                    "scale_max": c.scale_max,
                },
            )
    _sync(
        KpiTemplate,
        call,
        [
            {
                "code": k.code,
                "position": i,
                "name": k.name.as_dict(),
                "comparator": k.comparator,
                "target": _dec(k.target),
                "unit": k.unit.as_dict(),
                "data": _dump(k),
            }
            for i, k in enumerate(definition.kpi_templates)
        ],
    )
