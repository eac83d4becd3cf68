"""A run of the selection on a large call, queued for the task worker (issue 18): the results page
shows its step and progress while the worker computes, and its outcome (or why it failed) once done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.awards.enums import SelectionJobStatus
from shenbao.calls.models import Call
from shenbao.core.models.job import BackgroundRun


class SelectionJob(BackgroundRun):
    """``parameters`` as ``run_selection`` takes them (pins, excludes, tier_counts); ``outcome``: the saved
    run's id, its solver status and how many were selected."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="selection_jobs", verbose_name=_("call"))
    status = models.CharField(_("status"), max_length=20, choices=SelectionJobStatus.choices, default=SelectionJobStatus.QUEUED)
    error_code = models.CharField(_("error"), max_length=60, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="selection_jobs", verbose_name=_("requested by")
    )

    class Meta:
        verbose_name = _("selection run in the background")
        verbose_name_plural = _("selection runs in the background")
        ordering = ("-created_at", "-pk")
        constraints = [
            # One run waits or runs per call at a time: a double click queues one.
            models.UniqueConstraint(
                fields=["call"], condition=models.Q(status__in=["queued", "running"]), name="awards_one_open_selection_job"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id} selection job #{self.pk}"
