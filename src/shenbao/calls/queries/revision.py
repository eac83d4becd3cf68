"""What to revise in a call made from another (a clone, or a draft from a guide import): the
checklist staff work through before publishing.  Reads the call's definition only (one query for
the clone's audit entry, one for the holiday calendar), so it costs the same for 5 or 500 directions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shenbao.calls.models import Call
from shenbao.core import present
from shenbao.core.models import AuditEntry
from shenbao.core.queries.calendar import work_calendar
from shenbao.core.text import text_get
from shenbao.core.workdays import WorkCalendar

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$")
#: At most this many places are listed per section (a guide may mention a year hundreds of times).
MAX_ITEMS = 60


@dataclass(frozen=True)
class Item:
    text: str
    where: str = ""  # the path in the definition, for the editor and for YAML users


@dataclass
class Checklist:
    source: str  # the call it was cloned from ("" when not a clone)
    source_year: int | None
    shift_days: int | None
    sections: list[tuple[str, list[Item]]] = field(default_factory=list)
    unknown_years: list[int] = field(default_factory=list)  # years the holiday calendar lacks

    @property
    def count(self) -> int:
        return sum(len(items) for _title, items in self.sections)


def clone_facts(call: Call) -> dict[str, Any]:
    """What the clone's audit entry recorded (``{}`` for a call that was not cloned)."""
    entry = AuditEntry.objects.for_object(call).filter(action="shenbao.call.cloned").order_by("-created_at", "-id").first()
    return dict(entry.data) if entry is not None else {}


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _walk(inner, f"{path}.{i}" if path else str(i))
    else:
        yield path, value


def _local_day(value: str, key: str, kind: str) -> dt.date:
    moment = dt.datetime.fromisoformat(value) if "T" in value else None
    if moment is None:
        return dt.date.fromisoformat(value)
    # A deadline or a window's end at local midnight is the day before, "24:00" (how calls state it).
    if (key == "end" or (key == "at" and kind == "deadline")) and moment.time() == dt.time():
        return moment.date() - dt.timedelta(days=1)
    return moment.date()


def _timeline_items(call: Call, language: str) -> Iterator[tuple[str, str, str, dt.date]]:
    for i, item in enumerate(call.definition.get("timeline", [])):
        kind = str(item.get("kind", ""))
        label = text_get(item.get("label") or {}, language) or kind
        for key in ("at", "start", "end"):
            value = item.get(key)
            if isinstance(value, str) and _ISO_DATE.match(value):
                yield f"timeline.{i}.{key}", label, value, _local_day(value, key, kind)


def _non_working(calendar: WorkCalendar, day: dt.date, unknown: set[int]) -> str:
    if day.year not in calendar.covered_years():
        unknown.add(day.year)
    if calendar.is_working_day_provisionally(day):
        return ""
    return _("a weekend") if day.weekday() >= 5 else _("a public holiday")


def revision_checklist(call: Call, *, language: str, now: dt.datetime | None = None) -> Checklist:
    now = now or timezone.now()
    today = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    facts = clone_facts(call)
    source_year = facts.get("source_year")
    if not isinstance(source_year, int) or source_year == call.year:
        source_year = None
    checklist = Checklist(source=str(facts.get("from", "")), source_year=source_year, shift_days=facts.get("shift_days"))
    calendar = work_calendar()
    unknown: set[int] = set()

    weekends: list[Item] = []
    past: list[Item] = []
    for path, label, _value, day in _timeline_items(call, language):
        why = _non_working(calendar, day, unknown)
        if why:
            weekends.append(
                Item(
                    _("“%(label)s” falls on %(day)s, %(why)s.") % {"label": label, "day": present.day(day), "why": why},
                    path,
                )
            )
        if day < today:
            past.append(Item(_("“%(label)s” (%(day)s) is in the past.") % {"label": label, "day": present.day(day)}, path))
    checklist.sections.append((_("Dates on a weekend or a public holiday"), weekends))
    checklist.sections.append((_("Dates in the past"), past))

    data = call.definition
    if source_year is not None:
        old = str(source_year)
        mentions = [
            Item(_("Mentions %(year)s: “%(text)s”") % {"year": old, "text": _snippet(value, old)}, path)
            for path, value in _walk(data)
            if isinstance(value, str) and old in value and not _ISO_DATE.match(value)
        ]
        checklist.sections.append((_("Texts that still name the old year"), mentions[:MAX_ITEMS]))

    shifted = {"call.published_on"}
    others = [
        Item(_("%(value)s was not shifted: confirm it still applies.") % {"value": value}, path)
        for path, value in _walk(data)
        if isinstance(value, str)
        and _ISO_DATE.match(value)
        and path not in shifted
        and not (path.startswith("timeline.") and path.rsplit(".", 1)[-1] in {"at", "start", "end"})
    ]
    checklist.sections.append((_("Other dates in the definition"), others[:MAX_ITEMS]))

    directions = []
    for i, d in enumerate(data.get("directions", [])):
        quota = d.get("quota")
        budget = d.get("budget") or {}
        parts = []
        if quota:
            parts.append(
                _("quota %(quota)s")
                % {
                    "quota": present.quota(
                        quota.get("qualifier", "exact"),
                        quota.get("value"),
                        quota.get("min"),
                        quota.get("max"),
                        quota.get("in_principle", False),
                    )
                }
            )
        if budget.get("total"):
            parts.append(_("budget %(money)s") % {"money": present.money_definition(budget.get("total"))})
        if budget.get("per_project"):
            parts.append(_("%(money)s per project") % {"money": present.money_definition(budget.get("per_project"))})
        summary = "; ".join(parts) if parts else _("no quota or budget given")
        directions.append(Item(f"{d.get('code', '')} {text_get(d.get('title') or {}, language)}: {summary}", f"directions.{i}"))
    totals = data.get("stated_totals")
    if totals:
        directions.insert(0, Item(_("The totals the document states (directions, projects, budget)."), "stated_totals"))
    checklist.sections.append((_("Quotas and budgets to confirm"), directions))
    checklist.unknown_years = sorted(unknown)
    return checklist


def _snippet(text: str, needle: str, width: int = 40) -> str:
    at = text.find(needle)
    start = max(0, at - width)
    end = min(len(text), at + len(needle) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
