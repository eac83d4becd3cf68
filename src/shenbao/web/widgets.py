"""Date inputs that render the ISO value a browser's date picker takes, whatever the language.

Django renders a date through the active locale's first input format: ``1988/06/01`` in
Chinese.  ``<input type="date">`` accepts only ``1988-06-01`` and shows an empty field for
anything else, so saving the form unchanged erased the date (issue 13.7).  Every date or
datetime field of the web forms uses these widgets.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class IsoDateField(forms.DateField):
    """A date field rendered as an ISO date input; it accepts what the browser posts (ISO) in every locale."""

    widget = IsoDateInput
