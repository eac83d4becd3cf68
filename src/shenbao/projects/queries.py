"""A project's dashboard: each target against the latest reported actual."""

from __future__ import annotations

from dataclasses import dataclass

from shenbao.projects.models import KpiTarget, Project
from shenbao.projects.services.projects import met


@dataclass(frozen=True)
class TargetRow:
    target: KpiTarget
    actual: float | None
    met: bool | None


def target_rows(project: Project) -> list[TargetRow]:
    latest: dict[str, float] = {}
    for report in project.reports.order_by("submitted_at"):
        latest.update({k: float(v) for k, v in report.actuals.items() if v is not None})
    return [
        TargetRow(target=t, actual=latest.get(t.code), met=met(t.comparator, t.target, latest.get(t.code)))
        for t in project.targets.order_by("code")
    ]
