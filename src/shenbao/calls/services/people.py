"""Program roles from the staff pages: invite by e-mail (an account is opened for a new address)
and revoke, never leaving a program without a program officer.  Audited by ``services.roles``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from shenbao.accounts.services.accounts import user_for_invitation
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.errors import LastProgramOfficer
from shenbao.calls.models import Program, ProgramRole
from shenbao.calls.services.roles import grant_program_role, revoke_program_role
from shenbao.notifications.mail import notify


def _role_label(role: str) -> dict[str, str]:
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = str(ProgramRoleKind(role).label)
    return labels


@transaction.atomic
def invite_to_program_role(
    *, program: Program, email: str, name: str = "", role: str, actor: Any, link_base: str = ""
) -> tuple[ProgramRole, bool]:
    """Give the person at ``email`` ``role`` in ``program`` and tell them by mail.

    Returns the role and whether it is new; inviting someone to a role they hold changes nothing."""
    ProgramRoleKind(role)  # an unknown role is a programming error, not a user's
    user, _created = user_for_invitation(email=email, name=name, actor=actor)
    existed = ProgramRole.objects.filter(program=program, user=user, role=role).exists()
    granted = grant_program_role(program=program, user=user, role=role, actor=actor)
    if not existed:
        notify(
            to=user.email,
            language=user.language,
            template="program_role_granted",
            context={
                "program": program.name,
                "role": _role_label(role),
                "login": f"{link_base}/accounts/login/",
                "reset": f"{link_base}/accounts/password/reset/",
            },
            program=program,
        )
    return granted, not existed


@transaction.atomic
def withdraw_program_role(*, program_role: ProgramRole, actor: Any) -> None:
    """Revoke the role; the last program officer of a program stays (someone must run it)."""
    locked = ProgramRole.objects.select_for_update().select_related("program", "user").get(pk=program_role.pk)
    if locked.role == ProgramRoleKind.PROGRAM_OFFICER:
        officers = list(
            ProgramRole.objects.select_for_update()
            .filter(program_id=locked.program_id, role=ProgramRoleKind.PROGRAM_OFFICER)
            .values_list("pk", flat=True)
        )
        if officers == [locked.pk]:
            raise LastProgramOfficer()
    revoke_program_role(program_role=locked, actor=actor)
