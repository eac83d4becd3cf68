"""The budget table (经费预算表) of a form field: its definition, what an applicant enters, and its totals.

A call's ``budget`` field lists cost categories (by default the central-government research-funding
categories: 设备费, 业务费, 劳务费 as direct costs and 间接费用), each possibly split into sub-lines,
and the funding sources that are its columns: the grant requested always, and the co-funding
sources the call lists (自筹, 企业配套, 地方财政, 合作方).  Amounts are entered in the call's unit (万元
or 元) with at most the call's number of decimals; a category with sub-lines is the sum of them.

Pure: no Django.  Entered values are refused with error codes and parameters (``BudgetInputError``);
the web form turns them into sentences in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from shenbao.calls.definition.base import MAX_YUAN, Code, Strict
from shenbao.core.text import I18nText


class FundingSource(StrEnum):
    GRANT = "grant"  # 申请经费 (国拨)
    SELF_RAISED = "self_raised"  # 自筹
    ENTERPRISE = "enterprise"  # 企业配套
    LOCAL_GOVERNMENT = "local_government"  # 地方财政
    PARTNER = "partner"  # 合作方


#: Each source's column heading in both languages (the definition names sources by code only).
SOURCE_LABELS: dict[FundingSource, dict[str, str]] = {
    FundingSource.GRANT: {"zh-hans": "申请经费", "en": "Grant requested"},
    FundingSource.SELF_RAISED: {"zh-hans": "自筹经费", "en": "Self-raised"},
    FundingSource.ENTERPRISE: {"zh-hans": "企业配套", "en": "Enterprise matching"},
    FundingSource.LOCAL_GOVERNMENT: {"zh-hans": "地方财政", "en": "Local government"},
    FundingSource.PARTNER: {"zh-hans": "合作方出资", "en": "Partner side"},
}

UNIT_LABELS: dict[str, dict[str, str]] = {
    "wan": {"zh-hans": "万元", "en": "10,000 yuan"},
    "yuan": {"zh-hans": "元", "en": "yuan"},
}
UNIT_YUAN = {"wan": 10_000, "yuan": 1}


def source_label(source: str, language: str | None) -> str:
    """A funding source's column heading in ``language`` (zh-hans unless en)."""
    try:
        labels = SOURCE_LABELS[FundingSource(source)]
    except ValueError:
        return source
    return labels["en" if language == "en" else "zh-hans"]


def unit_label(unit: str, language: str | None) -> str:
    return UNIT_LABELS[unit]["en" if language == "en" else "zh-hans"]


#: The most decimals a unit allows: amounts stay whole fen (分).
MAX_DECIMALS = {"wan": 6, "yuan": 2}
MAX_NOTE = 2000


class BudgetSubLine(Strict):
    """A sub-line of a category (业务费 → 材料费, 测试化验加工费 …)."""

    code: Code
    label: I18nText


class BudgetCategory(Strict):
    """A cost category (科目); with sub-lines, its amounts are their sum and are not entered on it."""

    code: Code
    label: I18nText
    direct: bool = Field(default=True, description="a direct cost (直接费用); indirect costs (间接费用) are not")
    lines: list[BudgetSubLine] = Field(default_factory=list, description="sub-lines the call asks for")


def default_categories() -> list[BudgetCategory]:
    """The central-government research-funding categories (中央财政科研项目资金)."""
    return [
        BudgetCategory(code="equipment", label=I18nText.model_validate({"zh-hans": "设备费", "en": "Equipment"})),
        BudgetCategory(code="operating", label=I18nText.model_validate({"zh-hans": "业务费", "en": "Operating costs"})),
        BudgetCategory(code="labour", label=I18nText.model_validate({"zh-hans": "劳务费", "en": "Labour costs"})),
        BudgetCategory(
            code="indirect", label=I18nText.model_validate({"zh-hans": "间接费用", "en": "Indirect costs"}), direct=False
        ),
    ]


