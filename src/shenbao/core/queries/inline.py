"""Related rows read inside their parent's query, as one JSON column per relation.

A hot path that needs a row and its children (an application with its partners, team and
attachments) would otherwise pay one round trip per relation. ``related_rows`` annotates the
parent query with a correlated subquery that aggregates the children as a JSON array (JSON_AGG
on PostgreSQL, JSON_GROUP_ARRAY on SQLite); ``attach_related`` turns that text back into model
instances and installs them as the relation's prefetch cache, so ``parent.children.all()``
answers without a query, exactly as ``prefetch_related`` would have.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Expression, TextField


class CorrelatedSQL(Expression):
    """A scalar subquery written in SQL that refers to the parent query's row.

    ``build(outer, vendor, quote)`` returns the subquery's SQL for a database vendor, with
    ``outer`` the quoted alias of the parent's table and ``quote`` the vendor's name quoting.
    The SQL is built once per vendor and alias: a hot path does not pay the ORM's expression
    compilation for it on every request.
    """

    def __init__(self, build: Callable[[str, str, Callable[[str], str]], str], params: Sequence[Any], output_field: Any):
        super().__init__(output_field=output_field)
        self.build = build
        self.params = tuple(params)
        self._sql: dict[tuple[str, str], str] = {}

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        outer = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        key = (connection.vendor, outer)
        if key not in self._sql:
            self._sql[key] = "(" + self.build(outer, connection.vendor, connection.ops.quote_name) + ")"
        return self._sql[key], self.params


def table(model: type[models.Model], quote: Callable[[str], str]) -> str:
    return quote(model._meta.db_table)


def column(model: type[models.Model], name: str, quote: Callable[[str], str]) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return quote(field.column)


def json_array_sql(vendor: str, value: str, source: str) -> str:
    """``SELECT`` the values as the text of a JSON array ('[]' when there are none)."""
    if vendor == "postgresql":
        return f"SELECT COALESCE(JSON_AGG({value}), '[]')::text {source}"
    if vendor == "sqlite":
        return f"SELECT COALESCE(JSON_GROUP_ARRAY({value}), '[]') {source}"
    raise NotImplementedError(f"JSON aggregation is written for PostgreSQL and SQLite, not {vendor}")


def related_rows(model: type[models.Model], fk: str) -> CorrelatedSQL:
    """A parent-query annotation: the ``model`` rows whose foreign key ``fk`` is the parent, as JSON text."""
    fields = model._meta.concrete_fields

    def build(outer: str, vendor: str, quote: Callable[[str], str]) -> str:
        pairs = []
        for f in fields:
            value = f"c.{quote(f.column)}"
            if vendor == "sqlite" and isinstance(f, models.JSONField):
                value = f"JSON({value})"  # nested as JSON, not as a string holding JSON
            pairs.append(f"'{f.attname}', {value}")
        build_object = "JSON_BUILD_OBJECT" if vendor == "postgresql" else "JSON_OBJECT"
        parent_pk = quote(model._meta.get_field(fk).target_field.column)  # type: ignore[union-attr]
        source = f"FROM {table(model, quote)} c WHERE c.{column(model, fk, quote)} = {outer}.{parent_pk}"
        return json_array_sql(vendor, f"{build_object}({', '.join(pairs)})", source)

    return CorrelatedSQL(build, (), TextField())


def _python_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    converted = field.to_python(value)
    if isinstance(converted, dt.datetime) and settings.USE_TZ and converted.tzinfo is None:
        converted = converted.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without an offset
    return converted


def rows_from_json(model: type[models.Model], text: str, *, using: str = "default") -> list[models.Model]:
    """Model instances, in primary-key order, from the text of ``related_rows``."""
    fields: Sequence[models.Field[Any, Any]] = model._meta.concrete_fields
    names = [f.attname for f in fields]
    objects = [model.from_db(using, names, [_python_value(f, row.get(f.attname)) for f in fields]) for row in json.loads(text)]
    objects.sort(key=lambda o: o.pk)
    return objects


def attach_related(instance: models.Model, relation: str, objects: list[models.Model]) -> None:
    """Install ``objects`` as ``instance.<relation>.all()`` (a reverse foreign key), as prefetch_related would."""
    manager = getattr(instance, relation)
    field = manager.field  # the children's foreign key to the parent
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[field.remote_field.cache_name] = queryset
    for obj in objects:
        field.set_cached_value(obj, instance)  # child.parent answers without a query
