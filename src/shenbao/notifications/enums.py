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
