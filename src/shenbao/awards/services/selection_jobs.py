"""The selection of a large call as a background task (issue 18): above
``SHENBAO_SELECT_INLINE_MAX_APPLICATIONS`` applications in the call's final review stage, the results
page's "Compute" queues a ``SelectionJob``; the worker (on this machine or another) takes it once, runs
``run_selection`` with the form's choices while the page shows its step and progress, and records the
saved run, or the refusal in the requester's language.  One job waits or runs per call at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shenbao.awards.enums import SelectionJobStatus
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import SelectionJob
from shenbao.awards.services.selection import final_stage, run_selection
from shenbao.awards.tasks import run_selection_job_task
from shenbao.awards.transitions import SELECTION_JOB_LIFECYCLE
from shenbao.calls.models import Call
from shenbao.calls.queries.readiness import selection_readiness
from shenbao.core.audit import log_action
from shenbao.core.jobs import run_job
from shenbao.core.tasks import enqueue_with_commit
from shenbao.reviews.models import StageEntry

PARAMETERS = ("pins", "excludes", "tier_counts")
OPEN = (SelectionJobStatus.QUEUED, SelectionJobStatus.RUNNING)


def selection_goes_to_background(call: Call) -> bool:
    """This call's selection runs in the background (more applications in its final stage than the setting)."""
    limit = int(settings.SHENBAO_SELECT_INLINE_MAX_APPLICATIONS)
    try:
        stage = final_stage(call)
    except SelectionError:
        return False  # nothing to select from: refused in the request, with the reason
    return StageEntry.objects.filter(stage=stage)[: limit + 1].count() > limit


def open_selection_job(call: Call) -> SelectionJob | None:
    return SelectionJob.objects.filter(call=call, status__in=OPEN).first()


def latest_selection_job(call: Call) -> SelectionJob | None:
    return SelectionJob.objects.filter(call=call).first()


def start_selection_job(*, call: Call, actor: Any, parameters: dict[str, Any], language: str) -> SelectionJob:
    """Queue the selection of ``call`` with the form's ``parameters``; refused while one waits or runs."""
    unknown = set(parameters) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"unknown selection parameters: {sorted(unknown)}")
    selection_readiness(Call.objects.get(pk=call.pk)).require()  # refused now, not after a wait for the worker
    try:
        with transaction.atomic():
            job = SelectionJob.objects.create(call=call, parameters=parameters, language=language, requested_by=actor)
    except IntegrityError:
        raise SelectionError(
            _("A selection of this call is already waiting or running; wait for it to finish."), code="selection_running"
        ) from None
    log_action(action="shenbao.selection.job.queued", obj=call, actor=actor, data={"job": job.pk, **parameters})

    enqueue_with_commit(run_selection_job_task, job_id=job.pk)
    return job


def run_selection_job(*, job_id: int) -> None:
    """The task's work: run the selection with the job's choices, reporting each step."""

    def work(job: SelectionJob, progress: Callable[[str, float], None]) -> dict[str, Any]:
        parameters = job.parameters
        run = run_selection(
            call=job.call,
            actor=job.requested_by,
            pins=list(parameters.get("pins") or []),
            excludes=list(parameters.get("excludes") or []),
            tier_counts=dict(parameters.get("tier_counts") or {}),
            progress=progress,
        )
        return {"run": run.pk, "status": run.result["status"], "selected": len(run.result["selected"])}

    run_job(SelectionJob, SELECTION_JOB_LIFECYCLE, job_id, work, related=("call", "requested_by"))
