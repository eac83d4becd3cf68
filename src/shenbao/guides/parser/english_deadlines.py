"""Deadlines of English notices that the shared deadline reader does not see (pure).

The shared reader (``deadlines.py``) takes a date after "deadline", "closing date" or "due", a date
under a "Deadline(s):" label and "submit … by <date>". English notices also state deadlines as:

- key-date labels that name what is due, with the value after a colon, a table cell ("|") or on
  the next line, the label itself sometimes wrapped over two lines (NIH and US federal notices):
  "Letters of Intent Receipt Date(s): April 5, 2010", "Application Due\\nDate(s): May 4, 2010",
  "Letter of Intent Due Date |\\nJune 28, 2011 |", "APPLICATION RECEIPT DATE: July 30, 2002";
  a letter of intent, a preliminary proposal or a registration is a deadline of role ``other``;
  a value may list several dates ("February 5, 2031; June 5, 2031"); a note "submitted … no later
  than 5:00 p.m. local time" with no date of its own gives its time to the application dates of such
  a table that have none (also to the same date when the shared reader found it without its time);
- a time (and its zone in words) before the date: "by 17:00 Brussels local time, September 28th 2023";
- a date without a year: "no later than Monday, April 2", a window "open from August 27th to
  October 15th" or "open for applications between 10 February and 31 March" (its end is the
  deadline). The year comes from the nearest dated date of the text (a year earlier when that date
  comes after it in the text but earlier in the year: a schedule is in order), else from the
  document's publication date, else from the year in its title line; it is flagged as guessed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any

from shenbao.guides.parser.dates import _MONTH_EN, _MONTHS_EN, find_dates
from shenbao.guides.parser.deadlines import ROLE_LABELS, publication_date
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
# "Submission Deadline for Concept Papers: 6/20/2019", "Application due: July 24, 2026": a label naming what
# is due, ending in "deadline (for …)" or "due", then ":" and the value, a date first.
_DUE_LABEL = re.compile(
    r"(?P<what>(?:[A-Za-z][A-Za-z/&-]*\s+){1,4}?)(?:deadline(?:\s+for\s+(?:[A-Za-z-]+\s+){0,3}[A-Za-z-]+)?"
    r"|due(?:\s+(?:at|to|with)\s+[A-Z][A-Za-z]*)?|closing date|notice of intent to (?:apply|submit))"
    r"(?:\s*\([^)\n]{0,60}\))?\s*:[ \t]*",
    re.I,
)
# A date as US notices print it in a table of key dates ("6/20/2019; 5:00pm ET"), with its time.
_US_NUMERIC = re.compile(
    r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d{2})(?:\s*[;,]?\s*(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b\.?)?",
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
        line_end = joined.find("\n", m.end())
        value = joined[m.end() : line_end if line_end >= 0 else len(joined)]
        dates = find_dates(value[:160], default_year=None, base=m.end())
        if not dates or dates[0].start != m.end() or dates[0].year_inferred:
            continue
        role = "other" if _OTHER_ROLE.search(what + (m.group("paren") or "")) else "applicant"
        # "Application Due Dates: February 5, 2031; June 5, 2031": every date of the value's list.
        listed = [dates[0]]
        for prev, nxt in itertools.pairwise(dates):
            if prev is not listed[-1] or not re.fullmatch(r"\s*(?:[;,]|and)\s*", joined[prev.end : nxt.start]):
                break
            listed.append(nxt)
        # "May 8, 2019 and October 8, 2019, by 5:00 PM local time": the time the value's line gives its dates.
        note = _CLOCK_NOTE.search(value)
        clock = _clock(int(note.group("h")), int(note.group("min") or 0), note.group("ampm")) if note is not None else None
        out += [EnglishDeadline(d.date, d.time or clock, role, d.start, d.end, False) for d in listed if not d.year_inferred]
    for m in _DUE_LABEL.finditer(joined):
        what = m.group("what")
        if _NOT_DUE.search(what) or (not _SUBMIT.search(m.group(0)) and not re.search(r"deadline", m.group(0), re.I)):
            continue
        when = _label_value(joined, m.end())
        if when is not None:
            role = "other" if _OTHER_ROLE.search(m.group(0)) else "applicant"
            out.append(EnglishDeadline(when[0], when[1], role, m.end(), when[2], False))
    notes = list(_CLOCK_NOTE.finditer(text))
    if len(notes) == 1 and not _attached(text, notes[0].start(), notes[0].end()):
        # "All applications are due by 5:00 PM local time": the time of every application date without one.
        note = notes[0]
        clock = _clock(int(note.group("h")), int(note.group("min") or 0), note.group("ampm"))
        if clock is not None:
            out = [
                EnglishDeadline(d.date, clock, d.role, d.start, d.end, False) if d.role == "applicant" and d.time is None else d
                for d in out
            ]
    return out


def _label_value(text: str, at: int) -> tuple[dt.date, str | None, int] | None:
    """The dated value right after a label: (date, time, end), the year printed."""
    if (us := _US_NUMERIC.match(text, at)) is not None:
        try:
            date = dt.date(int(us.group("y")), int(us.group("m")), int(us.group("d")))
        except ValueError:
            return None
        clock = _clock(int(us.group("h")), int(us.group("min") or 0), us.group("ampm")) if us.group("h") else None
        return date, clock, us.end()
    dates = find_dates(text[at : at + 160], default_year=None, base=at)
    if not dates or dates[0].start != at or dates[0].year_inferred:
        return None
    return dates[0].date, dates[0].time, dates[0].end


# A full stop closes a sentence unless it closes a one-letter part of an abbreviation ("p.m. local", "U.S. law").
_STOP = re.compile(r"(?<![.\s][A-Za-z])\.\s|\n\s*\n")


def _attached(text: str, start: int, end: int) -> bool:
    """A time with a date of its own next to it ("by 5 p.m. local time on March 3, 2031") is not a note."""
    after = find_dates(text[end : end + 30], default_year=None)
    before = find_dates(text[max(0, start - 40) : start], default_year=None)
    return bool(after) or any(d.end >= min(start, 40) - 15 for d in before)


def _sentence(text: str, at: int) -> str:
    start = max((m.end() for m in _STOP.finditer(text, max(0, at - 600), at)), default=max(0, at - 600))
    end = _STOP.search(text, at)
    return text[start : end.start() if end else len(text)]


# ------------------------------------------------------------------------------------------ phrases

_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day[,\s\u00a0¬†]+)?"
# A date with or without its year: "April 2", "October 15th", "10 February", "September 28th 2023".
_DAY_MONTH = (
    rf"{_WEEKDAY}(?:(?P<m1>{_MONTH_EN})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d{{2}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_EN})(?:,?\s+(?P<y2>(?:19|20)\d{{2}}))?)(?![\w-])"
)
_ZONE = r"(?:\s*\(?(?:[A-Z][a-z]+\s+){0,2}(?:local\s+)?time\)?|\s*\(?[A-Z]{2,4}\)?)?"
_TIME_FIRST = (
    rf"(?:(?:12\s*)?(?P<noon>noon|midday)|(?P<h>\d{{1,2}})(?:[:.](?P<min>\d{{2}}))?\s*(?:(?P<ampm>[ap])\.?\s?m\b\.?)?)"
    rf"{_ZONE}\s*(?:,|\bon\b)\s*"
)
# "must be made by 17:00 Brussels local time, September 28th 2023", "submitted no later than Monday, April 2".
_BY_PHRASE = re.compile(
    rf"\b(?:by|before|no later than|not later than|until)\s+(?:the\s+)?(?:{_TIME_FIRST})?{_DAY_MONTH}",
    re.I,
)
_SUBMIT = re.compile(r"\b(?:submi(?:t|ts|tted|tting|ssions?)|applications?|proposals?|requests?|apply|receive[ds]?|due)\b", re.I)
# A date that says who may apply (a degree, a start), or what is handed in after the award (a report), is no deadline.
_CONDITION = re.compile(
    r"\bwho\b|\bon or after\b|\bcompleted?\b|\bunderway\b|\bstart(?:ed)?\b|\b(?:awarded|obtained|received|earned)\b"
    r"|\b(?:PhD|doctorate|degree|born|graduat\w*)\b|\breports?\b",
    re.I,
)
_OPEN_UNTIL = re.compile(r"\b(?:remains?|is|will be|stays?)\s+open\s*$", re.I)
_CLOCK_AFTER = re.compile(r",?\s*(?:at\s+)?(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ampm>[ap])\.?\s?m\b", re.I)
# "The first phase will be open from August 27th to October 15th", "open for applications between 10 February and 31 March".
_OPEN_WINDOW = re.compile(
    rf"\bopen(?:ed)?\s+(?:for\s+(?:applications|submissions|proposals)\s+)?(?:from|between)\s+{_DAY_MONTH.replace('?P<', '?P<a')}"
    rf"\s*(?:to|until|till|and|-|–|—)\s*{_DAY_MONTH}",
    re.I,
)
_WINDOW_SUBJECT = re.compile(r"\b(?:call|phase|round|stage|system|portal|submissions?|applications?|competition)\b", re.I)


def _md(match: re.Match[str], prefix: str = "") -> tuple[int, int, int | None] | None:
    month_text = match.group(prefix + "m1") or match.group(prefix + "m2")
    day_text = match.group(prefix + "d1") or match.group(prefix + "d2")
    year_text = match.group(prefix + "y1") or match.group(prefix + "y2")
    if not month_text or not day_text:
        return None
    month = _MONTHS_EN[month_text.rstrip(".").lower()]
    return month, int(day_text), int(year_text) if year_text else None


class _Years:
    """The year of a date printed without one."""

    def __init__(self, text: str, year: int | None) -> None:
        self.dated = [(d.start, d.date) for d in find_dates(text, default_year=None) if not d.year_inferred]
        published = publication_date(text)
        self.published = published
        title = next((line for line in text.split("\n") if line.strip()), "")
        in_title = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title)]
        self.fallback = year if year is not None else (max(in_title) if in_title else None)

    def guess(self, at: int, month: int, day: int) -> int | None:
        near = [(abs(start - at), start, date) for start, date in self.dated if abs(start - at) <= 400]
        if near:
            _distance, start, date = min(near)
            if start > at and (month, day) > (date.month, date.day):
                return date.year - 1
            if start < at and (month, day) < (date.month, date.day):
                return date.year + 1
            return date.year
        if self.published is not None:
            guess = self.published.year
            if dt.date(guess, month, min(day, 28)) < self.published - dt.timedelta(days=60):
                guess += 1
            return guess
        return self.fallback


def _dated(years: _Years, md: tuple[int, int, int | None], at: int) -> tuple[dt.date, bool] | None:
    month, day, year = md
    guessed = year is None
    year = year if year is not None else years.guess(at, month, day)
    if year is None:
        return None
    try:
        return dt.date(year, month, day), guessed
    except ValueError:
        return None


def _phrases(text: str, year: int | None) -> list[EnglishDeadline]:
    years = _Years(text, year)
    out: list[EnglishDeadline] = []
    for m in _BY_PHRASE.finditer(text):
        sentence = _sentence(text, m.start())
        head = sentence[: sentence.find(m.group(0))] if m.group(0) in sentence else sentence
        # What is handed in is named before the date ("Proposals must be submitted by …"), or the call
        # "will remain open until" it.
        still_open = m.group(0).lower().startswith("until") and _OPEN_UNTIL.search(head) is not None
        if not (_SUBMIT.search(head) or still_open) or _CONDITION.search(sentence):
            continue
        md = _md(m)
        found = _dated(years, md, m.start()) if md is not None else None
        if found is None:
            continue
        clock = _clock(int(m.group("h")), int(m.group("min") or 0), m.group("ampm")) if m.group("h") else None
        if m.group("h") and not (m.group("min") or m.group("ampm")):
            clock = None  # "by 5, April 2": no time
        clock = "12:00" if m.group("noon") else clock
        if clock is None and (after := _CLOCK_AFTER.match(text, m.end())) is not None:  # "September 30, 2020, 11:59 PM"
            clock = _clock(int(after.group("h")), int(after.group("min") or 0), after.group("ampm"))
        start = m.start("m1") if m.group("m1") else m.start("d2")
        role = "other" if _OTHER_ROLE.search(head) else "applicant"
        out.append(EnglishDeadline(found[0], clock, role, start, m.end(), found[1]))
    for m in _OPEN_WINDOW.finditer(text):
        if not _WINDOW_SUBJECT.search(text[max(0, m.start() - 80) : m.start()].rsplit(". ", 1)[-1] + m.group(0)[:30]):
            continue
        md = _md(m)
        found = _dated(years, md, m.start("m1") if m.group("m1") else m.start("d2")) if md is not None else None
        if found is None:
            continue
        start = m.start("m1") if m.group("m1") else m.start("d2")
        out.append(EnglishDeadline(found[0], None, "applicant", start, m.end(), found[1]))
    return out


def english_deadlines(text: str, year: int | None) -> list[EnglishDeadline]:
    """The deadlines these readers find, in document order, one per date."""
    seen: set[dt.date] = set()
    out: list[EnglishDeadline] = []
    for found in sorted(_key_dates(text) + _phrases(text, year), key=lambda d: d.start):
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
            for known in items:  # the same day, read without its time by the shared reader: the time is given here
                same = known.get("kind") == "deadline" and str(known.get("at", "")) == found.date.isoformat()
                if same and found.time is not None and known.get("precision") == "day":
                    known["at"] = found.iso
                    known.pop("precision")
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
