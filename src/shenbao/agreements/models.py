"""One agreement per award, with its signing deadline and who has signed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.agreements.enums import AgreementStatus, DelayCause
from shenbao.applications.files import extension_of, stored_name
from shenbao.awards.models import Award
from shenbao.calls.models import Call


def signed_copy_path(instance: Agreement, filename: str) -> str:
    """Generated; the extension is the sniffed format the service names the file with."""
    return stored_name(f"agreements/{timezone.now():%Y}", extension_of(filename))


def text_path(instance: models.Model, filename: str) -> str:
    return stored_name(f"agreements/{timezone.now():%Y}", "docx")


class AgreementTemplate(models.Model):
    """The call's agreement (任务书) template, a Word file with placeholders such as ``{{project_title}}``
    (``agreements.services.text.PLACEHOLDERS``) that each agreement's text is generated from."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="agreement_template", verbose_name=_("call"))
    file = models.FileField(_("template"), upload_to=text_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")

    def __str__(self) -> str:
        return str(self.call_id)


class Agreement(models.Model):
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("award"))
    # The day the term counts from: the publication of the results (seed 000: 自结果发布之日起), or
    # the day of the offer for a reserve offered a forfeited or declined award.  Opening the
    # agreements later, or again, never moves it.
    starts_on = models.DateField(_("term counts from"), null=True, blank=True)
    deadline = models.DateField(_("sign by"), null=True, blank=True, help_text=_("The last day, in the call's time zone."))
    # Computed over a year the working-day calendar lacks (weekends only); computed again, never
    # earlier, once the year is entered.
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    funder_confirmed_at = models.DateTimeField(_("confirmed for the funder at"), null=True, blank=True)
    funder_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed for the funder by"),
    )
    status = models.CharField(_("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.PENDING)
    pi_confirmed_at = models.DateTimeField(_("confirmed by the PI at"), null=True, blank=True)
    institution_confirmed_at = models.DateTimeField(_("confirmed by the institution at"), null=True, blank=True)
    institution_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed for the institution by"),
    )
    signed_copy = models.FileField(_("signed copy"), upload_to=signed_copy_path, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    forfeited_at = models.DateTimeField(_("forfeited at"), null=True, blank=True)
    delay_cause = models.CharField(_("cause of the delay"), max_length=20, choices=DelayCause.choices, blank=True)
    delay_note = models.TextField(_("about the delay"), blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    # The agreement's text generated from the call's template; every confirmation refers to its SHA-256.
    text = models.FileField(_("agreement text"), upload_to=text_path, blank=True)
    text_sha256 = models.CharField(_("SHA-256 of the agreement text"), max_length=64, blank=True)
    text_generated_at = models.DateTimeField(_("text generated at"), null=True, blank=True)
    # The approved budget table (核定预算): the application's budget field adjusted by staff to the amount
    # awarded, stored as the field's value (``{"lines": {line: {source: amount}}, "notes": …}``, amounts in
    # the call's unit); changed later only by an approved budget reallocation (项目变更).
    approved_budget_field = models.CharField(_("budget field"), max_length=64, blank=True)
    approved_budget: models.JSONField[dict[str, Any]] = models.JSONField(_("approved budget"), default=dict, blank=True)
    approved_budget_reason = models.TextField(_("reason for the approved budget"), blank=True)
    approved_budget_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("budget approved by"),
    )
    approved_budget_at = models.DateTimeField(_("budget approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ("deadline", "pk")

    def __str__(self) -> str:
        return f"{self.award.application.receipt_number}: {self.status}"

    def days_left(self, today: dt.date) -> int | None:
        return (self.deadline - today).days if self.deadline else None
