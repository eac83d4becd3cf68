from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from shenbao.core.audit import describe
from shenbao.core.errors import DomainError
from shenbao.core.models import AuditEntry, WorkCalendarYear
from shenbao.core.queries.calendar import years_awaited
from shenbao.core.services.calendar import check_calendar_year, save_calendar_year


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("created_at", "action", "object_repr", "actor", "description")
    list_filter = ("action",)
    search_fields = ("action", "object_repr", "object_id")
    readonly_fields = ("created_at", "action", "content_type", "object_id", "object_repr", "actor", "data")

    @admin.display
    def description(self, obj: AuditEntry) -> str:
        return describe(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _parse_dates(text: str) -> list[dt.date]:
    """Dates as an operator types them: ISO, one per line or separated by commas or spaces."""
    days = []
    for token in re.split(r"[\s,，、;；]+", text.strip()):
        if not token:
            continue
        try:
            days.append(dt.date.fromisoformat(token))
        except ValueError:
            raise ValidationError(_("%(value)s is not a date like 2027-01-01."), params={"value": token}) from None
    return days


class WorkCalendarYearForm(forms.ModelForm[WorkCalendarYear]):
    holidays_text = forms.CharField(
        label=_("holidays"), required=False, widget=forms.Textarea, help_text=_("One date per line, e.g. 2027-02-06.")
    )
    makeup_text = forms.CharField(
        label=_("make-up working days"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Weekend days that are working days (调休), one per line."),
    )

    class Meta:
        model = WorkCalendarYear
        fields = ("year",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["holidays_text"].initial = "\n".join(self.instance.holidays)
            self.fields["makeup_text"].initial = "\n".join(self.instance.makeup_workdays)

    def clean_holidays_text(self) -> list[dt.date]:
        return _parse_dates(self.cleaned_data["holidays_text"])

    def clean_makeup_text(self) -> list[dt.date]:
        return _parse_dates(self.cleaned_data["makeup_text"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"year", "holidays_text", "makeup_text"} <= data.keys():
            try:
                check_calendar_year(year=data["year"], holidays=data["holidays_text"], makeup_workdays=data["makeup_text"])
            except DomainError as exc:
                raise ValidationError(str(exc)) from exc
        return data


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(admin.ModelAdmin[WorkCalendarYear]):
    """Operators enter a year here; saving goes through ``save_calendar_year`` (validated, audited)."""

    form = WorkCalendarYearForm
    list_display = ("year", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def get_readonly_fields(self, request: HttpRequest, obj: WorkCalendarYear | None = None) -> tuple[str, ...]:
        # The year is the identity of the row; changing it would silently move a schedule.
        return (*self.readonly_fields, "year") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a year would change every deadline computed over it without an audit entry.
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Deadlines computed without a year's holidays are provisional until an operator enters it.
        for year, count in years_awaited().items():
            messages.warning(
                request,
                _("%(count)s provisional deadline(s) wait for %(year)s: enter its holidays and make-up working days.")
                % {"count": count, "year": year},
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: WorkCalendarYear, form: Any, change: bool) -> None:
        saved = save_calendar_year(
            actor=request.user,
            year=obj.year,
            holidays=form.cleaned_data["holidays_text"],
            makeup_workdays=form.cleaned_data["makeup_text"],
        )
        obj.pk = saved.pk
