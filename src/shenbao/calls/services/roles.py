"""Granting and revoking per-program roles, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shenbao.calls.models import Program, ProgramRole
from shenbao.calls.queries.roles import forget_program_roles
from shenbao.core.audit import log_action


@transaction.atomic
def grant_program_role(*, program: Program, user: Any, role: str, actor: Any = None) -> ProgramRole:
    granted, created = ProgramRole.objects.get_or_create(program=program, user=user, role=role)
    forget_program_roles(user)
    if created:
        log_action(action="shenbao.program_role.granted", obj=program, actor=actor, data={"user": user.email, "role": role})
    return granted


@transaction.atomic
def revoke_program_role(*, program_role: ProgramRole, actor: Any = None) -> None:
    log_action(
        action="shenbao.program_role.revoked",
        obj=program_role.program,
        actor=actor,
        data={"user": program_role.user.email, "role": program_role.role},
    )
    program_role.delete()
    forget_program_roles(program_role.user)
