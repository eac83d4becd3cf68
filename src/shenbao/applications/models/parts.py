"""Team members, partners and attachments of an application."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.labels import ORG_TYPE_LABELS, choices
from shenbao.applications.enums import InvitationStatus, PartnerSide
from shenbao.applications.files import stored_name
from shenbao.applications.models.application import Application


class TeamMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team", verbose_name=_("application"))
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=30)  # calls.definition.criteria.TeamRole
    presenter = models.BooleanField(_("presenter"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="team_memberships"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["application", "email"], name="app_team_email_unique")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Partner(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners", verbose_name=_("application"))
    side = models.CharField(_("side"), max_length=10, choices=PartnerSide.choices)
    name = models.CharField(_("organisation"), max_length=300)
    type = models.CharField(_("type"), max_length=30, choices=choices(ORG_TYPE_LABELS))
    country = models.CharField(_("country"), max_length=2)
    legal_person = models.BooleanField(_("has legal personality"), null=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    networks: models.JSONField[list[str]] = models.JSONField(_("networks"), default=list, blank=True)
    affiliation_valid_until = models.DateField(_("affiliation valid until"), null=True, blank=True)
    # Seed 003 2.4: only external persons of the CNR network need an affiliation proof; None = not stated.
    external_affiliation = models.BooleanField(_("affiliated as external persons"), null=True, blank=True, default=None)
    matching_funds_yuan = models.BigIntegerField(_("matching funds (yuan)"), default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: Attachment, filename: str) -> str:
    """Generated, with the extension of the sniffed format; the sender's name is only ``original_name``."""
    return stored_name(f"applications/{instance.application_id}", instance.detected_format or None)


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("application")
    )
    document_code = models.CharField(_("document"), max_length=64)
    file = models.FileField(_("file"), upload_to=attachment_path, blank=True)
    share_link = models.URLField(_("share link"), blank=True, max_length=1000)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    detected_format = models.CharField(_("detected format"), max_length=10, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    key = models.CharField(_("document number"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("application", "uploaded_at")

    def __str__(self) -> str:
        return self.original_name or self.share_link
