"""A form described as plain data, and how its values are written as text and read back.

The Django side builds a ``FormSpec`` from a call definition (with every word already
translated); the docx writer and reader work from it alone.  Values are what the application
stores: ``str`` for text, dates (ISO) and decimals, ``int`` for integer attributes, ``bool``,
``list[str]`` for multiple choices, ``None`` for nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

Value = Any  # str | int | bool | list[str] | None

CHECKED = "☑"
UNCHECKED = "☐"
#: Marks people use in Word to tick a box.
TICKS = ("☑", "☒", "■", "√", "✓", "✔", "[x]", "[X]", "(x)", "（x）")


class Kind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    DATE = "date"
    EMAIL = "email"
    URL = "url"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    BUDGET = "budget"  # a table of lines × funding sources, with a justification per line


class Status(StrEnum):
    READ = "read"
    EMPTY = "empty"
    INVALID = "invalid"  # something was written that does not fit the field
    MISSING = "missing"  # the document has no place for the field


class Problem(StrEnum):
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    NOT_A_DATE = "not_a_date"
    NOT_AN_EMAIL = "not_an_email"
    NOT_A_URL = "not_a_url"
    NOT_YES_NO = "not_yes_no"
    UNKNOWN_CHOICE = "unknown_choice"
    SEVERAL_CHOICES = "several_choices"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    aliases: tuple[str, ...] = ()  # the label in the other language


@dataclass(frozen=True)
class GridLine:
    """A row of a budget table: a category, or a sub-line of one (``parent``)."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()
    parent: str = ""  # the category of a sub-line
    entered: bool = True  # amounts are entered on it (a category with sub-lines is their sum)


@dataclass(frozen=True)
class GridColumn:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetGrid:
    """How a budget field is laid out in the document, every word translated."""

    lines: tuple[GridLine, ...]
    columns: tuple[GridColumn, ...]
    unit: str  # "单位：万元"
    decimals: int = 2
    category: str = "科目"
    total: str = "合计"
    justification: str = ""  # the justification column's heading; empty = no such column
    aliases: tuple[str, ...] = ()  # other words for the headings (the other language)


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    kind: Kind
    aliases: tuple[str, ...] = ()  # other labels naming the field: the other language, a funder template's wording
    help: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    integer: bool = False
    section: str = ""
    budget: BudgetGrid | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table printed for the applicant (team, partners, schedule); not read back."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    blank_rows: int = 0


@dataclass(frozen=True)
class Words:
    """The fixed words of a generated form, in the document's language."""

    yes: str = "是"
    no: str = "否"
    required: str = "*"
    numbering: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
    number_sep: str = "、"
    declarations: str = "声明"
    signature: str = "签字"
    stamp: str = "盖章"
    date: str = "日期"
    tick_hint: str = "（在选中项前打 ☑）"
    no_value: str = ""


@dataclass(frozen=True)
class FormSpec:
    identifier: str  # written into the document's properties, to recognise our own forms
    language: str
    title: str
    subtitle: str = ""
    header: tuple[tuple[str, str], ...] = ()  # the title block: (label, text)
    fields: tuple[FieldSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    declarations: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()  # who signs or stamps
    words: Words = field(default_factory=Words)
    footer: str = ""


@dataclass(frozen=True)
class Parsed:
    status: Status
    value: Value = None
    problem: Problem | None = None


_SPACES = re.compile(r"[\s\u3000]+")
_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）]?[、.．)）]?\s*)")


def normalise_label(text: str) -> str:
    """A label as compared: no numbering, spaces, colons or required-marks; case-folded."""
    text = _SPACES.sub("", text)
    text = _NUMBERING.sub("", text)
    return text.strip("*＊:：").casefold()


def format_value(spec: FieldSpec, value: Value, words: Words) -> str:
    """How a stored value is written into the document (a budget: one line per row, for summaries)."""
    if spec.kind == Kind.BUDGET:
        return budget_summary(spec, value)
    if spec.kind == Kind.BOOLEAN:
        return f"{CHECKED if value is True else UNCHECKED} {words.yes}    {CHECKED if value is False else UNCHECKED} {words.no}"
    if spec.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        chosen = set(value or []) if spec.kind == Kind.MULTI_CHOICE else {value}
        return "    ".join(f"{CHECKED if c.value in chosen else UNCHECKED} {c.label}" for c in spec.choices)
    if value is None:
        return ""
    return str(value)


def _ticked(text: str, choices: tuple[Choice, ...]) -> list[str] | None:
    """The choices ticked in ``☑ A ☐ B`` style text; None when nothing in it is a box."""
    if not any(mark in text for mark in (*TICKS, UNCHECKED, "□")):
        return None
    pattern = "|".join(re.escape(m) for m in (*TICKS, UNCHECKED, "□"))
    parts = re.split(f"({pattern})", text)
    chosen: list[str] = []
    for mark, label in zip(parts[1::2], parts[2::2], strict=False):
        if mark in TICKS:
            match = _match_choice(label, choices)
            if match is not None:
                chosen.append(match)
    return chosen


