"""``notify``: queue a message, rendered later in the recipient's language.

The message goes through the task queue (django-tasks; the database backend in production, whose
worker is ``manage.py db_worker``) so that a slow mail server never holds up a request such as a
submission in the deadline rush.  With the database queue the task row is written in the caller's
transaction: it commits with the change it announces, or rolls back with it.  A backend that runs
tasks at once (tests, scripts) is called only after the commit, so nothing is sent for a change
that did not happen.  The context is plain data (it is stored with the task).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend

from shenbao.notifications.tasks import send_notification


def notify(*, to: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Queue ``notifications/<template>_subject.txt`` and ``_body.txt`` to ``to``, in ``language``."""
    payload = json.loads(json.dumps(context, cls=DjangoJSONEncoder))

    def enqueue() -> None:
        send_notification.enqueue(to=to, language=language, template=template, context=payload)

    if isinstance(send_notification.get_backend(), ImmediateBackend):
        transaction.on_commit(enqueue)
    else:
        enqueue()
