"""The background task of guide import: read and extract a large document (``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def extract_guide_import(*, guide_id: int) -> None:
    from shenbao.guides.services import run_queued_guide_import  # the services queue this task

    run_queued_guide_import(guide_id=guide_id)