def _match_choice(text: str, choices: tuple[Choice, ...]) -> str | None:
    wanted = normalise_label(text)
    for choice in choices:
        if wanted in {normalise_label(x) for x in (choice.value, choice.label, *choice.aliases)}:
            return choice.value
    return None


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_YES = {"是", "yes", "y", "true", "有", "√", "✓"}
_NO = {"否", "no", "n", "false", "无", "×"}


def _number(spec: FieldSpec, text: str) -> Parsed:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").removesuffix("元").removesuffix("yuan")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return Parsed(Status.INVALID, text, Problem.NOT_A_NUMBER)
    if not number.is_finite():
        return Parsed(Status.INVALID, text, Problem.NOT_A_NUMBER)
    if spec.min_value is not None and number < Decimal(str(spec.min_value)):
        return Parsed(Status.INVALID, text, Problem.TOO_SMALL)
    if spec.max_value is not None and number > Decimal(str(spec.max_value)):
        return Parsed(Status.INVALID, text, Problem.TOO_LARGE)
    if spec.integer:
        if number != number.to_integral_value():
            return Parsed(Status.INVALID, text, Problem.NOT_A_WHOLE_NUMBER)
        return Parsed(Status.READ, int(number))
    return Parsed(Status.READ, str(number))


def _date(text: str) -> Parsed:
    for form in _DATE_FORMS:
        match = form.match(text.replace(" ", ""))
        if match:
            try:
                return Parsed(Status.READ, dt.date(*(int(g) for g in match.groups())).isoformat())
            except ValueError:
                break
    return Parsed(Status.INVALID, text, Problem.NOT_A_DATE)


def parse_value(spec: FieldSpec, text: str) -> Parsed:
    """What the text written for a field means, or why it does not fit."""
    text = text.strip()
    if spec.kind in (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.BOOLEAN):
        return _parse_choice(spec, text)
    if not text:
        return Parsed(Status.EMPTY)
    if spec.kind == Kind.BUDGET:
        return _budget_json(spec, text)
    if spec.kind in (Kind.TEXT, Kind.TEXTAREA):
        if spec.max_length is not None and len(text) > spec.max_length:
            return Parsed(Status.INVALID, text, Problem.TOO_LONG)
        return Parsed(Status.READ, text)
    if spec.kind == Kind.NUMBER:
        return _number(spec, text)
    if spec.kind == Kind.DATE:
        return _date(text)
    if spec.kind == Kind.EMAIL:
        return Parsed(Status.READ, text) if _EMAIL.match(text) else Parsed(Status.INVALID, text, Problem.NOT_AN_EMAIL)
    if spec.kind == Kind.URL:
        return Parsed(Status.READ, text) if _URL.match(text) else Parsed(Status.INVALID, text, Problem.NOT_A_URL)
    return Parsed(Status.READ, text)


def _parse_choice(spec: FieldSpec, text: str) -> Parsed:
    choices: tuple[Choice, ...]
    if spec.kind == Kind.BOOLEAN:
        choices = (Choice("yes", "是", ("yes", "true")), Choice("no", "否", ("no", "false")))
    else:
        choices = spec.choices
    ticked = _ticked(text, choices)
    if ticked is None:
        if not text:
            return Parsed(Status.EMPTY)
        if spec.kind == Kind.MULTI_CHOICE:
            items = [x for x in re.split(r"[,，;；、\n]", text) if x.strip()]
            matched = [_match_choice(x, choices) for x in items]
            if any(m is None for m in matched):
                return Parsed(Status.INVALID, text, Problem.UNKNOWN_CHOICE)
            ticked = [m for m in matched if m is not None]
        else:
            single = _match_choice(text, choices)
            if single is None and spec.kind == Kind.BOOLEAN:
                lowered = text.casefold()
                single = "yes" if lowered in _YES else "no" if lowered in _NO else None
            if single is None:
                problem = Problem.NOT_YES_NO if spec.kind == Kind.BOOLEAN else Problem.UNKNOWN_CHOICE
                return Parsed(Status.INVALID, text, problem)
            ticked = [single]
    if not ticked:
        return Parsed(Status.EMPTY)
    if spec.kind == Kind.MULTI_CHOICE:
        order = [c.value for c in choices]
        return Parsed(Status.READ, sorted(set(ticked), key=order.index))
    if len(set(ticked)) > 1:
        return Parsed(Status.INVALID, text, Problem.SEVERAL_CHOICES)
    if spec.kind == Kind.BOOLEAN:
        return Parsed(Status.READ, ticked[0] == "yes")
    return Parsed(Status.READ, ticked[0])


# -- budget tables ----------------------------------------------------------------------------------


def grid_amounts(grid: BudgetGrid, value: Value) -> dict[str, dict[str, Decimal]]:
    """Every row's amount per column (a split category summed from its sub-lines), from a stored budget."""
    entered = (value or {}).get("lines") or {} if isinstance(value, dict) else {}
    out: dict[str, dict[str, Decimal]] = {}
    for line in grid.lines:
        given = entered.get(line.code) or {}
        amounts = {}
        for column in grid.columns:
            try:
                amounts[column.code] = Decimal(str(given.get(column.code) or 0)) if line.entered else Decimal(0)
            except InvalidOperation:
                amounts[column.code] = Decimal(0)
        out[line.code] = amounts
    for line in grid.lines:
        if line.parent:
            for column in grid.columns:
                out[line.parent][column.code] += out[line.code][column.code]
    return out


