"""A reviewer's draft and submitted review: scores validated against the stage's criteria."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from shenbao.accounts.models import User
from shenbao.core.lifecycle import transition
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, ReviewState
from shenbao.reviews.errors import ReviewClosed, ReviewConflict, ScoresInvalid
from shenbao.reviews.models import Assignment, Review, StageEntry
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.scoring import evaluate_scores, score_problems
from shenbao.reviews.transitions import REVIEW_LIFECYCLE


def review_for(assignment: Assignment) -> Review:
    """The assignment's review, created empty on first use."""
    review, _ = Review.objects.get_or_create(assignment=assignment)
    return review


@transaction.atomic
def save_review(
    *,
    assignment: Assignment,
    actor: User,
    expected_version: int,
    scores: dict[str, float | None],
    confidence: int | None = None,
    comment_to_applicant: str = "",
    comment_to_staff: str = "",
) -> Review:
    """Save a draft (autosave).  Scores may be incomplete; out-of-scale ones are refused at once.

    ``expected_version`` is the version the reviewer's page was showing: a change made in another
    window meanwhile is not overwritten."""
    review = _locked_review(assignment)
    if review.state == ReviewState.SUBMITTED:
        raise ReviewClosed()
    if review.version != expected_version:
        raise ReviewConflict()
    definition = stage_definition(assignment.stage)
    problems = score_problems(definition, scores, complete=False, language=translation.get_language())
    if problems:
        raise ScoresInvalid(problems)
    if confidence is not None and not 1 <= confidence <= 5:
        raise ScoresInvalid([gettext("Confidence is from 1 (low) to 5 (high).")])
    review.scores = dict(scores)
    review.confidence = confidence
    review.comment_to_applicant = comment_to_applicant.strip()
    review.comment_to_staff = comment_to_staff.strip()
    review.total = evaluate_scores(definition, scores)
    review.version += 1
    review.save()
    return review


@transaction.atomic
def submit_review(*, assignment: Assignment, actor: User) -> Review:
    """Submit the saved draft: every criterion scored (or marked not applicable where allowed)."""
    review = _locked_review(assignment)
    if review.state == ReviewState.SUBMITTED:
        return review  # a double click
    definition = stage_definition(assignment.stage)
    problems = score_problems(definition, review.scores, complete=True, language=translation.get_language())
    if problems:
        raise ScoresInvalid(problems)
    review.total = evaluate_scores(definition, review.scores)
    review.submitted_at = timezone.now()
    review.version += 1
    transition(
        review,
        REVIEW_LIFECYCLE,
        ReviewState.SUBMITTED,
        actor=actor,
        data={"stage": assignment.stage.code, "reviewer": assignment.reviewer_id, "total": review.total},
        also_update=("total", "submitted_at", "version"),
        audit_obj=assignment.application,
        action="shenbao.review.submitted",
    )
    return review


def _locked_review(assignment: Assignment) -> Review:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.ACTIVE:
        raise ReviewClosed()
    if not StageEntry.objects.filter(
        stage_id=locked.stage_id, application_id=locked.application_id, status=EntryStatus.IN_REVIEW
    ).exists():
        raise ReviewClosed()  # the stage has decided who advances: its reviews are closed
    review_for(locked)
    return Review.objects.select_for_update().get(assignment=locked)


@transaction.atomic
def save_and_submit_review(
    *,
    assignment: Assignment,
    actor: User,
    expected_version: int,
    scores: dict[str, float | None],
    confidence: int | None = None,
    comment_to_applicant: str = "",
    comment_to_staff: str = "",
) -> Review:
    """What the page's "Submit" does: the scores on screen are saved and submitted together, so a
    change made just before the click is never lost to an older draft."""
    save_review(
        assignment=assignment,
        actor=actor,
        expected_version=expected_version,
        scores=scores,
        confidence=confidence,
        comment_to_applicant=comment_to_applicant,
        comment_to_staff=comment_to_staff,
    )
    return submit_review(assignment=assignment, actor=actor)