class BudgetSpec(Strict):
    """How a budget field's table is laid out: unit, decimals, sources (columns) and categories (rows)."""

    unit: Literal["wan", "yuan"] = "wan"
    decimals: int = Field(default=2, ge=0, le=6, description="decimals an amount may have")
    sources: list[FundingSource] = Field(
        default_factory=lambda: [FundingSource.GRANT], description="the columns: the grant and the co-funding sources"
    )
    categories: list[BudgetCategory] = Field(default_factory=default_categories)
    justification: bool = Field(default=True, description="a justification (测算依据) per line")

    @model_validator(mode="after")
    def _consistent(self) -> BudgetSpec:
        if self.decimals > MAX_DECIMALS[self.unit]:
            raise PydanticCustomError(
                "budget_decimals",
                "too many decimals for the unit",
                {"decimals": self.decimals, "max": MAX_DECIMALS[self.unit], "unit": self.unit},
            )
        if FundingSource.GRANT not in self.sources:
            raise PydanticCustomError("budget_grant_missing", "the sources must include the grant")
        dupes = sorted({s.value for s in self.sources if self.sources.count(s) > 1})
        if dupes:
            raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(dupes)})
        if not self.categories:
            raise PydanticCustomError("budget_categories_missing", "a budget needs categories")
        codes = [c.code for c in self.categories] + [sub.code for c in self.categories for sub in c.lines]
        dupes = sorted({x for x in codes if codes.count(x) > 1})
        if dupes:
            raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(dupes)})
        if any(len(c.lines) == 1 for c in self.categories):
            one = next(c.code for c in self.categories if len(c.lines) == 1)
            raise PydanticCustomError("budget_single_subline", "a category split into one sub-line", {"value": one})
        return self

    @property
    def factor(self) -> int:
        return UNIT_YUAN[self.unit]

    def line_codes(self) -> list[str]:
        """Every row, in order: a category, then its sub-lines."""
        return [code for c in self.categories for code in (c.code, *(s.code for s in c.lines))]

    def entry_codes(self) -> list[str]:
        """The rows amounts are entered on: categories without sub-lines, and sub-lines."""
        return [code for c in self.categories for code in ([s.code for s in c.lines] if c.lines else [c.code])]

    def line_label(self, code: str) -> I18nText | None:
        for c in self.categories:
            if c.code == code:
                return c.label
            for s in c.lines:
                if s.code == code:
                    return s.label
        return None


# -- entered values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetInputError:
    """Why an entered budget is refused: a code and what it concerns (line, source, text …)."""

    code: str  # budget_not_a_number, budget_negative, budget_too_many_decimals, budget_too_large,
    # budget_unknown_line, budget_unknown_source, budget_line_has_sublines, budget_note_too_long, budget_not_a_table
    params: dict[str, Any] = field(default_factory=dict)


def _amount(spec: BudgetSpec, line: str, source: str, raw: Any) -> tuple[str | None, BudgetInputError | None]:
    if raw is None:
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        return None, BudgetInputError("budget_not_a_number", {"line": line, "source": source, "text": str(raw)})
    text = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None, None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, BudgetInputError("budget_not_a_number", {"line": line, "source": source, "text": str(raw).strip()})
    if not number.is_finite():
        return None, BudgetInputError("budget_not_a_number", {"line": line, "source": source, "text": str(raw).strip()})
    if number < 0:
        return None, BudgetInputError("budget_negative", {"line": line, "source": source, "text": text})
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > spec.decimals and number != number.quantize(Decimal(1).scaleb(-spec.decimals)):
        return None, BudgetInputError(
            "budget_too_many_decimals", {"line": line, "source": source, "text": text, "decimals": spec.decimals}
        )
    if number * spec.factor > MAX_YUAN:
        return None, BudgetInputError("budget_too_large", {"line": line, "source": source, "text": text})
    return str(number.quantize(Decimal(1).scaleb(-spec.decimals))), None


