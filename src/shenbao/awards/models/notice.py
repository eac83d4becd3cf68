"""The public notice (公示) of a call's results and the objections raised during it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.applications.files import extension_of, stored_name
from shenbao.applications.models import Application
from shenbao.awards.enums import NoticeStatus, ObjectionStatus, ReconsiderationKind, ReconsiderationStatus
from shenbao.awards.models.selection import Award
from shenbao.calls.models import Call


class PublicNotice(models.Model):
    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="public_notice", verbose_name=_("call"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by")
    )

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="awards_notice_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.call.code}: {self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"


def objection_evidence_path(instance: Objection, filename: str) -> str:
    """Generated; the extension is the sniffed format the service names the file with."""
    return stored_name(f"objections/{timezone.now():%Y}", extension_of(filename))


class Objection(models.Model):
    """A named objection to an award during the notice period, with evidence; staff record the outcome."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="objections", verbose_name=_("notice"))
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="objections", verbose_name=_("award"))
    name = models.CharField(_("your name"), max_length=100)
    email = models.EmailField(_("your e-mail"))
    organisation = models.CharField(_("your organisation"), max_length=200, blank=True)
    text = models.TextField(_("objection"))
    evidence = models.FileField(_("evidence"), upload_to=objection_evidence_path, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED)
    outcome = models.TextField(_("outcome"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.name} → {self.award.application.receipt_number}"


class Reconsideration(models.Model):
    """An applicant's request for reconsideration (复审) of a formal-check rejection or a non-award."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reconsiderations", verbose_name=_("application")
    )
    kind = models.CharField(_("of"), max_length=20, choices=ReconsiderationKind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReconsiderationStatus.choices, default=ReconsiderationStatus.REQUESTED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconsideration")
        verbose_name_plural = _("reconsiderations")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="awards_one_reconsideration_per_kind")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.kind} ({self.status})"
