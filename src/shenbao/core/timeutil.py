"""Time helpers: Beijing time and how a call's deadlines read ("24:00" is the end of a day)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def localise(naive: dt.datetime, timezone: str) -> dt.datetime:
    """A local wall-clock time in ``timezone`` as an aware datetime."""
    if naive.tzinfo is not None:
        raise ValueError("expected a naive local time")
    return naive.replace(tzinfo=ZoneInfo(timezone))


def to_beijing(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(BEIJING)


def end_of_day_label(moment: dt.datetime) -> tuple[dt.date, str]:
    """How a deadline at local midnight is stated in Chinese calls: the previous day, "24:00".

    ``2025-04-01 00:00`` reads as ``(2025-03-31, "24:00")``; other times read as they are.
    """
    if moment.hour == 0 and moment.minute == 0 and moment.second == 0:
        return (moment.date() - dt.timedelta(days=1), "24:00")
    return (moment.date(), moment.strftime("%H:%M"))
