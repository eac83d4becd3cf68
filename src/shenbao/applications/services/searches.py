"""Saved searches: a user keeps a query of the staff application list under a name."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.models import SavedSearch
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.core.querylang import MAX_LENGTH

#: Searches one user keeps at most (a shortcut list, not a store).
MAX_SAVED = 50


@transaction.atomic
def save_search(*, user: User, name: str, query: str) -> SavedSearch:
    """Keep ``query`` as ``name`` (a search of the same name is replaced).  The caller has checked
    that the query runs; an empty one is refused."""
    name, query = name.strip(), query.strip()
    if not name or len(name) > 100:
        raise DomainError(_("Give the search a name of at most 100 characters."))
    if not query or len(query) > MAX_LENGTH:
        raise DomainError(_("There is no query to save."))
    existing = SavedSearch.objects.select_for_update().filter(user=user, name=name).first()
    if existing is None and SavedSearch.objects.filter(user=user).count() >= MAX_SAVED:
        raise DomainError(_("You keep %(limit)s saved searches already; delete one first."), params={"limit": MAX_SAVED})
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        search = existing
    else:
        search = SavedSearch.objects.create(user=user, name=name, query=query)
    log_action(action="shenbao.saved_search.saved", obj=search, actor=user, data={"name": name, "query": query})
    return search


@transaction.atomic
def delete_search(*, user: User, search_id: int) -> None:
    """Delete one of the user's own saved searches (another user's is as absent as a missing one)."""
    search = SavedSearch.objects.filter(user=user, pk=search_id).first()
    if search is None:
        raise DomainError(_("No such saved search."))
    log_action(action="shenbao.saved_search.deleted", obj=search, actor=user, data={"name": search.name, "query": search.query})
    search.delete()
