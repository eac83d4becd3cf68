"""Background tasks of the reviews app (``manage.py db_worker`` runs them, on any machine)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_assignment_job_task(*, job_id: int) -> None:
    from shenbao.reviews.services.assignment_jobs import run_assignment_job  # the services queue this task

    run_assignment_job(job_id=job_id)
