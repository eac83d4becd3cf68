"""Deadlines of English notices that the shared deadline reader does not see (pure).

The shared reader (``deadlines.py``) takes a date after "deadline", "closing date" or "due", a date
under a "Deadline(s):" label and "submit … by <date>". English notices also state deadlines as:

- key-date labels that name what is due, with the value after a colon, a table cell ("|") or on
  the next line, the label itself sometimes wrapped over two lines (NIH and US federal notices):
  "Letters of Intent Receipt Date(s): April 5, 2010", "Application Due\\nDate(s): May 4, 2010",
  "Letter of Intent Due Date |\\nJune 28, 2011 |", "APPLICATION RECEIPT DATE: July 30, 2002";
  a letter of intent, a preliminary proposal or a registration is a deadline of role ``other``;
  a note "submitted … no later than 5:00 p.m. local time" with no date of its own gives its time to
  the one application date of such a table that has none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.deadlines import ROLE_LABELS
from shenbao.guides.parser.model import Collector


@dataclass(frozen=True)
class EnglishDeadline:
    date: dt.date
    time: str | None
    role: str
    start: int
    end: int
    year_guessed: bool

    @property
    def iso(self) -> str:
        return self.date.isoformat() if self.time is None else f"{self.date.isoformat()}T{self.time}"


_OTHER_ROLE = re.compile(
    r"\bletters? of intent\b|\bLOI\b|\bpre-?proposals?\b|\bpreliminary\b|\boutlines?\b|\bexpressions? of interest\b"
    r"|\bregistration\b|\bintent to (?:submit|apply)\b|\bpre-?applications?\b",
    re.I,
)
_NOT_DUE = re.compile(
    r"\b(?:review|start|open(?:ing)?|release|posted|expiration|earliest|award|decision|notification|activation|council"
    r"|publication)\b",
    re.I,
)
# "Letters of Intent Receipt Date(s)", "Application Due Date(s)", "APPLICATION RECEIPT DATE": a label naming
# what is due (up to five words), then the value after ":" / "|" / the line break, a date first.
_KEY_LABEL = re.compile(
    r"(?P<what>(?:[A-Za-z][A-Za-z/&-]*\s+){1,5}?)(?:due|receipt)\s+dates?(?:\s*\(s\))?"
    r"(?P<paren>\s*\([^)\n]{0,80}\))?\s*[:|]?[ \t|]*\n?[ \t|]*",
    re.I,
)
# "Application Due" on one line and "Date(s): May 4, 2010" on the next: one label.
_WRAPPED_LABEL = re.compile(r"\b(?:due|receipt)\s*\n\s*(?=dates?\b)", re.I)
_CLOCK_NOTE = re.compile(
    r"\b(?:no later than|not later than|by|before)\s+(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
    r"\s*(?:\(?\s*(?:local|submitter'?s?|proposer'?s?|applicant'?s?)[^.;\n]{0,40}time)",
    re.I,
)


def _clock(hour: int, minute: int, ampm: str | None) -> str | None:
    if ampm and ampm.lower().startswith("p") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _key_dates(text: str) -> list[EnglishDeadline]:
    # Join a label wrapped over two lines, keeping every offset (the line break becomes a space).
    joined = _WRAPPED_LABEL.sub(lambda m: m.group(0).replace("\n", " "), text)
    out: list[EnglishDeadline] = []
    for m in _KEY_LABEL.finditer(joined):
        what = m.group("what")
        if _NOT_DUE.search(what):
            continue
        dates = find_dates(joined[m.end() : m.end() + 80], default_year=None, base=m.end())
        if not dates or dates[0].start != m.end() or dates[0].year_inferred:
            continue
        found = dates[0]
        role = "other" if _OTHER_ROLE.search(what + (m.group("paren") or "")) else "applicant"
        out.append(EnglishDeadline(found.date, found.time, role, found.start, found.end, False))
    untimed = [d for d in out if d.role == "applicant" and d.time is None]
    notes = list(_CLOCK_NOTE.finditer(text))
    if len(untimed) == 1 and len(notes) == 1 and not find_dates(_line(text, notes[0].start()), default_year=None):
        note = notes[0]
        clock = _clock(int(note.group("h")), int(note.group("min") or 0), note.group("ampm"))
        if clock is not None:
            out = [EnglishDeadline(d.date, clock, d.role, d.start, d.end, False) if d is untimed[0] else d for d in out]
    return out


# A full stop closes a sentence unless it closes a one-letter part of an abbreviation ("p.m. local", "U.S. law").
_STOP = re.compile(r"(?<![.\s][A-Za-z])\.\s|\n\s*\n")


def _sentence(text: str, at: int) -> str:
    start = max((m.end() for m in _STOP.finditer(text, max(0, at - 600), at)), default=max(0, at - 600))
    end = _STOP.search(text, at)
    return text[start : end.start() if end else len(text)]


def _line(text: str, at: int) -> str:
    end = text.find("\n", at)
    return text[text.rfind("\n", 0, at) + 1 : end if end >= 0 else len(text)]


def english_deadlines(text: str, year: int | None) -> list[EnglishDeadline]:
    """The deadlines these readers find, in document order, one per date."""
    seen: set[dt.date] = set()
    out: list[EnglishDeadline] = []
    for found in sorted(_key_dates(text), key=lambda d: d.start):
        if found.date not in seen:
            seen.add(found.date)
            out.append(found)
    return out


def add_english_deadlines(text: str, year: int | None, items: list[dict[str, Any]], col: Collector) -> None:
    """Add to the timeline the deadlines the shared reader missed (a date it has is left as it is);
    a placeholder deadline gives way to the first one found."""
    have = {str(i.get("at", ""))[:10] for i in items if i.get("kind") == "deadline" and not i.get("tentative")}
    for found in english_deadlines(text, year):
        if found.date.isoformat() in have:
            continue
        have.add(found.date.isoformat())
        zh, en = ROLE_LABELS[found.role]
        item: dict[str, Any] = {"kind": "deadline", "at": found.iso, "label": {"zh-hans": zh, "en": en}}
        if found.time is None:
            item["precision"] = "day"
        if items and items[0].get("tentative"):
            items[0] = item
            index = 0
            col.warnings[:] = [w for w in col.warnings if w.code != "deadline_missing"]
        else:
            items.append(item)
            index = len(items) - 1
        note = "year inferred" if found.year_guessed else ""
        col.span(f"timeline.{index}", found.start, found.end, 0.55 if found.year_guessed else 0.8, note)
        if found.year_guessed:
            col.warn("year_inferred", date=found.date.isoformat())
