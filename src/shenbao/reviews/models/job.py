"""A run of the assignment on a large stage, queued for the task worker (issue 18): the board shows
its step and progress while the worker computes, and its outcome (or why it failed) once done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import ReviewStage
from shenbao.core.models.job import BackgroundRun
from shenbao.reviews.enums import AssignmentJobStatus


class AssignmentJob(BackgroundRun):
    """``parameters`` as ``run_assignment`` takes them (mode, k, seed, group_by_direction, bid weight, fair
    measure and loss); ``outcome``: ``created``, ``kept``, ``short`` and the run's id."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="assignment_jobs", verbose_name=_("stage"))
    status = models.CharField(_("status"), max_length=20, choices=AssignmentJobStatus.choices, default=AssignmentJobStatus.QUEUED)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignment_jobs", verbose_name=_("requested by")
    )

    class Meta:
        verbose_name = _("assignment run in the background")
        verbose_name_plural = _("assignment runs in the background")
        ordering = ("-created_at", "-pk")
        constraints = [
            # One run waits or runs per stage at a time: a double click queues one.
            models.UniqueConstraint(
                fields=["stage"], condition=models.Q(status__in=["queued", "running"]), name="reviews_one_open_assignment_job"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage_id} assignment job #{self.pk}"
