"""Seed 003's 拟支持项目数 is what the funder intends to support at most: a direction short of
applications funds fewer and the shortfall is explained; only a quota the call marks as a minimum
can make the selection infeasible (issue 12, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from pydantic import ValidationError

from shenbao.awards.algorithms.selection import select_awards
from shenbao.awards.algorithms.selection_rules import problem_from_definition
from shenbao.awards.algorithms.selection_types import (
    Candidate,
    ConflictCode,
    QuotaKind,
    ReasonCode,
    Selection,
    Shortfall,
    ShortfallCause,
    SolveStatus,
)
from shenbao.awards.messages import conflict_text, quota_text, shortfall_causes
from shenbao.awards.services.selection import _plain, about_tolerance
from shenbao.calls.definition.base import Quantity
from shenbao.calls.definition.load import parse_file
from shenbao.calls.definition.schema import CallDefinition

SEED_003 = Path(__file__).resolve().parents[2] / "src/shenbao/calls/definitions/most-intl-2025-2.yaml"


def seed() -> CallDefinition:
    return parse_file(SEED_003)


def ranked(direction: str, n: int, yuan: int) -> list[Candidate]:
    return [
        Candidate(application=f"{direction}-{r}", group=direction, rank=r, position=r, requested_yuan=yuan)
        for r in range(1, n + 1)
    ]


def solve(definition: CallDefinition, candidates: list[Candidate], **kw: object) -> Selection:
    tolerances = {d.code: about_tolerance(d.quota, definition.selection.about_tolerance_percent) for d in definition.directions}
    return select_awards(problem_from_definition(definition, candidates, about_tolerances=tolerances, **kw))  # type: ignore[arg-type]


def shortfall(result: Selection, group: str) -> Shortfall:
    return next(s for s in result.shortfalls if s.group == group)


def with_quota(definition: CallDefinition, code: str, quota: Quantity) -> CallDefinition:
    directions = [d.model_copy(update={"quota": quota}) if d.code == code else d for d in definition.directions]
    return definition.model_copy(update={"directions": directions})


def test_seed_003_direction_short_of_applications_funds_fewer_beside_a_full_one() -> None:
    # 1.1: 5 ranked against 6 (1080 万元); 1.2: 9 ranked against 15 (3000 万元).  The old mapping made
    # 6 a lower bound, so the whole selection was infeasible and nothing was selected.
    result = solve(seed(), ranked("1.1", 5, 1_800_000) + ranked("1.2", 9, 2_000_000))
    assert result.status == SolveStatus.OPTIMAL and result.conflicts == ()
    assert sorted(result.selected) == sorted([f"1.1-{r}" for r in range(1, 6)] + [f"1.2-{r}" for r in range(1, 10)])
    assert shortfall(result, "1.1") == Shortfall(
        group="1.1",
        kind=QuotaKind.EXACT,
        target=6,
        minimum=0,
        tolerance=0,
        ranked=5,
        available=5,
        selected=5,
        causes=(ShortfallCause.FEWER_RANKED,),
    )
    assert (shortfall(result, "1.2").ranked, shortfall(result, "1.2").selected, shortfall(result, "1.2").target) == (9, 9, 15)


def test_seed_003_budget_holds_a_direction_below_its_number_and_says_so() -> None:
    # 1.1 has 1080 万元: 7 requests of 300 万元 fit three times, so 3 of 6 with the budget named.
    result = solve(seed(), ranked("1.1", 7, 3_000_000))
    assert list(result.selected) == ["1.1-1", "1.1-2", "1.1-3"]
    s = shortfall(result, "1.1")
    assert (s.ranked, s.selected, s.causes, s.blocked_by) == (7, 3, (ShortfallCause.BLOCKED,), (ReasonCode.GROUP_BUDGET,))


def test_seed_003_direction_with_no_applications_is_a_shortfall_not_a_conflict() -> None:
    result = solve(seed(), ranked("1.2", 2, 2_000_000))
    assert result.status == SolveStatus.OPTIMAL and result.selected == ("1.2-1", "1.2-2")
    empty = shortfall(result, "2.9")
    assert (empty.ranked, empty.available, empty.selected, empty.target, empty.causes) == (
        0,
        0,
        0,
        5,
        (ShortfallCause.NO_APPLICATIONS,),
    )
    # Every direction of the call is accounted for: 1.2 and the 18 without applications.
    assert len(result.shortfalls) == 19


def test_seed_003_staff_excludes_are_named_in_the_shortfall() -> None:
    result = solve(seed(), ranked("1.4", 3, 1_000_000), excludes=["1.4-2"])
    s = shortfall(result, "1.4")
    assert (s.ranked, s.available, s.selected, s.causes) == (3, 2, 2, (ShortfallCause.EXCLUDED_BY_STAFF,))


def test_explicit_minimum_quota_that_cannot_be_met_names_the_direction_and_the_numbers() -> None:
    definition = with_quota(seed(), "1.1", Quantity(qualifier="exact", value=6, minimum=True))
    result = solve(definition, ranked("1.1", 5, 1_800_000) + ranked("1.2", 9, 2_000_000))
    assert result.status == SolveStatus.INFEASIBLE and result.selected == ()
    assert [(c.code, c.group, c.needed, c.limit) for c in result.conflicts] == [(ConflictCode.QUOTA_UNREACHABLE, "1.1", 6, 5)]
    with translation.override("en"):
        assert conflict_text(_plain(result.conflicts[0])) == (
            "1.1: the quota needs 6 awards but only 5 applications can be selected"
        )
    # The same minimum is met when six are ranked.
    met = solve(definition, ranked("1.1", 6, 1_800_000))
    assert met.status == SolveStatus.OPTIMAL and len(met.selected) == 6


def test_minimum_is_refused_on_an_at_most_number() -> None:
    with pytest.raises(ValidationError, match="minimum_qualifier"):
        Quantity(qualifier="at_most", value=5, minimum=True)
    assert Quantity(qualifier="at_least", value=2).is_minimum and not Quantity(qualifier="exact", value=2).is_minimum


def test_seed_003_about_ten_allows_the_platform_tolerance_either_way() -> None:
    definition = seed()
    assert definition.selection.about_tolerance_percent == 10
    assert definition.selection.platform_defaults == ["about_tolerance_percent"]
    # 2.3 "10个左右" (3000 万元): with 12 ranked, 11 are selected (10 + 10 %); the 12th is over the quota.
    over = solve(definition, ranked("2.3", 12, 1_000_000))
    assert len(over.selected) == 11 and not any(s.group == "2.3" for s in over.shortfalls)
    # With 9 ranked, 9 is within "about 10" and reported as such.
    under = solve(definition, ranked("2.3", 9, 1_000_000))
    s = shortfall(under, "2.3")
    assert (s.selected, s.target, s.tolerance) == (9, 10, 1)
    assert s.causes == (ShortfallCause.FEWER_RANKED, ShortfallCause.WITHIN_TOLERANCE)
    # A program that sets 20 % allows 12.
    wider = definition.model_copy(update={"selection": definition.selection.model_copy(update={"about_tolerance_percent": 20})})
    assert len(solve(wider, ranked("2.3", 14, 1_000_000)).selected) == 12


def test_shortfall_in_words_in_both_languages() -> None:
    result = solve(seed(), ranked("1.1", 5, 1_800_000))
    plain = _plain(shortfall(result, "1.1"))
    with translation.override("en"):
        assert quota_text(plain) == ("6", "as stated (at most)")
        assert shortfall_causes(plain) == ["Only 5 application(s) ranked against a quota of 6"]
    with translation.override("zh-hans"):
        assert shortfall_causes(plain) == ["仅有 5 项申请进入排名，拟支持 6 项"]
        assert shortfall_causes(_plain(shortfall(result, "2.9"))) == ["该方向没有进入排名的申请"]
