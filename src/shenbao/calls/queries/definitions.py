"""Reads of stored call definitions."""

from __future__ import annotations

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.models import Call


def current_definition(call: Call) -> CallDefinition:
    """The call's stored definition as a validated model (it was valid when stored)."""
    return parse_definition(call.definition)
