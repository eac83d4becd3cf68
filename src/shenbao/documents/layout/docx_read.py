"""Read a filled 申报表 (.docx) back into field values, by the labels in its tables and headings.

Works for forms we generated and for a funder's own template whose labels the call definition
lists as field aliases.  Each field comes back read, empty, invalid (with the problem) or missing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]

from shenbao.documents.layout.spec import (
    FieldSpec,
    FormSpec,
    GridLine,
    Kind,
    Parsed,
    Status,
    normalise_label,
    parse_amount,
    parse_value,
)

#: A short numbered line ("三、实施计划", "2. Budget") ends the text under a heading.
_NUMBERED_HEADING = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]+[)）]?[、.．)）]\s*\S")


class UnreadableDocument(Exception):
    """The bytes are not a Word document python-docx can open."""


@dataclass
class ReadResult:
    identifier: str
    fields: dict[str, Parsed] = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        return {code: p.value for code, p in self.fields.items() if p.status == Status.READ}


def _labels(spec: FormSpec) -> dict[str, FieldSpec]:
    index: dict[str, FieldSpec] = {}
    for f in spec.fields:
        for label in (f.label, *f.aliases):
            index.setdefault(normalise_label(label), f)
    return index


def _cell_text(cell: _Cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _distinct(cells: list[_Cell]) -> list[_Cell]:
    seen: set[int] = set()
    out = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def _from_table(table: Table, labels: dict[str, FieldSpec]) -> Iterator[tuple[FieldSpec, str]]:
    rows = [_distinct(list(row.cells)) for row in table.rows]
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            first = cell.paragraphs[0].text if cell.paragraphs else ""
            spec = labels.get(normalise_label(first)) or labels.get(normalise_label(_cell_text(cell)))
            if spec is None:
                continue
            if c + 1 < len(cells):
                yield spec, _cell_text(cells[c + 1])
            elif r + 1 < len(rows) and len(rows[r + 1]) == 1:
                yield spec, _cell_text(rows[r + 1][0])
            else:
                yield spec, ""


_LINE_MARKS = re.compile(r"^[—\-－·•]+|^其中[:：]?")


def _titled_budget(table: Table, labels: dict[str, FieldSpec]) -> FieldSpec | None:
    """A budget field whose label heads the table (a funder's template: the title in a merged first row)."""
    rows = [_distinct(list(row.cells)) for row in table.rows]
    if not rows or len(rows[0]) != 1:
        return None
    spec = labels.get(normalise_label(_cell_text(rows[0][0]).split("\n")[0]))
    return spec if spec is not None and spec.kind == Kind.BUDGET else None


def read_budget(spec: FieldSpec, table: Table) -> Parsed:
    """A budget grid: amounts on the rows they are entered on, by the column headings; justifications."""
    grid = spec.budget
    assert grid is not None
    rows = [[_cell_text(c) for c in _distinct(list(row.cells))] for row in table.rows]
    if rows and len(rows[0]) == 1:
        rows = rows[1:]  # the title row
    if not rows:
        return Parsed(Status.MISSING)
    columns: dict[int, str] = {}
    note_at: int | None = None
    by_label = {normalise_label(x): c.code for c in grid.columns for x in (c.label, *c.aliases)}
    notes_labels = {normalise_label(x) for x in (grid.justification, *grid.aliases) if x}
    for i, heading in enumerate(rows[0]):
        key = normalise_label(heading)
        if key in by_label:
            columns[i] = by_label[key]
        elif grid.justification and key in notes_labels:
            note_at = i
    if not columns:
        return Parsed(Status.MISSING)
    line_of: dict[str, GridLine] = {}
    for line in grid.lines:
        for label in (line.label, *line.aliases):
            line_of.setdefault(normalise_label(_LINE_MARKS.sub("", label.strip())), line)
    lines: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    for cells in rows[1:]:
        if not cells:
            continue
        row_line = line_of.get(normalise_label(_LINE_MARKS.sub("", cells[0].strip())))
        if row_line is None:
            continue  # the total row, or a row the call does not have
        if row_line.entered:
            for i, code in columns.items():
                if i >= len(cells):
                    continue
                amount, problem = parse_amount(cells[i], grid.decimals)
                if problem is not None:
                    return Parsed(Status.INVALID, f"{row_line.label}: {cells[i]}", problem)
                if amount is not None:
                    lines.setdefault(row_line.code, {})[code] = amount
        if note_at is not None and note_at < len(cells) and cells[note_at].strip():
            notes[row_line.code] = cells[note_at].strip()
    if not lines and not notes:
        return Parsed(Status.EMPTY)
    value: dict[str, object] = {"lines": lines}
    if notes:
        value["notes"] = notes
    return Parsed(Status.READ, value)


def _is_heading(paragraph: Paragraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    text = paragraph.text.strip()
    return style.startswith(("Heading", "Title", "标题")) or (len(text) <= 40 and bool(_NUMBERED_HEADING.match(text)))


def read_form(spec: FormSpec, data: bytes) -> ReadResult:
    """Every field of ``spec`` as found in the document ``data``."""
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise UnreadableDocument(str(exc)) from exc
    except Exception as exc:  # a malformed package breaks python-docx in many ways (AttributeError, TypeError …)
        raise UnreadableDocument(repr(exc)) from exc
    labels = _labels(spec)
    found: dict[str, list[str]] = {}
    budgets: dict[str, Parsed] = {}
    current: FieldSpec | None = None  # the field whose heading we are under
    lines: list[str] = []

    def close() -> None:
        nonlocal current, lines
        if current is not None:
            found.setdefault(current.code, []).append("\n".join(lines).strip())
        current, lines = None, []

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            budget = current if current is not None and current.kind == Kind.BUDGET else _titled_budget(block, labels)
            if budget is not None:
                current, lines = None, []
                budgets.setdefault(budget.code, read_budget(budget, block))
                continue
            close()
            for f, text in _from_table(block, labels):
                found.setdefault(f.code, []).append(text)
            continue
        spec_here = labels.get(normalise_label(block.text)) if block.text.strip() else None
        if spec_here is not None:
            close()
            current = spec_here
        elif current is not None and _is_heading(block):
            close()
        elif current is not None:
            lines.append(block.text)
    close()
    result = ReadResult(identifier=document.core_properties.identifier or "")
    for f in spec.fields:
        if f.kind == Kind.BUDGET:
            result.fields[f.code] = budgets.get(f.code, Parsed(Status.MISSING))
            continue
        texts = found.get(f.code)
        if texts is None:
            result.fields[f.code] = Parsed(Status.MISSING)
            continue
        text = next((t for t in texts if t.strip()), "")
        result.fields[f.code] = parse_value(f, text)
    return result
