"""Organisations (universities, enterprises, foreign partners, parks …) and who belongs to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.labels import MEMBERSHIP_ROLE_LABELS, ORG_TYPE_LABELS, choices
from shenbao.accounts.validators import validate_credit_code
from shenbao.core.text import text_get


class Organisation(models.Model):
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"), help_text=_('{"zh-hans": "…", "en": "…"}'))
    type = models.CharField(_("type"), max_length=30, choices=choices(ORG_TYPE_LABELS))
    country = models.CharField(_("country"), max_length=2, default="CN", help_text=_("ISO 3166 country code."))
    legal_person = models.BooleanField(_("has legal personality"), default=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code])
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="accounts_org_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")

    def display_name(self, language: str | None) -> str:
        return text_get(self.name, language)

    @property
    def is_foreign(self) -> bool:
        return self.country != "CN"


class Membership(models.Model):
    """A person's affiliation with an organisation, with dates (conflict checks look back N years)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=choices(MEMBERSHIP_ROLE_LABELS), default=MembershipRole.MEMBER.value
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary affiliation"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="accounts_membership_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


__all__ = ["Membership", "OrgType", "Organisation"]
