"""A user's program roles, read once per user object (so once per request) and asked by every
app's permission predicates; and the same rule as a database filter for lists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shenbao.accounts.permissions import is_authenticated, user_is_administrator
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ProgramRole

_CACHE = "_shenbao_program_roles"


def program_roles(user: Any) -> dict[int, frozenset[str]]:
    """The user's roles by program id.  Kept on the user object: a request checks many objects (a list
    of calls, a page's buttons) with one query; granting or revoking a role through the services
    forgets it (``forget_program_roles``)."""
    if not is_authenticated(user):
        return {}
    cached: dict[int, frozenset[str]] | None = user.__dict__.get(_CACHE)
    if cached is None:
        found: dict[int, set[str]] = {}
        for program_id, role in ProgramRole.objects.filter(user=user).values_list("program_id", "role"):
            found.setdefault(program_id, set()).add(role)
        cached = {program_id: frozenset(roles) for program_id, roles in found.items()}
        user.__dict__[_CACHE] = cached
    return cached


def forget_program_roles(user: Any) -> None:
    if user is not None:
        user.__dict__.pop(_CACHE, None)


def has_program_role(user: Any, program_id: int | None, *roles: str) -> bool:
    """Whether the user holds one of ``roles`` (any role where none is named) in the program."""
    if program_id is None:
        return False
    held = program_roles(user).get(program_id, frozenset())
    return bool(held & set(roles)) if roles else bool(held)


def is_officer_of(user: Any, program_id: int | None) -> bool:
    return has_program_role(user, program_id, ProgramRoleKind.PROGRAM_OFFICER)


def is_officer_anywhere(user: Any) -> bool:
    return any(ProgramRoleKind.PROGRAM_OFFICER in roles for roles in program_roles(user).values())


def programs_where(user: Any, *roles: str) -> QuerySet[ProgramRole, Any]:
    """The programs where the user holds one of ``roles``, as a subquery (``program_id__in=``)."""
    return ProgramRole.objects.filter(user=user, role__in=roles).values("program_id")


def officer_programs(user: Any) -> QuerySet[ProgramRole, Any]:
    return programs_where(user, ProgramRoleKind.PROGRAM_OFFICER)


def calls_managed_by(user: Any) -> QuerySet[Call]:
    """The calls the user may change (``calls.change_call``) as one query: every call for an
    administrator, the calls of their programs for a program officer, none for anyone else."""
    calls = Call.objects.select_related("program")
    if user_is_administrator(user):
        return calls
    if not is_authenticated(user):
        return calls.none()
    return calls.filter(Q(program_id__in=officer_programs(user)))
