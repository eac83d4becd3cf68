"""How numbers, quotas, durations and times read on the pages, in the active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shenbao.core.text import normalise_language
from shenbao.core.timeutil import BEIJING, end_of_day_label


def _zh() -> bool:
    return normalise_language(get_language()) == "zh-hans"


def number(value: float | Decimal | int | None) -> str:
    """Thousands separators, at most two decimals, exact for large integers."""
    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,.2f}".rstrip("0").rstrip(".")


def percent(share: float | None) -> str:
    """A share (0–1) as a percentage with at most one decimal: "66.7%"; empty when there is none."""
    if share is None:
        return ""
    return f"{Decimal(str(share * 100)).quantize(Decimal('0.1')).normalize():f}%"


def money(yuan: int | Decimal | float | None, currency: str = "CNY") -> str:
    """1,080 万元 in Chinese; CNY 10,800,000 in English; other currencies by their code."""
    if yuan is None:
        return ""
    amount = Decimal(str(yuan))
    if currency != "CNY":
        return _("%(currency)s %(amount)s") % {"currency": currency, "amount": number(amount)}
    if _zh():
        if amount >= 10_000 and amount % 100 == 0:
            return _("%(amount)s 万元") % {"amount": number(amount / 10_000)}
        return _("%(amount)s 元") % {"amount": number(amount)}
    return _("CNY %(amount)s") % {"amount": number(amount)}


def money_definition(data: dict[str, Any] | None) -> str:
    """A Money value of a definition, with its qualifier: "约 3,000 万元", "at most CNY 7,500,000"."""
    if not data:
        return ""
    amount = data.get("amount")
    yuan = Decimal(str(amount)) if amount is not None else Decimal(str(data.get("amount_wan") or 0)) * 10_000
    text = money(yuan, data.get("currency", "CNY"))
    qualifier = data.get("qualifier", "exact")
    if qualifier == "about":
        return _("about %(amount)s") % {"amount": text}
    if qualifier == "at_most":
        return _("at most %(amount)s") % {"amount": text}
    if qualifier == "at_least":
        return _("at least %(amount)s") % {"amount": text}
    return text


def quota(qualifier: str, value: Any, minimum: Any = None, maximum: Any = None, in_principle: bool = False) -> str:
    if not qualifier:
        return ""
    n, lo, hi = number(value), number(minimum), number(maximum)
    texts = {
        "exact": _("%(n)s") % {"n": n},
        "at_most": _("at most %(n)s") % {"n": n},
        "at_least": _("at least %(n)s") % {"n": n},
        "about": _("about %(n)s") % {"n": n},
        "range": _("%(min)s–%(max)s") % {"min": lo, "max": hi},
        "unspecified": _("several, not fixed"),
    }
    text = texts.get(qualifier, n)
    if in_principle:
        text = _("%(text)s (in principle)") % {"text": text}
    return text


def duration(data: dict[str, Any] | None) -> str:
    """A direction's duration definition as a phrase: "2 years", "at most 3 years", "generally 3 years",
    "about 3 years"."""
    if not data:
        return ""
    unit = data.get("unit", "years")
    qualifier = data.get("qualifier", "exact")
    principle = bool(data.get("in_principle"))
    value = number(data.get("value"))
    lo, hi = number(data.get("min")), number(data.get("max"))
    if unit == "years":
        forms = {
            "exact": _("generally %(n)s years") if principle else _("%(n)s years"),
            "at_most": _("in principle at most %(n)s years") if principle else _("at most %(n)s years"),
            "at_least": _("at least %(n)s years"),
            "about": _("about %(n)s years"),
            "range": _("generally %(min)s–%(max)s years") if principle else _("%(min)s–%(max)s years"),
        }
    else:
        forms = {
            "exact": _("generally %(n)s months") if principle else _("%(n)s months"),
            "at_most": _("in principle at most %(n)s months") if principle else _("at most %(n)s months"),
            "at_least": _("at least %(n)s months"),
            "about": _("about %(n)s months"),
            "range": _("generally %(min)s–%(max)s months") if principle else _("%(min)s–%(max)s months"),
        }
    return forms[qualifier] % {"n": value, "min": lo, "max": hi}


def moment(value: dt.datetime | None, timezone: str, precision: str = "minute", *, end: bool = False) -> str:
    """A time of the call in its own zone.  With ``end`` (deadlines, ends of windows) a midnight
    reads as "24:00" of the day before, as Chinese calls write it; a start stays 00:00."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    if precision == "month":
        if end and local.day == 1 and local.hour == 0 and local.minute == 0:
            local = local - dt.timedelta(days=1)
        return _("%(year)s-%(month)02d") % {"year": local.year, "month": local.month}
    if precision == "day":
        day = local.date()
        if end and local.hour == 0 and local.minute == 0:
            day = day - dt.timedelta(days=1)
        return day.isoformat()
    if end:
        day, clock = end_of_day_label(local)
        return f"{day.isoformat()} {clock}"
    return local.strftime("%Y-%m-%d %H:%M")


def window(start: dt.datetime | None, end: dt.datetime | None, timezone: str, precision: str) -> str:
    """A window of the timeline: "from … to …", "until …", or one month when it spans one."""
    first = moment(start, timezone, precision)
    last = moment(end, timezone, precision, end=True)
    if start is None:
        return _("until %(end)s") % {"end": last}
    if end is None:
        return _("from %(start)s") % {"start": first}
    if first == last:
        return first
    return _("%(start)s – %(end)s") % {"start": first, "end": last}


def beijing(value: dt.datetime) -> str:
    day, clock = end_of_day_label(value.astimezone(BEIJING))
    return _("%(time)s Beijing time") % {"time": f"{day.isoformat()} {clock}"}


def own_time(value: dt.datetime, zone: str) -> str:
    """The same moment in a person's own time zone ("2025-11-06 17:00 Europe/Berlin"); empty when
    they chose none or theirs reads the same as Beijing time (the pages always give Beijing time)."""
    if not zone:
        return ""
    try:
        local = value.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    if local.utcoffset() == value.astimezone(BEIJING).utcoffset():
        return ""
    day, clock = end_of_day_label(local)
    return _("%(time)s your time (%(zone)s)") % {"time": f"{day.isoformat()} {clock}", "zone": zone}


def day(value: dt.date | None) -> str:
    """A calendar day in the active language's date format: "2025年11月6日", "Nov. 6, 2025"."""
    return date_format(value, "DATE_FORMAT") if value else ""
