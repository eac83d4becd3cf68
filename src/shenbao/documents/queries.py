"""Reads of the documents app: a file prepared in the background, for the user who may open it."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from shenbao.calls.models import Call
from shenbao.documents.models import FileJob


def get_file_job_for(user: Any, pk: int) -> FileJob | None:
    """The job if ``user`` may open it (who asked for it, still allowed to make it), else None."""
    job = FileJob.objects.select_related("call__program").filter(pk=pk).first()
    if job is None or not user.has_perm("documents.view_filejob", job):
        return None
    return job


def export_goes_to_background(call: Call) -> bool:
    """An export of this call is prepared in the background (its applications exceed the setting)."""
    limit = int(settings.SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS)
    return call.applications.exclude(state="draft")[: limit + 1].count() > limit
