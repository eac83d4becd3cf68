"""Call-level facts of a guide: timeline, review criteria, organisation contacts (pure)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shenbao.guides.parser.dates import find_date_items, find_months, iso_local
from shenbao.guides.parser.deadlines import ROLE_LABELS, find_deadlines, primary
from shenbao.guides.parser.model import Collector, Line, tidy
from shenbao.guides.parser.numbering import read_marker

_DEADLINE = re.compile(r"截止|截至")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Words that put a person, not an organisation, next to an address.
_PERSONAL = re.compile(r"联系人|负责人|老师|先生|女士|同志|教授|博士")
_REVIEW_HEAD = re.compile(r"(?:评审|评选|评议|考察|评比).{0,10}(?:主要考虑|标准|重点|要点|维度)[^：:]{0,6}[：:]$")

_WINDOW_KINDS = (
    ("评审", "review"),
    ("结果", "results"),
    ("公示", "results"),
    ("决赛", "finals"),
    ("申报", "opens"),
    ("报名", "opens"),
)


def timeline(text: str, year: int | None, col: Collector) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    found = find_deadlines(text, fallback_year=year)
    main = primary(found)
    ordered = ([main] if main else []) + [d for d in found if d is not main]
    seen: set[tuple[str, str]] = set()
    for deadline in ordered:
        if (deadline.iso, deadline.role) in seen:
            continue  # the same deadline stated twice
        seen.add((deadline.iso, deadline.role))
        zh, en = ROLE_LABELS[deadline.role]
        item: dict[str, Any] = {"kind": "deadline", "at": deadline.iso, "label": {"zh-hans": zh, "en": en}}
        if deadline.time is None:
            item["precision"] = "day"
        items.append(item)
        note = "year inferred" if deadline.year_guessed else ""
        col.span(f"timeline.{len(items) - 1}", deadline.start, deadline.end, 0.6 if deadline.year_guessed else 0.9, note)
        if deadline.year_guessed:
            col.warn("year_inferred", date=deadline.date.isoformat())
    deadline_found = bool(items)
    for line_start, line in _lines_with_offsets(text):
        for first, second in find_date_items(line, default_year=year):
            if second is None or any(_DEADLINE.search(line[max(0, first.start - 20) : second.end + 4]) for _ in [0]):
                continue
            label = line[: first.start]
            kind = next((k for word, k in _WINDOW_KINDS if word in label), None)
            if kind is None:
                continue
            item = {"kind": kind, "start": first.date.isoformat(), "end": second.date.isoformat()}
            if kind == "opens":
                item = {"kind": "opens", "at": iso_local(first)}
                if not deadline_found:
                    # "申报时间为5月6日9:00至6月28日17:00": the window's end is the deadline.
                    label_text = {"zh-hans": "申报截止", "en": "Deadline"}
                    window_end: dict[str, Any] = {"kind": "deadline", "at": iso_local(second), "label": label_text}
                    if second.time is None:
                        window_end["precision"] = "day"
                    items.insert(0, window_end)
                    col.span(f"timeline.{len(items)}", line_start + second.start, line_start + second.end, 0.75)
                    if second.year_inferred:
                        col.warn("year_inferred", date=second.date.isoformat())
                    deadline_found = True
            items.append(item)
            col.span(
                f"timeline.{len(items) - 1}",
                line_start + first.start,
                line_start + second.end,
                0.7 if second.year_inferred else 0.8,
            )
        for y, month, s, e in find_months(line):
            label = line[max(0, s - 12) : s]
            kind = next((k for word, k in _WINDOW_KINDS if word in label and k in ("results", "finals")), None)
            if kind is None:
                continue
            end = dt.date(y + (month == 12), month % 12 + 1, 1)
            items.append(
                {
                    "kind": kind,
                    "start": f"{y:04d}-{month:02d}-01",
                    "end": (end - dt.timedelta(days=1)).isoformat(),
                    "precision": "month",
                }
            )
            col.span(f"timeline.{len(items) - 1}", line_start + s, line_start + e, 0.7)
    if not deadline_found:
        col.warn("deadline_missing")
        items.insert(
            0,
            {
                "kind": "deadline",
                "at": f"{year or dt.date.today().year}-12-31",
                "tentative": True,
                "label": {"zh-hans": "申报截止（待定）", "en": "Deadline (to be set)"},
            },
        )
    return items


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in text.split("\n"):
        out.append((pos, part))
        pos += len(part) + 1
    return out


def review_criteria(lines: list[Line], col: Collector) -> list[dict[str, Any]]:
    for i, line in enumerate(lines):
        if not _REVIEW_HEAD.search(line.text):
            continue
        names: list[tuple[str, Line]] = []
        for nxt in lines[i + 1 : i + 12]:
            marker = read_marker(nxt.text)
            if marker is None or marker.style in ("chapter", "cn_comma"):
                break
            names.append((tidy(marker.rest).rstrip("；;。，"), nxt))
        if len(names) >= 2:
            for k, (_, nline) in enumerate(names):
                col.span(f"review_stages.0.criteria.{k}", nline.start, nline.end, 0.8)
            return [
                {
                    "code": "review",
                    "name": {"zh-hans": "评审", "en": "Review"},
                    "kind": "expert_review",
                    "criteria": [{"code": f"criterion-{k + 1}", "name": name} for k, (name, _) in enumerate(names)],
                }
            ]
    return []


def contacts(text: str, funder: str, col: Collector) -> list[dict[str, Any]]:
    contacts: list[dict[str, Any]] = []
    for m in _EMAIL.finditer(text):
        email = m.group(0).rstrip(".")
        line_start = text.rfind("\n", max(0, m.start() - 40), m.start()) + 1  # only the 40 characters before count
        before = text[max(line_start, m.start() - 40) : m.start()]
        if "*" in text[max(0, m.start() - 4) : m.start() + 1] or _PERSONAL.search(before):
            continue  # a person's address (masked, or next to their name) is not stored
        if any(c.get("email") == email for c in contacts):
            continue
        contact: dict[str, Any] = {"organisation": funder, "email": email}
        address = re.search(r"(?:联系地址|地址)[：:]\s*([^\n]{4,80})", text[m.end() : m.end() + 200])
        if address:
            contact["address"] = tidy(address.group(1))
        contacts.append(contact)
        col.span(f"call.contacts.{len(contacts) - 1}", m.start(), m.end(), 0.8)
    return contacts


_FIELDS_HEAD = re.compile(r"(?:所属行业|所属领域|行业领域|征集领域|支持领域|重点领域)(?:包括|范围|为)?[^：:]{0,6}[：:]$")


def call_fields(lines: list[Line], col: Collector) -> list[str]:
    """Call-wide sectors listed after "所属行业包括：" (seed 004's nine industries)."""
    for i, line in enumerate(lines):
        if not _FIELDS_HEAD.search(line.text):
            continue
        items: list[tuple[str, Line, Line]] = []
        style = None
        for nxt in lines[i + 1 : i + 40]:
            marker = read_marker(nxt.text)
            if marker is not None and marker.style not in ("chapter", "cn_comma", "bracket") and style in (None, marker.style):
                style = marker.style
                items.append((marker.rest, nxt, nxt))
            elif marker is None and items and not items[-1][0].endswith("。"):
                text, first, _ = items[-1]
                items[-1] = (text + nxt.text, first, nxt)
            else:
                break
        if len(items) >= 2:
            for k, (_, first, last) in enumerate(items):
                col.span(f"fields.{k}", first.start, last.end, 0.75)
            return [tidy(text) for text, _, _ in items]
    return []
