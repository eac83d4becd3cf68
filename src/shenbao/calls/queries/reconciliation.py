"""The reconciliation line of a call: its directions against the totals the document states."""

from __future__ import annotations

from dataclasses import dataclass

from shenbao.calls.definition.load import ReconciliationLine, reconcile
from shenbao.calls.definition.schema import CallDefinition


@dataclass(frozen=True)
class ReconciliationSummary:
    lines: list[ReconciliationLine]

    @property
    def matches(self) -> bool:
        return bool(self.lines) and all(line.matches for line in self.lines)

    def line(self, measure: str) -> ReconciliationLine | None:
        return next((line for line in self.lines if line.measure == measure), None)


def reconciliation_summary(definition: CallDefinition) -> ReconciliationSummary:
    return ReconciliationSummary(reconcile(definition))
