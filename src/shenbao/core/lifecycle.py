"""The one way to change the state of anything with a lifecycle (CONVENTIONS rule 3).

Each lifecycle declares its table as data (``<app>/transitions.py``): a ``Lifecycle`` names the
field that holds the state, the table, the labels and the audit action prefix.  ``transition``
changes one object, ``transition_many`` a set of them; both check every object against the table,
save with ``update_fields`` and write one audit entry per object.  Nothing else assigns a state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import InvalidTransition

#: Every declared lifecycle, by name, for the table-walking test and the generated workflows doc.
REGISTRY: dict[str, Lifecycle] = {}


@dataclass(frozen=True)
class Lifecycle:
    """A declared transition table: ``table[current]`` is the set of states ``current`` may go to."""

    name: str
    table: Mapping[str, frozenset[str]]
    labels: Mapping[str, Any]
    action_prefix: str  # e.g. "shenbao.award": entries are "<prefix>.<target state>"
    state_field: str = "status"
    initial: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        unknown = {t for targets in self.table.values() for t in targets} - set(self.table)
        if unknown:
            raise ValueError(f"{self.name}: targets not declared as states: {sorted(unknown)}")
        REGISTRY[self.name] = self

    def allows(self, current: str, target: str) -> bool:
        return target in self.table.get(current, frozenset())

    def check(self, current: str, target: str) -> None:
        check_transition(self.table, current, target, self.labels)

    def label(self, state: str) -> str:
        return str(self.labels.get(state, state))


def check_transition(table: Mapping[str, frozenset[str]], current: str, target: str, labels: Mapping[str, object]) -> None:
    """Refuse a change the table does not declare, naming both states in the reader's language."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(
            _("This cannot go from “%(current)s” to “%(target)s”."),
            params={"current": labels.get(current, current), "target": labels.get(target, target)},
        )


def transition(
    obj: models.Model,
    lifecycle: Lifecycle,
    to: str,
    *,
    actor: Any,
    data: dict[str, Any] | None = None,
    also_update: Iterable[str] = (),
    audit_obj: models.Model | None = None,
    action: str | None = None,
) -> str:
    """Move ``obj`` to ``to``: check the table, save the state (and ``also_update``), write the audit entry.

    Call inside the caller's transaction with the row locked.  Returns the previous state.
    The audit entry is written on ``audit_obj`` (default: the object itself) with the action
    ``<prefix>.<to>`` unless ``action`` names another.
    """
    from shenbao.core.audit import log_action  # audit imports models; lifecycle stays importable by enums

    previous = str(getattr(obj, lifecycle.state_field))
    lifecycle.check(previous, to)
    setattr(obj, lifecycle.state_field, to)
    fields = [lifecycle.state_field, *also_update]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields) and "updated_at" not in fields:
        fields.append("updated_at")
    obj.save(update_fields=fields)
    log_action(
        action=action or f"{lifecycle.action_prefix}.{to}",
        obj=audit_obj if audit_obj is not None else obj,
        actor=actor,
        data={"from": previous, "to": to, **({} if audit_obj is None else {"object": obj.pk}), **(data or {})},
    )
    return previous


def transition_many(
    objs: Iterable[models.Model],
    lifecycle: Lifecycle,
    to: str,
    *,
    actor: Any,
    data: dict[str, Any] | None = None,
    audit_obj_of: Any = None,
) -> int:
    """Move every object to ``to`` (all checked before any is changed); one audit entry each.

    ``audit_obj_of(obj)`` picks the object each entry is written on (default: the object)."""
    items = list(objs)
    for obj in items:
        lifecycle.check(str(getattr(obj, lifecycle.state_field)), to)
    for obj in items:
        transition(
            obj,
            lifecycle,
            to,
            actor=actor,
            data=data,
            audit_obj=audit_obj_of(obj) if audit_obj_of is not None else None,
        )
    return len(items)
