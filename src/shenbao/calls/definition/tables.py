"""Direction lists (e.g. seed 000's 课题清单) from CSV or xlsx rows, checked row by row.

Pure: takes rows as dicts of strings and returns direction definitions plus the
problems found, each with its row number and column, so a dry run can show them all
before anything is written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shenbao.calls.definition.schema import Direction
from shenbao.core.bounded import MAX_ROWS, Refused, check_xlsx

EXTRA = "(extra cells)"
COLUMNS = (
    "code",
    "title_zh",
    "title_en",
    "field_zh",
    "field_en",
    "description_zh",
    "description_en",
    "category",
    "quota",
    "budget_wan",
    "example",
)
REQUIRED = ("code",)


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based, the header is row 1; 0 when the problem is not tied to a row
    column: str
    type: str
    value: str = ""
    context: dict[str, Any] = field(default_factory=dict)


#: Where a direction's field comes from in the table, for pointing at the right column.
FIELD_COLUMNS = {"title": "title_zh", "fields": "field_zh", "description": "description_zh", "budget": "budget_wan"}


class TableUnreadable(Exception):
    def __init__(self, type_: str, detail: str = "") -> None:
        super().__init__(f"{type_}: {detail}")
        self.type = type_
        self.detail = detail


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a .csv (UTF-8, with or without BOM, or GB18030) or .xlsx file, keyed by header."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TableUnreadable("encoding")
        reader = csv.DictReader(io.StringIO(text), restkey=EXTRA)
        rows: list[dict[str, str]] = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise TableUnreadable("too_big", f"more than {MAX_ROWS} rows")
            clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k != EXTRA}
            if row.get(EXTRA):
                clean[EXTRA] = ", ".join(str(v) for v in row[EXTRA])
            rows.append(clean)
        return rows
    if suffix == ".xlsx":
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            check_xlsx(path.read_bytes())
        except Refused as exc:
            raise TableUnreadable("xlsx_invalid" if exc.code == "corrupt" else "too_big", str(exc)) from exc
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise TableUnreadable("xlsx_invalid", str(exc)) from exc
        sheet = workbook.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        workbook.close()
        if not values:
            return []
        header = [str(h or "").strip() for h in values[0]]
        return [
            {header[i]: ("" if cell is None else str(cell).strip()) for i, cell in enumerate(row) if i < len(header)}
            for row in values[1:]
            if any(cell not in (None, "") for cell in row)
        ]
    raise TableUnreadable("format", suffix)


def _bilingual(zh: str, en: str) -> dict[str, str] | None:
    out = {k: v for k, v in (("zh-hans", zh), ("en", en)) if v}
    return out or None


def rows_to_directions(rows: list[dict[str, Any]], *, example: bool = False) -> tuple[list[Direction], list[RowProblem]]:
    problems: list[RowProblem] = []
    directions: list[Direction] = []
    if not rows:
        return [], [RowProblem(0, "", "empty_table")]
    if rows:
        unknown = sorted(set(rows[0]) - set(COLUMNS) - {EXTRA})
        problems.extend(RowProblem(1, col, "unknown_column", col) for col in unknown)
        if "code" not in rows[0]:
            problems.append(RowProblem(1, "code", "missing_column"))
        if "title_zh" not in rows[0] and "title_en" not in rows[0]:
            problems.append(RowProblem(1, "title_zh", "missing_column"))
        if problems:
            return [], problems
    seen: dict[str, int] = {}
    for i, row in enumerate(rows, start=2):
        code = row.get("code", "")
        if row.get(EXTRA):
            problems.append(RowProblem(i, EXTRA, "extra_cells", row[EXTRA]))
            continue
        if code in seen:
            problems.append(RowProblem(i, "code", "duplicate_code", code))
            continue
        seen[code] = i
        data: dict[str, Any] = {"code": code}
        title = _bilingual(row.get("title_zh", ""), row.get("title_en", ""))
        if title is None:
            problems.append(RowProblem(i, "title_zh", "missing"))
            continue
        data["title"] = title
        field = _bilingual(row.get("field_zh", ""), row.get("field_en", ""))
        if field:
            data["fields"] = [field]
        description = _bilingual(row.get("description_zh", ""), row.get("description_en", ""))
        if description:
            data["description"] = description
        if row.get("category"):
            data["category"] = row["category"]
        if row.get("quota"):
            try:
                data["quota"] = {"qualifier": "exact", "value": float(row["quota"])}
            except ValueError:
                problems.append(RowProblem(i, "quota", "not_a_number", row["quota"]))
                continue
        if row.get("budget_wan"):
            try:
                data["budget"] = {"total": {"amount_wan": float(row["budget_wan"])}}
            except ValueError:
                problems.append(RowProblem(i, "budget_wan", "not_a_number", row["budget_wan"]))
                continue
        flag = row.get("example", "").lower()
        data["example"] = example or flag in {"1", "true", "yes", "是", "y"}
        try:
            directions.append(Direction.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                column = str(err["loc"][0]) if err["loc"] else "code"
                context = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int | float)}
                value = row.get(FIELD_COLUMNS.get(column, column), code)
                problems.append(RowProblem(i, FIELD_COLUMNS.get(column, column), err["type"], str(value), context))
    return directions, problems
