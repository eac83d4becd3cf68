"""Revealing the judges' scores one by one on the projector (评委亮分)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.calls.models import ReviewStage
from shenbao.core.audit import log_action
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import Review, StageEntry
from shenbao.reviews.queries.live import current_entry, live_entries


@transaction.atomic
def reveal_next(*, stage: ReviewStage, actor: User) -> Review:
    """Reveal the next submitted score of the entry on stage; a judge still scoring keeps the room waiting."""
    ReviewStage.objects.select_for_update().get(pk=stage.pk)  # two clicks reveal two scores, never the same one twice
    current = current_entry(live_entries(stage))
    if current is None:
        raise StageNotReady(_("Every score is revealed."))
    review = (
        Review.objects.filter(
            assignment__stage=stage,
            assignment__application=current.application,
            assignment__status=AssignmentStatus.ACTIVE,
            state=ReviewState.SUBMITTED,
            revealed_at__isnull=True,
        )
        .order_by("submitted_at", "pk")
        .first()
    )
    if review is None:
        raise StageNotReady(_("Waiting for the judges' scores for “%(title)s”."), params={"title": current.application.title})
    review.revealed_at = timezone.now()
    review.save(update_fields=["revealed_at"])
    log_action(
        action="shenbao.review.score_revealed",
        obj=current.application,
        actor=actor,
        data={"stage": stage.code, "reviewer": review.assignment.reviewer_id, "total": review.total},
    )
    return review


@transaction.atomic
def set_presentation_order(*, stage: ReviewStage, application_ids: list[int], actor: User) -> None:
    for position, pk in enumerate(application_ids, start=1):
        StageEntry.objects.filter(stage=stage, application_id=pk).update(reveal_order=position)
    log_action(action="shenbao.review.presentation_ordered", obj=stage, actor=actor, data={"order": application_ids})
