"""Who may import guides and see an import (the ``rules`` package, CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ProgramRole
from shenbao.calls.permissions import is_administrator
from shenbao.guides.models import GuideImport


@predicate
def is_a_program_officer(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ProgramRole.objects.filter(user=user, role=ProgramRoleKind.PROGRAM_OFFICER).exists()


@predicate
def uploaded_it(user: Any, obj: Any) -> bool:
    return isinstance(obj, GuideImport) and getattr(user, "is_authenticated", False) and obj.uploaded_by_id == user.pk


add_perm("guides.import_guide", is_a_program_officer | is_administrator)
add_perm("guides.change_guideimport", (uploaded_it & is_a_program_officer) | is_administrator)
