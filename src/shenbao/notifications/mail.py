"""``notify``: store a mail in the outbox, rendered in the recipient's language, and queue it.

The mail is rendered and stored in the caller's transaction, so it exists exactly when the
change it announces does; the sending goes through the task queue (django-tasks; the database
backend in production, whose worker is ``manage.py db_worker``) so that a slow mail server never
holds up a request such as a submission in the deadline rush.  With the database queue the task
row is written in the same transaction; a backend that runs tasks at once (tests, scripts) is
called only after the commit.  When staff hold a call's mail, its new mails wait as held.

A mail to an address that belongs to a user also makes an in-app notification (the bell), shown
while the mail is not held or discarded.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from shenbao.notifications.enums import MessageState
from shenbao.notifications.models import BulkMail, Message, Notification
from shenbao.notifications.overrides import override_and_hold, render_with
from shenbao.notifications.rendering import absolute, site_path


def notify(
    *,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    call: Any = None,
    program: Any = None,
    related: models.Model | None = None,
    link: str | None = None,
    user: Any = None,
) -> Message:
    """Store the mail ``template`` (a key of ``notifications.registry``) to ``to`` in ``language``
    and queue it.  ``call`` (a call or its code) files the mail under that call's outbox;
    ``related`` is the object it is about; ``link`` (a path) becomes ``{{ link }}``, absolute.

    The text is the call's override of the template, else its program's (``program``, or the
    call's program), else the shipped default ``notifications/<template>_subject.txt``/``_body.txt``.
    ``user``: the recipient's account when the caller has it (its in-app notification then costs no
    lookup by address)."""
    call_code = getattr(call, "code", call) or ""
    call_id = getattr(call, "pk", None)
    program_id = getattr(program, "pk", None) or getattr(call, "program_id", None)
    # Plain data, as the mail was always rendered from (dates as ISO text, as the filters expect).
    context = json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    if link is not None:
        context = {**context, "link": link}
    if isinstance(context.get("link"), str) and context["link"]:
        context = {**context, "link": absolute(context["link"])}  # a path from the caller gets the site's address
    # The staff's own text of this mail, if any, and whether the call's mail is held: one statement.
    row, held = override_and_hold(template, language, call_id=call_id, program_id=program_id, call_code=call_code)
    rendered = render_with(template, language, context, row)
    subject, body = rendered.subject, rendered.body
    path = context.get("link")
    return store_message(
        to=to,
        language=language,
        template=template,
        subject=subject,
        body=body,
        call_code=call_code,
        related=related,
        link=path if isinstance(path, str) else "",
        held=held,
        user=user,
    )


def store_message(
    *,
    to: str,
    language: str,
    template: str,
    subject: str,
    body: str,
    call_code: str = "",
    related: models.Model | None = None,
    link: str = "",
    held: bool = False,
    bulk: BulkMail | None = None,
    user: Any = None,
) -> Message:
    """Store a rendered mail (held, or queued and its sending queued) and, when ``to`` is a user's
    address, the in-app notification of the same event with ``link`` as a path on this site."""
    message = Message.objects.create(
        to=to,
        language=language,
        template=template,
        subject=subject[:300],
        body=body,
        call_code=call_code,
        content_type=ContentType.objects.get_for_model(related) if related is not None else None,
        object_id=str(related.pk) if related is not None else "",
        state=MessageState.HELD if held else MessageState.QUEUED,
        bulk=bulk,
    )
    if user is None:
        user = get_user_model().objects.filter(email=to.strip().lower(), is_active=True).first()
    if user is not None:
        Notification.objects.create(user=user, message=message, title=message.subject, link=site_path(link))
    if not held:
        enqueue_send(message)
    return message


def enqueue_send(message: Message, *, run_after: Any = None) -> None:
    """Queue the sending of a stored message (after the commit when tasks run at once)."""
    from django_tasks.backends.immediate import ImmediateBackend

    from shenbao.notifications.tasks import send_message

    def enqueue() -> None:
        task = send_message.using(run_after=run_after) if run_after is not None else send_message
        task.enqueue(message_id=message.pk)

    if isinstance(send_message.get_backend(), ImmediateBackend):
        if run_after is None:
            transaction.on_commit(enqueue)
    else:
        enqueue()
