"""Permission predicates for programs and calls (the ``rules`` package, CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.calls.enums import CallStatus, ProgramRoleKind
from shenbao.calls.models import Call, Program


def _program_of(obj: Any) -> Program | None:
    if isinstance(obj, Program):
        return obj
    if isinstance(obj, Call):
        return obj.program
    return None


@predicate
def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


@predicate
def is_program_officer(user: Any, obj: Any) -> bool:
    program = _program_of(obj)
    if program is None or not getattr(user, "is_authenticated", False):
        return False
    return program.roles.filter(user=user, role=ProgramRoleKind.PROGRAM_OFFICER).exists()


@predicate
def is_program_staff(user: Any, obj: Any) -> bool:
    program = _program_of(obj)
    if program is None or not getattr(user, "is_authenticated", False):
        return False
    return program.roles.filter(user=user).exists()


@predicate
def is_public_call(user: Any, obj: Any) -> bool:
    return isinstance(obj, Call) and obj.status != CallStatus.DRAFT


add_perm("calls.view_call", is_public_call | is_program_staff | is_administrator)
add_perm("calls.change_call", is_program_officer | is_administrator)
add_perm("calls.change_program", is_program_officer | is_administrator)
add_perm("calls.manage_program_roles", is_administrator)
