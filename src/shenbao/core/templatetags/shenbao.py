from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language

from shenbao.core import present
from shenbao.core.countries import country_name
from shenbao.core.text import text_get

register = template.Library()


@register.filter
def tr(value: dict[str, str] | None) -> str:
    """Content text in the active language, falling back to the other one."""
    return text_get(value, get_language())


@register.filter
def money(yuan: int | None) -> str:
    return present.money(yuan)


@register.filter
def country(code: str) -> str:
    return country_name(code, get_language())


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
def beijing(value: dt.datetime | None) -> str:
    return present.beijing(value) if value else ""
