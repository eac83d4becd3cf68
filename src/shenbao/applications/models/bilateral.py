"""The partner agency's list last imported for a bilateral call, and the report it gave."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import Call


class PartnerList(models.Model):
    """One per call: a new import replaces the previous one (the audit log keeps the history)."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="partner_list", verbose_name=_("call"))
    source = models.CharField(_("file name"), max_length=255, blank=True)
    #: The partner's rows as read (bilateral.TheirSide as plain data), so the comparison can be run again.
    rows: models.JSONField[list[dict[str, Any]]] = models.JSONField(_("rows"), default=list)
    #: The comparison as it was made: per application and the partner rows nobody claimed.
    report: models.JSONField[dict[str, Any]] = models.JSONField(_("report"), default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"))
    compared_at = models.DateTimeField(_("compared at"))

    class Meta:
        verbose_name = _("partner agency's list")
        verbose_name_plural = _("partner agencies' lists")

    def __str__(self) -> str:
        return f"{self.call.code}: {self.source}"
