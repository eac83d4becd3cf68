"""Starting and editing drafts: autosave with optimistic locking, so concurrent edits never overwrite."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shenbao.accounts.models import Organisation, User
from shenbao.applications.errors import CallNotOpen, EditConflict, NotEditable
from shenbao.applications.models import Application
from shenbao.applications.queries.window import submission_window
from shenbao.applications.transitions import EDITABLE_STATES
from shenbao.calls.models import Call, Direction
from shenbao.core.audit import log_action

#: Fields an applicant may set on a draft (the rest is managed by services).
EDITABLE = (
    "title",
    "english_title",
    "duration_months",
    "requested_yuan",
    "fields",
    "subtopics",
    "trl",
    "values",
    "declarations",
    "negative_event",
    "nomination_route",
    "entry_language",
    "foreign_entry",
    "external",
    "lead_organisation",
)


@transaction.atomic
def start_application(
    *, call: Call, direction: Direction | None, applicant: User, lead_organisation: Organisation | None = None, now: Any = None
) -> Application:
    window = submission_window(call, applicant, now or timezone.now())
    if not window.is_open:
        raise CallNotOpen(window.reason_text)
    if direction is not None and direction.call_id != call.pk:
        raise ValueError("the direction belongs to another call")
    application = Application.objects.create(
        call=call, direction=direction, applicant=applicant, lead_organisation=lead_organisation
    )
    log_action(
        action="shenbao.application.created",
        obj=application,
        actor=applicant,
        data={"call": call.code, "direction": direction.code if direction else None},
    )
    return application


@transaction.atomic
def save_draft(*, application: Application, changes: dict[str, Any], expected_version: int, actor: User) -> Application:
    """Apply ``changes`` if nobody saved since ``expected_version``; bump the version.

    An autosave from a stale page raises EditConflict and changes nothing.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    updated = Application.objects.filter(pk=application.pk, version=expected_version, state__in=EDITABLE_STATES).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if updated == 0:
        current = Application.objects.get(pk=application.pk)
        if current.state not in EDITABLE_STATES:
            raise NotEditable()
        raise EditConflict()
    application.refresh_from_db()
    return application
