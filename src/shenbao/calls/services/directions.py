"""Import a direction list (topics, tracks, lists) into a call's definition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from shenbao.calls.definition.load import DefinitionInvalid, parse_definition
from shenbao.calls.definition.schema import Direction as DirectionDef
from shenbao.calls.definition.tables import FIELD_COLUMNS, RowProblem, rows_to_directions
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import LoadResult, load_call_definition
from shenbao.core.audit import log_action


@dataclass(frozen=True)
class DirectionImportPlan:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


class DirectionImportInvalid(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def merge_directions(
    data: dict[str, Any], new: list[DirectionDef], *, replace: bool = False
) -> tuple[dict[str, Any], DirectionImportPlan]:
    """Definition data with ``new`` directions merged in by code (or replacing all, with ``replace``)."""
    data = dict(data)
    old = {d["code"]: d for d in data.get("directions", [])}
    incoming = {d.code: d.model_dump(mode="json", by_alias=True, exclude_defaults=True) for d in new}
    added = [c for c in incoming if c not in old]
    updated = [c for c in incoming if c in old and old[c] != incoming[c]]
    unchanged = [c for c in incoming if c in old and old[c] == incoming[c]]
    removed = [c for c in old if c not in incoming] if replace else []
    if replace:
        merged = list(incoming.values())
    else:
        merged = [incoming.get(code, d) for code, d in old.items()] + [incoming[c] for c in added]
    data["directions"] = merged
    return data, DirectionImportPlan(added, updated, unchanged, removed, [])


def plan_direction_import(
    *, call: Call, rows: list[dict[str, str]], example: bool = False, replace: bool = False
) -> DirectionImportPlan:
    """A dry run: what the import would add, change and remove, and every row's problems."""
    directions, problems = rows_to_directions(rows, example=example)
    if problems:
        return DirectionImportPlan([], [], [], [], problems)
    data, plan = merge_directions(call.definition, directions, replace=replace)
    try:
        parse_definition(data)
    except DefinitionInvalid as exc:
        return DirectionImportPlan([], [], [], [], _row_problems(exc, data, rows))
    return plan


def _row_problems(exc: DefinitionInvalid, data: dict[str, Any], rows: list[dict[str, str]]) -> list[RowProblem]:
    """Point definition errors about directions back at the table's row and column."""
    row_of = {row.get("code", ""): i for i, row in enumerate(rows, start=2)}
    out = []
    for e in exc.errors:
        parts = e.path.split(".")
        row, column = 0, e.path
        if len(parts) >= 2 and parts[0] == "directions" and parts[1].isdigit():
            code = data["directions"][int(parts[1])]["code"]
            row = row_of.get(code, 0)
            column = FIELD_COLUMNS.get(parts[2], parts[2]) if len(parts) > 2 else "code"
        out.append(RowProblem(row, column, e.type, str(e.context.get("value", "")), dict(e.context)))
    return out


@transaction.atomic
def import_directions(
    *, call: Call, rows: list[dict[str, str]], actor: Any = None, example: bool = False, replace: bool = False, source: str = ""
) -> tuple[DirectionImportPlan, LoadResult]:
    """Merge the rows into the call's definition and load it; nothing is written if any row is wrong."""
    plan = plan_direction_import(call=call, rows=rows, example=example, replace=replace)
    if not plan.ok:
        raise DirectionImportInvalid(plan.problems)
    directions, _ = rows_to_directions(rows, example=example)
    data, plan = merge_directions(call.definition, directions, replace=replace)
    result = load_call_definition(definition=parse_definition(data), actor=actor, source=f"import_directions:{source}"[:200])
    log_action(
        action="shenbao.call.directions_imported",
        obj=result.call,
        actor=actor,
        data={"source": source, "added": plan.added, "updated": plan.updated, "removed": plan.removed},
    )
    return plan, result
