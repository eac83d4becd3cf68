"""States of the awards app (DESIGN §4, §6.6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class AwardStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    FINAL = "final", _("Final")
    REVOKED = "revoked", _("Revoked")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open for objections")
    CLOSED = "closed", _("Closed")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class ReconsiderationKind(models.TextChoices):
    FORMAL_CHECK = "formal_check", _("Formal-check rejection")
    NON_AWARD = "non_award", _("Not selected")


class ReconsiderationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")
