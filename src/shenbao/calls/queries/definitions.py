"""Reads of stored call definitions."""

from __future__ import annotations

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.models import Call


def current_definition(call: Call) -> CallDefinition:
    """The call's stored definition as a validated model (it was valid when stored).

    Definitions are immutable and identified by their content hash, so the parsed model
    is cached per process: a submission rush does not re-validate the call each time.
    """
    cached = _CACHE.get(call.definition_hash)
    if cached is None:
        definition_hash, definition = call.definition_hash, call.__dict__.get("definition")
        if definition is None:
            # Deferred (a read that skips the large column while the parsed one is cached): read the
            # definition together with its hash, so a change in between cannot cache one under the other.
            definition_hash, definition = Call.objects.values_list("definition_hash", "definition").get(pk=call.pk)
        cached = parse_definition(definition)
        if len(_CACHE) >= 64:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[definition_hash] = cached
    return cached


_CACHE: dict[str, CallDefinition] = {}
