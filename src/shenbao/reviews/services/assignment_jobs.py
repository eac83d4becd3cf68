"""The assignment of a large stage as a background task (issue 18): above
``SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS`` applications in review, the board's "Assign" queues an
``AssignmentJob``; the worker (on this machine or another) takes it once, runs ``run_assignment`` with
the form's choices while the board shows its step and progress, and records the outcome, or the
stage's refusal in the requester's language.  One job waits or runs per stage at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import ReviewStage
from shenbao.core.audit import log_action
from shenbao.core.jobs import run_job
from shenbao.core.tasks import enqueue_with_commit
from shenbao.reviews.enums import AssignmentJobStatus, EntryStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import AssignmentJob, StageEntry
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.tasks import run_assignment_job_task
from shenbao.reviews.transitions import ASSIGNMENT_JOB_LIFECYCLE

PARAMETERS = ("mode", "k", "seed", "group_by_direction", "bid_weight", "fair_measure", "fair_max_loss")


def assignment_goes_to_background(stage: ReviewStage) -> bool:
    """This stage's assignment runs in the background (more applications in review than the setting)."""
    limit = int(settings.SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS)
    return StageEntry.objects.filter(stage=stage, status=EntryStatus.IN_REVIEW)[: limit + 1].count() > limit


def open_assignment_job(stage: ReviewStage) -> AssignmentJob | None:
    return AssignmentJob.objects.filter(stage=stage, status__in=[AssignmentJobStatus.QUEUED, AssignmentJobStatus.RUNNING]).first()


def latest_assignment_job(stage: ReviewStage) -> AssignmentJob | None:
    return AssignmentJob.objects.filter(stage=stage).first()


def start_assignment_job(*, stage: ReviewStage, actor: Any, parameters: dict[str, Any], language: str) -> AssignmentJob:
    """Queue the assignment of ``stage`` with the form's ``parameters``; refused while one waits or runs."""
    unknown = set(parameters) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"unknown assignment parameters: {sorted(unknown)}")
    try:
        with transaction.atomic():
            job = AssignmentJob.objects.create(stage=stage, parameters=parameters, language=language, requested_by=actor)
    except IntegrityError:
        raise StageNotReady(
            _("An assignment of this stage is already waiting or running; wait for it to finish."), code="assignment_running"
        ) from None
    log_action(action="shenbao.review.assignment_job.queued", obj=stage, actor=actor, data={"job": job.pk, **parameters})

    enqueue_with_commit(run_assignment_job_task, job_id=job.pk)
    return job


def run_assignment_job(*, job_id: int) -> None:
    """The task's work: run the assignment with the job's choices, reporting each step."""

    def work(job: AssignmentJob, progress: Callable[[str, float], None]) -> dict[str, Any]:
        outcome = run_assignment(stage=job.stage, actor=job.requested_by, progress=progress, **job.parameters)
        return {"run": outcome.run.pk, "created": outcome.created, "kept": outcome.kept, "short": outcome.short}

    run_job(AssignmentJob, ASSIGNMENT_JOB_LIFECYCLE, job_id, work, related=("stage", "requested_by"))
