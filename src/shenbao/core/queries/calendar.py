"""The working-day calendar as the rest of Shenbao asks for it, and its error in words."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError
from shenbao.core.models import WorkCalendarYear
from shenbao.core.workdays import CalendarYear, MissingCalendarYear, WorkCalendar


class CalendarYearMissing(DomainError):
    """``MissingCalendarYear`` with a sentence, for interfaces that show ``DomainError`` messages."""

    code = MissingCalendarYear.code

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "The working-day calendar has no holidays for %(year)s yet, so this date cannot be computed. "
                "An administrator can enter %(year)s's holidays and make-up working days."
            ),
            code=MissingCalendarYear.code,
            params={"year": year},
        )


_lock = threading.Lock()
_cached: tuple[object, WorkCalendar] | None = None


def _stored_years() -> list[CalendarYear]:
    return [
        CalendarYear(
            year=row.year,
            holidays=frozenset(dt.date.fromisoformat(d) for d in row.holidays),
            makeup_workdays=frozenset(dt.date.fromisoformat(d) for d in row.makeup_workdays),
        )
        for row in WorkCalendarYear.objects.order_by("year")
    ]


def work_calendar() -> WorkCalendar:
    """The package's years with the operator-entered ones on top, built once per process.

    The cache is keyed by the stored years' count and latest change (one small query), so a
    year saved or deleted in another process -- a web worker, the task worker -- is seen at
    the next call without any cross-process signalling.  Call it once per request or task and
    pass the calendar around, not once per row.
    """
    global _cached
    version = tuple(WorkCalendarYear.objects.aggregate(n=Count("id"), latest=Max("updated_at")).values())
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
    calendar = WorkCalendar.from_package(_stored_years())
    with _lock:
        _cached = (version, calendar)
    return calendar


def working_day_deadline(start: dt.date, n: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The last day of "within ``n`` working days of ``start``" (start day not counted).

    Raises ``CalendarYearMissing`` (a ``DomainError`` with a translated sentence) when the
    period runs into a year nobody has entered yet.
    """
    try:
        return (calendar or work_calendar()).add_working_days(start, n)
    except MissingCalendarYear as exc:
        raise CalendarYearMissing(exc.year) from exc


def provisional_working_day_deadline(
    start: dt.date, n: int, *, calendar: WorkCalendar | None = None
) -> tuple[dt.date, frozenset[int]]:
    """The last day of "within ``n`` working days of ``start``", never refused: a year nobody has
    entered yet counts Monday to Friday.  Returns the day and the years assumed (empty: final)."""
    return (calendar or work_calendar()).add_working_days_provisionally(start, n)


#: Who depends on the calendar beyond core (registered in their app's ``ready``), so that core never
#: imports them: ``needs()`` answers {year: how many provisional dates wait for it}, ``on_saved(year,
#: actor)`` recomputes what was provisional once a year is entered.
CALENDAR_NEEDS: list[Callable[[], dict[int, int]]] = []
CALENDAR_LISTENERS: list[Callable[[int, Any], object]] = []


def years_awaited() -> dict[int, int]:
    """The missing years that provisional dates wait for, with how many dates wait for each."""
    out: dict[int, int] = {}
    for needs in CALENDAR_NEEDS:
        for year, count in needs().items():
            out[year] = out.get(year, 0) + count
    return dict(sorted(out.items()))
