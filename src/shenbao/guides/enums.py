from django.db import models
from django.utils.translation import gettext_lazy as _


class GuideImportStatus(models.TextChoices):
    EXTRACTED = "extracted", _("Extracted, not yet saved")
    SAVED = "saved", _("Saved as a draft call")
