"""Reads of the awards: a run's explanations in words, and the published results of a call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from shenbao.applications.models import Application
from shenbao.awards.messages import conflict_text, quota_text, reason_text, shortfall_causes
from shenbao.awards.models import Award, PublicNotice, SelectionRun
from shenbao.awards.transitions import PUBLISHED_AWARD_STATES
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.text import text_get


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


#: What the staff's results table can be narrowed to, each with the candidates it keeps.
SHOWN: dict[str, Any] = {
    "all": lambda e: True,
    "selected": lambda e: bool(e.get("selected")),
    "reserve": lambda e: not e.get("selected") and e.get("reserve_position") is not None,
    "not_selected": lambda e: not e.get("selected") and e.get("reserve_position") is None,
}


def run_explanations(run: SelectionRun, show: str = "all") -> list[dict[str, Any]]:
    """The run's candidates in its order, as stored, narrowed to ``show`` (a key of ``SHOWN``)."""
    keep = SHOWN.get(show, SHOWN["all"])
    return [e for e in run.result.get("explanations", []) if keep(e)]


def explained_rows(run: SelectionRun, explanations: list[dict[str, Any]] | None = None) -> list[ExplainedRow]:
    """Every candidate of the run (or those of ``explanations``, one page of them) with why it was or
    was not selected, in the reader's language: only their applications are read."""
    if explanations is None:
        explanations = run.result.get("explanations", [])
    ids = [int(e["application"]) for e in explanations]
    applications = Application.objects.select_related("direction").in_bulk(ids)
    titles = {pk: a.title for pk, a in applications.items()}
    others = {
        int(o) for e in explanations for r in e.get("reasons", []) for o in r.get("others") or [] if str(o).isdecimal()
    } - titles.keys()
    titles.update(Application.objects.filter(pk__in=others).values_list("pk", "title"))
    names = tier_names(run.call)
    stage = ReviewStage.objects.filter(call_id=run.call_id, code=run.inputs.get("stage", "")).first()
    pool = text_get(stage.name, get_language()) if stage else ""
    # In a call-wide pool (group "") the rows keep the pool's order and show each one's direction.
    order = {int(e["application"]): (str(e["group"]), int(e["rank"]), n) for n, e in enumerate(explanations)}
    rows = [
        ExplainedRow(
            application=applications[int(e["application"])],
            group=str(e["group"]) or _direction_code(applications[int(e["application"])]),
            rank=int(e["rank"]),
            selected=bool(e["selected"]),
            amount_yuan=int(e.get("amount_yuan") or 0),
            tier=names.get(str(e.get("tier") or ""), str(e.get("tier") or "")),
            reserve_position=e.get("reserve_position"),
            reasons=[reason_text(r, titles, pool=pool, tier_names=names) for r in e.get("reasons", [])],
        )
        for e in explanations
        if int(e["application"]) in applications
    ]
    return sorted(rows, key=lambda r: order[r.application.pk])


def _direction_code(application: Application) -> str:
    return application.direction.code if application.direction else ""


def tier_names(call: Call) -> dict[str, str]:
    """The call's prize tiers by code, named in the reader's language (best first)."""
    return {t.code: t.name.get(get_language()) for t in current_definition(call).selection.prize_tiers}


def run_conflicts(run: SelectionRun) -> list[str]:
    return [conflict_text(c) for c in run.result.get("conflicts", [])]


def published_awards(call: Call) -> list[Award]:
    return list(
        Award.objects.filter(call=call, status__in=PUBLISHED_AWARD_STATES)
        .select_related("application__lead_organisation", "direction")
        .order_by("direction__position", "rank")
    )


@dataclass(frozen=True)
class ResultSection:
    """The published awards of one prize tier (or all of them, ``tier`` "", where the call has none)."""

    tier: str
    name: str
    awards: list[Award]


def result_sections(call: Call, awards: list[Award]) -> list[ResultSection]:
    """The results page's sections: one per prize tier in the call's order, best first, each ordered
    by rank (a call-wide final ranks across the directions); a single one without tiers."""
    names = tier_names(call)
    if not names:
        return [ResultSection("", "", awards)] if awards else []
    sections = []
    for code, name in names.items():
        mine = sorted(
            (a for a in awards if a.tier == code), key=lambda a: (a.rank or 0, a.direction.position if a.direction else 0)
        )
        if mine:
            sections.append(ResultSection(code, name, mine))
    rest = [a for a in awards if a.tier not in names]
    if rest:
        sections.append(ResultSection("", "", rest))
    return sections


def notice_of(call: Call) -> PublicNotice | None:
    return PublicNotice.objects.filter(call=call).first()


def has_published_results(call: Call) -> bool:
    return Award.objects.filter(call=call, status__in=PUBLISHED_AWARD_STATES).exists()


@dataclass(frozen=True)
class ShortfallRow:
    direction: str  # code and name
    quota: str
    qualifier: str
    ranked: int
    available: int
    selected: int
    causes: list[str]


def run_shortfalls(run: SelectionRun) -> list[ShortfallRow]:
    """The directions that selected fewer than their quota, and why, in the reader's language."""
    names = {d.code: text_get(d.title, get_language()) for d in run.call.directions.all()}
    rows = []
    for s in run.result.get("shortfalls", []):
        quota, qualifier = quota_text(s)
        code = str(s.get("group") or "")
        rows.append(
            ShortfallRow(
                direction=f"{code} {names.get(code, '')}".strip(),
                quota=quota,
                qualifier=qualifier,
                ranked=int(s.get("ranked") or 0),
                available=int(s.get("available") or 0),
                selected=int(s.get("selected") or 0),
                causes=shortfall_causes(s),
            )
        )
    return rows
