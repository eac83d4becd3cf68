"""The selection problem as a stored record, and back (no Django).

A run keeps the exact problem it solved so its decision can be solved again and compared.  At
20,000 applications the first format (``problem.candidates`` as a list of one object per
candidate, every field named in every object) made a JSON document of several megabytes whose
insert cost seconds.  Format 2 stores the candidates by column: one array per field, and no array
for a field whose every value is the field's default (no prize tiers, no call-wide direction...).
The rules stay as they were (``problem.tiers`` and the rest read the same), and ``sha256`` is the
digest of the canonical JSON of ``problem``, so a changed record is detected before it is solved.

``problem_from_record`` reads both formats; records without ``format`` are the first one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from shenbao.awards.algorithms.selection_types import (
    AwardAmount,
    Candidate,
    Cap,
    CapKind,
    Exclusivity,
    ExclusivityKey,
    GroupRules,
    Quota,
    QuotaKind,
    SelectionProblem,
    Tier,
)

RECORD_FORMAT = 2
_CANDIDATE_FIELDS = tuple(dataclasses.fields(Candidate))
_SET_FIELDS = frozenset({"partner_countries", "tiers"})  # frozensets, stored as sorted lists


class RecordError(ValueError):
    """The stored record is not a problem this module can read, or not the one that was stored."""


def _plain(value: Any) -> Any:
    """Rules as JSON-able data: dataclasses as objects, sets as sorted lists, enums as values."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def digest(problem: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a stored ``problem`` (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(problem, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _columns(candidates: tuple[Candidate, ...]) -> dict[str, Any]:
    columns: dict[str, list[Any]] = {}
    for spec in _CANDIDATE_FIELDS:
        values = list(map(attrgetter(spec.name), candidates))
        default: Any
        if spec.name in _SET_FIELDS:
            values = [None if v is None else sorted(v) for v in values]
            default = None if spec.default is None else sorted(spec.default)  # type: ignore[arg-type]
        else:
            default = spec.default
        if spec.default is dataclasses.MISSING or any(v != default for v in values):
            columns[spec.name] = values
    return {"count": len(candidates), "columns": columns}


def problem_record(problem: SelectionProblem) -> dict[str, Any]:
    """The record to store: ``{"format": 2, "problem": {...}, "sha256": ...}``."""
    stored: dict[str, Any] = {
        f.name: _plain(getattr(problem, f.name)) for f in dataclasses.fields(problem) if f.name != "candidates"
    }
    stored["candidates"] = _columns(problem.candidates)
    return {"format": RECORD_FORMAT, "problem": stored, "sha256": digest(stored)}


def _candidates_from_columns(data: Mapping[str, Any]) -> tuple[Candidate, ...]:
    count = data["count"]
    columns = data["columns"]
    known = {spec.name for spec in _CANDIDATE_FIELDS}
    if not isinstance(count, int) or set(columns) - known or any(len(v) != count for v in columns.values()):
        raise RecordError("candidate columns do not match")
    names = list(columns)
    candidates = []
    for row in zip(*(columns[name] for name in names), strict=True):
        values = dict(zip(names, row, strict=True))
        for name in _SET_FIELDS & values.keys():
            if values[name] is not None:
                values[name] = frozenset(values[name])
        candidates.append(Candidate(**values))
    return tuple(candidates)


def _candidate_from_object(data: Mapping[str, Any]) -> Candidate:
    """A candidate of the first format: one object with every field."""
    values = dict(data)
    for name in _SET_FIELDS & values.keys():
        if values[name] is not None:
            values[name] = frozenset(values[name])
    return Candidate(**values)


def _quota(data: Mapping[str, Any] | None) -> Quota | None:
    if data is None:
        return None
    return Quota(**{**data, "kind": QuotaKind(data["kind"])})


def _rules(data: Mapping[str, Any]) -> GroupRules:
    return GroupRules(group=data["group"], quota=_quota(data.get("quota")), budget_yuan=data.get("budget_yuan"))


def problem_from_record(record: Mapping[str, Any]) -> SelectionProblem:
    """The problem a run solved, from its stored inputs in either format.  Raises ``RecordError``
    when a format-2 record's digest does not match or the record cannot be read."""
    stored = record.get("problem")
    if not isinstance(stored, Mapping):
        raise RecordError("no problem stored")
    version = record.get("format", 1)
    try:
        if version == RECORD_FORMAT:
            if record.get("sha256") != digest(stored):
                raise RecordError("the stored problem does not match its digest")
            candidates = _candidates_from_columns(stored["candidates"])
        elif version == 1:
            candidates = tuple(_candidate_from_object(c) for c in stored["candidates"])
        else:
            raise RecordError(f"unknown record format {version!r}")
        return SelectionProblem(
            candidates=candidates,
            groups=tuple(_rules(g) for g in stored.get("groups", ())),
            total_budget_yuan=stored.get("total_budget_yuan"),
            award_amount=AwardAmount(stored.get("award_amount", AwardAmount.REQUESTED.value)),
            fixed_amount_yuan=stored.get("fixed_amount_yuan"),
            caps=tuple(
                Cap(
                    kind=CapKind(c["kind"]),
                    max=c["max"],
                    groups=tuple(c.get("groups", ())),
                    in_principle=c.get("in_principle", False),
                )
                for c in stored.get("caps", ())
            ),
            exclusivity=tuple(
                Exclusivity(key=ExclusivityKey(e["key"]), groups=tuple(e["groups"]), countries=frozenset(e.get("countries", ())))
                for e in stored.get("exclusivity", ())
            ),
            tiers=tuple(Tier(code=t["code"], count=t.get("count")) for t in stored.get("tiers", ())),
            direction_rules=tuple(_rules(g) for g in stored.get("direction_rules", ())),
            pins=frozenset(stored.get("pins", ())),
            excludes=frozenset(stored.get("excludes", ())),
            reserve_size=stored.get("reserve_size"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RecordError):
            raise
        raise RecordError(f"the stored problem cannot be read: {exc!r}") from exc


def candidate_count(record: Mapping[str, Any]) -> int:
    """How many candidates a stored record holds, without decoding it."""
    candidates = record.get("problem", {}).get("candidates", [])
    return int(candidates["count"]) if isinstance(candidates, Mapping) else len(candidates)
