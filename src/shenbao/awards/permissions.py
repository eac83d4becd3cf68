"""Who may run selections, approve them, open the notice and decide objections (CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.calls.enums import ProgramRoleKind


@predicate
def is_call_officer(user: Any, call: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or call is None:
        return False
    return bool(call.program.roles.filter(user=user, role=ProgramRoleKind.PROGRAM_OFFICER).exists())


@predicate
def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


add_perm("awards.select", is_call_officer | is_administrator)
