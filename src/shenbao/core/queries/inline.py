"""One statement for a row and what hangs off it: related rows read as JSON inside the parent's query.

A hot path that needs a row, the rows it points at and its children (an application with its
call, applicant, partners, team and attachments) would otherwise pay one round trip per
relation, or the ORM's compilation of a wide ``select_related`` query on every request.

The builders here write correlated subqueries that return related rows as JSON text
(JSON_BUILD_OBJECT / JSON_AGG on PostgreSQL, JSON_OBJECT / JSON_GROUP_ARRAY on SQLite). A
caller assembles them into one statement whose SQL it builds once per database; the
``*_from_json`` functions turn the text back into model instances, and ``attach_related`` /
``cache_related`` install them where Django looks for them, so the instances behave exactly
as if ``select_related`` and ``prefetch_related`` had loaded them.

Every identifier comes from model metadata, quoted by the database's own quoting; every value
is a query parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models

Quote = Callable[[str], str]
# (the quoted alias of the parent's table, the database vendor, its name quoting) -> SQL
Builder = Callable[[str, str, Quote], str]
M = TypeVar("M", bound=models.Model)


def table(model: type[models.Model], quote: Quote) -> str:
    return quote(model._meta.db_table)


def column(model: type[models.Model], name: str, quote: Quote) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return quote(field.column)


def _fields(model: type[models.Model], exclude: Collection[str] = ()) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in exclude]


def _check_vendor(vendor: str) -> None:
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"JSON reads are written for PostgreSQL and SQLite, not {vendor}")


def json_object(vendor: str, pairs: dict[str, str]) -> str:
    """A JSON object of SQL expressions, as text, keyed by ``pairs``' keys."""
    _check_vendor(vendor)
    body = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
    if vendor == "postgresql":
        return f"JSON_BUILD_OBJECT({body})::text"
    return f"JSON_OBJECT({body})"


def json_object_sql(model: type[models.Model], alias: str, vendor: str, quote: Quote, exclude: Collection[str] = ()) -> str:
    """A JSON object of the row ``alias`` of ``model``, keyed by attribute name."""
    _check_vendor(vendor)
    pairs = []
    for f in _fields(model, exclude):
        value = f"{alias}.{quote(f.column)}"
        if vendor == "sqlite" and isinstance(f, models.JSONField):
            value = f"JSON({value})"  # nested as JSON, not as a string holding JSON
        pairs.append(f"'{f.attname}', {value}")
    function = "JSON_BUILD_OBJECT" if vendor == "postgresql" else "JSON_OBJECT"
    return f"{function}({', '.join(pairs)})"


def json_array_sql(vendor: str, value: str, source: str) -> str:
    """``SELECT`` the values as the text of a JSON array ('[]' when there are none)."""
    _check_vendor(vendor)
    if vendor == "postgresql":
        return f"SELECT COALESCE(JSON_AGG({value}), '[]')::text {source}"
    return f"SELECT COALESCE(JSON_GROUP_ARRAY({value}), '[]') {source}"


def rows_sql(model: type[models.Model], fk: str) -> Builder:
    """The ``model`` rows whose foreign key ``fk`` points at the parent, as a JSON array."""

    def build(outer: str, vendor: str, quote: Quote) -> str:
        target = model._meta.get_field(fk).target_field  # type: ignore[union-attr]
        source = f"FROM {table(model, quote)} c WHERE c.{column(model, fk, quote)} = {outer}.{quote(target.column)}"
        return json_array_sql(vendor, json_object_sql(model, "c", vendor, quote), source)

    return build


def row_sql(model: type[models.Model], match: str, parent_column: str, exclude: Collection[str] = ()) -> Builder:
    """The one ``model`` row whose column ``match`` equals the parent's ``parent_column``, as a
    JSON object (NULL when there is none): the row a foreign key points at, or a one-to-one child."""

    def build(outer: str, vendor: str, quote: Quote) -> str:
        text = "::text" if vendor == "postgresql" else ""
        return (
            f"SELECT {json_object_sql(model, 'c', vendor, quote, exclude)}{text} FROM {table(model, quote)} c "
            f"WHERE c.{column(model, match, quote)} = {outer}.{quote(parent_column)}"
        )

    return build