def clean_budget(spec: BudgetSpec, raw: Any) -> tuple[dict[str, Any] | None, list[BudgetInputError]]:
    """The entered table as stored (amounts as decimal strings in the unit), or the errors.

    ``raw`` is ``{"lines": {line: {source: amount}}, "notes": {line: text}}``; empty amounts and
    notes are left out; nothing entered at all is ``None``.
    """
    if raw in (None, "", {}):
        return None, []
    if not isinstance(raw, dict) or not set(raw) <= {"lines", "notes"}:
        return None, [BudgetInputError("budget_not_a_table")]
    lines_in = raw.get("lines") or {}
    notes_in = raw.get("notes") or {}
    if not isinstance(lines_in, dict) or not isinstance(notes_in, dict):
        return None, [BudgetInputError("budget_not_a_table")]
    errors: list[BudgetInputError] = []
    entry = set(spec.entry_codes())
    known = set(spec.line_codes())
    sources = {s.value for s in spec.sources}
    lines: dict[str, dict[str, str]] = {}
    for line in spec.line_codes() + sorted(set(lines_in) - known):
        amounts = lines_in.get(line)
        if amounts in (None, {}):
            continue
        if line not in known:
            errors.append(BudgetInputError("budget_unknown_line", {"line": line}))
            continue
        if not isinstance(amounts, dict):
            errors.append(BudgetInputError("budget_not_a_table"))
            continue
        for source in [s.value for s in spec.sources] + sorted(set(amounts) - sources):
            if source not in amounts:
                continue
            if source not in sources:
                errors.append(BudgetInputError("budget_unknown_source", {"line": line, "source": source}))
                continue
            value, error = _amount(spec, line, source, amounts[source])
            if error is not None:
                errors.append(error)
            elif value is not None:
                if line not in entry:
                    errors.append(BudgetInputError("budget_line_has_sublines", {"line": line}))
                    continue
                lines.setdefault(line, {})[source] = value
    notes: dict[str, str] = {}
    for line, text in notes_in.items():
        if line not in known:
            errors.append(BudgetInputError("budget_unknown_line", {"line": line}))
            continue
        text = str(text or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_NOTE:
            errors.append(BudgetInputError("budget_note_too_long", {"line": line, "max": MAX_NOTE}))
        elif text and spec.justification:
            notes[line] = text
    if errors:
        return None, errors
    if not lines and not notes:
        return None, []
    out: dict[str, Any] = {"lines": lines}
    if notes:
        out["notes"] = notes
    return out, []


# -- totals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    code: str
    label: I18nText
    category: str  # its category's code (itself for a category)
    subline: bool
    direct: bool
    amounts: dict[str, Decimal]  # source → amount in the unit (computed for a split category)
    total: Decimal
    note: str = ""


@dataclass(frozen=True)
class BudgetTable:
    """A budget with every total: per row, per source (column) and overall, in the unit and in yuan."""

    unit: str
    factor: int
    sources: tuple[str, ...]
    rows: tuple[BudgetRow, ...]
    column_totals: dict[str, Decimal]
    grand_total: Decimal
    direct_totals: dict[str, Decimal]

    def yuan(self, amount: Decimal) -> Decimal:
        return amount * self.factor

    def row(self, code: str) -> BudgetRow | None:
        return next((r for r in self.rows if r.code == code), None)

    def line_amount(self, code: str, column: str) -> Decimal:
        """A row's amount in one source, or its total (``column == "all"``), in the unit."""
        row = self.row(code)
        if row is None:
            return Decimal(0)
        return row.total if column == "all" else row.amounts.get(column, Decimal(0))

    def column_amount(self, column: str, *, direct_only: bool = False) -> Decimal:
        totals = self.direct_totals if direct_only else self.column_totals
        if column == "all":
            return sum(totals.values(), Decimal(0))
        return totals.get(column, Decimal(0))

    def as_data(self) -> dict[str, Any]:
        """JSON-safe totals (amounts as strings in the unit), for the API and exports."""
        return {
            "unit": self.unit,
            "rows": [
                {
                    "code": r.code,
                    "category": r.category,
                    "subline": r.subline,
                    "amounts": {s: str(v) for s, v in r.amounts.items()},
                    "total": str(r.total),
                    **({"note": r.note} if r.note else {}),
                }
                for r in self.rows
            ],
            "column_totals": {s: str(v) for s, v in self.column_totals.items()},
            "grand_total": str(self.grand_total),
        }


def budget_table(spec: BudgetSpec, value: dict[str, Any] | None) -> BudgetTable:
    """Every total of a stored budget (``clean_budget``'s output; lines it does not know are ignored)."""
    value = value or {}
    entered: dict[str, dict[str, Any]] = value.get("lines") or {}
    notes: dict[str, str] = value.get("notes") or {}
    sources = tuple(s.value for s in spec.sources)
    zero = {s: Decimal(0) for s in sources}

    def amounts_of(code: str) -> dict[str, Decimal]:
        given = entered.get(code) or {}
        out = dict(zero)
        for s in sources:
            try:
                out[s] = Decimal(str(given.get(s) or 0))
            except InvalidOperation:
                out[s] = Decimal(0)
        return out

    rows: list[BudgetRow] = []
    columns = dict(zero)
    direct = dict(zero)
    for category in spec.categories:
        subs = [(s, amounts_of(s.code)) for s in category.lines]
        amounts = {s: sum((a[s] for _, a in subs), Decimal(0)) for s in sources} if subs else amounts_of(category.code)
        rows.append(
            BudgetRow(
                code=category.code,
                label=category.label,
                category=category.code,
                subline=False,
                direct=category.direct,
                amounts=amounts,
                total=sum(amounts.values(), Decimal(0)),
                note=notes.get(category.code, ""),
            )
        )
        for sub, sub_amounts in subs:
            rows.append(
                BudgetRow(
                    code=sub.code,
                    label=sub.label,
                    category=category.code,
                    subline=True,
                    direct=category.direct,
                    amounts=sub_amounts,
                    total=sum(sub_amounts.values(), Decimal(0)),
                    note=notes.get(sub.code, ""),
                )
            )
        for s in sources:
            columns[s] += amounts[s]
            if category.direct:
                direct[s] += amounts[s]
    return BudgetTable(
        unit=spec.unit,
        factor=spec.factor,
        sources=sources,
        rows=tuple(rows),
        column_totals=columns,
        grand_total=sum(columns.values(), Decimal(0)),
        direct_totals=direct,
    )


def format_amount(amount: Decimal, decimals: int) -> str:
    """An amount as printed: thousands separated, the call's decimals."""
    return f"{amount:,.{decimals}f}"
