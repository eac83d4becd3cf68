"""The assignment of a large stage as a background task (issue 18): above
``SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS`` applications in review, the board's "Assign" queues an
``AssignmentJob``; the worker (on this machine or another) takes it once, runs ``run_assignment`` with
the form's choices while the board shows its step and progress, and records the outcome, or the
stage's refusal in the requester's language.  One job waits or runs per stage at a time."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import ReviewStage
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.core.lifecycle import transition
from shenbao.core.progress import SideProgress
from shenbao.core.tasks import enqueue_with_commit
from shenbao.reviews.enums import AssignmentJobStatus, EntryStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import AssignmentJob, StageEntry
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.tasks import run_assignment_job_task
from shenbao.reviews.transitions import ASSIGNMENT_JOB_LIFECYCLE

logger = logging.getLogger(__name__)

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


def _take(job_id: int) -> AssignmentJob | None:
    """Mark the job running, once: a second delivery of the task finds it taken and stops."""
    with transaction.atomic():
        job = AssignmentJob.objects.select_for_update().select_related("stage", "requested_by").filter(pk=job_id).first()
        if job is None or job.status != AssignmentJobStatus.QUEUED:
            return None
        transition(job, ASSIGNMENT_JOB_LIFECYCLE, AssignmentJobStatus.RUNNING, actor=None)
    return job


def run_assignment_job(*, job_id: int) -> None:
    """The task's work: run the assignment with the job's choices, reporting each step."""
    job = _take(job_id)
    if job is None:
        return
    progress = SideProgress(AssignmentJob, job.pk)
    try:
        with translation.override(job.language):
            outcome = run_assignment(stage=job.stage, actor=job.requested_by, progress=progress, **job.parameters)
    except DomainError as exc:
        with translation.override(job.language):
            message = str(exc)
        _finish(job_id, AssignmentJobStatus.FAILED, error_code=exc.code, error_message=message)
        return
    except Exception:
        logger.exception("assignment job %s failed", job_id)
        _finish(job_id, AssignmentJobStatus.FAILED, error_code="internal")
        return
    finally:
        progress.close()
    _finish(
        job_id,
        AssignmentJobStatus.DONE,
        outcome={"run": outcome.run.pk, "created": outcome.created, "kept": outcome.kept, "short": outcome.short},
    )


def _finish(
    job_id: int, to: str, *, outcome: dict[str, Any] | None = None, error_code: str = "", error_message: str = ""
) -> None:
    with transaction.atomic():
        job = AssignmentJob.objects.select_for_update().get(pk=job_id)
        if job.status != AssignmentJobStatus.RUNNING:
            return
        job.outcome = outcome or {}
        job.error_code, job.error_message = error_code, error_message
        job.finished_at = timezone.now()
        if to == AssignmentJobStatus.DONE:
            job.progress, job.progress_step = 100, "done"
        transition(
            job,
            ASSIGNMENT_JOB_LIFECYCLE,
            to,
            actor=None,
            data=outcome or {"error": error_code},
            also_update=["outcome", "error_code", "error_message", "finished_at", "progress", "progress_step"],
        )
