"""The audit log as staff read it: the entries on some objects, filtered by actor, action and days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from shenbao.core.models import AuditEntry
from shenbao.core.timeutil import localise


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of the actor's e-mail or name
    action: str = ""  # an exact action code
    since: dt.date | None = None  # Beijing days, both inclusive
    until: dt.date | None = None


def _on(objects: Iterable[models.Model]) -> Q:
    q = Q(pk__in=[])
    for obj in objects:
        q |= Q(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    return q


def on_rows(model: type[models.Model], pks: QuerySet[Any, Any]) -> Q:
    """Entries on every row of ``model`` whose key is in ``pks`` (a subquery of primary keys): the
    object id column is text, so the keys are compared as text, in the database."""
    as_text = pks.model._default_manager.filter(pk__in=pks).annotate(_key=Cast("pk", CharField())).values("_key")
    return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=as_text)


def audit_entries(
    objects: Iterable[models.Model],
    *,
    filters: AuditFilter | None = None,
    actions: Iterable[str] | None = None,
    also: Q | None = None,
) -> QuerySet[AuditEntry]:
    """The entries on ``objects`` (and those ``also`` selects), newest first, with their actors in the same query."""
    where = _on(objects) | also if also is not None else _on(objects)
    entries = AuditEntry.objects.filter(where).select_related("actor")
    if actions is not None:
        entries = entries.filter(action__in=list(actions))
    f = filters or AuditFilter()
    if f.actor:
        entries = entries.filter(Q(actor__email__icontains=f.actor) | Q(actor__display_name__icontains=f.actor))
    if f.action:
        entries = entries.filter(action=f.action)
    if f.since is not None:
        entries = entries.filter(created_at__gte=_start_of(f.since))
    if f.until is not None:
        entries = entries.filter(created_at__lt=_start_of(f.until + dt.timedelta(days=1)))
    return entries.order_by("-created_at", "-id")


def actions_on(objects: Iterable[models.Model], *, also: Q | None = None) -> list[str]:
    """The distinct action codes recorded on ``objects`` (for the filter's choices)."""
    where = _on(objects) | also if also is not None else _on(objects)
    return sorted(set(AuditEntry.objects.filter(where).values_list("action", flat=True).distinct()))


def _start_of(day: dt.date) -> Any:
    return localise(dt.datetime.combine(day, dt.time()), "Asia/Shanghai")
