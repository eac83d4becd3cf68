"""Files prepared in the background (issue 18): the zip of a call's PDFs (2–6 s for a handful of
PDFs, growing with the call) and large exports.  The request queues a ``FileJob``; the worker
(``manage.py db_worker``, on this machine or another) takes it once, builds the file with progress,
stores it through the storage API (local disk or object storage) and marks it ready or failed.

The same pattern as the guide import (``guides/services.py``): the job is queued after the commit
when the backend runs tasks at once, progress is committed as it is reported so the polling page
sees it, and a job that is no longer queued is left alone, so a task delivered twice builds once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from shenbao.calls.models import Call
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.core.tasks import enqueue_with_commit
from shenbao.documents.enums import FileJobStatus
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.registry import EXPORTS, FORMATS, export_table, filter_suffix
from shenbao.documents.models import PDFS, FileJob
from shenbao.documents.services.pdf import pdfs_zip
from shenbao.documents.tasks import build_file_job
from shenbao.documents.transitions import FILE_JOB_LIFECYCLE
from shenbao.reviews.queries.application_search import staff_application_list

logger = logging.getLogger(__name__)

CONTENT_TYPES = {**FORMATS, "zip": "application/zip"}


def _filters_data(filters: Filters) -> dict[str, Any]:
    return {"direction": filters.direction, "state": filters.state, "search": filters.search}


@transaction.atomic
def start_file_job(*, call: Call, kind: str, file_format: str, filters: Filters, language: str, actor: Any) -> FileJob:
    """Queue the file ``kind`` (``pdfs`` or an export's code) of ``call``.  The caller checked the
    permission and, for a search, that the query runs."""
    if kind != PDFS and (kind not in EXPORTS or file_format not in FORMATS):
        raise ValueError(f"no such export: {kind}.{file_format}")
    job = FileJob.objects.create(
        call=call,
        kind=kind,
        file_format="zip" if kind == PDFS else file_format,
        filters=_filters_data(filters),
        language=language,
        requested_by=actor,
    )
    log_action(
        action="shenbao.file_job.queued", obj=job, actor=actor, data={"kind": job.kind, "format": job.file_format, **job.filters}
    )

    enqueue_with_commit(build_file_job, job_id=job.pk)
    return job


def _take(job_id: int) -> FileJob | None:
    """Mark the job running, once: a second delivery of the task finds it taken and stops."""
    with transaction.atomic():
        job = FileJob.objects.select_for_update().select_related("call").filter(pk=job_id).first()
        if job is None or job.status != FileJobStatus.QUEUED:
            return None
        transition(job, FILE_JOB_LIFECYCLE, FileJobStatus.RUNNING, actor=None)
    return job


def run_file_job(*, job_id: int) -> None:
    """The task's work: build the file, report progress, store it, end ready or failed."""
    job = _take(job_id)
    if job is None:
        return

    def report(done: int, total: int) -> None:
        percent = min(99, round(100 * done / total)) if total else 0
        FileJob.objects.filter(pk=job_id).update(progress=percent, done_items=done, total_items=total)

    filters = Filters(**job.filters)
    try:
        with translation.override(job.language):
            if job.kind == PDFS:
                applications = list(
                    staff_application_list(call=job.call, direction=filters.direction, state=filters.state, query=filters.search)
                )
                report(0, len(applications))
                data = pdfs_zip(applications=applications, language=job.language, progress=lambda n: report(n, len(applications)))
                filename = f"{job.call.code}-pdfs{filter_suffix(filters.describe())}.zip"
            else:
                report(0, 1)
                result = export_table(kind=EXPORTS[job.kind], call=job.call, filters=filters, file_format=job.file_format)
                data, filename = result.data, result.filename
    except Exception:
        logger.exception("file job %s: building the file failed", job_id)
        _finish(job_id, FileJobStatus.FAILED, error_code="internal")
        return
    _finish(job_id, FileJobStatus.DONE, data=data, filename=filename)


def _finish(job_id: int, to: str, *, data: bytes | None = None, filename: str = "", error_code: str = "") -> None:
    with transaction.atomic():
        job = FileJob.objects.select_for_update().get(pk=job_id)
        if job.status != FileJobStatus.RUNNING:
            return
        fields = ["progress", "finished_at", "error_code", "filename"]
        if data is not None:
            job.result.save(filename, ContentFile(data), save=False)
            fields.append("result")
        job.progress = 100 if to == FileJobStatus.DONE else job.progress
        job.finished_at, job.error_code, job.filename = timezone.now(), error_code, filename
        transition(
            job,
            FILE_JOB_LIFECYCLE,
            to,
            actor=None,
            data={"file": filename, "bytes": len(data)} if data is not None else {"error": error_code},
            also_update=fields,
        )


@dataclass(frozen=True)
class Purged:
    jobs: int
    bytes: int


def purge_file_jobs(*, now: datetime | None = None, days: int | None = None) -> Purged:
    """Remove the files of jobs ready for longer than the retention period from storage; each job
    becomes ``expired`` (audited) and stays listed, so its page says the file is gone and why.

    One job at a time under its row lock: a download in progress elsewhere either got the file or
    sees the job expired; a second run at the same moment finds nothing left to do."""
    days = settings.SHENBAO_FILE_JOB_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    ids = list(FileJob.objects.filter(status=FileJobStatus.DONE, finished_at__lt=cutoff).values_list("pk", flat=True))
    jobs = removed = 0
    for job_id in ids:
        with transaction.atomic():
            job = FileJob.objects.select_for_update().filter(pk=job_id, status=FileJobStatus.DONE).first()
            if job is None:
                continue
            size = 0
            if job.result.name:
                storage, name = job.result.storage, job.result.name
                try:
                    size = storage.size(name)
                except (OSError, NotImplementedError):  # already gone from storage
                    size = 0
                storage.delete(name)
            job.result = ""
            transition(
                job,
                FILE_JOB_LIFECYCLE,
                FileJobStatus.EXPIRED,
                actor=None,
                data={"bytes": size, "days": days},
                also_update=["result"],
            )
        jobs += 1
        removed += size
    return Purged(jobs=jobs, bytes=removed)
