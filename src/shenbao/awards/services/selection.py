"""Run the selection optimiser on a call's final ranking and keep the run with its inputs.

The candidates are the applications ranked in the call's last review stage that has applications;
the rules come from the call definition (direction quotas and budgets, the selection section).
Every run is saved with the exact problem it solved, so a decision can be reproduced later.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import PartnerSide
from shenbao.applications.models import Application, Partner
from shenbao.awards.algorithms.selection import select_awards
from shenbao.awards.algorithms.selection_types import (
    AwardAmount,
    Candidate,
    Cap,
    CapKind,
    Exclusivity,
    ExclusivityKey,
    GroupRules,
    Quota,
    QuotaKind,
    Selection,
    SelectionInputError,
    SelectionProblem,
    Tier,
)
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import SelectionRun
from shenbao.calls.definition.base import Quantity
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.reviews.models import StageEntry
from shenbao.reviews.queries.ranking import stage_ranking

# 约 / 左右 ("about") leaves the tolerance unsaid; we allow 10 % either way, at least one award.
ABOUT_TOLERANCE = 0.10


def final_stage(call: Call) -> ReviewStage:
    """The last review stage that has applications: its ranking is what the selection follows."""
    stages = [s for s in ReviewStage.objects.filter(call=call).order_by("-position") if s.kind != "formal_check"]
    for stage in stages:
        if StageEntry.objects.filter(stage=stage).exists():
            return stage
    raise SelectionError(_("No application has been reviewed yet: there is nothing to select from."))


def _quota(quantity: Quantity | None) -> Quota | None:
    if quantity is None:
        return None
    kind = QuotaKind(quantity.qualifier.value)
    if kind == QuotaKind.RANGE:
        return Quota(kind, min=int(quantity.min or 0), max=math.floor(quantity.max or 0))
    if kind == QuotaKind.UNSPECIFIED or quantity.value is None:
        return Quota(QuotaKind.UNSPECIFIED)
    value = int(quantity.value)
    tolerance = max(1, math.ceil(value * ABOUT_TOLERANCE)) if kind == QuotaKind.ABOUT else 0
    return Quota(kind, value=value, tolerance=tolerance)


def build_problem(call: Call, stage: ReviewStage, *, pins: list[int], excludes: list[int]) -> SelectionProblem:
    definition = current_definition(call)
    rules = definition.selection
    ranking = stage_ranking(stage)
    rows = [row for group_rows in ranking.groups.values() for row in group_rows if row.ranked.rank is not None]
    ids = [row.application.pk for row in rows]
    applications = Application.objects.in_bulk(ids)
    countries: dict[int, set[str]] = {}
    for application_id, country in Partner.objects.filter(application_id__in=ids, side=PartnerSide.FOREIGN).values_list(
        "application_id", "country"
    ):
        countries.setdefault(application_id, set()).add(country)
    candidates = tuple(
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
        )
        for row in rows
    )
    groups = tuple(
        GroupRules(
            group=d.code,
            quota=_quota(d.quota),
            budget_yuan=d.budget.total.yuan if d.budget and d.budget.total else None,
        )
        for d in definition.directions
        if any(c.group == d.code for c in candidates)
    )
    if not groups and candidates:
        groups = (GroupRules(group=""),)
    amount = AwardAmount(rules.award_amount)
    total = definition.budget.total.yuan if definition.budget and definition.budget.total else None
    return SelectionProblem(
        candidates=candidates,
        groups=groups,
        total_budget_yuan=total if amount != AwardAmount.NONE else None,
        award_amount=amount,
        fixed_amount_yuan=rules.fixed_amount.yuan if rules.fixed_amount else None,
        caps=tuple(Cap(CapKind(c.kind), c.max, tuple(c.directions)) for c in rules.caps),
        exclusivity=tuple(
            Exclusivity(ExclusivityKey(e.key), tuple(e.directions), frozenset(e.countries)) for e in rules.exclusivity
        ),
        tiers=tuple(Tier(t.code, t.count) for t in rules.prize_tiers) if rules.mode == "prize_tiers" else (),
        pins=frozenset(pins),
        excludes=frozenset(excludes),
        reserve_size=None if rules.reserve_list else 0,
    )


def _plain(value: Any) -> Any:
    """A dataclass tree as JSON-able data (frozensets as sorted lists, enums as values)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
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
        "stats": _plain(selection.stats) if selection.stats else None,
    }


@transaction.atomic
def run_selection(*, call: Call, actor: User, pins: list[int] | None = None, excludes: list[int] | None = None) -> SelectionRun:
    """Solve, save the run as proposed (with its problem and result), audit it.  A rule set without
    a solution is saved too, with the conflicting rules named, so staff see why."""
    stage = final_stage(call)
    try:
        problem = build_problem(call, stage, pins=list(pins or []), excludes=list(excludes or []))
        selection = select_awards(problem)
    except SelectionInputError as exc:
        raise SelectionError(_("The selection rules cannot be read (%(code)s)."), params={"code": exc.code}) from exc
    run = SelectionRun.objects.create(
        call=call,
        inputs={"stage": stage.code, "problem": _plain(problem)},
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
