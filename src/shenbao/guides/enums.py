from django.db import models
from django.utils.translation import gettext_lazy as _


class GuideImportStatus(models.TextChoices):
    QUEUED = "queued", _("Being read in the background")
    FAILED = "failed", _("Could not be read")
    EXTRACTED = "extracted", _("Extracted, not yet saved")
    SAVED = "saved", _("Saved as a draft call")
