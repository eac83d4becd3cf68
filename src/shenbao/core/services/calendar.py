"""Entering a year's holiday schedule (when ``chinese-calendar`` has not got it yet, or has it wrong)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.core.audit import log_action
from shenbao.core.errors import ValidationFailed
from shenbao.core.models import WorkCalendarYear
from shenbao.core.queries.calendar import CALENDAR_LISTENERS


def _iso(days: Iterable[dt.date]) -> list[str]:
    return [d.isoformat() for d in sorted(days)]


def check_calendar_year(*, year: int, holidays: Iterable[dt.date], makeup_workdays: Iterable[dt.date]) -> None:
    """Raise ``ValidationFailed`` for dates outside ``year`` or a date that is both a holiday and a make-up day.

    The official notice never does either; such input is a typing mistake.  Forms call this
    too, to show the message next to the field instead of failing on save.
    """
    holiday_set, makeup_set = set(holidays), set(makeup_workdays)
    strays = sorted(d for d in holiday_set | makeup_set if d.year != year)
    if strays:
        raise ValidationFailed(
            _("These dates are not in %(year)s: %(dates)s."),
            params={"year": year, "dates": ", ".join(_iso(strays))},
        )
    both = holiday_set & makeup_set
    if both:
        raise ValidationFailed(
            _("These dates cannot be both a holiday and a make-up working day: %(dates)s."),
            params={"dates": ", ".join(_iso(both))},
        )


@transaction.atomic
def save_calendar_year(
    *,
    actor: Any,
    year: int,
    holidays: Iterable[dt.date],
    makeup_workdays: Iterable[dt.date],
) -> WorkCalendarYear:
    """Create or replace ``year``'s schedule; from then on it overrides the package's data, and
    whatever was computed provisionally without it is computed again (``CALENDAR_LISTENERS``).

    Refuses what ``check_calendar_year`` refuses.  The audit entry keeps the previous lists,
    so a wrong entry can be seen and undone.
    """
    holiday_set, makeup_set = set(holidays), set(makeup_workdays)
    check_calendar_year(year=year, holidays=holiday_set, makeup_workdays=makeup_set)
    entry = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    before = {"holidays": entry.holidays, "makeup_workdays": entry.makeup_workdays} if entry else None
    if entry is None:
        entry = WorkCalendarYear(year=year)
    entry.holidays = _iso(holiday_set)
    entry.makeup_workdays = _iso(makeup_set)
    entry.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.save()
    log_action(
        action="shenbao.calendar_year.saved",
        obj=entry,
        actor=actor,
        data={"year": year, "holidays": entry.holidays, "makeup_workdays": entry.makeup_workdays, "before": before},
    )
    for listener in CALENDAR_LISTENERS:  # e.g. provisional agreement deadlines computed again
        listener(year, actor)
    return entry
