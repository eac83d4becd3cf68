"""Plain-text rendering shared by the commands."""

from __future__ import annotations

from django.utils import translation

from shenbao.calls.definition.load import ReconciliationLine
from shenbao.core.errors import DomainError


def bilingual(error: DomainError) -> str:
    """A domain error's message in Chinese, then English."""
    with translation.override("zh-hans"):
        zh = str(error)
    with translation.override("en"):
        en = str(error)
    return f"{zh} / {en}"


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def reconciliation_lines(lines: list[ReconciliationLine]) -> list[str]:
    """``budget (万元): stated 34,890, sum 34,890 — matches`` and so on, one line per measure."""
    out = []
    for line in lines:
        scale = 10_000 if line.measure == "budget_yuan" else 1
        name = "budget (万元)" if line.measure == "budget_yuan" else line.measure
        stated = None if line.stated is None else line.stated / scale
        diff = None if line.difference is None else line.difference / scale
        verdict = "matches" if line.matches else f"difference {_num(diff)}"
        missing = f", missing: {', '.join(line.missing)}" if line.missing else ""
        out.append(f"{name}: stated {_num(stated)}, sum {_num(line.summed / scale)} — {verdict}{missing}")
    return out
