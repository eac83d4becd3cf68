"""The applicant's response to a stage's reviews (答辩 / rebuttal) and the reviewers' revised scores.

A window is opened once per stage by staff; each application answers at most once per window
(later edits before the deadline are kept as numbered revisions).  A reviewer who revises a
submitted review after reading the answer leaves the earlier scores and comments behind as a
``ReviewRevision``, so the change can be shown to staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application
from shenbao.calls.models import ReviewStage
from shenbao.reviews.models.review import Review


class ResponseWindow(models.Model):
    """The time in which the applicants of a stage may answer its reviews."""

    stage = models.OneToOneField(ReviewStage, on_delete=models.CASCADE, related_name="response_window", verbose_name=_("stage"))
    opened_at = models.DateTimeField(_("opened at"))
    closes_at = models.DateTimeField(_("closes at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by")
    )
    applications: models.JSONField[list[int]] = models.JSONField(
        _("applications invited to respond"), default=list, help_text=_("Those with submitted reviews when it opened.")
    )

    class Meta:
        verbose_name = _("response window")
        verbose_name_plural = _("response windows")

    def __str__(self) -> str:
        return f"{self.stage_id}: {self.opened_at:%Y-%m-%d} – {self.closes_at:%Y-%m-%d}"


class ApplicantResponse(models.Model):
    """One application's answer in a window: the current text; every saved text is a revision."""

    window = models.ForeignKey(ResponseWindow, on_delete=models.CASCADE, related_name="responses", verbose_name=_("window"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_responses", verbose_name=_("application")
    )
    text = models.TextField(_("response"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("first submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("applicant's response")
        verbose_name_plural = _("applicants' responses")
        constraints = [models.UniqueConstraint(fields=["window", "application"], name="reviews_response_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.window_id} r{self.revision}"


class ApplicantResponseRevision(models.Model):
    """A text of the response as it was saved (the last one is the current text)."""

    response = models.ForeignKey(
        ApplicantResponse, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("response")
    )
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("response"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revision of a response")
        verbose_name_plural = _("revisions of responses")
        ordering = ("number",)
        constraints = [models.UniqueConstraint(fields=["response", "number"], name="reviews_response_revision_unique")]

    def __str__(self) -> str:
        return f"{self.response_id} r{self.number}"


class ReviewRevision(models.Model):
    """A submitted review as it stood before its reviewer revised it (after the applicant's response)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("review"))
    number = models.PositiveIntegerField(_("revision"))
    scores: models.JSONField[dict[str, float | None]] = models.JSONField(_("scores"), default=dict)
    total = models.FloatField(_("total"), null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    comment_to_applicant = models.TextField(_("comments for the applicant"), blank=True)
    comment_to_staff = models.TextField(_("confidential comments for the committee"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reason = models.TextField(_("reason for the revision"), blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("revised by")
    )
    revised_at = models.DateTimeField(_("revised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier version of a review")
        verbose_name_plural = _("earlier versions of reviews")
        ordering = ("number",)
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="reviews_review_revision_unique")]

    def __str__(self) -> str:
        return f"{self.review_id} r{self.number}"
