"""Write a 申报表 (.docx) from a ``FormSpec``: title block, numbered sections of label/value tables,
tables for the team, partners and schedule, declarations and signature/stamp boxes.

Every field is a row ``label | value`` (long texts: the label row, then a full-width value row),
so the reader finds values next to their labels in our forms and in funders' templates alike.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from shenbao.documents.layout.spec import (
    FieldSpec,
    FormSpec,
    Kind,
    TableSpec,
    Value,
    Words,
    amount_text,
    format_value,
    grid_amounts,
)

#: Fonts Word uses for East Asian and Latin text: what Chinese funders' templates use.
EAST_ASIAN_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
GREY = RGBColor(0x59, 0x59, 0x59)


def _set_fonts(document: object) -> None:
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = LATIN_FONT
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _heading(document: object, text: str, *, size: int = 14, centre: bool = False) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _grid(document: object, rows: int, cols: int) -> Table:
    table: Table = document.add_table(rows=rows, cols=cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _row(table: Table) -> Any:
    return table.add_row()  # type: ignore[no-untyped-call]


def _label(cell: object, spec: FieldSpec, words: Words) -> None:
    cell.text = spec.label + (words.required if spec.required else "")  # type: ignore[attr-defined]
    cell.paragraphs[0].runs[0].bold = True  # type: ignore[attr-defined]
    hint = spec.help
    if spec.kind in (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.BOOLEAN):
        hint = f"{hint} {words.tick_hint}".strip()
    if hint:
        run = cell.add_paragraph().add_run(hint)  # type: ignore[attr-defined]
        run.font.size = Pt(8)
        run.font.color.rgb = GREY


def _value(cell: object, text: str) -> None:
    lines = text.split("\n")
    cell.text = lines[0]  # type: ignore[attr-defined]
    for line in lines[1:]:
        cell.add_paragraph(line)  # type: ignore[attr-defined]


def _section_number(index: int, words: Words) -> str:
    mark = words.numbering[index] if index < len(words.numbering) else str(index + 1)
    return f"{mark}{words.number_sep}"


def _fields_table(document: object, fields: list[FieldSpec], values: Mapping[str, Value], words: Words) -> None:
    table = _grid(document, 0, 2)
    for spec in fields:
        text = format_value(spec, values.get(spec.code), words)
        if spec.kind == Kind.TEXTAREA:
            head = _row(table).cells
            merged = head[0].merge(head[1])
            _label(merged, spec, words)
            body = _row(table).cells
            _value(body[0].merge(body[1]), text)
            body[0].paragraphs[-1].paragraph_format.space_after = Pt(36 if not text else 6)
        else:
            row = _row(table).cells
            _label(row[0], spec, words)
            _value(row[1], text)
    for row in table.rows:
        row.cells[0].width = Cm(5)
        if row.cells[1] is not row.cells[0]:
            row.cells[1].width = Cm(11)


def _budget_table(document: object, spec: FieldSpec, value: Value, words: Words) -> None:
    """A budget field: its label, the unit, then a grid of rows × sources with totals and justifications.

    Amounts are written on the rows they are entered on; a split category's and every total are
    printed computed (the reader takes only what is entered)."""
    grid = spec.budget
    assert grid is not None
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(spec.label + (words.required if spec.required else ""))
    run.bold = True
    note = document.add_paragraph(grid.unit)  # type: ignore[attr-defined]
    note.runs[0].font.size = Pt(9)
    if spec.help:
        hint = document.add_paragraph().add_run(spec.help)  # type: ignore[attr-defined]
        hint.font.size = Pt(8)
        hint.font.color.rgb = GREY
    headings = [grid.category, *(c.label for c in grid.columns), grid.total]
    if grid.justification:
        headings.append(grid.justification)
    table = _grid(document, 1, len(headings))
    for cell, title in zip(table.rows[0].cells, headings, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    amounts = grid_amounts(grid, value)
    entered = (value.get("lines") or {}) if isinstance(value, dict) else {}
    notes = (value.get("notes") or {}) if isinstance(value, dict) else {}
    totals = {c.code: Decimal(0) for c in grid.columns}
    for line in grid.lines:
        cells = _row(table).cells
        cells[0].text = ("    " if line.parent else "") + line.label
        row = amounts[line.code]
        for i, column in enumerate(grid.columns, start=1):
            if line.entered:
                given = (entered.get(line.code) or {}).get(column.code)
                cells[i].text = amount_text(row[column.code], grid.decimals) if given not in (None, "") else ""
            else:
                cells[i].text = amount_text(row[column.code], grid.decimals)
            if not line.parent:
                totals[column.code] += row[column.code]
        cells[len(grid.columns) + 1].text = amount_text(sum(row.values(), Decimal(0)), grid.decimals)
        if grid.justification:
            _value(cells[len(grid.columns) + 2], notes.get(line.code, ""))
    cells = _row(table).cells
    cells[0].text = grid.total
    cells[0].paragraphs[0].runs[0].bold = True
    for i, column in enumerate(grid.columns, start=1):
        cells[i].text = amount_text(totals[column.code], grid.decimals)
    cells[len(grid.columns) + 1].text = amount_text(sum(totals.values(), Decimal(0)), grid.decimals)


def _print_table(document: object, spec: TableSpec) -> None:
    table = _grid(document, 1, len(spec.columns))
    for cell, title in zip(table.rows[0].cells, spec.columns, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for values in spec.rows:
        for cell, text in zip(_row(table).cells, values, strict=False):
            cell.text = text
    for _ in range(spec.blank_rows):
        _row(table)


def _sections(spec: FormSpec) -> list[tuple[str, list[FieldSpec]]]:
    sections: list[tuple[str, list[FieldSpec]]] = []
    for field in spec.fields:
        if not sections or sections[-1][0] != field.section:
            sections.append((field.section, []))
        sections[-1][1].append(field)
    return sections


def write_form(spec: FormSpec, values: Mapping[str, Value] | None = None) -> bytes:
    """The 申报表 as .docx bytes, pre-filled with ``values`` (field code → stored value)."""
    values = values or {}
    document = Document()
    _set_fonts(document)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.5)
        if spec.footer:
            footer = section.footer.paragraphs[0]
            footer.text = spec.footer
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.core_properties.identifier = spec.identifier
    document.core_properties.title = spec.title
    document.core_properties.language = spec.language
    _heading(document, spec.title, size=18, centre=True)
    if spec.subtitle:
        _heading(document, spec.subtitle, size=12, centre=True)
    if spec.header:
        table = _grid(document, 0, 2)
        for label, text in spec.header:
            row = _row(table).cells
            row[0].text, row[1].text = label, text
    number = 0
    for title, fields in _sections(spec):
        _heading(document, _section_number(number, spec.words) + title)
        number += 1
        plain = [f for f in fields if f.kind != Kind.BUDGET]
        if plain:
            _fields_table(document, plain, values, spec.words)
        for budget in (f for f in fields if f.kind == Kind.BUDGET):
            _budget_table(document, budget, values.get(budget.code), spec.words)
    for table_spec in spec.tables:
        _heading(document, _section_number(number, spec.words) + table_spec.title)
        number += 1
        _print_table(document, table_spec)
    if spec.declarations or spec.signatures:
        _heading(document, _section_number(number, spec.words) + spec.words.declarations)
        for i, text in enumerate(spec.declarations, start=1):
            document.add_paragraph(f"{i}. {text}")
        if spec.signatures:
            table = _grid(document, 0, 2)
            for who in spec.signatures:
                row = _row(table).cells
                row[0].text = who
                row[1].text = f"\n\n{spec.words.date}        "
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
