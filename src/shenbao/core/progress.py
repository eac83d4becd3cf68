"""Progress of work that runs inside one long transaction (an assignment run of a large stage), written
through a database connection of its own so that the page polling it sees each step before the work
commits.

Only PostgreSQL lets a second connection write while the work's transaction holds its locks; on SQLite
(one writer at a time) the second write would wait for the first, so there the step is not reported
mid-run and the page shows the job as running until it ends."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


class SideProgress:
    """``progress(step, fraction)`` for ``run_assignment``-like work: sets ``progress`` (0–99) and
    ``progress_step`` on one row of ``model`` through a separate autocommit connection."""

    def __init__(self, model: type[models.Model], pk: Any) -> None:
        self.table = model._meta.db_table
        self.pk = pk
        self.enabled = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
        self._connection: Any = None

    def __call__(self, step: str, fraction: float) -> None:
        if not self.enabled:
            return
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        percent = max(0, min(99, round(fraction * 100)))
        quote = self._connection.ops.quote_name
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(self.table)} SET progress = %s, progress_step = %s WHERE id = %s",  # noqa: S608 (names are ours)
                [percent, step, self.pk],
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
