from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for signatures")
    SIGNED = "signed", _("Signed")
    FORFEITED = "forfeited", _("Forfeited")
