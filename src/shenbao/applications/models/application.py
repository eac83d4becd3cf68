"""The application aggregate: its current content, frozen revisions and decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Organisation
from shenbao.applications.enums import ApplicationState, FormalCheckOutcome
from shenbao.calls.models import Call, Direction


class Application(models.Model):
    # No index of its own: the (call, state) and (call, applicant) indexes below lead with it, and every
    # index is one more write when a submission changes the row.
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"), db_index=False)
    direction = models.ForeignKey(
        Direction, null=True, blank=True, on_delete=models.PROTECT, related_name="applications", verbose_name=_("direction")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead organisation")
    )
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT)
    receipt_number = models.CharField(_("receipt number"), max_length=40, null=True, blank=True)  # unique: Meta
    title = models.CharField(_("project name"), max_length=300, blank=True)
    english_title = models.CharField(_("English title"), max_length=300, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    requested_yuan = models.BigIntegerField(_("requested grant (yuan)"), null=True, blank=True)
    fields: models.JSONField[list[str]] = models.JSONField(_("fields"), default=list, blank=True)
    subtopics = models.PositiveSmallIntegerField(_("sub-topics"), null=True, blank=True)
    trl = models.PositiveSmallIntegerField(_("technology readiness level"), null=True, blank=True)
    values: models.JSONField[dict[str, Any]] = models.JSONField(_("form values"), default=dict, blank=True)
    declarations: models.JSONField[list[str]] = models.JSONField(_("confirmed declarations"), default=list, blank=True)
    negative_event = models.BooleanField(_("serious negative event declared"), null=True, blank=True)
    nomination_route = models.CharField(_("nomination route"), max_length=40, blank=True)
    entry_language = models.CharField(_("entry language"), max_length=10, blank=True)
    foreign_entry = models.BooleanField(_("foreign entry"), default=False)
    external: models.JSONField[list[dict[str, Any]]] = models.JSONField(_("external programmes"), default=list, blank=True)
    bilateral: models.JSONField[dict[str, Any] | None] = models.JSONField(
        _("comparison with the partner's submission"), null=True, blank=True
    )
    check_results: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        _("requirement check at submission"), default=list, blank=True
    )
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock for concurrent edits")
    revision = models.PositiveIntegerField(_("revision"), default=0)
    submit_key = models.CharField(max_length=64, blank=True, help_text="idempotency key of the submission")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["call", "state"], name="app_call_state_idx"),
            models.Index(fields=["call", "applicant"], name="app_call_applicant_idx"),
        ]
        # A constraint rather than unique=True: PostgreSQL gets no second, pattern-matching index.
        constraints = [models.UniqueConstraint(fields=["receipt_number"], name="app_receipt_number_unique")]

    def __str__(self) -> str:
        return self.receipt_number or f"#{self.pk} {self.title}".strip()


class ApplicationRevision(models.Model):
    """A frozen, numbered snapshot of a submitted application (DESIGN §4)."""

    # Indexed by the (application, number) constraint, which leads with it.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("application"), db_index=False
    )
    number = models.PositiveIntegerField(_("revision"))
    content: models.JSONField[dict[str, Any]] = models.JSONField(_("content"))
    content_hash = models.CharField(max_length=64)
    reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ("application", "number")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="app_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.application} r{self.number}"


class LateSubmissionToken(models.Model):
    """A staff-issued, expiring permission for one applicant to submit after the deadline."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="late_tokens", verbose_name=_("call"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("applicant")
    )
    token = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    reason = models.CharField(_("reason"), max_length=500)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("late-submission token")
        verbose_name_plural = _("late-submission tokens")

    def __str__(self) -> str:
        return f"{self.call.code} · {self.applicant} · {self.expires_at:%Y-%m-%d %H:%M}"


class FormalCheckDecision(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="formal_checks", verbose_name=_("application")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=FormalCheckOutcome.choices)
    reason = models.TextField(_("reason shown to the applicant"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField(_("revision checked"))

    class Meta:
        verbose_name = _("formal-check decision")
        verbose_name_plural = _("formal-check decisions")
        ordering = ("application", "-decided_at")

    def __str__(self) -> str:
        return f"{self.application} {self.outcome}"
