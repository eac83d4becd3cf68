"""Who may open a file prepared in the background: the staff member who asked for it, while they
still may make that file for the call (an export's own permission, or changing the call for PDFs)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate


@predicate
def asked_for_it_and_still_may(user: Any, job: Any) -> bool:
    if job is None or not getattr(user, "is_authenticated", False) or job.requested_by_id != user.pk:
        return False
    from shenbao.documents.exports.registry import EXPORTS  # the registry imports every domain's exports
    from shenbao.documents.models import PDFS

    permission = "calls.change_call" if job.kind == PDFS else EXPORTS[job.kind].permission if job.kind in EXPORTS else None
    return permission is not None and bool(user.has_perm(permission, job.call))


add_perm("documents.view_filejob", asked_for_it_and_still_may)
