"""``notify``: queue a message, rendered later in the recipient's language, once the transaction commits.

The message goes through the task queue (django-tasks; the database backend in production, the
mail worker is ``manage.py db_worker``) so that a slow mail server never holds up a request such
as a submission in the deadline rush.  The context is plain data (it is stored with the task).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from shenbao.notifications.tasks import send_notification


def notify(*, to: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Queue ``notifications/<template>_subject.txt`` and ``_body.txt`` to ``to``, in ``language``."""
    payload = json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    transaction.on_commit(lambda: send_notification.enqueue(to=to, language=language, template=template, context=payload))
