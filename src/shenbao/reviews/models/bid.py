"""Bids: before assignment, a reviewer of the pool says how they feel about reviewing an application."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application
from shenbao.calls.models import ReviewStage


class BidKind(models.TextChoices):
    EAGER = "eager", _("Eager to review")
    WILLING = "willing", _("Willing to review")
    NOT_WILLING = "not_willing", _("Not willing to review")
    CONFLICT = "conflict", _("Conflict of interest")


class Bid(models.Model):
    """One reviewer's bid on one application of a stage (a pair without a bid is neutral).

    A "conflict" bid carries its reason and is also kept as a declared conflict (source "bid"),
    so the 回避 board and every assignment respect it."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="bids", verbose_name=_("stage"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("application"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_bids", verbose_name=_("reviewer")
    )
    kind = models.CharField(_("bid"), max_length=20, choices=BidKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.UniqueConstraint(fields=["stage", "application", "reviewer"], name="reviews_bid_unique"),
        ]
        indexes = [models.Index(fields=["stage", "reviewer"], name="reviews_bid_stage_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.application_id}: {self.kind}"
