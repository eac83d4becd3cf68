"""States of the documents app's background files (issue 18)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FileJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Removed after the retention period")
