"""What an export is: a code, a title, columns with translated headers, and rows for a call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from shenbao.calls.models import Call
from shenbao.documents.layout.tables import Column


@dataclass(frozen=True)
class Filters:
    """The staff list's filters; every export honours the ones that apply to it."""

    direction: str | None = None
    state: str | None = None
    search: str = ""  # the staff search language (reviews.queries.application_search)

    def __post_init__(self) -> None:
        # Control characters (a NUL, which PostgreSQL refuses in text) never reach the query or the file.
        for name in ("direction", "state", "search"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, "".join(ch for ch in value if ch.isprintable()))

    def describe(self) -> str:
        """The filter as one line (empty when there is none), for the file and its name."""
        parts = [f"{key}={value}" for key, value in (("state", self.state), ("direction", self.direction)) if value]
        if self.search.strip():
            parts.append(f"q={self.search.strip()}")
        # Only printable characters: a control character in a parameter cannot go into a spreadsheet cell.
        return "".join(ch for ch in "; ".join(parts) if ch.isprintable())


@dataclass(frozen=True)
class ExportColumn:
    key: str
    label: Promise  # gettext_lazy: rendered once in Chinese and once in English
    width: int = 16


@dataclass(frozen=True)
class ExportKind:
    code: str
    title: Promise
    columns: tuple[ExportColumn, ...]
    rows: Callable[[Call, Filters], Iterable[Mapping[str, Any]]]
    #: The permission asked on the call (the same predicate as the staff page the list comes from).
    permission: str = "calls.change_call"

    def header_columns(self) -> list[Column]:
        with translation.override("zh-hans"):
            zh = [str(c.label) for c in self.columns]
        with translation.override("en"):
            en = [str(c.label) for c in self.columns]
        return [Column(c.key, z, e, c.width) for c, z, e in zip(self.columns, zh, en, strict=True)]
