"""Permission predicates for accounts, and the one definition of "administrator" every app uses."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate


def is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def user_is_administrator(user: Any) -> bool:
    """A superuser: sees and manages every program.  The one check services, queries and the API make
    (``is_staff`` only opens the Django admin; program permissions come from program roles)."""
    return is_authenticated(user) and bool(getattr(user, "is_superuser", False))


def user_opens_admin_site(user: Any) -> bool:
    """An account with access to the Django admin (``is_staff``): asked for two-factor like administrators."""
    return is_authenticated(user) and bool(getattr(user, "is_staff", False))


@predicate
def is_self(user: Any, obj: Any) -> bool:
    return is_authenticated(user) and obj is not None and getattr(obj, "pk", None) == user.pk


@predicate
def is_administrator(user: Any) -> bool:
    return user_is_administrator(user)


add_perm("accounts.change_user_profile", is_self | is_administrator)
# Institution officers act for an organisation in every program: only an administrator appoints them.
add_perm("accounts.manage_institution_officers", is_administrator)
# The task queue, its failures and the workers' heartbeats (web/staff/operations.py): the whole site's.
add_perm("core.view_operations", is_administrator)
