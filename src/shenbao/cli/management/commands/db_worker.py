"""``manage.py db_worker``: django-tasks-db's worker, with a heartbeat (issue 18).

The worker itself is django-tasks-db's: each task is claimed in a transaction with ``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers on any number of machines run each task
once.  This command adds a thread that records the worker as alive every
``SHENBAO_WORKER_HEARTBEAT_SECONDS`` (``/readyz`` and the operations page read it) and removes the
record when the worker stops cleanly.  (``shenbao.cli`` comes before ``django_tasks_db`` in
INSTALLED_APPS, so this command is the one ``db_worker`` runs.)
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as TasksCommand

from shenbao.core.queries.worker import heartbeat_seconds
from shenbao.core.services.worker import forget_heartbeat, record_heartbeat


class Heartbeat(threading.Thread):
    def __init__(self, *, worker_id: str, queues: str, every: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id, self.queues, self.every = worker_id, queues, every
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        record_heartbeat(
            worker_id=self.worker_id,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            queues=self.queues,
            started_at=self.started_at,
        )

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                self.beat()
            except Exception:  # the database away for a moment: try again at the next beat
                logging.getLogger("shenbao.worker").exception("heartbeat of worker %s failed", self.worker_id)
            finally:
                connection.close()  # this thread's own connection: none held between beats


class Command(TasksCommand):
    help = "Run the task worker (django-tasks-db) with a heartbeat for /readyz and the operations page."

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = Heartbeat(worker_id=options["worker_id"], queues=options["queue_name"], every=heartbeat_seconds())
        heartbeat.beat()  # alive from the first moment, before any task (then the thread beats)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=heartbeat_seconds() + 5)
            forget_heartbeat(worker_id=options["worker_id"])
