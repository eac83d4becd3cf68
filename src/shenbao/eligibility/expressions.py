"""Expression rules in CEL (DESIGN §7): safe, non-Turing-complete, over the application's facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from shenbao.eligibility.facts import ApplicationFacts


class ExpressionError(Exception):
    pass


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def expression_context(facts: ApplicationFacts) -> dict[str, Any]:
    """Names an expression can use: ``application`` (all facts) and ``values`` (form values)."""
    data = _plain(facts)
    return {"application": data, "values": data.get("values", {})}


def evaluate_expression(expression: str, facts: ApplicationFacts) -> Any:
    from cel import evaluate as cel_evaluate

    try:
        return cel_evaluate(expression, expression_context(facts))
    except Exception as exc:
        raise ExpressionError(str(exc)) from exc
