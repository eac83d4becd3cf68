"""Selection runs, kept with their inputs so a decision can be reproduced, and the awards they approve."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application
from shenbao.awards.enums import AwardStatus, RunStatus
from shenbao.calls.models import Call, Direction


class SelectionRun(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="selection_runs", verbose_name=_("call"))
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.PROPOSED)
    inputs: models.JSONField[dict[str, Any]] = models.JSONField(_("inputs"), default=dict)
    result: models.JSONField[dict[str, Any]] = models.JSONField(_("result"), default=dict)
    pinned: models.JSONField[list[int]] = models.JSONField(_("pinned applications"), default=list, blank=True)
    excluded: models.JSONField[list[int]] = models.JSONField(_("excluded applications"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("run by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.call.code} #{self.pk} ({self.status})"


class Award(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="awards", verbose_name=_("call"))
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award", verbose_name=_("application"))
    run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="awards", verbose_name=_("selection run"))
    direction = models.ForeignKey(
        Direction, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("direction")
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    amount_yuan = models.BigIntegerField(_("amount (yuan)"), null=True, blank=True)
    tier = models.CharField(_("prize tier"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.APPROVED)
    explanation: models.JSONField[dict[str, Any]] = models.JSONField(_("explanation"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ("direction__position", "rank")

    def __str__(self) -> str:
        return f"{self.application.receipt_number} ({self.status})"
