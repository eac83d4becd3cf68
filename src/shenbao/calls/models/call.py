from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.enums import (
    CALL_STATUS_LABELS,
    PRECISION_LABELS,
    TIMELINE_KIND_LABELS,
    CallStatus,
    Precision,
    choices,
)
from shenbao.calls.models.program import Program
from shenbao.core.text import text_get


class Call(models.Model):
    """One round of a program (指南/通知/征集).  ``definition`` is the validated source of truth;
    the other columns and the child tables are kept in step with it by the loader."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls", verbose_name=_("program"))
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title: models.JSONField[dict[str, str]] = models.JSONField(_("title"))
    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.PositiveSmallIntegerField(_("batch"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=choices(CALL_STATUS_LABELS), default=CallStatus.DRAFT.value)
    example = models.BooleanField(_("example (synthetic demo data)"), default=False)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    direction_label: models.JSONField[dict[str, str]] = models.JSONField(_("label of directions"))
    summary: models.JSONField[dict[str, str]] = models.JSONField(_("summary"), default=dict, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    deadline_tentative = models.BooleanField(_("deadline still to be set"), default=False)
    definition: models.JSONField[dict[str, Any]] = models.JSONField(_("definition"))
    definition_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    stated_totals: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    selection: models.JSONField[dict[str, Any]] = models.JSONField(_("selection rules"), default=dict, blank=True)
    agreement: models.JSONField[dict[str, Any]] = models.JSONField(_("agreement terms"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ("-deadline", "code")

    def __str__(self) -> str:
        return text_get(self.title, "zh-hans")


class CallDefinitionVersion(models.Model):
    """Every distinct definition a call has had, so a decision can be traced to its rules."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="versions", verbose_name=_("call"))
    version = models.PositiveIntegerField(_("version"))
    definition: models.JSONField[dict[str, Any]] = models.JSONField(_("definition"))
    definition_hash = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True, help_text=_("why the definition was changed (call editor)"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("definition version")
        verbose_name_plural = _("definition versions")
        ordering = ("call", "-version")
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="calls_definition_version_unique")]

    def __str__(self) -> str:
        return f"{self.call.code} v{self.version}"


class TimelineItem(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("call"))
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=30, choices=choices(TIMELINE_KIND_LABELS))
    label: models.JSONField[dict[str, str]] = models.JSONField(_("label"), default=dict, blank=True)
    note: models.JSONField[dict[str, str]] = models.JSONField(_("note"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), null=True, blank=True)
    start = models.DateTimeField(_("from"), null=True, blank=True)
    end = models.DateTimeField(_("until"), null=True, blank=True)
    precision = models.CharField(_("precision"), max_length=10, choices=choices(PRECISION_LABELS), default=Precision.MINUTE.value)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    tentative = models.BooleanField(_("to be set"), default=False)
    stage_code = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("timeline item")
        verbose_name_plural = _("timeline items")
        ordering = ("call", "position")
        constraints = [models.UniqueConstraint(fields=["call", "position"], name="calls_timeline_position_unique")]

    def __str__(self) -> str:
        return f"{self.call.code} {self.kind}"

    @property
    def sort_key(self) -> Any:
        return self.at or self.start or self.end
