"""The fields a stage-sized run in the background shares (``core.jobs.run_job`` reads and writes them):
the form's choices, the requester's language, the step and progress, and the outcome or the refusal."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundRun(models.Model):
    #: The form's choices, as the service's run function takes them.
    parameters: models.JSONField[dict[str, Any]] = models.JSONField(_("parameters"), default=dict)
    language = models.CharField(_("language"), max_length=10)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_step = models.CharField(_("step"), max_length=20, blank=True)
    outcome: models.JSONField[dict[str, Any]] = models.JSONField(_("result of the run"), default=dict, blank=True)
    #: The refusal in the requester's language (a rule of the stage or call).
    error_message = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
