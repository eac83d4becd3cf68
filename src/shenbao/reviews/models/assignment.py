"""Which applications are in a stage, and who reviews them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application
from shenbao.calls.models import ReviewStage
from shenbao.reviews.enums import AssignmentMode, AssignmentStatus, EntryStatus


class StageEntry(models.Model):
    """An application taking part in a review stage (the first scoring stage takes those that passed
    the formal check; later stages take those that advanced)."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="entries", verbose_name=_("stage"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_entries", verbose_name=_("application")
    )
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.IN_REVIEW)
    reason: models.JSONField[dict[str, Any]] = models.JSONField(_("reason"), default=dict, blank=True)
    reveal_order = models.PositiveIntegerField(_("order of presentation"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application in a stage")
        verbose_name_plural = _("applications in a stage")
        constraints = [models.UniqueConstraint(fields=["stage", "application"], name="reviews_entry_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.stage_id}: {self.status}"


class AssignmentRun(models.Model):
    """One run of the assignment solver, kept with its inputs so the draw can be reproduced."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="assignment_runs", verbose_name=_("stage"))
    mode = models.CharField(_("mode"), max_length=20, choices=AssignmentMode.choices)
    reviewers_per_application = models.PositiveSmallIntegerField(_("reviewers per application"))
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    parameters: models.JSONField[dict[str, Any]] = models.JSONField(_("parameters"), default=dict)
    summary: models.JSONField[dict[str, Any]] = models.JSONField(_("summary"), default=dict)
    shortfalls: models.JSONField[list[dict[str, Any]]] = models.JSONField(_("applications left short"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("run by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.mode} #{self.pk}"


class Assignment(models.Model):
    """A reviewer assigned to an application in a stage, with why (affinity, matched keywords)."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("stage"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("reviewer")
    )
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE)
    mode = models.CharField(_("how assigned"), max_length=20, choices=AssignmentMode.choices)
    run = models.ForeignKey(
        AssignmentRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments", verbose_name=_("run")
    )
    locked = models.BooleanField(_("locked"), default=False, help_text=_("A re-run of the solver keeps it."))
    affinity = models.FloatField(_("expertise match"), null=True, blank=True)
    explanation: models.JSONField[dict[str, Any]] = models.JSONField(_("explanation"), default=dict, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["stage", "application", "reviewer"], name="reviews_assignment_unique")]
        indexes = [models.Index(fields=["reviewer", "status"], name="reviews_assignment_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.application_id} ({self.status})"
