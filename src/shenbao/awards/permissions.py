"""Who may run selections, approve them, open the notice and decide objections (CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.queries.roles import is_officer_of


@predicate
def is_call_officer(user: Any, call: Any) -> bool:
    return call is not None and is_officer_of(user, call.program_id)


add_perm("awards.select", is_call_officer | is_administrator)
