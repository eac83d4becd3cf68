"""Reads of the awards: a run's explanations in words, and the published results of a call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shenbao.applications.models import Application
from shenbao.awards.enums import AwardStatus
from shenbao.awards.messages import conflict_text, reason_text
from shenbao.awards.models import Award, PublicNotice, SelectionRun
from shenbao.calls.models import Call


@dataclass(frozen=True)
class ExplainedRow:
    application: Application
    group: str
    rank: int
    selected: bool
    amount_yuan: int
    tier: str
    reserve_position: int | None
    reasons: list[str]


def explained_rows(run: SelectionRun) -> list[ExplainedRow]:
    """Every candidate of the run with why it was or was not selected, in the reader's language."""
    explanations: list[dict[str, Any]] = run.result.get("explanations", [])
    ids = [int(e["application"]) for e in explanations]
    applications = Application.objects.in_bulk(ids)
    titles = {pk: a.title for pk, a in applications.items()}
    rows = [
        ExplainedRow(
            application=applications[int(e["application"])],
            group=str(e["group"]),
            rank=int(e["rank"]),
            selected=bool(e["selected"]),
            amount_yuan=int(e.get("amount_yuan") or 0),
            tier=str(e.get("tier") or ""),
            reserve_position=e.get("reserve_position"),
            reasons=[reason_text(r, titles) for r in e.get("reasons", [])],
        )
        for e in explanations
        if int(e["application"]) in applications
    ]
    return sorted(rows, key=lambda r: (r.group, r.rank))


def run_conflicts(run: SelectionRun) -> list[str]:
    return [conflict_text(c) for c in run.result.get("conflicts", [])]


def published_awards(call: Call) -> list[Award]:
    return list(
        Award.objects.filter(call=call, status__in=[AwardStatus.PUBLISHED, AwardStatus.FINAL])
        .select_related("application__lead_organisation", "direction")
        .order_by("direction__position", "rank")
    )


def notice_of(call: Call) -> PublicNotice | None:
    return PublicNotice.objects.filter(call=call).first()


def has_published_results(call: Call) -> bool:
    return Award.objects.filter(call=call, status__in=[AwardStatus.PUBLISHED, AwardStatus.FINAL]).exists()
