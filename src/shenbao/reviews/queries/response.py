"""Reads of the applicant's response (答辩): the stage's settings, the windows an application may
answer in, the reviews as the applicant is allowed to see them, and the revision history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation

from shenbao.applications.models import Application
from shenbao.calls.definition.schema import ApplicantResponseSettings, ReviewPart
from shenbao.calls.models import ReviewStage
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import ApplicantResponse, ResponseWindow, Review, ReviewRevision
from shenbao.reviews.queries.stages import stage_definition


def response_settings(stage: ReviewStage) -> ApplicantResponseSettings | None:
    """The stage's response settings when the stage lets applicants answer, else None."""
    if stage.kind == "formal_check":
        return None
    try:
        settings = stage_definition(stage).applicant_response
    except LookupError:
        return None
    return settings if settings is not None and settings.enabled else None


def response_window_of(stage: ReviewStage) -> ResponseWindow | None:
    return ResponseWindow.objects.filter(stage=stage).first()


@dataclass
class ShownReview:
    """A review as the applicant sees it: numbered, never named, only the parts the stage shows."""

    label_number: int
    comment: str | None = None
    total: float | None = None
    scores: list[dict[str, Any]] = field(default_factory=list)


def reviews_for_applicant(window: ResponseWindow, application: Application) -> list[ShownReview]:
    """The stage's submitted reviews of the application, as its settings let the applicant see them."""
    settings = response_settings(window.stage)
    if settings is None:
        return []
    parts = set(settings.applicant_sees)
    language = translation.get_language()
    criteria = stage_definition(window.stage).criteria
    reviews = Review.objects.filter(
        assignment__stage=window.stage,
        assignment__application=application,
        assignment__status=AssignmentStatus.ACTIVE,
        state=ReviewState.SUBMITTED,
    ).order_by("assignment_id")
    shown = []
    for n, review in enumerate(reviews, start=1):
        item = ShownReview(label_number=n)
        if ReviewPart.COMMENTS in parts:
            item.comment = review.comment_to_applicant
        if ReviewPart.TOTALS in parts:
            item.total = review.total
        if ReviewPart.SCORES in parts:
            item.scores = [
                {"name": c.name.get(language), "value": review.scores.get(c.code), "max": c.scale_max}
                for c in criteria
                if c.code in review.scores
            ]
        shown.append(item)
    return shown


@dataclass
class WindowForApplicant:
    window: ResponseWindow
    stage: ReviewStage
    settings: ApplicantResponseSettings
    response: ApplicantResponse | None
    open: bool


def windows_for(application: Application, *, now: dt.datetime | None = None) -> list[WindowForApplicant]:
    """The response windows the application was invited to, newest stage first."""
    now = now or timezone.now()
    result = []
    windows = ResponseWindow.objects.filter(stage__call_id=application.call_id).select_related("stage__call")
    responses = {r.window_id: r for r in ApplicantResponse.objects.filter(application=application)}
    for window in windows.order_by("-stage__position"):
        if application.pk not in window.applications:
            continue
        settings = response_settings(window.stage)
        if settings is None:
            continue
        result.append(WindowForApplicant(window, window.stage, settings, responses.get(window.pk), open=now < window.closes_at))
    return result


def window_for(application: Application, stage_pk: int) -> WindowForApplicant | None:
    return next((w for w in windows_for(application) if w.stage.pk == stage_pk), None)


def response_to(stage: ReviewStage, application_id: int) -> ApplicantResponse | None:
    return (
        ApplicantResponse.objects.filter(window__stage=stage, application_id=application_id).prefetch_related("revisions").first()
    )


def review_revisions(review: Review) -> list[ReviewRevision]:
    """A review's earlier versions, oldest first (empty for an unsaved review)."""
    if review.pk is None:
        return []
    return list(ReviewRevision.objects.filter(review=review).select_related("revised_by"))


@dataclass
class ResponseRow:
    """One invited application on the staff page: its answer, and each review with its earlier versions."""

    application: Application
    response: ApplicantResponse | None
    reviews: list[dict[str, Any]]


def stage_response_rows(window: ResponseWindow) -> list[ResponseRow]:
    """The window's applications in receipt order, with a constant number of queries."""
    applications = list(Application.objects.filter(pk__in=window.applications).order_by("receipt_number", "pk"))
    responses = {r.application_id: r for r in ApplicantResponse.objects.filter(window=window)}
    reviews = (
        Review.objects.filter(
            assignment__stage_id=window.stage_id,
            assignment__application_id__in=window.applications,
            assignment__status=AssignmentStatus.ACTIVE,
            state=ReviewState.SUBMITTED,
        )
        .select_related("assignment__reviewer")
        .prefetch_related("revisions")
        .order_by("assignment_id")
    )
    by_application: dict[int, list[dict[str, Any]]] = {}
    for review in reviews:
        by_application.setdefault(review.assignment.application_id, []).append(
            {"review": review, "reviewer": review.assignment.reviewer, "revisions": list(review.revisions.all())}
        )
    return [ResponseRow(a, responses.get(a.pk), by_application.get(a.pk, [])) for a in applications]
