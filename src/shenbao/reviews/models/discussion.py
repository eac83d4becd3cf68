"""What the people of a stage say about an application besides their scores (issue 20): the
reviewers' and staff's discussion, staff's internal notes, and the panel head's opinion (专家组意见).

The recommendation's choices live here rather than in ``enums.py`` so this aggregate stays in one
module."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application
from shenbao.calls.models import Direction, DirectionCategory, ReviewStage


class PanelRecommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommended for funding")
    RECOMMEND_WITH_CHANGES = "with_changes", _("Recommended with changes")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class DiscussionComment(models.Model):
    """One comment in the discussion of an application within a stage; ``reply_to`` threads it.

    Comments are kept as written (no edit, no delete): the discussion is part of the record."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="+", verbose_name=_("stage"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="discussion_comments", verbose_name=_("application")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies", verbose_name=_("in reply to")
    )
    body = models.TextField(_("comment"))
    mentioned: models.JSONField[list[int]] = models.JSONField(_("people mentioned"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discussion comment")
        verbose_name_plural = _("discussion comments")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["stage", "application"], name="reviews_discussion_thread")]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.stage_id} #{self.pk}"


class InternalNote(models.Model):
    """A note staff keep on an application: never shown to reviewers or applicants."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="internal_notes", verbose_name=_("application")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.application_id} #{self.pk}"


class PanelHead(models.Model):
    """The head of a stage's panel (专家组组长) for a direction, a category of directions, or the
    whole stage (neither): they write the panel's opinion on its applications."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="panel_heads", verbose_name=_("stage"))
    direction = models.ForeignKey(
        Direction, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("direction")
    )
    category = models.ForeignKey(
        DirectionCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("panel head"))
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("appointed by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("panel head")
        verbose_name_plural = _("panel heads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__isnull=True) | models.Q(category__isnull=True),
                name="reviews_panel_head_one_scope",
            ),
            models.UniqueConstraint(fields=["stage", "direction", "category"], name="reviews_panel_head_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} heads {self.stage_id}/{self.direction_id or self.category_id or '*'}"


class PanelOpinion(models.Model):
    """The panel's opinion and recommendation on an application in a stage, written by its head."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="+", verbose_name=_("stage"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="panel_opinions", verbose_name=_("application")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by"))
    opinion = models.TextField(_("panel opinion"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=PanelRecommendation.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("panel opinion")
        verbose_name_plural = _("panel opinions")
        constraints = [models.UniqueConstraint(fields=["stage", "application"], name="reviews_panel_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.stage_id}: {self.recommendation}"
