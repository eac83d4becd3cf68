"""An application's budget tables with every total, for the API, the exports and the pages."""

from __future__ import annotations

from typing import Any

from shenbao.calls.definition.budget import BudgetTable, budget_table
from shenbao.calls.definition.schema import CallDefinition, FieldType, FormField


def budget_fields(definition: CallDefinition, direction: str | None = None) -> list[FormField]:
    """The form's budget fields (for one direction, when given)."""
    return [
        f
        for f in definition.form
        if f.type == FieldType.BUDGET and (direction is None or not f.directions or direction in f.directions)
    ]


def budget_tables(definition: CallDefinition, values: dict[str, Any]) -> dict[str, tuple[FormField, BudgetTable]]:
    """Each filled budget field of ``values`` (an application's form values) with its totals."""
    out = {}
    for field in budget_fields(definition):
        value = values.get(field.code)
        if isinstance(value, dict) and value.get("lines"):
            out[field.code] = (field, budget_table(field.budget_spec, value))
    return out


def budget_data(definition: CallDefinition, values: dict[str, Any]) -> dict[str, Any]:
    """Field code → the table's rows, column totals and grand total (amounts as strings in the unit)."""
    return {code: table.as_data() for code, (_field, table) in budget_tables(definition, values).items()}
