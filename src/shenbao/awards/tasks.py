"""Background tasks of the awards app (``manage.py db_worker`` runs them, on any machine)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_selection_job_task(*, job_id: int) -> None:
    from shenbao.awards.services.selection_jobs import run_selection_job  # the services queue this task

    run_selection_job(job_id=job_id)
