"""The applicant's response to the reviews (答辩): staff open a stage's window, applicants answer
within its limit and deadline, reviewers may then revise their submitted scores (the earlier ones
are kept as a ``ReviewRevision``)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.definition.schema import ApplicantResponseSettings
from shenbao.calls.models import ReviewStage
from shenbao.core import present
from shenbao.core.audit import log_action
from shenbao.core.timeutil import localise
from shenbao.notifications.mail import notify
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, ReviewState
from shenbao.reviews.errors import (
    ResponseDeadlinePassed,
    ResponseEmpty,
    ResponseNotEnabled,
    ResponseNothingToAnswer,
    ResponseNotInvited,
    ResponseTooLong,
    ResponseWindowAlreadyOpen,
    ResponseWindowClosed,
    ReviewConflict,
    RevisionNotOpen,
    RevisionOfDraft,
    ScoresInvalid,
)
from shenbao.reviews.models import (
    ApplicantResponse,
    ApplicantResponseRevision,
    Assignment,
    ResponseWindow,
    Review,
    ReviewRevision,
)
from shenbao.reviews.queries.response import response_settings
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.scoring import evaluate_scores, score_problems
from shenbao.reviews.services.reviews import _locked_review


def _closing(settings: ApplicantResponseSettings, stage: ReviewStage, now: dt.datetime) -> dt.datetime:
    if settings.deadline is not None:
        return localise(settings.deadline, stage.call.timezone)
    assert settings.duration_days is not None  # the schema asks for one of the two
    return now + dt.timedelta(days=settings.duration_days)


@transaction.atomic
def open_response_window(*, stage: ReviewStage, actor: User, now: dt.datetime | None = None) -> ResponseWindow:
    """Open the stage's window and tell every applicant whose application has a submitted review."""
    now = now or timezone.now()
    settings = response_settings(stage)
    if settings is None:
        raise ResponseNotEnabled()
    ReviewStage.objects.select_for_update().get(pk=stage.pk)  # two clicks open one window
    if ResponseWindow.objects.filter(stage=stage).exists():
        raise ResponseWindowAlreadyOpen()
    closes_at = _closing(settings, stage, now)
    if closes_at <= now:
        raise ResponseDeadlinePassed(present.beijing(closes_at))
    in_review = stage.entries.filter(status=EntryStatus.IN_REVIEW).values_list("application_id", flat=True)
    reviewed = sorted(
        set(
            Review.objects.filter(
                assignment__stage=stage,
                assignment__status=AssignmentStatus.ACTIVE,
                assignment__application_id__in=in_review,
                state=ReviewState.SUBMITTED,
            ).values_list("assignment__application_id", flat=True)
        )
    )
    if not reviewed:
        raise ResponseNothingToAnswer()
    window = ResponseWindow.objects.create(
        stage=stage, opened_at=now, closes_at=closes_at, opened_by=actor, applications=reviewed
    )
    log_action(
        action="shenbao.review.response_window_opened",
        obj=stage,
        actor=actor,
        data={"closes_at": closes_at.isoformat(), "applications": len(reviewed), "max_characters": settings.max_characters},
    )
    for application in Application.objects.filter(pk__in=reviewed).select_related("applicant", "call").order_by("pk"):
        applicant = application.applicant
        notify(
            to=applicant.email,
            language=applicant.language,
            template="response_window_opened",
            context={
                "call_title": application.call.title,
                "title": application.title,
                "number": application.receipt_number,
                "applicant": str(applicant),
                "stage_name": stage.name,
                "closes_at": closes_at,
                "max_characters": settings.max_characters,
            },
            call=application.call,
            related=application,
            link=reverse("web:application_response", args=[application.pk, stage.pk]),
            user=applicant,
        )
    return window


