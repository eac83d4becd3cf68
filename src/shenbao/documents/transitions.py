"""The lifecycle of a file prepared in the background (the zip of PDFs, a large export) as a
declared table: queued, taken by one worker, then ready or failed; a ready file is removed after the
retention period (``manage.py purge_file_jobs``), the job staying as its record."""

from shenbao.core.lifecycle import Lifecycle
from shenbao.documents.enums import FileJobStatus as F

FILE_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    F.QUEUED: frozenset({F.RUNNING, F.FAILED}),
    F.RUNNING: frozenset({F.DONE, F.FAILED}),
    F.DONE: frozenset({F.EXPIRED}),
    F.FAILED: frozenset(),
    F.EXPIRED: frozenset(),
}

FILE_JOB_LIFECYCLE = Lifecycle(
    "file_job", FILE_JOB_TRANSITIONS, dict(F.choices), "shenbao.file_job", initial=frozenset({F.QUEUED})
)
