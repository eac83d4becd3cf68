"""Tables as .xlsx and .csv: a Chinese and an English header, frozen header rows, sensible widths.

Pure: columns and rows of plain values in, bytes out.  Text that a spreadsheet would run as a
formula (=, +, -, @ first) is written with a leading apostrophe (CSV/formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str  # header in Chinese
    en: str  # header in English
    width: int = 16  # in characters; a CJK character counts as two


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cell: numbers and dates kept, everything else text, never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float | Decimal | dt.date | dt.datetime):
        return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_xlsx(columns: list[Column], rows: Iterable[Mapping[str, Any]], *, title: str = "export", note: str = "") -> bytes:
    """One sheet of data under two header rows (Chinese, English); ``note`` (the filter the rows follow)
    goes on a second sheet, so the data sheet keeps its shape."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    sheet.append([c.zh for c in columns])
    sheet.append([c.en for c in columns])
    for row in (1, 2):
        for cell in sheet[row]:
            cell.font = bold
            cell.fill = fill
    for values in rows:
        sheet.append([safe_cell(values.get(c.key)) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A3"
    if note:
        about = workbook.create_sheet("filter")
        about.append(["筛选条件 / Filter"])
        about.append([safe_cell(note)])
        about.column_dimensions["A"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(columns: list[Column], rows: Iterable[Mapping[str, Any]], *, note: str = "") -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese), one header row ``中文 / English``;
    a filtered list starts with one line naming its filter (``note``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if note:
        writer.writerow([_csv_text(safe_cell(f"筛选条件 / Filter: {note}"))])
    writer.writerow([f"{c.zh} / {c.en}" if c.zh != c.en else c.zh for c in columns])
    for values in rows:
        writer.writerow([_csv_text(safe_cell(values.get(c.key))) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
