"""The institution's endorsement decisions (依托单位审核)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.enums import EndorsementOutcome
from shenbao.applications.models.application import Application


class EndorsementDecision(models.Model):
    """An institution officer endorsed the application or returned it, with the reason the applicant sees."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("application")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=EndorsementOutcome.choices)
    reason = models.TextField(_("reason shown to the applicant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    revision = models.PositiveIntegerField(_("revision endorsed"))

    class Meta:
        verbose_name = _("endorsement decision")
        verbose_name_plural = _("endorsement decisions")
        ordering = ("application", "-decided_at", "-pk")

    def __str__(self) -> str:
        return f"{self.application} {self.outcome}"
