"""One check for every declared transition table (CONVENTIONS rule 3)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import InvalidTransition


def check_transition(table: Mapping[str, frozenset[str]], current: str, target: str, labels: Mapping[str, object]) -> None:
    """Refuse a change the table does not declare, naming both states in the reader's language."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(
            _("This cannot go from “%(current)s” to “%(target)s”."),
            params={"current": labels.get(current, current), "target": labels.get(target, target)},
        )
