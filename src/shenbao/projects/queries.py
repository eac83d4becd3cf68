"""A project's dashboard: each target against the latest reported actual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shenbao.projects.enums import MilestoneKind
from shenbao.projects.models import KpiTarget, Milestone, Project
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


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    status: str  # "done", "overdue" (not done, due before today), "due_today" or "upcoming"
    days: int  # days overdue for "overdue", days left for "upcoming", else 0

    @property
    def custom(self) -> bool:
        return self.milestone.kind == MilestoneKind.CUSTOM


def milestone_rows(project: Project, today: dt.date) -> list[MilestoneRow]:
    """The project's milestones by due date, each with where it stands on ``today``."""
    rows = []
    for m in project.milestones.select_related("done_by").order_by("due", "pk"):
        if m.done_on is not None:
            rows.append(MilestoneRow(m, "done", 0))
        elif m.due < today:
            rows.append(MilestoneRow(m, "overdue", (today - m.due).days))
        elif m.due == today:
            rows.append(MilestoneRow(m, "due_today", 0))
        else:
            rows.append(MilestoneRow(m, "upcoming", (m.due - today).days))
    return rows
