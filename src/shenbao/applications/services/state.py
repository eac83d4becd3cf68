"""The one function that changes an application's state (CONVENTIONS rule 3)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.transitions import can_transition
from shenbao.core.audit import log_action
from shenbao.core.errors import InvalidTransition


def change_application_state(
    *, application: Application, to: str, actor: Any, data: dict[str, Any] | None = None, also_update: list[str] | None = None
) -> None:
    """Check the table, save the state (and ``also_update``) with ``update_fields``, write the audit entry.

    Call inside the caller's transaction with the application row locked.
    """
    if not can_transition(application.state, to):
        raise InvalidTransition(
            _("An application cannot go from %(current)s to %(target)s."),
            params={"current": ApplicationState(application.state).label, "target": ApplicationState(to).label},
        )
    previous = application.state
    application.state = to
    application.save(update_fields=["state", "updated_at", *(also_update or [])])
    log_action(
        action=f"shenbao.application.{to}",
        obj=application,
        actor=actor,
        data={"from": previous, "to": to, **(data or {})},
    )
