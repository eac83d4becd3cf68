"""Parse, validate, reconcile and serialise call definitions (no Django imports)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shenbao.calls.definition.base import Qualifier
from shenbao.calls.definition.criteria import RULE_KINDS
from shenbao.calls.definition.schema import CallDefinition
from shenbao.core.input_limits import LimitExceeded, check_data, check_text, check_yaml_depth


@dataclass(frozen=True)
class DefinitionError:
    """One problem in a definition: where (a dotted path) and what (a type code and context).

    ``message`` is the English text from the validator; user-facing messages in both
    languages are rendered from ``type`` and ``context`` by the calls app.
    """

    path: str
    type: str
    message: str
    context: dict[str, Any] = field(default_factory=dict)
    value: Any = None


class DefinitionInvalid(Exception):
    def __init__(self, errors: list[DefinitionError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (libyaml's when present) that refuses a key given twice in one mapping,
    which YAML would otherwise resolve silently by keeping the last value."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                problem = "a key must be a plain value, not a list or mapping"
                context = "while reading a mapping"
                raise yaml.constructor.ConstructorError(context, node.start_mark, problem, key_node.start_mark) from None
            if key in seen:
                raise _DuplicateKey(
                    "while reading a mapping", node.start_mark, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def read_document(text: str, *, source: str = "<text>") -> Any:
    """YAML (a superset of JSON) to plain data; syntax errors become a DefinitionError.

    Size, nesting depth and the text itself are bounded first: libyaml's constructor recurses
    and crashes the process on a document nested some 30,000 levels deep."""
    try:
        check_text(text)
        check_yaml_depth(text)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a subclass of the safe loader
        check_data(data)  # "\ud800" escapes decode to lone surrogates only now
        return data
    except LimitExceeded as exc:
        raise DefinitionInvalid(
            [DefinitionError(path="", type=exc.code, message=f"{source}: {exc}", context=dict(exc.context))]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionInvalid(
            [
                DefinitionError(
                    path="",
                    type="duplicate_key" if isinstance(exc, _DuplicateKey) else "syntax",
                    message=f"{source}: not valid YAML/JSON: {problem}",
                    context={"line": line, "problem": problem},
                )
            ]
        ) from exc


def parse_definition(data: Any) -> CallDefinition:
    """Validate plain data as a call definition; raise DefinitionInvalid with every located error."""
    if not isinstance(data, dict):
        raise DefinitionInvalid(
            [DefinitionError(path="", type="not_a_mapping", message="a definition is a mapping at the top level")]
        )
    try:
        return CallDefinition.model_validate(data)
    except ValidationError as exc:
        raise DefinitionInvalid([_located(err) for err in exc.errors(include_url=False)]) from exc


def parse_text(text: str, *, source: str = "<text>") -> CallDefinition:
    return parse_definition(read_document(text, source=source))


def parse_file(path: Path) -> CallDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionInvalid([DefinitionError(path="", type="encoding", message=f"{path.name}: not UTF-8 text")]) from exc
    return parse_text(text, source=path.name)


def _located(err: Any) -> DefinitionError:
    loc = [str(part) for part in err["loc"]]
    context = dict(err.get("ctx") or {})
    extra_path = context.pop("path", None)
    if extra_path:
        loc.append(str(extra_path))
    # Discriminated unions add the tag to the location ("rule.birth_date.on_or_after");
    # users think in their document's keys, so drop the tag after a rule position.
    cleaned: list[str] = []
    for part in loc:
        if part.startswith("function-after[") or part.startswith("function-before["):
            continue
        after_rule = cleaned and (
            cleaned[-1] == "rule" or (cleaned[-1].isdigit() and len(cleaned) > 1 and cleaned[-2] == "rules")
        )
        if after_rule and part in RULE_KINDS:
            continue
        cleaned.append(part)
    context = {k: (v if isinstance(v, (str, int, float, bool)) or v is None else str(v)) for k, v in context.items()}
    value = err.get("input")
    if not isinstance(value, (str, int, float, bool)) or isinstance(value, bool):
        value = None
    return DefinitionError(path=".".join(cleaned), type=err["type"], message=err["msg"], context=context, value=value)


def to_data(definition: CallDefinition) -> dict[str, Any]:
    """The canonical plain-data form: aliases, no defaults, JSON-safe values."""
    data: dict[str, Any] = definition.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["schema_version"] = definition.schema_version
    return data


def to_yaml(definition: CallDefinition) -> str:
    return yaml.safe_dump(to_data(definition), allow_unicode=True, sort_keys=False, width=100)


def content_hash(definition: CallDefinition) -> str:
    canonical = json.dumps(to_data(definition), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReconciliationLine:
    """Stated total vs the sum of the directions (DESIGN §6.2)."""

    measure: str  # "directions" | "projects" | "budget_yuan"
    stated: float | None
    summed: float
    missing: tuple[str, ...]  # directions without a value for this measure

    @property
    def difference(self) -> float | None:
        return None if self.stated is None else self.summed - self.stated

    @property
    def matches(self) -> bool:
        return self.stated is not None and not self.missing and abs(self.summed - self.stated) < 1e-6


def reconcile(definition: CallDefinition) -> list[ReconciliationLine]:
    """Add the directions up and compare with the stated totals, where the call states them."""
    totals = definition.stated_totals
    if totals is None:
        return []
    lines: list[ReconciliationLine] = []
    directions = definition.directions
    if totals.directions is not None:
        lines.append(ReconciliationLine("directions", totals.directions, len(directions), ()))
    if totals.projects is not None and totals.projects.nominal is not None:
        summed = 0.0
        missing: list[str] = []
        for d in directions:
            if d.quota is None or d.quota.qualifier == Qualifier.UNSPECIFIED or d.quota.nominal is None:
                missing.append(d.code)
            else:
                summed += d.quota.nominal
        lines.append(ReconciliationLine("projects", totals.projects.nominal, summed, tuple(missing)))
    if totals.budget is not None:
        total = 0
        missing = []
        for d in directions:
            if d.budget is None or d.budget.total is None:
                missing.append(d.code)
            else:
                total += d.budget.total.yuan
        lines.append(ReconciliationLine("budget_yuan", totals.budget.yuan, total, tuple(missing)))
    return lines
