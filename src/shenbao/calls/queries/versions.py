"""Reads of a call's definition versions: the list, one version's YAML and the difference of two."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import yaml
from django.db.models import QuerySet

from shenbao.calls.models import Call, CallDefinitionVersion


def versions_of(call: Call) -> QuerySet[CallDefinitionVersion]:
    return CallDefinitionVersion.objects.filter(call=call).select_related("created_by").order_by("-version")


def definition_yaml(data: dict[str, Any]) -> str:
    """A stored definition as YAML, keys in the schema's order (the export's format)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add" | "remove" | "hunk" | "same"
    text: str


def version_diff(old: dict[str, Any], new: dict[str, Any], *, context: int = 3) -> list[DiffLine]:
    """The lines that differ between two definitions' YAML, with ``context`` lines around each change."""
    lines = difflib.unified_diff(definition_yaml(old).splitlines(), definition_yaml(new).splitlines(), lineterm="", n=context)
    out: list[DiffLine] = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            out.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            out.append(DiffLine("remove", line[1:]))
        else:
            out.append(DiffLine("same", line[1:]))
    return out
