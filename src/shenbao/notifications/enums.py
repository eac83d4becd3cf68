"""States of an outgoing mail in the outbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    HELD = "held", _("Held for review")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class BulkAudience(models.TextChoices):
    """Who of a list receives a bulk mail."""

    APPLICANTS = "applicants", _("Applicants")
    TEAMS = "teams", _("Applicants and their team members")
    OFFICERS = "officers", _("Institution officers of the lead organisations")
    REVIEWERS = "reviewers", _("Reviewers")
