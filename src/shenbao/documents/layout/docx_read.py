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

from shenbao.documents.layout.spec import FieldSpec, FormSpec, Parsed, Status, normalise_label, parse_value

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
    current: FieldSpec | None = None  # the field whose heading we are under
    lines: list[str] = []

    def close() -> None:
        nonlocal current, lines
        if current is not None:
            found.setdefault(current.code, []).append("\n".join(lines).strip())
        current, lines = None, []

    for block in document.iter_inner_content():
        if isinstance(block, Table):
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
        texts = found.get(f.code)
        if texts is None:
            result.fields[f.code] = Parsed(Status.MISSING)
            continue
        text = next((t for t in texts if t.strip()), "")
        result.fields[f.code] = parse_value(f, text)
    return result
