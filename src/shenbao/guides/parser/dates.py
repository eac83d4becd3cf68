"""Dates and times as Chinese calls write them (pure).

"2025 年 3 月 31 日 24:00（北京时间）", "2023年9月30日", "11 月 30 日" (the year inferred from
the document, and flagged), "16时", "中午12:00", "24点", windows "2025年10月1日-2025年11月20日",
months "2025 年 12 月".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"(?:\s*[（(]\s*(?:周|星期)[一二三四五六日天]\s*[）)])?"
    r"(?:\s*(?P<noon>上午|中午|下午|晚上)?\s*(?P<h>\d{1,2})\s*(?:[:：]\s*(?P<min>\d{2})|[时点](?:\s*(?P<min2>\d{1,2})\s*分)?|\s*时))?"
)
_MONTH = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
_RANGE_SEP = re.compile(r"^\s*(?:-|~|～|—|–|至|到)\s*")


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    time: str | None  # "HH:MM"; "24:00" kept as written
    start: int
    end: int
    year_inferred: bool


def _time(match: re.Match[str]) -> str | None:
    hour_text = match.group("h")
    if hour_text is None:
        return None
    hour = int(hour_text)
    minute = int(match.group("min") or match.group("min2") or 0)
    if match.group("noon") in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def find_dates(text: str, *, default_year: int | None, base: int = 0) -> list[FoundDate]:
    """Every full date in ``text``; a date without a year takes the year of the date before it
    in the same text, else ``default_year`` (and is flagged as inferred)."""
    out: list[FoundDate] = []
    last_year: int | None = None
    for match in _DATE.finditer(text):
        inferred = match.group("y") is None
        year = int(match.group("y")) if not inferred else (last_year or default_year)
        if year is None:
            continue
        try:
            day = dt.date(year, int(match.group("m")), int(match.group("d")))
        except ValueError:
            continue
        last_year = year
        out.append(FoundDate(day, _time(match), base + match.start(), base + match.end(), inferred))
    return out


def find_date_items(text: str, *, default_year: int | None) -> list[tuple[FoundDate, FoundDate | None]]:
    """Dates with the window end that follows them ("10 月 1 日-11 月 20 日"), in order."""
    dates = find_dates(text, default_year=default_year)
    out: list[tuple[FoundDate, FoundDate | None]] = []
    i = 0
    while i < len(dates):
        first = dates[i]
        if i + 1 < len(dates) and _RANGE_SEP.match(text[first.end : dates[i + 1].start]) is not None:
            second = dates[i + 1]
            if text[first.end : dates[i + 1].start].strip() and second.date >= first.date:
                out.append((first, second))
                i += 2
                continue
        out.append((first, None))
        i += 1
    return out


def find_months(text: str) -> list[tuple[int, int, int, int]]:
    """(year, month, start, end) of month-precision mentions such as "2025 年 12 月"."""
    return [
        (int(m.group("y")), int(m.group("m")), m.start(), m.end()) for m in _MONTH.finditer(text) if 1 <= int(m.group("m")) <= 12
    ]


def iso_local(found: FoundDate) -> str:
    """The schema's local-time string; "24:00" stays as written (the schema reads it as the next day)."""
    if found.time is None:
        return found.date.isoformat()
    return f"{found.date.isoformat()}T{found.time}"
