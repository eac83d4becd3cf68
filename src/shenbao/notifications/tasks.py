"""The mail worker's task: send one stored message, retrying failures with back-off."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from shenbao.core.lifecycle import transition
from shenbao.notifications.enums import MessageState
from shenbao.notifications.models import Message
from shenbao.notifications.transitions import MESSAGE_LIFECYCLE

#: Waits before the 2nd, 3rd, … attempt; after the last one the message stays failed for staff.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))


@task()
def send_message(*, message_id: int) -> str:
    """Send the message if it is (still) queued, or failed and due for its retry; return its state."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return "missing"
        if message.state == MessageState.FAILED and message.attempts <= len(BACKOFF):
            transition(message, MESSAGE_LIFECYCLE, MessageState.QUEUED, actor=None, data={"retry": message.attempts})
        if message.state != MessageState.QUEUED:
            return str(message.state)  # held, discarded, sent or being sent by another worker: nothing to do
        transition(message, MESSAGE_LIFECYCLE, MessageState.SENDING, actor=None)
    try:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
    except Exception as exc:  # any failure of the mail server is recorded and retried
        return _failed(message, exc)
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        message.sent_at = timezone.now()
        message.last_error = ""
        message.attempts += 1
        transition(message, MESSAGE_LIFECYCLE, MessageState.SENT, actor=None, also_update=("sent_at", "last_error", "attempts"))
    return MessageState.SENT.value


def _failed(message: Message, exc: Exception) -> str:
    from shenbao.notifications.mail import enqueue_send

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        retry = message.attempts <= len(BACKOFF)
        message.next_attempt_at = timezone.now() + BACKOFF[message.attempts - 1] if retry else None
        transition(
            message,
            MESSAGE_LIFECYCLE,
            MessageState.FAILED,
            actor=None,
            data={"error": message.last_error, "attempts": message.attempts},
            also_update=("attempts", "last_error", "next_attempt_at"),
        )
        if retry:
            enqueue_send(message, run_after=message.next_attempt_at)
    return MessageState.FAILED.value
