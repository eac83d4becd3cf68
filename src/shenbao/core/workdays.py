"""Chinese working-day arithmetic (pure: no Django, plain dates in and out).

Chinese deadlines count *working days* (工作日): Monday to Friday, minus the statutory
holidays the State Council announces each year, plus the weekend days it turns into
make-up working days (调休).  The schedule is known only a year ahead, so a calendar is a set
of *years*, each with its holidays and make-up days.  A day in a year the calendar does not
hold raises ``MissingCalendarYear`` rather than silently falling back to "Monday to Friday",
because a deadline computed that way is wrong by days around every holiday.

The years come from the ``chinese-calendar`` package (its data ends with the last schedule
published when it was released) and from years an operator enters; an operator's year
replaces the package's for that year, so a corrected or late schedule needs no release.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

_ONE_DAY = dt.timedelta(days=1)


class MissingCalendarYear(Exception):
    """The calendar has no holiday schedule for ``year``.

    A code and the year, no sentence: this module has no translations, the Django layer
    (``shenbao.core.queries.calendar``) turns it into a message in the reader's language.
    """

    code = "missing_calendar_year"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(year)


@dataclass(frozen=True)
class CalendarYear:
    """One year's official schedule: statutory holidays and make-up working days (调休)."""

    year: int
    holidays: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]

    def __post_init__(self) -> None:
        strays = sorted(d for d in self.holidays | self.makeup_workdays if d.year != self.year)
        if strays:
            raise ValueError(f"dates outside {self.year}: {[d.isoformat() for d in strays]}")
        both = sorted(self.holidays & self.makeup_workdays)
        if both:
            raise ValueError(f"dates both holiday and make-up working day: {[d.isoformat() for d in both]}")


def package_years() -> list[CalendarYear]:
    """The years the ``chinese-calendar`` package holds, as ``CalendarYear`` values."""
    import chinese_calendar  # imported here so the arithmetic can be used and tested without it

    holidays: dict[int, set[dt.date]] = {}
    makeups: dict[int, set[dt.date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        makeups.setdefault(day.year, set()).add(day)
    return [
        CalendarYear(year=y, holidays=frozenset(holidays.get(y, ())), makeup_workdays=frozenset(makeups.get(y, ())))
        for y in sorted(holidays.keys() | makeups.keys())
    ]


def _check_date(day: dt.date) -> None:
    # A datetime never equals a date, so it would silently miss every holiday: refuse it.
    if isinstance(day, dt.datetime):
        raise TypeError("expected a date, not a datetime: take the local (Beijing) calendar day first")


class WorkCalendar:
    """Working days over the years it holds; later years in ``years`` replace earlier ones."""

    def __init__(self, years: Iterable[CalendarYear]) -> None:
        self._years: dict[int, CalendarYear] = {}
        for year in years:
            self._years[year.year] = year

    @classmethod
    def from_package(cls, operator_years: Iterable[CalendarYear] = ()) -> WorkCalendar:
        """The package's years, with each operator-entered year replacing the package's."""
        return cls([*package_years(), *operator_years])

    def covered_years(self) -> tuple[int, ...]:
        """The years this calendar can answer for, ascending (not necessarily contiguous)."""
        return tuple(sorted(self._years))

    def is_working_day(self, day: dt.date) -> bool:
        """Monday–Friday unless a holiday; Saturday/Sunday only when a make-up working day."""
        _check_date(day)
        year = self._years.get(day.year)
        if year is None:
            raise MissingCalendarYear(day.year)
        if day in year.makeup_workdays:
            return True
        if day in year.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start``: the last day of "within n working days of start".

        The start day itself is never counted, whether or not it is a working day: day 1 is the
        first working day *after* ``start``.  This is how 起算 is read for "自发布之日起 30 个工作日内"
        (the day of the event is not a day of the period), and it makes the answer the same for
        an announcement published on a working day or over a holiday.  ``n == 0`` returns
        ``start``; ``n`` must not be negative.  Every year walked through must be covered.
        """
        _check_date(start)
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def is_working_day_provisionally(self, day: dt.date) -> bool:
        """``is_working_day``, with Monday to Friday for a year the calendar lacks."""
        _check_date(day)
        return self.is_working_day(day) if day.year in self._years else day.weekday() < 5

    def add_working_days_provisionally(self, start: dt.date, n: int) -> tuple[dt.date, frozenset[int]]:
        """``add_working_days``, but never refused: a year the calendar lacks counts Monday to Friday.

        Returns the day and the years that were assumed.  A deadline that walked through an
        assumed year is provisional: the year's holidays can only push it later (make-up working
        days fall on weekends next to the holidays they pay for), so callers mark it and compute it
        again once the year is entered.
        """
        _check_date(start)
        if n < 0:
            raise ValueError("n must not be negative")
        day, remaining, assumed = start, n, set()
        while remaining:
            day += _ONE_DAY
            if day.year not in self._years:
                assumed.add(day.year)
            if self.is_working_day_provisionally(day):
                remaining -= 1
        return day, frozenset(assumed)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in the half-open interval (a, b]: ``a`` excluded, ``b`` included.

        The inverse of ``add_working_days``: ``working_days_between(s, add_working_days(s, n)) == n``.
        With ``b`` before ``a`` the count is negative (the days in (b, a]), 0 when equal.
        """
        _check_date(a)
        _check_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count
