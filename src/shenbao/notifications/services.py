"""Staff actions on the outbox: hold a call's mail for review, release, send now, discard, edit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.core.lifecycle import transition
from shenbao.notifications.enums import MessageState
from shenbao.notifications.mail import enqueue_send
from shenbao.notifications.models import MailHold, Message, Notification
from shenbao.notifications.transitions import MESSAGE_LIFECYCLE

EDITABLE = (MessageState.HELD, MessageState.QUEUED, MessageState.FAILED)


def _locked(call_code: str, pks: Iterable[int]) -> list[Message]:
    return list(Message.objects.select_for_update().filter(call_code=call_code, pk__in=list(pks)).order_by("pk"))


@transaction.atomic
def hold_call_mail(*, call_code: str, actor: Any) -> int:
    """New mails of the call wait as held; the queued ones are held too.  Returns how many were held."""
    hold, created = MailHold.objects.get_or_create(call_code=call_code, defaults={"held_by": actor})
    if created:
        log_action(action="shenbao.mail.held", obj=hold, actor=actor, data={"call": call_code})
    queued = list(Message.objects.select_for_update().filter(call_code=call_code, state=MessageState.QUEUED).order_by("pk"))
    for message in queued:
        transition(message, MESSAGE_LIFECYCLE, MessageState.HELD, actor=actor)
    return len(queued)


@transaction.atomic
def release_call_mail(*, call_code: str, actor: Any) -> int:
    """Lift the hold and queue every held mail of the call.  Returns how many were queued."""
    hold = MailHold.objects.select_for_update().filter(call_code=call_code).first()
    if hold is not None:
        log_action(action="shenbao.mail.released", obj=hold, actor=actor, data={"call": call_code})
        hold.delete()
    held = list(Message.objects.select_for_update().filter(call_code=call_code, state=MessageState.HELD).order_by("pk"))
    for message in held:
        transition(message, MESSAGE_LIFECYCLE, MessageState.QUEUED, actor=actor)
        enqueue_send(message)
    return len(held)


@transaction.atomic
def send_now(*, call_code: str, pks: Iterable[int], actor: Any) -> int:
    """Queue the chosen held or failed mails at once (a failed one is tried again)."""
    count = 0
    for message in _locked(call_code, pks):
        if message.state in (MessageState.HELD, MessageState.FAILED):
            message.next_attempt_at = None
            transition(message, MESSAGE_LIFECYCLE, MessageState.QUEUED, actor=actor, also_update=("next_attempt_at",))
            enqueue_send(message)
            count += 1
    return count


@transaction.atomic
def discard(*, call_code: str, pks: Iterable[int], actor: Any) -> int:
    """Discard the chosen mails that have not been sent; sent ones are kept as they are."""
    count = 0
    for message in _locked(call_code, pks):
        if MESSAGE_LIFECYCLE.allows(message.state, MessageState.DISCARDED):
            transition(message, MESSAGE_LIFECYCLE, MessageState.DISCARDED, actor=actor)
            count += 1
    return count


@transaction.atomic
def edit_message(*, message: Message, subject: str, body: str, actor: Any) -> Message:
    """Change the text of a mail not yet sent; the audit entry keeps the text it had before."""
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.state not in EDITABLE:
        raise DomainError(
            _("This mail is “%(state)s” and can no longer be edited."), params={"state": MESSAGE_LIFECYCLE.label(locked.state)}
        )
    subject = " ".join(subject.split())
    if not subject or not body.strip():
        raise DomainError(_("A mail needs a subject and a body."))
    if len(subject) > 300:
        raise DomainError(_("The subject is longer than 300 characters."))
    before = {"subject": locked.subject, "body": locked.body}
    locked.subject, locked.body, locked.edited_by = subject, body.strip() + "\n", actor
    locked.save(update_fields=["subject", "body", "edited_by"])
    Notification.objects.filter(message=locked).update(title=subject)
    log_action(action="shenbao.message.edited", obj=locked, actor=actor, data={"before": before})
    return locked
