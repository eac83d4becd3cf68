"""The mail worker's one task: render a notification in the recipient's language and send it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_notification(*, to: str, language: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/{template}_subject.txt", context).strip()
        body = render_to_string(f"notifications/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
