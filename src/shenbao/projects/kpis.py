"""Reading a KPI target against reported actuals (pure: no Django).

A target is one total, or split into parts (each side, each country) that must each reach the
target: seed 003 1.2 "中埃双方合作团队须各派2人次以上" is met by 2 Chinese and 2 Egyptian visits, never
by 4 Chinese and 0 Egyptian. A report's actuals map a target's code to a number (one total) or to
``{part: number}``; later reports update earlier ones part by part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SIDES = ("chinese", "foreign")  # the keys of applications.enums.PartnerSide
CHINA = "CN"

COMPARATORS = {
    ">=": lambda value, target: value >= target,
    ">": lambda value, target: value > target,
    "<=": lambda value, target: value <= target,
    "<": lambda value, target: value < target,
    "=": lambda value, target: value == target,
}


def met(comparator: str, target: float, actual: Any) -> bool | None:
    """Whether an actual value meets its target; None while nothing is reported."""
    if actual is None:
        return None
    return bool(COMPARATORS[comparator](float(actual), target))


def split_parts(per: str, *, countries: Iterable[str] = (), partner_countries: Iterable[str] = ()) -> list[str]:
    """The parts of a target: none for the project as a whole, the two sides, or the countries (the
    template's own list, else China and the project's partner countries)."""
    if per == "each_side":
        return list(SIDES)
    if per == "each_country":
        listed = list(countries)
        if listed:
            return listed
        return [CHINA, *sorted({c for c in partner_countries if c != CHINA})]
    return []


def merge_actuals(reports: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The latest actual of every target over reports in submission order: a total replaces what was
    there; parts update the earlier parts one by one."""
    latest: dict[str, Any] = {}
    for actuals in reports:
        for code, value in actuals.items():
            if isinstance(value, Mapping):
                known = latest.get(code)
                parts = dict(known) if isinstance(known, dict) else {}
                parts.update({k: float(v) for k, v in value.items() if v is not None})
                latest[code] = parts
            elif value is not None:
                latest[code] = float(value)
    return latest


@dataclass(frozen=True)
class PartReading:
    key: str
    actual: float | None
    met: bool | None


@dataclass(frozen=True)
class Reading:
    """``met`` is None while nothing is reported (and for an exempt target); ``total_only`` marks a
    split target reported as one number (reports from before targets were split), which cannot show
    that each part is met."""

    actual: float | None
    parts: tuple[PartReading, ...]
    met: bool | None
    exempt: bool
    total_only: bool

    @property
    def status(self) -> str:
        if self.exempt:
            return "exempt"
        if self.met is None:
            return "total_only" if self.total_only else "not_reported"
        return "met" if self.met else "not_met"


def read_target(*, comparator: str, target: float, parts: list[str], exempt: bool, reported: Any) -> Reading:
    """A target against its latest reported value (a number or ``{part: number}``)."""
    if not parts:
        value = _number(reported)
        return Reading(value, (), None if exempt else met(comparator, target, value), exempt, False)
    if reported is None or not isinstance(reported, Mapping):
        value = _number(reported)
        empty = tuple(PartReading(k, None, None) for k in parts)
        return Reading(value, empty, None, exempt, value is not None)
    readings = tuple(PartReading(k, _number(reported.get(k)), met(comparator, target, reported.get(k))) for k in parts)
    reported_parts = [r for r in readings if r.actual is not None]
    total = sum(r.actual for r in reported_parts if r.actual is not None) if reported_parts else None
    # Every part must be reported and meet the target on its own: a total above the target with one part
    # short is not met.
    overall = None if exempt or not reported_parts else all(r.met is True for r in readings)
    return Reading(total, readings, overall, exempt, False)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, Mapping):
        return None
    return float(value)