def _python_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, models.JSONField):
        return value
    converted = field.to_python(value)
    if isinstance(converted, dt.datetime) and settings.USE_TZ and converted.tzinfo is None:
        converted = converted.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without an offset
    if isinstance(field, models.DecimalField) and isinstance(converted, Decimal):
        converted = converted.quantize(Decimal(1).scaleb(-field.decimal_places))  # as the database gives it
    return converted


def _in_model_order(model: type[M], objects: list[M]) -> list[M]:
    """``objects`` in the model's default ordering (``Meta.ordering``), then by primary key, as the ORM lists them."""
    objects = sorted(objects, key=lambda o: o.pk)
    for name in reversed(model._meta.ordering or ()):
        if not isinstance(name, str):
            raise NotImplementedError(f"{model.__name__}: ordering by expressions is not read from JSON")
        descending = name.startswith("-")
        field = model._meta.get_field(name.lstrip("-"))
        attname = field.attname  # type: ignore[union-attr]
        # NULLs sort last ascending and first descending, as on PostgreSQL.
        objects.sort(key=lambda o: (getattr(o, attname) is None, getattr(o, attname) or 0), reverse=descending)
    return objects


def _instance(model: type[M], fields: list[models.Field[Any, Any]], data: dict[str, Any], using: str) -> M:
    values = [_python_value(f, data.get(f.attname)) for f in fields]
    return model.from_db(using, [f.attname for f in fields], values)


def rows_from_json(model: type[M], text: str, *, using: str = "default") -> list[M]:
    """Model instances, in the model's default order, from the text of ``rows_sql``."""
    fields = _fields(model)
    return _in_model_order(model, [_instance(model, fields, data, using) for data in json.loads(text)])


def row_from_json(model: type[M], text: str | None, *, exclude: Collection[str] = (), using: str = "default") -> M | None:
    """A model instance from the text of ``row_sql`` (the excluded fields stay deferred), or None."""
    if text is None:
        return None
    return _instance(model, _fields(model, exclude), json.loads(text), using)


_CONVERTERS: dict[tuple[str, type[models.Model]], list[tuple[Any, list[Any]]]] = {}


def _converters(model: type[models.Model], connection: Any) -> list[tuple[Any, list[Any]]]:
    """Each concrete field's column expression and the converters the ORM applies to what the
    database gives for it (the backend's, then the field's own), worked out once per database."""
    key = (connection.vendor, model)
    if key not in _CONVERTERS:
        found = []
        for f in model._meta.concrete_fields:
            col = f.get_col(model._meta.db_table)
            found.append((col, connection.ops.get_db_converters(col) + f.get_db_converters(connection)))  # type: ignore[attr-defined]
        _CONVERTERS[key] = found
    return _CONVERTERS[key]


def instance_from_row(model: type[M], row: Sequence[Any], connection: Any) -> M:
    """A ``model`` instance from the values of its concrete fields, in their order, as the database
    gave them (a row of ``SELECT <model's columns>``), converted as the ORM converts them: what
    ``Model.objects.raw`` would give for it, without working out the raw query's columns and model
    on every call.  ``row`` may go on with other columns; they are left to the caller."""
    values = []
    for value, (col, converters) in zip(row, _converters(model, connection), strict=False):
        for convert in converters:
            value = convert(value, col, connection)
        values.append(value)
    return model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], values)


def cache_related(instance: models.Model, field_name: str, value: models.Model | None) -> None:
    """Make ``instance.<field_name>`` (a foreign key, a one-to-one or its reverse) answer ``value`` without a query."""
    field = instance._meta.get_field(field_name)
    field.set_cached_value(instance, value)  # type: ignore[union-attr]


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
