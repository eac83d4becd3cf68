"""A breach of an undertaking the call states (its ``obligations``), recorded by staff on an application."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models.application import Application


class ObligationBreach(models.Model):
    """Seed 000 "方案评审前不组织交流": when contact happened before the review, staff record it here with
    the reason; the audit log has the same entry."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="obligation_breaches", verbose_name=_("application")
    )
    obligation = models.CharField(_("obligation"), max_length=64)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("breach of an obligation")
        verbose_name_plural = _("breaches of obligations")
        ordering = ("application", "recorded_at", "pk")

    def __str__(self) -> str:
        return f"{self.application} {self.obligation}"
