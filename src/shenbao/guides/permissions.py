"""Who may import guides and see an import (the ``rules`` package, CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.queries.roles import is_officer_anywhere
from shenbao.guides.models import GuideImport


@predicate
def is_a_program_officer(user: Any) -> bool:
    return is_officer_anywhere(user)


@predicate
def uploaded_it(user: Any, obj: Any) -> bool:
    return isinstance(obj, GuideImport) and getattr(user, "is_authenticated", False) and obj.uploaded_by_id == user.pk


add_perm("guides.import_guide", is_a_program_officer | is_administrator)
add_perm("guides.change_guideimport", (uploaded_it & is_a_program_officer) | is_administrator)
