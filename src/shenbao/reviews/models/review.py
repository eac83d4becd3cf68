"""A reviewer's scores for one assignment, and the chair's sign-off of a stage's shortlist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import Direction, ReviewStage
from shenbao.reviews.enums import ReviewState
from shenbao.reviews.models.assignment import Assignment


class Review(models.Model):
    """Scores per criterion (None: not applicable, left out rather than counted as 0), comments and confidence.

    Each stage's reviews are separate: the same expert reviewing again in a later stage writes a new one."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment"))
    state = models.CharField(_("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT)
    scores: models.JSONField[dict[str, float | None]] = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.FloatField(_("total"), null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    comment_to_applicant = models.TextField(_("comments for the applicant"), blank=True)
    comment_to_staff = models.TextField(_("confidential comments for the committee"), blank=True)
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock for concurrent edits")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("revealed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.state}"


class ShortlistSignOff(models.Model):
    """The committee chair's sign-off of who advances from a stage (per direction where the stage is)."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="sign_offs", verbose_name=_("stage"))
    direction = models.ForeignKey(
        Direction, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("direction")
    )
    advanced: models.JSONField[list[int]] = models.JSONField(_("advanced applications"), default=list)
    ranking: models.JSONField[list[dict[str, Any]]] = models.JSONField(_("ranking as signed"), default=list)
    statement = models.TextField(_("chair's statement"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shortlist sign-off")
        verbose_name_plural = _("shortlist sign-offs")

    def __str__(self) -> str:
        return f"{self.stage_id} / {self.direction_id}"
