from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from shenbao.core import present
from shenbao.core.countries import country_name
from shenbao.core.errors import DomainError
from shenbao.core.queries.calendar import working_day_deadline
from shenbao.core.text import text_get
from shenbao.core.timeutil import to_beijing

register = template.Library()


@register.filter
def kept(values: dict[str, str] | None, name: str) -> str:
    """What the user typed into field ``name`` of a refused form (``kept`` of the view), or ''."""
    return (values or {}).get(name, "")


@register.filter
def tr(value: dict[str, str] | None) -> str:
    """Content text in the active language, falling back to the other one."""
    return text_get(value, get_language())


@register.filter
def money(yuan: int | None) -> str:
    return present.money(yuan)


@register.filter
def percent(share: float | None) -> str:
    return present.percent(share)


@register.filter
def share(value: int | None, largest: int | None) -> int:
    """``{{ row.awards|share:table.max_awards }}``: the value as a whole percentage of the largest, for a bar."""
    if not value or not largest:
        return 0
    return max(1, round(100 * value / largest))


GROUP_LABELS = {
    "@arab_states": _("Arab states"),
    "@african_states": _("African states"),
    "@arab_african_states": _("Arab states in Africa"),
}


@register.filter
def country(code: str) -> str:
    """A country's name, or a named group of countries (``@arab_states``), in the active language."""
    if code in GROUP_LABELS:
        return str(GROUP_LABELS[code])
    return country_name(code, get_language())


@register.filter
def amount(data: dict[str, Any] | None) -> str:
    """A definition's money value with its qualifier and currency."""
    return present.money_definition(data)


@register.simple_tag
def window(start: dt.datetime | None, end: dt.datetime | None, tz: str, precision: str = "minute") -> str:
    return present.window(start, end, tz, precision)


@register.simple_tag
def list_separator() -> str:
    """ "、" between items of a Chinese list, ", " in English."""
    return pgettext("list separator", ", ")


@register.simple_tag
def colon() -> str:
    """ "：" after a label in Chinese, ": " in English."""
    return pgettext("label separator", ": ")


@register.filter
def duration(data: dict[str, Any] | None) -> str:
    return present.duration(data)


@register.simple_tag
def quota(direction: Any) -> str:
    return present.quota(
        direction.quota_qualifier, direction.quota_value, direction.quota_min, direction.quota_max, direction.quota_in_principle
    )


@register.simple_tag
def moment(value: dt.datetime | None, tz: str, precision: str = "minute", end: bool = False) -> str:
    return present.moment(value, tz, precision, end=end)


@register.filter
def beijing(value: dt.datetime | str | None) -> str:
    """A moment in Beijing time; also takes the ISO text a queued notification carries."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if value else None
    return present.beijing(value) if value else ""


@register.filter
def own_time(value: dt.datetime | None, zone: str | None) -> str:
    """``{{ due|own_time:zone }}``: the moment in the reader's own time zone, or nothing (see
    ``present.own_time``)."""
    return present.own_time(value, zone or "") if value else ""


@register.simple_tag
def workday_deadline(start: dt.date | dt.datetime | None, working_days: int) -> str:
    """``{% workday_deadline call.published_on 30 %}``: the last day of "within 30 working days".

    The date in the active language; a year nobody has entered yet shows the translated
    reason instead of a wrong date.  A datetime counts from its Beijing calendar day.
    """
    if start is None:
        return ""
    if isinstance(start, dt.datetime):
        start = to_beijing(start).date()
    try:
        return present.day(working_day_deadline(start, int(working_days)))
    except DomainError as exc:
        return str(exc)
