"""The selection optimiser: hand-checked optima per rule kind, reasons, conflicts, determinism.

Weights (ADR 0010): the k-th best of n in a group weighs (n - k) * 10**6 // n.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import defaultdict
from pathlib import Path

import pytest
from bench.selection_milp import milp_optimum

from shenbao.awards.algorithms.selection import select_awards
from shenbao.awards.algorithms.selection_rules import problem_from_definition
from shenbao.awards.algorithms.selection_types import (
    AwardAmount,
    Candidate,
    Cap,
    CapKind,
    ConflictCode,
    Exclusivity,
    ExclusivityKey,
    GroupRules,
    Quota,
    QuotaKind,
    Reason,
    ReasonCode,
    RuleKind,
    Selection,
    SelectionInputError,
    SelectionProblem,
    SolverOptions,
    SolveStatus,
    Tier,
)
from shenbao.calls.definition.load import parse_file


def cand(app: str, group: str, rank: int, yuan: int = 100, **kw: object) -> Candidate:
    return Candidate(application=app, group=group, rank=rank, requested_yuan=yuan, **kw)  # type: ignore[arg-type]


def line(group: str, n: int, yuan: int = 100) -> list[Candidate]:
    return [cand(f"{group}-{r}", group, r, yuan) for r in range(1, n + 1)]


def why(result: Selection, app: str) -> tuple[Reason, ...]:
    return next(e.reasons for e in result.explanations if e.application == app)


def codes(result: Selection, app: str) -> list[ReasonCode]:
    return [r.code for r in why(result, app)]


def test_exact_quota_takes_the_top_of_the_ranking():
    problem = SelectionProblem(tuple(line("2.2", 8)), groups=(GroupRules("2.2", Quota(QuotaKind.EXACT, 6)),))
    result = select_awards(problem)
    assert result.status == SolveStatus.OPTIMAL and result.proven_optimal
    assert result.selected == ("2.2-1", "2.2-2", "2.2-3", "2.2-4", "2.2-5", "2.2-6")
    assert why(result, "2.2-7") == (Reason(ReasonCode.QUOTA_FULL, group="2.2", rank=7, quota=6, count=6),)
    assert why(result, "2.2-1") == (Reason(ReasonCode.SELECTED, group="2.2", rank=1, quota=6, count=6),)
    assert result.reserve == (("2.2", ("2.2-7", "2.2-8")),)
    assert result.objective == sum((8 - k) * 10**6 // 8 for k in range(6))


def test_group_budget_skips_an_expensive_application_with_the_money_left():
    cands = [cand("a1", "g", 1, 100), cand("a2", "g", 2, 250), cand("a3", "g", 3, 100), cand("a4", "g", 4, 100)]
    problem = SelectionProblem(tuple(cands), groups=(GroupRules("g", Quota(QuotaKind.AT_MOST, 4), budget_yuan=300),))
    result = select_awards(problem)
    # {a1, a2} is worth 1.75e6 but costs 350; {a1, a3, a4} is worth 1.75e6 and fits
    assert result.selected == ("a1", "a3", "a4")
    assert why(result, "a2") == (Reason(ReasonCode.GROUP_BUDGET, group="g", rank=2, left_yuan=0, request_yuan=250),)


def test_higher_rank_wins_a_budget_trade_off_of_one_for_one():
    cands = [cand("a1", "g", 1, 200), cand("a2", "g", 2, 100), cand("a3", "g", 3, 100)]
    problem = SelectionProblem(tuple(cands), groups=(GroupRules("g", Quota(QuotaKind.EXACT, 1), budget_yuan=200),))
    assert select_awards(problem).selected == ("a1",)


def test_about_quota_allows_the_tolerance_and_no_more():
    problem = SelectionProblem(
        tuple(line("2.3", 10)), groups=(GroupRules("2.3", Quota(QuotaKind.ABOUT, 5, tolerance=2), budget_yuan=10_000),)
    )
    assert len(select_awards(problem).selected) == 7
    tight = SelectionProblem(
        tuple(line("2.3", 10)), groups=(GroupRules("2.3", Quota(QuotaKind.ABOUT, 5, tolerance=2), budget_yuan=250),)
    )
    result = select_awards(tight)
    assert result.status == SolveStatus.INFEASIBLE  # 3 needed, money for 2
    assert {(c.rule, c.group) for c in result.conflicts} == {(RuleKind.QUOTA_LOWER, "2.3"), (RuleKind.GROUP_BUDGET, "2.3")}


def test_range_quota_stops_at_its_maximum():
    problem = SelectionProblem(tuple(line("g", 6)), groups=(GroupRules("g", Quota(QuotaKind.RANGE, min=2, max=4)),))
    assert select_awards(problem).selected == ("g-1", "g-2", "g-3", "g-4")


def test_at_least_quota_wins_an_exclusivity_against_a_better_standing():
    # EG's best in B would be preferred, but A must make one award and only has EG
    cands = [
        cand("a1", "A", 1, partner_countries=frozenset({"EG"})),
        cand("b1", "B", 1, partner_countries=frozenset({"EG"})),
        cand("b2", "B", 2, partner_countries=frozenset({"TN"})),
    ]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules("A", Quota(QuotaKind.AT_LEAST, 1)), GroupRules("B", Quota(QuotaKind.AT_MOST, 1))),
        exclusivity=(Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("A", "B")),),
    )
    result = select_awards(problem)
    assert result.selected == ("a1", "b2")
    assert why(result, "b1") == (
        Reason(ReasonCode.QUOTA_FULL, group="B", rank=1, quota=1, count=1),
        Reason(ReasonCode.EXCLUSIVITY, group="B", rank=1, key="EG", others=("a1",), other_group="A"),
    )


def test_fixed_amount_counts_against_the_budget():
    problem = SelectionProblem(
        tuple(line("topic-1", 9, yuan=999_999)),
        groups=(GroupRules("topic-1", Quota(QuotaKind.UNSPECIFIED), budget_yuan=1_000_000),),
        award_amount=AwardAmount.FIXED,
        fixed_amount_yuan=200_000,
    )
    result = select_awards(problem)
    assert len(result.selected) == 5
    assert why(result, "topic-1-6") == (
        Reason(ReasonCode.GROUP_BUDGET, group="topic-1", rank=6, left_yuan=0, request_yuan=200_000),
    )
    assert {e.amount_yuan for e in result.explanations} == {200_000}


def test_country_cap_names_the_application_holding_it():
    cands = [
        cand("x1", "1.5", 1, partner_countries=frozenset({"EG"})),
        cand("x2", "1.5", 2, partner_countries=frozenset({"EG"})),
        cand("x3", "1.5", 3, partner_countries=frozenset({"SA"})),
    ]
    problem = SelectionProblem(
        tuple(cands), groups=(GroupRules("1.5", Quota(QuotaKind.AT_MOST, 5)),), caps=(Cap(CapKind.PARTNER_COUNTRY, 1, ("1.5",)),)
    )
    result = select_awards(problem)
    assert result.selected == ("x1", "x3")
    assert why(result, "x2") == (Reason(ReasonCode.CAP_TAKEN, group="1.5", rank=2, key="EG", limit=1, others=("x1",)),)


def test_institution_cap_across_all_groups():
    cands = [
        cand("a1", "A", 1, institution="PKU"),
        cand("a2", "A", 2, institution="THU"),
        cand("b1", "B", 1, institution="PKU"),
        cand("b2", "B", 2, institution="FDU"),
    ]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules("A", Quota(QuotaKind.EXACT, 1)), GroupRules("B", Quota(QuotaKind.EXACT, 1))),
        caps=(Cap(CapKind.INSTITUTION, 1),),
    )
    result = select_awards(problem)
    # a1 + b2 and a2 + b1 are worth the same (1.5e6): both keep the cap; the solver's choice is fixed
    assert result.objective == 1_500_000
    assert len(result.selected) == 2 and ("a1" in result.selected) != ("b1" in result.selected)


def test_exclusivity_by_applicant_across_groups():
    cands = [
        cand("a1", "A", 1, applicant="li"),
        cand("a2", "A", 2, applicant="wang"),
        cand("a3", "A", 3, applicant="zhao"),
        cand("b1", "B", 1, applicant="zhang"),
        cand("b2", "B", 2, applicant="li"),
    ]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules("A", Quota(QuotaKind.EXACT, 1)), GroupRules("B", Quota(QuotaKind.AT_MOST, 2))),
        exclusivity=(Exclusivity(ExclusivityKey.APPLICANT, ("A", "B")),),
    )
    result = select_awards(problem)
    # a1 + b1 = 1e6 + 1e6 < a2 + b1 + b2 = 666,666 + 1e6 + 5e5: li wins through B
    assert result.selected == ("a2", "b1", "b2")
    assert why(result, "a1") == (
        Reason(ReasonCode.QUOTA_FULL, group="A", rank=1, quota=1, count=1),
        Reason(ReasonCode.EXCLUSIVITY, group="A", rank=1, key="li", others=("b2",), other_group="B"),
    )


def test_exclusivity_applies_only_to_the_listed_countries():
    cands = [
        cand("a1", "1.5", 1, partner_countries=frozenset({"SA"})),
        cand("b1", "1.6", 1, partner_countries=frozenset({"SA"})),
    ]
    groups = (GroupRules("1.5", Quota(QuotaKind.AT_MOST, 1)), GroupRules("1.6", Quota(QuotaKind.AT_MOST, 1)))
    only_arab_african = Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("1.5", "1.6"), frozenset({"EG", "TN"}))
    result = select_awards(SelectionProblem(tuple(cands), groups=groups, exclusivity=(only_arab_african,)))
    assert result.selected == ("a1", "b1")


def test_total_budget_shared_by_groups():
    cands = [cand("a1", "A", 1, 300), cand("a2", "A", 2, 300), cand("b1", "B", 1, 300), cand("b2", "B", 2, 300)]
    problem = SelectionProblem(tuple(cands), groups=(GroupRules("A"), GroupRules("B")), total_budget_yuan=900)
    result = select_awards(problem)
    assert result.objective == 2_500_000  # two firsts and one second
    left_out = next(e for e in result.explanations if not e.selected)
    assert left_out.reasons == (Reason(ReasonCode.TOTAL_BUDGET, group=left_out.group, rank=2, left_yuan=0, request_yuan=300),)


def test_pin_displaces_the_last_in_line():
    problem = SelectionProblem(tuple(line("g", 8)), groups=(GroupRules("g", Quota(QuotaKind.EXACT, 6)),), pins=frozenset({"g-8"}))
    result = select_awards(problem)
    assert result.selected == ("g-1", "g-2", "g-3", "g-4", "g-5", "g-8")
    assert codes(result, "g-8") == [ReasonCode.SELECTED, ReasonCode.PINNED]
    assert why(result, "g-6") == (Reason(ReasonCode.QUOTA_FULL, group="g", rank=6, quota=6, count=6),)


def test_exclude_lets_the_next_in():
    problem = SelectionProblem(
        tuple(line("g", 8)), groups=(GroupRules("g", Quota(QuotaKind.EXACT, 6)),), excludes=frozenset({"g-1"})
    )
    result = select_awards(problem)
    assert result.selected == ("g-2", "g-3", "g-4", "g-5", "g-6", "g-7")
    assert why(result, "g-1") == (Reason(ReasonCode.EXCLUDED, group="g", rank=1),)
    assert result.reserve == (("g", ("g-8",)),)


def test_tie_at_the_line_is_broken_by_position_and_said_so():
    cands = [*line("g", 5), cand("g-6b", "g", 6, position=7), cand("g-6a", "g", 6, position=6)]
    result = select_awards(SelectionProblem(tuple(cands), groups=(GroupRules("g", Quota(QuotaKind.EXACT, 6)),)))
    assert "g-6a" in result.selected and "g-6b" not in result.selected
    assert codes(result, "g-6a") == [ReasonCode.SELECTED, ReasonCode.TIE_BROKEN_BY_POSITION]
    assert codes(result, "g-6b") == [ReasonCode.QUOTA_FULL, ReasonCode.TIE_BROKEN_BY_POSITION]


def test_prize_tiers_in_rank_order_with_eligibility():
    cands = [cand(f"t{r}", "track-1", r, tiers=frozenset({"second", "third"}) if r == 1 else None) for r in range(1, 9)]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules("track-1"),),
        award_amount=AwardAmount.NONE,
        tiers=(Tier("first", 1), Tier("second", 2), Tier("third", 3)),
    )
    result = select_awards(problem)
    tiers = {e.application: e.tier for e in result.explanations}
    assert tiers == {
        "t1": "second",
        "t2": "first",
        "t3": "second",
        "t4": "third",
        "t5": "third",
        "t6": "third",
        "t7": None,
        "t8": None,
    }
    places = (("first", 1), ("second", 2), ("third", 3))
    assert why(result, "t7") == (Reason(ReasonCode.TIERS_FULL, group="track-1", rank=7, tier_places=places),)
    assert why(result, "t4")[0] == Reason(
        ReasonCode.SELECTED, group="track-1", rank=4, count=6, tier="third", limit=3, tier_places=places
    )


def test_pins_over_the_quota_are_reported_not_relaxed():
    problem = SelectionProblem(
        tuple(line("2.1", 4)), groups=(GroupRules("2.1", Quota(QuotaKind.EXACT, 2)),), pins=frozenset({"2.1-1", "2.1-2", "2.1-3"})
    )
    result = select_awards(problem)
    assert result.status == SolveStatus.INFEASIBLE and result.selected == ()
    assert [(c.code, c.group, c.needed, c.limit) for c in result.conflicts] == [(ConflictCode.QUOTA_BELOW_PINS, "2.1", 3, 2)]
    assert codes(result, "2.1-4") == [ReasonCode.INFEASIBLE]


def test_exact_quota_unreachable_names_the_group():
    problem = SelectionProblem(
        tuple(line("2.8", 3)), groups=(GroupRules("2.8", Quota(QuotaKind.EXACT, 2)),), excludes=frozenset({"2.8-1", "2.8-2"})
    )
    result = select_awards(problem)
    assert [(c.code, c.group, c.needed, c.limit) for c in result.conflicts] == [(ConflictCode.QUOTA_UNREACHABLE, "2.8", 2, 1)]


def test_pinned_and_excluded_is_a_conflict():
    problem = SelectionProblem(tuple(line("g", 2)), pins=frozenset({"g-1"}), excludes=frozenset({"g-1"}))
    assert [(c.code, c.application) for c in select_awards(problem).conflicts] == [(ConflictCode.PIN_EXCLUDED, "g-1")]


def test_pins_breaking_a_country_cap_and_exclusivity():
    cands = [
        cand("x1", "1.5", 1, partner_countries=frozenset({"EG"})),
        cand("x2", "1.5", 2, partner_countries=frozenset({"EG"})),
        cand("y1", "1.6", 1, partner_countries=frozenset({"EG"})),
    ]
    problem = SelectionProblem(
        tuple(cands),
        caps=(Cap(CapKind.PARTNER_COUNTRY, 1, ("1.5", "1.6")),),
        exclusivity=(Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("1.5", "1.6")),),
        pins=frozenset({"x1", "y1"}),
    )
    assert [(c.code, c.key, c.others) for c in select_awards(problem).conflicts] == [
        (ConflictCode.CAP_BELOW_PINS, "EG", ("x1", "y1")),
        (ConflictCode.EXCLUSIVITY_PINS, "EG", ("x1", "y1")),
    ]


def test_core_names_the_pin_that_breaks_an_exact_quota_with_the_budget():
    problem = SelectionProblem(
        (cand("a", "g", 1, 500), cand("b", "g", 2, 100), cand("c", "g", 3, 100)),
        groups=(GroupRules("g", Quota(QuotaKind.EXACT, 2), budget_yuan=300),),
        pins=frozenset({"a"}),
    )
    result = select_awards(problem)
    assert result.status == SolveStatus.INFEASIBLE
    assert [(c.code, c.application) for c in result.conflicts] == [(ConflictCode.BUDGET_BELOW_PINS, None)]


def test_same_input_same_output():
    rng = random.Random(3)
    cands = [
        cand(f"{g}-{r}", g, r, rng.randrange(50, 150), partner_countries=frozenset({rng.choice("ABCDE")}))
        for g in ("1.5", "1.6")
        for r in range(1, 40)
    ]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules("1.5", Quota(QuotaKind.AT_MOST, 5), 400), GroupRules("1.6", Quota(QuotaKind.AT_MOST, 10), 700)),
        caps=(Cap(CapKind.PARTNER_COUNTRY, 1, ("1.5", "1.6")),),
        exclusivity=(Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("1.5", "1.6")),),
    )
    first, second = select_awards(problem), select_awards(problem)
    assert first.selected == second.selected
    assert first.explanations == second.explanations and first.reserve == second.reserve


def test_input_errors_are_codes():
    with pytest.raises(SelectionInputError) as err:
        select_awards(SelectionProblem((cand("a", "g", 1), cand("a", "g", 2))))
    assert err.value.code == "duplicate_application"
    with pytest.raises(SelectionInputError) as err:
        select_awards(SelectionProblem((cand("a", "g", 1),), pins=frozenset({"zz"})))
    assert err.value.code == "unknown_application"


# --- independent checks: brute force and HiGHS on random small cases -------------------


def _feasible(problem: SelectionProblem, chosen: list[Candidate]) -> bool:
    by_group: dict[object, list[Candidate]] = defaultdict(list)
    for c in chosen:
        by_group[c.group].append(c)
    names = {c.application for c in chosen}
    if not problem.pins <= names or names & problem.excludes:
        return False
    for g in problem.groups:
        mine = by_group[g.group]
        if g.quota and (len(mine) < g.quota.lower or (g.quota.upper is not None and len(mine) > g.quota.upper)):
            return False
        if g.budget_yuan is not None and sum(c.requested_yuan for c in mine) > g.budget_yuan:
            return False
    if problem.total_budget_yuan is not None and sum(c.requested_yuan for c in chosen) > problem.total_budget_yuan:
        return False
    for cap in problem.caps:
        count: dict[str, int] = defaultdict(int)
        for c in chosen:
            if not cap.groups or c.group in cap.groups:
                for k in c.partner_countries if cap.kind == CapKind.PARTNER_COUNTRY else {c.institution}:
                    count[str(k)] += 1
        if any(v > cap.max for v in count.values()):
            return False
    for ex in problem.exclusivity:
        where: dict[str, set[object]] = defaultdict(set)
        for c in chosen:
            if c.group in ex.groups:
                for k in c.partner_countries:
                    where[k].add(c.group)
        if any(len(v) > 1 for v in where.values()):
            return False
    return True


def _random_problem(rng: random.Random, n: int) -> SelectionProblem:
    groups = ["A", "B", "C"][: rng.randint(1, 3)]
    cands = []
    for i in range(n):
        g = rng.choice(groups)
        cands.append(
            cand(
                f"c{i}",
                g,
                rng.randint(1, 6),
                rng.randrange(1, 10) * 10,
                position=i,
                institution=rng.choice(["I1", "I2", "I3"]),
                partner_countries=frozenset(rng.sample(["EG", "TN", "SA"], rng.randint(0, 2))),
            )
        )
    kinds = [QuotaKind.EXACT, QuotaKind.AT_MOST, QuotaKind.AT_LEAST, QuotaKind.ABOUT, QuotaKind.RANGE, QuotaKind.UNSPECIFIED]
    rules = []
    for g in groups:
        k = rng.choice(kinds)
        quota = (
            Quota(k, min=1, max=3)
            if k == QuotaKind.RANGE
            else Quota(k, None if k == QuotaKind.UNSPECIFIED else rng.randint(1, 3), tolerance=1)
        )
        rules.append(GroupRules(g, quota, rng.choice([None, 80, 150])))
    caps = (Cap(CapKind.PARTNER_COUNTRY, 1, tuple(groups[:2])),) if rng.random() < 0.5 else ()
    if rng.random() < 0.5:
        caps = (*caps, Cap(CapKind.INSTITUTION, rng.randint(1, 2)))
    excl = (Exclusivity(ExclusivityKey.PARTNER_COUNTRY, tuple(groups[:2])),) if len(groups) > 1 and rng.random() < 0.5 else ()
    names = [c.application for c in cands]
    return SelectionProblem(
        tuple(cands),
        groups=tuple(rules),
        total_budget_yuan=rng.choice([None, 200]),
        caps=caps,
        exclusivity=excl,
        pins=frozenset(rng.sample(names, rng.choice([0, 0, 1]))),
        excludes=frozenset(rng.sample(names, rng.choice([0, 1]))),
    )


@pytest.mark.parametrize("seed", range(60))
def test_random_small_cases_match_brute_force_and_highs(seed: int):
    rng = random.Random(seed)
    problem = _random_problem(rng, rng.randint(4, 11))
    result = select_awards(problem)
    weights = dict(zip([c.application for c in problem.candidates], result.weights, strict=True))
    best = None
    for size in range(len(problem.candidates) + 1):
        for combo in itertools.combinations(problem.candidates, size):
            if _feasible(problem, list(combo)):
                value = sum(weights[c.application] for c in combo)
                best = value if best is None or value > best else best
    highs, _ = milp_optimum(problem, result.weights)
    if best is None:
        assert result.status == SolveStatus.INFEASIBLE and result.conflicts and highs is None
        return
    assert result.proven_optimal
    assert result.objective == best == highs
    assert _feasible(problem, [c for c in problem.candidates if c.application in set(result.selected)])
    assert select_awards(problem, SolverOptions(prune_dominated=False)).objective == best
    for e in result.explanations:  # every unselected application has a rule that blocks it
        assert e.selected or any(r.code not in (ReasonCode.NOT_PROVEN, ReasonCode.TIE_BROKEN_BY_POSITION) for r in e.reasons)


# --- from the seed call definitions ------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "src/shenbao/calls/definitions"


def test_seed_003_rules_from_the_definition():
    definition = parse_file(SEEDS / "most-intl-2025-2.yaml")
    rng = random.Random(5)
    cands = []
    for d in definition.directions:
        assert d.quota is not None and d.budget is not None and d.budget.total is not None
        n = round(d.quota.value or 0) * 3
        avg = d.budget.total.yuan // round(d.quota.value or 1)
        for r in range(1, n + 1):
            country = rng.choice(["EG", "TN", "SA", "KE"]) if d.code in ("1.5", "1.6") else "XX"
            cands.append(cand(f"{d.code}-{r}", d.code, r, avg * rng.randint(6, 12) // 10, partner_countries=frozenset({country})))
    problem = problem_from_definition(definition, cands, about_tolerance=1)
    assert problem.caps == (Cap(CapKind.PARTNER_COUNTRY, 1, ("1.5", "1.6"), in_principle=True),)
    assert problem.exclusivity[0].groups == ("1.5", "1.6") and "EG" in problem.exclusivity[0].countries
    assert next(g for g in problem.groups if g.group == "2.3").quota == Quota(QuotaKind.ABOUT, 10, tolerance=1, minimum=False)
    assert problem.total_budget_yuan == 348_900_000
    result = select_awards(problem)
    assert result.proven_optimal
    chosen = [c for c in cands if c.application in set(result.selected)]
    assert _feasible(problem, chosen)
    in_15_16 = [c for c in chosen if c.group in ("1.5", "1.6")]
    assert len(in_15_16) <= 4  # one per country, and EG / TN through one direction only


def test_seed_000_fixed_amount_from_the_definition():
    definition = parse_file(SEEDS / "xiaomi-jbgs-2025.yaml")
    problem = problem_from_definition(definition, [cand("p1", "topic-x", 1, 5)])
    assert problem.award_amount == AwardAmount.FIXED and problem.fixed_amount_yuan == 200_000


def test_seed_001_prize_tiers_from_the_definition():
    definition = parse_file(SEEDS / "smeie-2023.yaml")
    # The contest states no number of prizes: the committee's counts are required, never "no limit".
    with pytest.raises(SelectionInputError) as missing:
        problem_from_definition(definition, [])
    assert (missing.value.code, missing.value.params) == ("tier_count_missing", {"tiers": ["first", "second", "third"]})
    with pytest.raises(SelectionInputError) as partly:
        problem_from_definition(definition, [], tier_counts={"first": 1})
    assert partly.value.params == {"tiers": ["second", "third"]}
    problem = problem_from_definition(definition, [], tier_counts={"first": 1, "second": 2, "third": 3})
    assert problem.tiers == (Tier("first", 1), Tier("second", 2), Tier("third", 3))
    assert problem.award_amount == AwardAmount.NONE and problem.total_budget_yuan is None


# --- a call-wide final ranking (seed 001's national finals) -------------------------------


def finals(*entries: tuple[str, str, int], **kw: object) -> list[Candidate]:
    """(application, track, call-wide rank) → candidates of the pool, position = rank order."""
    return [
        Candidate(application=a, group="", rank=r, position=n, direction=track, **kw)  # type: ignore[arg-type]
        for n, (a, track, r) in enumerate(entries, start=1)
    ]


TIERS_123 = (Tier("first", 1), Tier("second", 2), Tier("third", 3))
PLACES_123 = (("first", 1), ("second", 2), ("third", 3))


def test_seed_001_finals_rank_the_whole_call_into_the_prize_tiers():
    definition = parse_file(SEEDS / "smeie-2023.yaml")
    tracks = ["SME202301", "SME202302", "SME202303", "SME202304", "SME202305", "SME202306", "SME202301", "SME202302"]
    cands = [cand(f"f{r}", t, r) for r, t in enumerate(tracks, start=1)]
    problem = problem_from_definition(definition, cands, call_wide=True, tier_counts={"first": 1, "second": 2, "third": 3})
    assert problem.groups == (GroupRules(""),) and problem.direction_rules == ()
    assert {(c.group, c.direction) for c in problem.candidates[:2]} == {("", "SME202301"), ("", "SME202302")}
    result = select_awards(problem)
    assert result.proven_optimal
    tiers = {e.application: e.tier for e in result.explanations}
    # One list for the call: two track-1 finalists may both win, the tiers count across tracks.
    assert tiers == {"f1": "first", "f2": "second", "f3": "second", "f4": "third", "f5": "third", "f6": "third"} | {
        "f7": None,
        "f8": None,
    }
    assert why(result, "f4")[0] == Reason(
        ReasonCode.SELECTED, group="", rank=4, count=6, tier="third", limit=3, tier_places=PLACES_123
    )
    assert why(result, "f7") == (Reason(ReasonCode.TIERS_FULL, group="", rank=7, tier_places=PLACES_123),)
    assert result.reserve == (("", ("f7", "f8")),)  # one reserve list for the call, in the finals' order


def test_call_wide_tiers_keep_an_institution_cap_and_a_pin():
    cands = finals(*[(f"f{r}", "T1" if r % 2 else "T2", r) for r in range(1, 9)])
    cands = [dataclasses.replace(c, institution="U1" if c.rank <= 3 else f"U{c.rank}") for c in cands]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules(""),),
        award_amount=AwardAmount.NONE,
        tiers=TIERS_123,
        caps=(Cap(CapKind.INSTITUTION, 2),),
    )
    result = select_awards(problem)
    tiers = {e.application: e.tier for e in result.explanations if e.selected}
    # U1 holds ranks 1-3 and may win twice: rank 3 gives way and rank 4 moves up into the second prizes.
    assert tiers == {"f1": "first", "f2": "second", "f4": "second", "f5": "third", "f6": "third", "f7": "third"}
    assert why(result, "f3") == (
        Reason(ReasonCode.CAP_TAKEN, group="", rank=3, key="U1", limit=2, others=("f1", "f2")),
        Reason(ReasonCode.TIERS_FULL, group="", rank=3, tier_places=PLACES_123),
    )
    assert codes(result, "f8") == [ReasonCode.TIERS_FULL]
    pinned = select_awards(dataclasses.replace(problem, pins=frozenset({"f8"})))
    tiers = {e.application: e.tier for e in pinned.explanations if e.selected}
    # The pin takes the last third prize (a better tier would cost a better-ranked team theirs); rank 7 drops out.
    assert tiers == {"f1": "first", "f2": "second", "f4": "second", "f5": "third", "f6": "third", "f8": "third"}
    assert codes(pinned, "f8") == [ReasonCode.SELECTED, ReasonCode.PINNED]
    assert codes(pinned, "f7") == [ReasonCode.TIERS_FULL]


def test_call_wide_tie_across_a_tier_line_is_decided_by_position_and_said_so():
    cands = finals(("a", "T1", 1), ("b", "T2", 2), ("c", "T1", 2), ("d", "T2", 4))
    tiers = (Tier("first", 1), Tier("second", 1))
    problem = SelectionProblem(tuple(cands), groups=(GroupRules(""),), award_amount=AwardAmount.NONE, tiers=tiers)
    result = select_awards(problem)
    assert {e.application: e.tier for e in result.explanations} == {"a": "first", "b": "second", "c": None, "d": None}
    assert codes(result, "b") == [ReasonCode.SELECTED, ReasonCode.TIE_BROKEN_BY_POSITION]
    assert codes(result, "c") == [ReasonCode.TIERS_FULL, ReasonCode.TIE_BROKEN_BY_POSITION]
    # Pinning the tied one behind the line swaps them: both cannot fit in the one second prize.
    swapped = select_awards(dataclasses.replace(problem, pins=frozenset({"c"})))
    assert {e.application: e.tier for e in swapped.explanations} == {"a": "first", "b": None, "c": "second", "d": None}


def test_call_wide_pool_keeps_direction_quotas_and_exclusivity_across_directions():
    cands = finals(("a", "T1", 1), ("b", "T1", 2), ("c", "T2", 3), ("d", "T3", 4), ("e", "T3", 5))
    cands = [dataclasses.replace(c, applicant="X" if c.application in ("c", "d") else c.application) for c in cands]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules(""),),
        award_amount=AwardAmount.NONE,
        tiers=TIERS_123,
        direction_rules=(GroupRules("T1", Quota(QuotaKind.AT_MOST, 1)),),
        exclusivity=(Exclusivity(ExclusivityKey.APPLICANT, ("T2", "T3")),),
    )
    result = select_awards(problem)
    assert {e.application: e.tier for e in result.explanations} == {
        "a": "first",
        "b": None,
        "c": "second",
        "d": None,
        "e": "second",
    }
    assert why(result, "b") == (Reason(ReasonCode.DIRECTION_QUOTA_FULL, group="T1", rank=2, quota=1, count=1),)
    assert why(result, "d") == (Reason(ReasonCode.EXCLUSIVITY, group="", rank=4, key="X", others=("c",), other_group="T2"),)


def test_call_wide_direction_rules_are_checked_against_pins_and_reported():
    cands = finals(("a", "T1", 1), ("b", "T1", 2), ("c", "T2", 3))
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules(""),),
        direction_rules=(GroupRules("T1", Quota(QuotaKind.AT_MOST, 1)), GroupRules("T3", Quota(QuotaKind.EXACT, 1))),
        pins=frozenset({"a", "b"}),
    )
    result = select_awards(problem)
    assert result.status == SolveStatus.INFEASIBLE and result.selected == ()
    assert [(c.code, c.group, c.needed, c.limit) for c in result.conflicts] == [
        (ConflictCode.QUOTA_BELOW_PINS, "T1", 2, 1),
        (ConflictCode.QUOTA_UNREACHABLE, "T3", 1, 0),
    ]


def test_several_winners_false_caps_each_direction_of_a_call_wide_pool():
    definition = parse_file(SEEDS / "smeie-2023.yaml")
    single = definition.model_copy(
        update={"selection": definition.selection.model_copy(update={"several_winners_per_direction": False})}
    )
    cands = [cand("a", "SME202301", 1), cand("b", "SME202301", 2), cand("c", "SME202302", 3)]
    problem = problem_from_definition(single, cands, call_wide=True, tier_counts={"first": 1, "second": 1, "third": 1})
    assert {r.group for r in problem.direction_rules} == {d.code for d in definition.directions}
    result = select_awards(problem)
    assert {e.application: e.tier for e in result.explanations} == {"a": "first", "b": None, "c": "second"}
    assert codes(result, "b") == [ReasonCode.DIRECTION_QUOTA_FULL]


def test_selecting_across_directions_needs_a_call_wide_ranking():
    definition = parse_file(SEEDS / "smeie-2023.yaml")
    across = definition.model_copy(update={"selection": definition.selection.model_copy(update={"per_direction": False})})
    counts = {"first": 1, "second": 1, "third": 1}
    with pytest.raises(SelectionInputError) as refused:
        problem_from_definition(across, [cand("a", "SME202301", 1)], tier_counts=counts)
    assert refused.value.code == "call_wide_selection_needs_call_wide_ranking"
    assert problem_from_definition(across, [cand("a", "SME202301", 1)], call_wide=True, tier_counts=counts).groups == (
        GroupRules(""),
    )


def test_seed_004_lists_shortlist_per_list():
    definition = parse_file(SEEDS / "thepaper-kcxf-2025.yaml")
    cands = [
        cand("p1", "enterprise-pioneer-engine", 1),
        cand("p2", "enterprise-pioneer-engine", 2),
        cand("g1", "government-sci-tech-park", 1),
    ]
    problem = problem_from_definition(definition, cands)
    # Eight lists, no number of honourees stated, no money, no tiers: the final review's ranked entries are honoured.
    assert len(problem.groups) == 8 and all(g.quota is None for g in problem.groups) and problem.tiers == ()
    assert select_awards(problem).selected == ("p1", "p2", "g1")


def test_no_solution_within_the_time_budget_is_not_called_infeasible():
    problem = SelectionProblem(
        tuple(line("g", 30, yuan=7)), groups=(GroupRules("g", Quota(QuotaKind.EXACT, 10), budget_yuan=70),)
    )
    result = select_awards(problem, SolverOptions(max_deterministic_time=0.0, prune_dominated=False))
    assert result.status == SolveStatus.UNKNOWN and not result.proven_optimal and result.selected == ()
    assert {e.reasons[0].code for e in result.explanations} == {ReasonCode.NOT_PROVEN}
    assert result.conflicts == ()


@pytest.mark.parametrize("seed", range(5))
def test_dominance_fixing_under_an_institution_cap_keeps_the_optimum(seed: int):
    rng = random.Random(100 + seed)
    cands = [
        cand(
            f"{g}-{r}",
            g,
            r,
            rng.randrange(50, 150),
            institution=f"I{rng.randrange(200)}",
            partner_countries=frozenset({rng.choice("ABCD")}),
        )
        for g in ("A", "B", "C")
        for r in range(1, 401)
    ]
    problem = SelectionProblem(
        tuple(cands),
        groups=(
            GroupRules("A", Quota(QuotaKind.EXACT, 4), 400),
            GroupRules("B", Quota(QuotaKind.AT_MOST, 3), 250),
            GroupRules("C", Quota(QuotaKind.RANGE, min=1, max=5), 500),
        ),
        caps=(Cap(CapKind.INSTITUTION, 1), Cap(CapKind.PARTNER_COUNTRY, 2, ("A", "B"))),
        exclusivity=(Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("B", "C"), frozenset({"A"})),),
    )
    fixed = select_awards(problem)
    full = select_awards(problem, SolverOptions(prune_dominated=False))
    highs, _ = milp_optimum(problem, full.weights)
    assert fixed.stats is not None and fixed.stats.fixed_by_dominance > 100
    assert fixed.proven_optimal and full.proven_optimal
    assert fixed.objective == full.objective == highs


def test_core_names_a_pin_quota_and_exclusivity_that_cannot_hold_together():
    cands = [
        cand("a1", "A", 1, partner_countries=frozenset({"EG"})),
        cand("b1", "B", 1, partner_countries=frozenset({"EG"})),
        cand("b2", "B", 2, partner_countries=frozenset({"TN"})),
    ]
    problem = SelectionProblem(
        tuple(cands),
        groups=(GroupRules("A", Quota(QuotaKind.EXACT, 1)), GroupRules("B", Quota(QuotaKind.AT_MOST, 2))),
        exclusivity=(Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("A", "B")),),
        pins=frozenset({"b1"}),
    )
    result = select_awards(problem)
    assert result.status == SolveStatus.INFEASIBLE
    assert {(c.code, c.rule, c.group, c.key, c.application) for c in result.conflicts} == {
        (ConflictCode.RULE_IN_CONFLICT, RuleKind.QUOTA_LOWER, "A", None, None),
        (ConflictCode.RULE_IN_CONFLICT, RuleKind.EXCLUSIVITY, None, "EG", None),
        (ConflictCode.RULE_IN_CONFLICT, RuleKind.PIN, "B", None, "b1"),
    }


def test_reserve_list_in_order_skips_what_no_budget_could_fund():
    cands = [
        cand("r1", "g", 1, 100),
        cand("r2", "g", 2, 100),
        cand("r3", "g", 3, 900),
        cand("r4", "g", 4, 100),
        cand("r5", "g", 5, 100),
    ]
    problem = SelectionProblem(
        tuple(cands), groups=(GroupRules("g", Quota(QuotaKind.EXACT, 2), budget_yuan=500),), reserve_size=2
    )
    result = select_awards(problem)
    assert result.selected == ("r1", "r2")
    assert result.reserve == (("g", ("r4", "r5")),)
    assert [e.reserve_position for e in result.explanations] == [None, None, None, 1, 2]
    assert codes(result, "r3") == [ReasonCode.QUOTA_FULL, ReasonCode.GROUP_BUDGET]


def test_pins_may_depart_from_an_in_principle_cap_and_nothing_else_joins():
    cands = [
        cand("x1", "1.6", 1, partner_countries=frozenset({"KE"})),
        cand("x2", "1.6", 2, partner_countries=frozenset({"KE"})),
        cand("x3", "1.6", 3, partner_countries=frozenset({"KE"})),
    ]
    problem = SelectionProblem(
        tuple(cands),
        caps=(Cap(CapKind.PARTNER_COUNTRY, 1, ("1.6",), in_principle=True),),
        pins=frozenset({"x2", "x3"}),
    )
    result = select_awards(problem)
    assert result.selected == ("x2", "x3")
    assert why(result, "x1") == (Reason(ReasonCode.CAP_TAKEN, group="1.6", rank=1, key="KE", limit=2, others=("x2", "x3")),)
    strict = select_awards(
        SelectionProblem(tuple(cands), caps=(Cap(CapKind.PARTNER_COUNTRY, 1, ("1.6",)),), pins=frozenset({"x2", "x3"}))
    )
    assert [c.code for c in strict.conflicts] == [ConflictCode.CAP_BELOW_PINS]


def _pool_problem(rng: random.Random) -> SelectionProblem:
    """A call-wide pool of 3-6 finalists from three directions with prize tiers and the rules that
    still apply inside it: a direction quota, an institution cap, exclusivity across directions, pins."""
    n = rng.randint(3, 6)
    ranks = sorted(rng.randint(1, n) for _ in range(n))  # ties allowed; the position orders them
    cands = tuple(
        Candidate(
            application=f"p{k}",
            group="",
            rank=r,
            position=k,
            direction=rng.choice(["T1", "T2", "T3"]),
            institution=rng.choice(["U1", "U2", "U3"]),
            applicant=rng.choice(["X", "Y", None]),
        )
        for k, r in enumerate(ranks, start=1)
    )
    tiers = (Tier("first", rng.randint(0, 1)), Tier("second", rng.randint(1, 2)), Tier("third", rng.choice([1, 2, None])))
    quota = rng.choice([Quota(QuotaKind.AT_MOST, 1), Quota(QuotaKind.AT_LEAST, 1), Quota(QuotaKind.EXACT, 1), None])
    names = [c.application for c in cands]
    return SelectionProblem(
        cands,
        groups=(GroupRules(""),),
        award_amount=AwardAmount.NONE,
        tiers=tiers,
        direction_rules=(GroupRules("T1", quota),) if quota else (),
        caps=(Cap(CapKind.INSTITUTION, rng.randint(1, 2)),) if rng.random() < 0.6 else (),
        exclusivity=(Exclusivity(ExclusivityKey.APPLICANT, ("T2", "T3")),) if rng.random() < 0.6 else (),
        pins=frozenset(rng.sample(names, rng.choice([0, 0, 1]))),
    )


def _pool_value(problem: SelectionProblem, weights: dict[object, int], placed: dict[object, int]) -> int | None:
    """The objective of a placement (application → tier index), or None when it breaks a rule."""
    p = problem
    if not p.pins <= set(placed):
        return None
    for t, tier in enumerate(p.tiers):
        if tier.count is not None and sum(1 for v in placed.values() if v == t) > tier.count:
            return None
    chosen = [c for c in p.candidates if c.application in placed]
    for r in p.direction_rules:
        k = sum(1 for c in chosen if c.direction == r.group)
        assert r.quota is not None
        if k < r.quota.lower or (r.quota.upper is not None and k > r.quota.upper):
            return None
    for cap in p.caps:
        per: dict[object, int] = defaultdict(int)
        for c in chosen:
            per[c.institution] += 1
        if any(v > cap.max for v in per.values()):
            return None
    for ex in p.exclusivity:
        where: dict[object, set[object]] = defaultdict(set)
        for c in chosen:
            if c.applicant and c.direction in ex.groups:
                where[c.applicant].add(c.direction)
        if any(len(v) > 1 for v in where.values()):
            return None
    return sum(weights[a] * (len(p.tiers) - t) for a, t in placed.items())


@pytest.mark.parametrize("seed", range(40))
def test_random_call_wide_pools_with_tiers_match_brute_force(seed: int):
    rng = random.Random(1000 + seed)
    problem = _pool_problem(rng)
    result = select_awards(problem)
    apps = [c.application for c in problem.candidates]
    weights = dict(zip(apps, result.weights, strict=True))
    best = None
    for choice in itertools.product(range(len(problem.tiers) + 1), repeat=len(apps)):  # last value: no prize
        placed = {a: t for a, t in zip(apps, choice, strict=True) if t < len(problem.tiers)}
        value = _pool_value(problem, weights, placed)
        if value is not None and (best is None or value > best):
            best = value
    if best is None:
        assert result.status == SolveStatus.INFEASIBLE and result.conflicts
        return
    assert result.proven_optimal and result.objective == best
    codes_of = {t.code: k for k, t in enumerate(problem.tiers)}
    placed = {e.application: codes_of[e.tier] for e in result.explanations if e.selected and e.tier}
    assert set(placed) == set(result.selected) and _pool_value(problem, weights, placed) == best
    for e in result.explanations:  # every finalist without a prize has a rule that blocks it
        assert e.selected or any(r.code not in (ReasonCode.NOT_PROVEN, ReasonCode.TIE_BROKEN_BY_POSITION) for r in e.reasons)
