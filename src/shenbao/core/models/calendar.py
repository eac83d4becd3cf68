"""Working-day calendar years entered by an operator (when the package's data runs out)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkCalendarYear(models.Model):
    """One year's official holiday schedule, as the State Council published it.

    Dates are stored as ISO strings in JSON lists: a year has a few dozen of them, they are
    always read together, and the pure ``shenbao.core.workdays`` module takes them as plain
    data.  A stored year replaces the ``chinese-calendar`` package's data for that year.
    Written only through ``shenbao.core.services.calendar.save_calendar_year``.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holidays: models.JSONField[list[str]] = models.JSONField(_("holidays"), default=list, blank=True)
    makeup_workdays: models.JSONField[list[str]] = models.JSONField(_("make-up working days"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("working-day calendar year")
        verbose_name_plural = _("working-day calendar years")
        ordering = ("year",)

    def __str__(self) -> str:
        return str(self.year)
