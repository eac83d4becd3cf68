"""Permission predicates for programs and calls (the ``rules`` package, CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.enums import CallStatus
from shenbao.calls.models import Call, Program
from shenbao.calls.queries.roles import has_program_role, is_officer_anywhere, is_officer_of


def _program_of(obj: Any) -> Program | None:
    if isinstance(obj, Program):
        return obj
    if isinstance(obj, Call):
        return obj.program
    return None


@predicate
def is_program_officer(user: Any, obj: Any) -> bool:
    program = _program_of(obj)
    return program is not None and is_officer_of(user, program.pk)


@predicate
def is_program_staff(user: Any, obj: Any) -> bool:
    program = _program_of(obj)
    return program is not None and has_program_role(user, program.pk)


@predicate
def runs_a_program(user: Any) -> bool:
    """A program officer of some program: a new call is always one of the user's own programs."""
    return is_officer_anywhere(user)


@predicate
def is_public_call(user: Any, obj: Any) -> bool:
    return isinstance(obj, Call) and obj.status != CallStatus.DRAFT


add_perm("calls.view_call", is_public_call | is_program_staff | is_administrator)
add_perm("calls.change_call", is_program_officer | is_administrator)
add_perm("calls.change_program", is_program_officer | is_administrator)
# A new draft call (the editor's "New call"): of a program the user runs, or any for an administrator.
add_perm("calls.create_call", runs_a_program | is_administrator)
add_perm("calls.manage_program_roles", is_administrator)
# The staff workspace (issue 16): the call's people and roles, and its audit log.
add_perm("calls.manage_people", is_program_officer | is_administrator)
add_perm("calls.view_audit", is_program_officer | is_administrator)
# Mail templates of a call or program (issue 17): its staff read them, its officers change them.
add_perm("notifications.view_mail_templates", is_program_staff | is_administrator)
add_perm("notifications.change_mail_templates", is_program_officer | is_administrator)
# Bulk mail to the people of a list (issue 17): the program's officers, not its judges or observers.
add_perm("calls.send_bulk_mail", is_program_officer | is_administrator)
