"""The per-direction review form of a guide import: the values staff check most, prefilled from the draft.

Each direction is one ``DirectionForm`` (prefix ``d<i>``): code, title, quota with its qualifier,
the direction's budget and the amount per project (万元), the duration, the partner countries, and a
box to remove it. One ``NewDirectionForm`` (prefix ``new``) adds a direction the importer missed; left
empty it adds nothing. ``apply_direction`` writes the cleaned values into a copy of the direction's
draft data and keeps everything the form does not show (requirements, fields, notes …), which stays
editable as YAML.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

QUALIFIERS = [
    ("", _("— none —")),
    ("exact", _("exactly")),
    ("about", _("about")),
    ("at_most", _("at most")),
    ("at_least", _("at least")),
    ("range", _("from … to …")),
    ("unspecified", _("unspecified (若干)")),
]
DURATION_QUALIFIERS = [q for q in QUALIFIERS if q[0] not in ("about", "unspecified")]
UNITS = [("years", _("years")), ("months", _("months"))]

_NUMBER = {"min_value": 0, "required": False, "localize": False}


class DirectionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=500)
    quota_qualifier = forms.ChoiceField(label=_("Projects"), choices=QUALIFIERS, required=False)
    quota_value = forms.FloatField(label=_("Number of projects"), **_NUMBER)  # type: ignore[arg-type]
    quota_min = forms.FloatField(label=_("From"), **_NUMBER)  # type: ignore[arg-type]
    quota_max = forms.FloatField(label=_("To"), **_NUMBER)  # type: ignore[arg-type]
    budget = forms.FloatField(label=_("Direction budget (10,000 yuan)"), **_NUMBER)  # type: ignore[arg-type]
    per_project = forms.FloatField(label=_("Per project (10,000 yuan)"), **_NUMBER)  # type: ignore[arg-type]
    duration_qualifier = forms.ChoiceField(label=_("Duration"), choices=DURATION_QUALIFIERS, required=False)
    duration_value = forms.FloatField(label=_("Length"), **_NUMBER)  # type: ignore[arg-type]
    duration_min = forms.FloatField(label=_("From"), **_NUMBER)  # type: ignore[arg-type]
    duration_max = forms.FloatField(label=_("To"), **_NUMBER)  # type: ignore[arg-type]
    duration_unit = forms.ChoiceField(label=_("Unit"), choices=UNITS, required=False)
    countries = forms.CharField(
        label=_("Partner countries"),
        required=False,
        max_length=400,
        help_text=_("Country codes separated by commas (NZ, HU), or a group such as @arab_states."),
    )
    remove = forms.BooleanField(label=_("Remove this direction from the draft"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove"):
            return data  # a direction being removed is not checked
        for prefix in ("quota", "duration"):
            qualifier = data.get(f"{prefix}_qualifier") or ""
            if qualifier == "range":
                for bound in ("min", "max"):
                    if data.get(f"{prefix}_{bound}") is None and f"{prefix}_{bound}" not in self.errors:
                        self.add_error(f"{prefix}_{bound}", _("A range needs both numbers."))
                low, high = data.get(f"{prefix}_min"), data.get(f"{prefix}_max")
                if low is not None and high is not None and low > high:
                    self.add_error(f"{prefix}_max", _("The second number must not be smaller than the first."))
            elif (
                qualifier not in ("", "unspecified") and data.get(value := f"{prefix}_value") is None and value not in self.errors
            ):
                self.add_error(f"{prefix}_value", _("Give the number, or choose “— none —”."))
        return data


class NewDirectionForm(DirectionForm):
    """A direction staff add to the draft; empty, it adds nothing. Without a code it gets the next number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["remove"]
        self.fields["code"].required = False
        self.fields["title"].required = False
        self.fields["code"].help_text = _("Leave empty for the next number.")
        self.fields["duration_unit"].initial = "years"

    def is_empty(self) -> bool:
        """Nothing typed in (a unit chosen on its own is no direction)."""
        if not self.is_bound:
            return True
        return not any(str(self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields if name != "duration_unit")

    def clean(self) -> dict[str, Any]:
        if self.is_empty():
            return {}
        data = super().clean()
        if not (data.get("title") or "").strip() and "title" not in self.errors:
            self.add_error("title", _("Give the new direction a title, or leave all its fields empty."))
        return data


def next_code(directions: list[dict[str, Any]]) -> str:
    """The code a new direction gets when staff give none: one more than the highest plain number in use."""
    used = {str(d.get("code", "")) for d in directions}
    numbers = [int(c) for c in used if c.isdigit()]
    n = max(numbers, default=len(directions)) + 1
    while str(n) in used:
        n += 1
    return str(n)


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _zh(text: Any) -> str:
    if isinstance(text, dict):
        return str(text.get("zh-hans") or text.get("en") or next(iter(text.values()), ""))
    return "" if text is None else str(text)


def _wan(money: dict[str, Any] | None) -> float | int | None:
    if not money:
        return None
    if money.get("amount_wan") is not None:
        return _number(money["amount_wan"])
    if money.get("amount") is not None:
        return _number(round(float(money["amount"]) / 10_000, 4))
    return None


def direction_initial(direction: dict[str, Any]) -> dict[str, Any]:
    """The form's values from a direction's draft data."""
    quota = direction.get("quota") or {}
    duration = direction.get("duration") or {}
    budget = direction.get("budget") or {}
    return {
        "code": direction.get("code", ""),
        "title": _zh(direction.get("title")),
        "quota_qualifier": (quota.get("qualifier") or "exact") if quota else "",
        "quota_value": _number(quota.get("value")),
        "quota_min": _number(quota.get("min")),
        "quota_max": _number(quota.get("max")),
        "budget": _wan(budget.get("total")),
        "per_project": _wan(budget.get("per_project")),
        "duration_qualifier": (duration.get("qualifier") or "exact") if duration else "",
        "duration_value": _number(duration.get("value")),
        "duration_min": _number(duration.get("min")),
        "duration_max": _number(duration.get("max")),
        "duration_unit": duration.get("unit") or "years",
        "countries": ", ".join((direction.get("partner") or {}).get("countries", [])),
    }


def _quantity(old: dict[str, Any] | None, qualifier: str, value: Any, low: Any, high: Any) -> dict[str, Any] | None:
    if not qualifier:
        return None
    out = {k: v for k, v in (old or {}).items() if k not in ("qualifier", "value", "min", "max")}
    out["qualifier"] = qualifier
    if qualifier == "range":
        out.update(min=_number(low), max=_number(high))
    elif qualifier != "unspecified":
        out["value"] = _number(value)
    return out


def _money(old: dict[str, Any] | None, wan: Any) -> dict[str, Any] | None:
    if wan is None:
        return None
    out = {k: v for k, v in (old or {}).items() if k not in ("amount", "amount_wan")}
    out["amount_wan"] = _number(wan)
    return out


def apply_direction(direction: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    """A copy of the direction's data with the form's values in it (what the form does not show is kept)."""
    out = copy.deepcopy(direction)
    out["code"] = (cleaned.get("code") or "").strip() or str(direction.get("code", ""))
    title = out.get("title")
    out["title"] = {**(title if isinstance(title, dict) else {}), "zh-hans": cleaned["title"].strip()}
    for key, value in (
        (
            "quota",
            _quantity(
                out.get("quota"),
                cleaned.get("quota_qualifier") or "",
                cleaned.get("quota_value"),
                cleaned.get("quota_min"),
                cleaned.get("quota_max"),
            ),
        ),
        (
            "duration",
            _quantity(
                out.get("duration"),
                cleaned.get("duration_qualifier") or "",
                cleaned.get("duration_value"),
                cleaned.get("duration_min"),
                cleaned.get("duration_max"),
            ),
        ),
    ):
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    if "duration" in out:
        out["duration"]["unit"] = cleaned.get("duration_unit") or "years"
    budget = dict(out.get("budget") or {})
    for key, field in (("total", "budget"), ("per_project", "per_project")):
        money = _money(budget.get(key), cleaned.get(field))
        if money is None:
            budget.pop(key, None)
        else:
            budget[key] = money
    if budget:
        out["budget"] = budget
    else:
        out.pop("budget", None)
    countries = [c.strip() for c in re.split(r"[,，、\s]+", cleaned.get("countries") or "") if c.strip()]
    partner = dict(out.get("partner") or {})
    if countries:
        partner["countries"] = [c if c.startswith("@") else c.upper() for c in countries]
    else:
        partner.pop("countries", None)
    if partner:
        out["partner"] = partner
    else:
        out.pop("partner", None)
    return out


#: Where a schema error on a direction is shown: the first form field its path starts with.
_ERROR_FIELDS = (
    ("code", "code"),
    ("title", "title"),
    ("quota", "quota_value"),
    ("budget.total", "budget"),
    ("budget.per_project", "per_project"),
    ("budget", "budget"),
    ("duration", "duration_value"),
    ("partner", "countries"),
)


def error_field(path: str) -> tuple[int, str] | None:
    """ "directions.3.quota.value" → (3, "quota_value"); None when no form field shows it."""
    m = re.match(r"^directions\.(\d+)(?:\.(.*))?$", path)
    if m is None or not m.group(2):
        return None
    rest = m.group(2)
    for prefix, field in _ERROR_FIELDS:
        if rest == prefix or rest.startswith(prefix + "."):
            return int(m.group(1)), field
    return None
