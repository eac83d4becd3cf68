"""The worker's side of a stage-sized job run in the background (an assignment, a selection): take the
job once, run the work with progress reported through a side connection, and end it done with its
outcome, or failed with the refusal in the requester's language.  The job models share the fields
``status`` (queued → running → done | failed), ``language``, ``progress``, ``progress_step``,
``outcome``, ``error_code``, ``error_message`` and ``finished_at``; each declares its own lifecycle."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone, translation

from shenbao.core.errors import DomainError
from shenbao.core.lifecycle import Lifecycle, transition
from shenbao.core.progress import SideProgress

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

Work = Callable[[Any, Callable[[str, float], None]], dict[str, Any]]


def shown_on_page(job: Any) -> Any:
    """The page shows a background run while it waits or runs, and for a day after it ended."""
    if job is None or job.finished_at is None or job.finished_at > timezone.now() - timedelta(days=1):
        return job
    return None


def run_job(model: type[models.Model], lifecycle: Lifecycle, job_id: int, work: Work, *, related: tuple[str, ...] = ()) -> None:
    """Run ``work(job, progress)`` for the queued job ``job_id``; a job no longer queued (a task
    delivered twice) is left alone."""
    job = _take(model, lifecycle, job_id, related)
    if job is None:
        return
    progress = SideProgress(model, job.pk)
    try:
        with translation.override(job.language):
            outcome = work(job, progress)
    except DomainError as exc:
        with translation.override(job.language):
            message = str(exc)
        _finish(model, lifecycle, job_id, FAILED, error_code=exc.code, error_message=message)
        return
    except Exception:
        logger.exception("%s %s failed", model._meta.model_name, job_id)
        _finish(model, lifecycle, job_id, FAILED, error_code="internal")
        return
    finally:
        progress.close()
    _finish(model, lifecycle, job_id, DONE, outcome=outcome)


def _take(model: type[models.Model], lifecycle: Lifecycle, job_id: int, related: tuple[str, ...]) -> Any:
    """Mark the job running, once: a second delivery of the task finds it taken and stops."""
    with transaction.atomic():
        job: Any = model._default_manager.select_for_update().select_related(*related).filter(pk=job_id).first()
        if job is None or job.status != QUEUED:
            return None
        transition(job, lifecycle, RUNNING, actor=None)
    return job


def _finish(
    model: type[models.Model],
    lifecycle: Lifecycle,
    job_id: int,
    to: str,
    *,
    outcome: dict[str, Any] | None = None,
    error_code: str = "",
    error_message: str = "",
) -> None:
    with transaction.atomic():
        job: Any = model._default_manager.select_for_update().get(pk=job_id)
        if job.status != RUNNING:
            return
        job.outcome = outcome or {}
        job.error_code, job.error_message = error_code, error_message
        job.finished_at = timezone.now()
        if to == DONE:
            job.progress, job.progress_step = 100, "done"
        transition(
            job,
            lifecycle,
            to,
            actor=None,
            data=outcome or {"error": error_code},
            also_update=["outcome", "error_code", "error_message", "finished_at", "progress", "progress_step"],
        )
