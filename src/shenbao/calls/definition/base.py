"""Building blocks shared by the call-definition models."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shenbao.core.countries import GROUPS, is_country_code
from shenbao.core.text import I18nText

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _check_code(value: str) -> str:
    if not CODE_RE.match(value):
        raise PydanticCustomError(
            "code_format",
            "a code uses letters, digits, '.', '_' or '-', starts with a letter or digit and has at most 64 characters",
            {"value": value},
        )
    return value


def _check_country(value: str) -> str:
    if value.startswith("@"):
        if value[1:] not in GROUPS:
            raise PydanticCustomError(
                "country_group_unknown",
                "unknown country group",
                {"value": value, "allowed": ", ".join("@" + g for g in sorted(GROUPS))},
            )
        return value
    if not is_country_code(value):
        raise PydanticCustomError("country_unknown", "not an ISO 3166 country code", {"value": value})
    return value


SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise PydanticCustomError(
            "slug_format",
            "a program or call code uses lower-case letters, digits and '-' (it becomes part of web addresses)",
            {"value": value},
        )
    return value


Code = Annotated[str, AfterValidator(_check_code)]
Slug = Annotated[str, AfterValidator(_check_slug)]
Country = Annotated[str, AfterValidator(_check_country)]
PositiveInt = Annotated[int, Field(ge=0)]

#: Upper bounds that keep every number storable (and plausible): counts of projects,
#: prizes or people; amounts of money in yuan (10 万亿元).
MAX_COUNT = 100_000
MAX_YUAN = 10**13


class Strict(BaseModel):
    """Every definition model refuses unknown keys, so typos are reported."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Qualifier(StrEnum):
    EXACT = "exact"  # 6个
    AT_MOST = "at_most"  # 不超过30个
    AT_LEAST = "at_least"  # 不少于…
    ABOUT = "about"  # 约176个 / 10个左右
    RANGE = "range"  # 8-20个
    UNSPECIFIED = "unspecified"  # 每个课题支持多个方案入选


class Quantity(Strict):
    """A number stated with a qualifier, e.g. a quota or a duration.

    ``in_principle`` marks the softening words 原则上 / 一般: the number is the rule,
    but staff may depart from it with a reason.

    As a quota (拟支持项目数) the number is what the funder intends to support at most: a
    direction short of applications funds fewer.  Only ``minimum`` (the call says the number
    must be reached, e.g. 须支持 / 至少) or the qualifier ``at_least`` (不少于) makes it a lower
    bound that a selection must meet.
    """

    qualifier: Qualifier = Qualifier.EXACT
    value: float | None = Field(default=None, ge=0, le=MAX_COUNT)
    min: float | None = Field(default=None, ge=0, le=MAX_COUNT)
    max: float | None = Field(default=None, ge=0, le=MAX_COUNT)
    in_principle: bool = False
    minimum: bool = Field(default=False, description="the call marks the number as a minimum that must be reached")
    note: I18nText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Quantity:
        q = self.qualifier
        if self.minimum and q in (Qualifier.AT_MOST, Qualifier.UNSPECIFIED):
            raise PydanticCustomError(
                "minimum_qualifier", "only an exact, about, at-least or range number can be a minimum", {"qualifier": q.value}
            )
        if q == Qualifier.RANGE:
            if self.min is None or self.max is None:
                raise PydanticCustomError("range_needs_bounds", "a range needs both min and max")
            if self.min > self.max:
                raise PydanticCustomError("range_order", "min must not be greater than max", {"min": self.min, "max": self.max})
        elif q == Qualifier.UNSPECIFIED:
            if self.value is not None:
                raise PydanticCustomError("unspecified_has_value", "an unspecified quantity has no value")
        elif self.value is None:
            raise PydanticCustomError("quantity_needs_value", "this qualifier needs a value", {"qualifier": q.value})
        return self

    @property
    def upper(self) -> float | None:
        """The largest number the statement allows (None when open or unspecified)."""
        if self.qualifier == Qualifier.RANGE:
            return self.max
        if self.qualifier in (Qualifier.EXACT, Qualifier.AT_MOST, Qualifier.ABOUT):
            return self.value
        return None

    @property
    def is_minimum(self) -> bool:
        """The number (a range's bottom, "about"'s value less its tolerance) must be reached."""
        return self.minimum or self.qualifier == Qualifier.AT_LEAST

    @property
    def nominal(self) -> float | None:
        """The number used when adding parts up (the value, or the top of a range)."""
        if self.qualifier == Qualifier.RANGE:
            return self.max
        return self.value


#: Currencies an amount may be stated in: yuan, and those of the foreign, Hong Kong, Macao and
#: Taiwan notices staff import (US dollars, euros, pounds, HK dollars, patacas, New Taiwan dollars).
CURRENCIES = ("CNY", "USD", "EUR", "GBP", "HKD", "MOP", "TWD")


class Money(Strict):
    """An amount of money in yuan (元), written as ``amount`` or ``amount_wan`` (万元).

    In another ``currency`` the same fields count that currency's units (``amount_wan``: 10,000 of them).
    """

    amount: int | None = Field(default=None, ge=0, le=MAX_YUAN, description="yuan")
    amount_wan: float | None = Field(default=None, ge=0, le=MAX_YUAN / 10_000, description="10,000 yuan")
    currency: str = "CNY"
    qualifier: Qualifier = Qualifier.EXACT

    @model_validator(mode="after")
    def _one_amount(self) -> Money:
        if (self.amount is None) == (self.amount_wan is None):
            raise PydanticCustomError("money_one_amount", "give exactly one of amount (元) or amount_wan (万元)")
        if self.qualifier in (Qualifier.RANGE, Qualifier.UNSPECIFIED):
            raise PydanticCustomError(
                "money_qualifier", "an amount is exact, at most, at least or about", {"qualifier": self.qualifier.value}
            )
        if self.currency not in CURRENCIES:
            raise PydanticCustomError("currency_unknown", "unknown currency", {"value": self.currency})
        return self

    @property
    def yuan(self) -> int:
        if self.amount is not None:
            return self.amount
        assert self.amount_wan is not None
        return round(self.amount_wan * 10_000)
