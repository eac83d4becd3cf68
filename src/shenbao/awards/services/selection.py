"""Run the selection optimiser on a call's final ranking and keep the run with its inputs.

The candidates are the applications ranked in the call's last review stage that has applications;
the rules come from the call definition (direction quotas and budgets, the selection section).
Every run is saved with the exact problem it solved, so a decision can be reproduced later
(``reproduce_run``); the problem is stored compactly, by column (``algorithms/selection_record.py``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState, PartnerSide
from shenbao.applications.models import Application, Partner
from shenbao.awards.algorithms.selection import select_awards
from shenbao.awards.algorithms.selection_record import problem_from_record, problem_record
from shenbao.awards.algorithms.selection_rules import problem_from_definition
from shenbao.awards.algorithms.selection_types import Candidate, Selection, SelectionInputError, SelectionProblem
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import SelectionRun
from shenbao.calls.definition.base import Quantity
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.readiness import selection_readiness
from shenbao.core.audit import log_action
from shenbao.reviews.models import StageEntry
from shenbao.reviews.queries.ranking import stage_ranking
from shenbao.reviews.queries.stages import stage_definition


def final_stage(call: Call) -> ReviewStage:
    """The last review stage that has applications: its ranking is what the selection follows."""
    stages = [s for s in ReviewStage.objects.filter(call=call).order_by("-position") if s.kind != "formal_check"]
    for stage in stages:
        if StageEntry.objects.filter(stage=stage).exists():
            return stage
    raise SelectionError(_("No application has been reviewed yet: there is nothing to select from."))


def about_tolerance(quantity: Quantity | None, percent: int) -> int:
    """约 / 左右 N leaves the tolerance unsaid: ``percent`` of N either way, rounded up (so at least one
    award when the percentage is not 0).  The percentage is the definition's
    ``selection.about_tolerance_percent`` (10 unless the program set another)."""
    if quantity is None or quantity.value is None:
        return 0
    return math.ceil(quantity.value * percent / 100)


def build_problem(
    call: Call, stage: ReviewStage, *, pins: list[int], excludes: list[int], tier_counts: dict[str, int] | None = None
) -> SelectionProblem:
    """The candidates from the stage's ranking; the rules from the call definition (pure mapping).

    A stage that ranks the whole call in one list (seed 001's national finals) makes one call-wide
    pool: prize tiers count across the call and each candidate keeps its direction for the rules
    that name directions."""
    definition = current_definition(call)
    call_wide = not stage_definition(stage).per_direction
    ranking = stage_ranking(stage)
    rows = [row for group_rows in ranking.groups.values() for row in group_rows if row.ranked.rank is not None]
    rows = [row for row in rows if row.application.state != ApplicationState.WITHDRAWN]  # out of consideration (13.1)
    # Only the columns the problem reads, as tuples: 20,000 full rows (with their form values) took
    # a third of a 20,000-application run (bench/selection_e2e.py).
    applications = {
        pk: _Facts(requested_yuan, lead, applicant, direction)
        for pk, requested_yuan, lead, applicant, direction in Application.objects.filter(call=call).values_list(
            "pk", "requested_yuan", "lead_organisation_id", "applicant_id", "direction__code"
        )
    }
    countries: dict[int, set[str]] = {}
    # By call, not by a list of 20,000 ids (the statement alone took seconds to build and parse).
    for application_id, country in Partner.objects.filter(application__call=call, side=PartnerSide.FOREIGN).values_list(
        "application_id", "country"
    ):
        countries.setdefault(application_id, set()).add(country)
    candidates = [
        Candidate(
            application=row.application.pk,
            group=str(row.ranked.group or ""),
            rank=int(row.ranked.rank or 0),
            position=row.ranked.position,
            merit=row.aggregate.value,
            requested_yuan=int(applications[row.application.pk].requested_yuan or 0),
            institution=str(applications[row.application.pk].lead_organisation_id or ""),
            partner_countries=frozenset(countries.get(row.application.pk, set())),
            applicant=str(applications[row.application.pk].applicant_id),
            direction=applications[row.application.pk].direction if call_wide else None,
        )
        for row in rows
    ]
    problem = problem_from_definition(
        definition,
        candidates,
        call_wide=call_wide,
        tier_counts=tier_counts,
        about_tolerances={
            d.code: about_tolerance(d.quota, definition.selection.about_tolerance_percent) for d in definition.directions
        },
        pins=pins,
        excludes=excludes,
        reserve_size=None if definition.selection.reserve_list else 0,
    )
    # Every direction stays in the problem, those nobody was ranked in too: their quota is a target
    # (reported as a shortfall), and only a quota the call marks as a minimum can fail.
    return problem


class _Facts(NamedTuple):
    """What the selection reads of an application besides its rank."""

    requested_yuan: int | None
    lead_organisation_id: int | None
    applicant_id: int
    direction: str | None


def _sep() -> str:
    return "、" if (get_language() or "").startswith("zh") else ", "


def input_error(exc: SelectionInputError, call: Call) -> SelectionError:
    """The optimiser's input codes that staff can act on, in words; the others by their code."""
    if exc.code == "tier_count_missing":
        names = {t.code: t.name.get(get_language()) for t in current_definition(call).selection.prize_tiers}
        return SelectionError(
            _("The call leaves the number of places open for %(tiers)s: enter them to compute the selection."),
            code=exc.code,
            params={"tiers": _sep().join(names.get(t, t) for t in exc.params.get("tiers", []))},
        )
    if exc.code == "call_wide_selection_needs_call_wide_ranking":
        return SelectionError(
            _(
                "The call selects across all directions, but its last review stage ranks each direction on its own: "
                "ranks from different panels are not one order. Add a final stage that ranks the whole call."
            ),
            code=exc.code,
        )
    return SelectionError(_("The selection rules cannot be read (%(code)s)."), params={"code": exc.code})


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """A dataclass tree as JSON-able data (frozensets as sorted lists, enums as values)."""
    if value is None or type(value) in (str, int, float, bool):  # most leaves: no further checks
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def _result(selection: Selection) -> dict[str, Any]:
    chosen = set(selection.selected)
    return {
        "status": selection.status.value,
        "proven_optimal": selection.proven_optimal,
        "objective": selection.objective,
        "selected": [
            {
                "application": e.application,
                "group": e.group,
                "rank": e.rank,
                "amount_yuan": e.amount_yuan,
                "tier": e.tier or "",
                "explanation": _plain(e),
            }
            for e in selection.explanations
            if e.application in chosen
        ],
        "explanations": [_plain(e) for e in selection.explanations],
        "reserve": [{"group": g, "applications": list(apps)} for g, apps in selection.reserve],
        "conflicts": [_plain(c) for c in selection.conflicts],
        "shortfalls": [_plain(s) for s in selection.shortfalls],
        "stats": _plain(selection.stats) if selection.stats else None,
    }


def _silent(step: str, fraction: float) -> None:
    return None


@transaction.atomic
def run_selection(
    *,
    call: Call,
    actor: User,
    pins: list[int] | None = None,
    excludes: list[int] | None = None,
    tier_counts: dict[str, int] | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> SelectionRun:
    """Solve, save the run as proposed (with its problem and result), audit it.  A rule set without
    a solution is saved too, with the conflicting rules named, so staff see why.

    ``tier_counts`` are the committee's numbers of places for the prize tiers the call leaves open
    (a count the call states wins).  Refused while applications may still come in (issue 13.2).

    ``progress(step, fraction)``, if given, hears each step (``loading``, ``ranking``, ``solving``,
    ``saving``) as it starts: the background run of a large call shows it (issue 18)."""
    report = progress or _silent
    report("loading", 0.0)
    selection_readiness(Call.objects.get(pk=call.pk)).require()  # the status as stored, not as the caller last read it
    stage = final_stage(call)
    try:
        report("ranking", 0.1)
        problem = build_problem(call, stage, pins=list(pins or []), excludes=list(excludes or []), tier_counts=tier_counts)
        report("solving", 0.5)
        selection = select_awards(problem)
    except SelectionInputError as exc:
        raise input_error(exc, call) from exc
    report("saving", 0.9)
    run = SelectionRun.objects.create(
        call=call,
        inputs={"stage": stage.code, "call_wide": not stage_definition(stage).per_direction, **problem_record(problem)},
        result=_result(selection),
        pinned=sorted(pins or []),
        excluded=sorted(excludes or []),
        created_by=actor,
    )
    log_action(
        action="shenbao.selection.run",
        obj=call,
        actor=actor,
        data={"run": run.pk, "status": selection.status.value, "selected": len(selection.selected), "stage": stage.code},
    )
    return run


def reproduce_run(run: SelectionRun) -> dict[str, Any]:
    """Solve a stored run's problem again, from its inputs alone (either stored format), and return
    the result as it would be stored.  Writes nothing.  Raises ``RecordError`` when the stored
    problem does not match its digest.  The solver is deterministic, so the proposal of an unchanged
    run comes out the same: compare with ``run.result`` (``run_matches_its_result``)."""
    return _result(select_awards(problem_from_record(run.inputs)))


def run_matches_its_result(run: SelectionRun) -> bool:
    """Whether solving the stored problem again gives the stored decision: the same status and the
    same selected applications with their groups, ranks, amounts and tiers."""
    again = reproduce_run(run)

    def decision(result: dict[str, Any]) -> tuple[Any, ...]:
        selected = [(s["application"], s["group"], s["rank"], s["amount_yuan"], s["tier"]) for s in result["selected"]]
        return result["status"], selected

    return decision(again) == decision(run.result)
