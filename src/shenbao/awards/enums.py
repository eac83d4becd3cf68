"""States of the awards app (DESIGN §4, §6.6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    """复审 outcomes: 复审成立 / 复审不成立 (an objection's are 异议成立 / 异议不成立, hence the context)."""

    REQUESTED = "requested", _("Requested")
    UPHELD = "upheld", pgettext_lazy("reconsideration", "Upheld")
    REJECTED = "rejected", pgettext_lazy("reconsideration", "Rejected")


class SelectionJobStatus(models.TextChoices):
    """A run of the selection queued for the worker (a large call, issue 18)."""

    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being computed")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
