"""The reviewer pool of a call, and the conflicts (回避) declared by reviewers and applicants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Organisation
from shenbao.applications.models import Application
from shenbao.calls.models import Call
from shenbao.reviews.enums import PoolStatus


class PoolMember(models.Model):
    """An expert invited to review a call, with their load limit and availability for it.

    Expertise (keywords and text) lives on the person's profile so it is kept across calls;
    declared collaborators are per expert too, but a call may add its own."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reviewer_pool", verbose_name=_("call"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_pools", verbose_name=_("expert")
    )
    status = models.CharField(_("status"), max_length=20, choices=PoolStatus.choices, default=PoolStatus.INVITED)
    token = models.CharField(max_length=64, unique=True)
    load_limit = models.PositiveSmallIntegerField(
        _("load limit"), null=True, blank=True, help_text=_("Empty: the call's default load limit.")
    )
    available = models.BooleanField(_("available"), default=True)
    collaborators: models.JSONField[list[str]] = models.JSONField(
        _("declared collaborators"), default=list, blank=True, help_text=_("Names or e-mail addresses, one per entry.")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer in the pool")
        verbose_name_plural = _("reviewer pool")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="reviews_pool_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.call.code}"


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("declared on an assignment")
    BID = "bid", _("declared in bidding")


class DeclaredConflict(models.Model):
    """A conflict the reviewer declares: with one application, or with an organisation (all its applications)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", verbose_name=_("call"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts", verbose_name=_("reviewer")
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("application")
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    reason = models.CharField(_("reason"), max_length=300)
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices, default=ConflictSource.DECLARED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(organisation__isnull=False),
                name="reviews_conflict_names_something",
            )
        ]

    def __str__(self) -> str:
        return self.reason


class ExclusionRequest(models.Model):
    """An expert the applicant asks not to review their application (回避申请), up to the call's cap."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="exclusion_requests", verbose_name=_("application")
    )
    name = models.CharField(_("expert's name"), max_length=100)
    organisation = models.CharField(_("expert's organisation"), max_length=200, blank=True)
    email = models.EmailField(_("expert's e-mail"), blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exclusion request")
        verbose_name_plural = _("exclusion requests")

    def __str__(self) -> str:
        return self.name
