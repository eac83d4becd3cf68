"""The in-app notifications of a user (the bell): what they see, how many are unread, marking read.

Reading a notification changes nothing anyone else sees and is not a lifecycle, so it leaves no
audit entry (the mail it mirrors has its own).  Every read here is scoped to the user: a
notification of another user is never found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shenbao.notifications.enums import MessageState
from shenbao.notifications.models import Notification

#: A notification whose mail waits for staff review, or was discarded, is not shown (yet).
HIDDEN_STATES = (MessageState.HELD, MessageState.DISCARDED)


def notifications_of(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).exclude(message__state__in=HIDDEN_STATES).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread: one query."""
    return notifications_of(user).filter(read_at__isnull=True).count()


def notification_for(user: Any, pk: int) -> Notification | None:
    """The user's own notification ``pk``, or None (another user's is never found)."""
    return notifications_of(user).filter(pk=pk).first()


def mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (once: the first time it was read is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return notifications_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())