@transaction.atomic
def submit_response(
    *, window: ResponseWindow, application: Application, actor: User, text: str, now: dt.datetime | None = None
) -> ApplicantResponse:
    """Save the applicant's answer (the first time, or a change before the deadline).

    Sending the same text again changes nothing (a double click); a changed text is a new revision."""
    now = now or timezone.now()
    window = ResponseWindow.objects.select_for_update().select_related("stage__call").get(pk=window.pk)
    if application.pk not in window.applications:
        raise ResponseNotInvited()
    if now >= window.closes_at:
        raise ResponseWindowClosed(present.beijing(window.closes_at))
    settings = response_settings(window.stage)
    if settings is None:
        raise ResponseNotEnabled()
    # Line ends are counted as the browser counts them, so the limit the page shows is the limit kept.
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise ResponseEmpty()
    if len(body) > settings.max_characters:
        raise ResponseTooLong(settings.max_characters, len(body))
    response = ApplicantResponse.objects.select_for_update().filter(window=window, application=application).first()
    first = response is None
    if response is None:
        try:
            with transaction.atomic():
                response = ApplicantResponse.objects.create(
                    window=window, application=application, text=body, revision=1, submitted_by=actor
                )
        except IntegrityError:  # pragma: no cover - the window lock above serialises answers
            response = ApplicantResponse.objects.select_for_update().get(window=window, application=application)
            first = False
    if not first:
        if response.text == body:
            return response
        response.text = body
        response.revision += 1
        response.save(update_fields=["text", "revision", "updated_at"])
    ApplicantResponseRevision.objects.create(response=response, number=response.revision, text=body, author=actor)
    log_action(
        action="shenbao.application.response_submitted" if first else "shenbao.application.response_changed",
        obj=application,
        actor=actor,
        data={"stage": window.stage.code, "revision": response.revision, "characters": len(body)},
    )
    if first:
        _tell_reviewers(window.stage, application)
    return response


def _tell_reviewers(stage: ReviewStage, application: Application) -> None:
    assignments = Assignment.objects.filter(
        stage=stage, application=application, status=AssignmentStatus.ACTIVE, review__state=ReviewState.SUBMITTED
    ).select_related("reviewer")
    for assignment in assignments.order_by("pk"):
        reviewer = assignment.reviewer
        notify(
            to=reviewer.email,
            language=reviewer.language,
            template="response_received",
            context={"call_title": stage.call.title, "number": application.receipt_number, "stage_name": stage.name},
            call=stage.call,
            related=application,
            link=reverse("web:assignment", args=[assignment.pk]),
            user=reviewer,
        )


def revision_open(assignment: Assignment) -> bool:
    """Whether the assignment's reviewer may revise the submitted review now: the stage lets
    reviewers revise and the applicant has answered in its window."""
    settings = response_settings(assignment.stage)
    if settings is None or not settings.reviewers_may_revise:
        return False
    return ApplicantResponse.objects.filter(
        window__stage_id=assignment.stage_id, application_id=assignment.application_id
    ).exists()


@transaction.atomic
def revise_review(
    *,
    assignment: Assignment,
    actor: User,
    expected_version: int,
    scores: dict[str, float | None],
    confidence: int | None = None,
    comment_to_applicant: str = "",
    comment_to_staff: str = "",
    reason: str = "",
) -> Review:
    """Replace a submitted review's scores and comments after the applicant's response; the review
    as it stood is kept as a numbered ``ReviewRevision`` and the change is audited.  Sending the
    same values again keeps everything as it is."""
    review = _locked_review(assignment)  # refuses a stage that has decided who advances
    if review.state != ReviewState.SUBMITTED:
        raise RevisionOfDraft()
    if not revision_open(assignment):
        raise RevisionNotOpen()
    if review.version != expected_version:
        raise ReviewConflict()
    definition = stage_definition(assignment.stage)
    problems = score_problems(definition, scores, complete=True, language=translation.get_language())
    if confidence is not None and not 1 <= confidence <= 5:
        problems = [*problems, gettext("Confidence is from 1 (low) to 5 (high).")]
    if problems:
        raise ScoresInvalid(problems)
    new = {
        "scores": dict(scores),
        "confidence": confidence,
        "comment_to_applicant": comment_to_applicant.strip(),
        "comment_to_staff": comment_to_staff.strip(),
    }
    old = {k: getattr(review, k) for k in new}
    if old == new:
        return review
    number = review.revisions.count() + 1
    ReviewRevision.objects.create(
        review=review,
        number=number,
        scores=review.scores,
        total=review.total,
        confidence=review.confidence,
        comment_to_applicant=review.comment_to_applicant,
        comment_to_staff=review.comment_to_staff,
        submitted_at=review.submitted_at,
        reason=reason.strip(),
        revised_by=actor,
    )
    previous_total = review.total
    for key, value in new.items():
        setattr(review, key, value)
    review.total = evaluate_scores(definition, scores)
    review.submitted_at = timezone.now()
    review.version += 1
    review.save(update_fields=[*new, "total", "submitted_at", "version", "updated_at"])
    log_action(
        action="shenbao.review.revised",
        obj=assignment.application,
        actor=actor,
        data={
            "stage": assignment.stage.code,
            "reviewer": assignment.reviewer_id,
            "revision": number,
            "previous_total": previous_total,
            "total": review.total,
            "reason": reason.strip(),
        },
    )
    return review
