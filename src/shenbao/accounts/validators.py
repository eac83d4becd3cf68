"""Validators for people and organisation data."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code (统一社会信用代码) is 18 characters from
# this alphabet, the last one a check character computed from the first 17.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(_ALPHABET.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = value.strip().upper()
    if len(code) != 18 or any(ch not in _ALPHABET for ch in code):
        raise ValidationError(
            _("A unified social credit code has 18 characters (digits and capital letters except I, O, S, V, Z)."),
            code="credit_code_format",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="credit_code_check")


#: No applicant, reviewer or team member was born before this; a date outside [this, today] is a typo.
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def validate_birth_date(value: dt.date | None, *, today: dt.date | None = None) -> None:
    """Refuse dates of birth no person can have (0001-01-01, 9999-12-31, a future day)."""
    if value is None:
        return
    today = today or dt.date.today()
    if not EARLIEST_BIRTH <= value <= today:
        raise ValidationError(
            _("A date of birth lies between %(earliest)s and today."),
            code="birth_date_implausible",
            params={"earliest": EARLIEST_BIRTH.isoformat()},
        )


def time_zones() -> list[str]:
    """The IANA time zone names a person may choose (Asia/Shanghai, Europe/Berlin …), sorted."""
    return sorted(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone (the empty value means Beijing time)."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone; choose one from the list, e.g. Europe/Berlin."),
            code="time_zone_unknown",
            params={"value": value},
        )
