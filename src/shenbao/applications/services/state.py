"""Changing an application's state: a thin wrapper over the declared table (CONVENTIONS rule 3)."""

from __future__ import annotations

from typing import Any

from shenbao.applications.models import Application
from shenbao.applications.transitions import APPLICATION_LIFECYCLE
from shenbao.core.lifecycle import transition


def change_application_state(
    *, application: Application, to: str, actor: Any, data: dict[str, Any] | None = None, also_update: list[str] | None = None
) -> None:
    """Check the table, save the state (and ``also_update``), write ``shenbao.application.<to>``.

    Call inside the caller's transaction with the application row locked.
    """
    transition(application, APPLICATION_LIFECYCLE, to, actor=actor, data=data, also_update=also_update or ())
