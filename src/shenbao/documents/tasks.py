"""The background task that prepares a file staff asked for (``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_file_job(*, job_id: int) -> None:
    from shenbao.documents.services.jobs import run_file_job  # the services queue this task

    run_file_job(job_id=job_id)
