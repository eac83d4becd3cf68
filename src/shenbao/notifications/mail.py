"""``notify``: render a message in the recipient's language and send it once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def notify(*, to: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Queue ``notifications/<template>_subject.txt`` and ``_body.txt`` to ``to``, in ``language``."""

    def _send() -> None:
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"notifications/{template}_subject.txt", context).strip()
            body = render_to_string(f"notifications/{template}_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(_send)
