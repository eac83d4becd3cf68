"""Permission predicates for accounts."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate


@predicate
def is_self(user: Any, obj: Any) -> bool:
    return getattr(user, "is_authenticated", False) and obj is not None and getattr(obj, "pk", None) == user.pk


@predicate
def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


add_perm("accounts.change_user_profile", is_self | is_administrator)