def amount_text(amount: Decimal, decimals: int) -> str:
    return f"{amount:,.{decimals}f}"


def grid_display(grid: BudgetGrid, value: Value) -> dict[str, Any]:
    """A budget as printed (the PDF): headings, each row's amounts and total, the column totals, the unit."""
    amounts = grid_amounts(grid, value)
    notes = (value.get("notes") or {}) if isinstance(value, dict) else {}
    rows = []
    totals = {c.code: Decimal(0) for c in grid.columns}
    for line in grid.lines:
        row = amounts[line.code]
        rows.append(
            {
                "label": line.label,
                "subline": bool(line.parent),
                "cells": [amount_text(row[c.code], grid.decimals) for c in grid.columns],
                "total": amount_text(sum(row.values(), Decimal(0)), grid.decimals),
                "note": notes.get(line.code, ""),
            }
        )
        if not line.parent:
            for c in grid.columns:
                totals[c.code] += row[c.code]
    return {
        "unit": grid.unit,
        "headings": [grid.category, *(c.label for c in grid.columns), grid.total],
        "justification": grid.justification,
        "rows": rows,
        "total_label": grid.total,
        "totals": [amount_text(totals[c.code], grid.decimals) for c in grid.columns],
        "grand_total": amount_text(sum(totals.values(), Decimal(0)), grid.decimals),
    }


def budget_summary(spec: FieldSpec, value: Value) -> str:
    """A budget as text: each row with an amount, its amounts by column and its total."""
    grid = spec.budget
    if grid is None or not isinstance(value, dict) or not value.get("lines"):
        return ""
    amounts = grid_amounts(grid, value)
    out = []
    for line in grid.lines:
        row = amounts[line.code]
        total = sum(row.values(), Decimal(0))
        if not total:
            continue
        parts = ", ".join(f"{c.label} {amount_text(row[c.code], grid.decimals)}" for c in grid.columns if row[c.code])
        out.append(f"{line.label}: {parts}; {grid.total} {amount_text(total, grid.decimals)}")
    grand = sum((amounts[line.code][c.code] for line in grid.lines if not line.parent for c in grid.columns), Decimal(0))
    out.append(f"{grid.total}: {amount_text(grand, grid.decimals)} ({grid.unit})")
    return "\n".join(out)


def _budget_json(spec: FieldSpec, text: str) -> Parsed:
    """A budget written as JSON in one cell (an imported table): ``{"lines": {line: {source: amount}}, "notes": …}``."""
    grid = spec.budget
    try:
        data = json.loads(text)
    except ValueError:
        return Parsed(Status.INVALID, text, Problem.NOT_A_NUMBER)
    if grid is None or not isinstance(data, dict) or not isinstance(data.get("lines", {}), dict):
        return Parsed(Status.INVALID, text, Problem.NOT_A_NUMBER)
    entered = {line.code for line in grid.lines if line.entered}
    columns = {c.code for c in grid.columns}
    lines: dict[str, dict[str, str]] = {}
    for code, amounts in (data.get("lines") or {}).items():
        if code not in entered or not isinstance(amounts, dict) or not set(amounts) <= columns:
            return Parsed(Status.INVALID, text, Problem.UNKNOWN_CHOICE)
        for column, raw in amounts.items():
            amount, problem = parse_amount(str(raw), grid.decimals)
            if problem is not None:
                return Parsed(Status.INVALID, str(raw), problem)
            if amount is not None:
                lines.setdefault(code, {})[column] = amount
    notes = {k: str(v).strip() for k, v in (data.get("notes") or {}).items() if str(v).strip()}
    if not set(notes) <= {line.code for line in grid.lines} or (notes and not grid.justification):
        return Parsed(Status.INVALID, text, Problem.UNKNOWN_CHOICE)
    if not lines and not notes:
        return Parsed(Status.EMPTY)
    value: dict[str, Any] = {"lines": lines}
    if notes:
        value["notes"] = notes
    return Parsed(Status.READ, value)


def parse_amount(text: str, decimals: int) -> tuple[str | None, Problem | None]:
    """A budget cell: the amount as stored (a decimal string with the grid's decimals) or why it is refused."""
    cleaned = _SPACES.sub("", text).replace(",", "").replace("，", "")
    if not cleaned or cleaned in ("-", "—", "/"):
        return None, None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None, Problem.NOT_A_NUMBER
    if not number.is_finite():
        return None, Problem.NOT_A_NUMBER
    if number < 0:
        return None, Problem.NEGATIVE
    step = Decimal(1).scaleb(-decimals)
    if number != number.quantize(step):
        return None, Problem.TOO_MANY_DECIMALS
    if number > Decimal(10) ** 13:
        return None, Problem.TOO_LARGE
    return str(number.quantize(step)), None
