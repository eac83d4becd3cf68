"""A selection run's stored problem (algorithms/selection_record.py): format 2 stores the candidates
by column and reads back to the very problem that was solved, the first format (one object per
candidate) still reads, and a changed record is refused before it is solved."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from shenbao.awards.algorithms.selection import select_awards
from shenbao.awards.algorithms.selection_record import (
    RecordError,
    candidate_count,
    digest,
    problem_from_record,
    problem_record,
)
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
    SelectionProblem,
    Tier,
)
from shenbao.awards.services.selection import _plain as plain


def full_problem() -> SelectionProblem:
    """Every kind of field set somewhere, ids of both kinds."""
    return SelectionProblem(
        candidates=(
            Candidate(
                application=11,
                group="1.5",
                rank=1,
                position=1,
                merit=91.5,
                requested_yuan=500_000,
                institution="7",
                partner_countries=frozenset({"EG", "MA"}),
                applicant="3",
            ),
            Candidate(
                application=12,
                group="1.5",
                rank=2,
                position=2,
                merit=88.0,
                requested_yuan=400_000,
                institution="8",
                partner_countries=frozenset({"EG"}),
                applicant="4",
                tiers=frozenset({"first"}),
            ),
            Candidate(
                application=13,
                group="1.6",
                rank=1,
                position=1,
                merit=None,
                requested_yuan=300_000,
                institution="7",
                applicant="3",
                direction="d-2",
            ),
        ),
        groups=(
            GroupRules(group="1.5", quota=Quota(kind=QuotaKind.ABOUT, value=1, tolerance=1, minimum=False), budget_yuan=900_000),
            GroupRules(group="1.6", quota=Quota(kind=QuotaKind.RANGE, min=0, max=1)),
        ),
        total_budget_yuan=1_200_000,
        award_amount=AwardAmount.FIXED,
        fixed_amount_yuan=250_000,
        caps=(Cap(kind=CapKind.PARTNER_COUNTRY, max=1, groups=("1.5",), in_principle=True),),
        exclusivity=(Exclusivity(key=ExclusivityKey.APPLICANT, groups=("1.5", "1.6"), countries=frozenset({"EG"})),),
        tiers=(Tier(code="first", count=1), Tier(code="second")),
        direction_rules=(GroupRules(group="d-2", budget_yuan=100),),
        pins=frozenset({13}),
        excludes=frozenset({12}),
        reserve_size=2,
    )


def stored(record: dict[str, Any]) -> dict[str, Any]:
    """What comes back from a JSON column."""
    loaded: dict[str, Any] = json.loads(json.dumps(record))
    return loaded


def test_format_two_stores_columns_and_reads_back_the_same_problem() -> None:
    problem = full_problem()
    record = stored(problem_record(problem))

    assert record["format"] == 2 and record["sha256"] == digest(record["problem"])
    candidates = record["problem"]["candidates"]
    assert candidates["count"] == 3
    assert candidates["columns"]["application"] == [11, 12, 13]
    assert candidates["columns"]["partner_countries"] == [["EG", "MA"], ["EG"], []]
    assert candidates["columns"]["tiers"] == [None, ["first"], None]
    assert record["problem"]["tiers"] == [{"code": "first", "count": 1}, {"code": "second", "count": None}]
    assert problem_from_record(record) == problem
    assert candidate_count(record) == 3


def test_a_column_whose_every_value_is_the_default_is_not_stored() -> None:
    problem = SelectionProblem(candidates=tuple(Candidate(application=n, group="g", rank=n) for n in range(1, 4)))
    record = stored(problem_record(problem))

    assert sorted(record["problem"]["candidates"]["columns"]) == ["application", "group", "rank"]
    assert record["problem"]["candidates"]["columns"]["rank"] == [1, 2, 3]
    assert problem_from_record(record) == problem


def first_format(problem: SelectionProblem) -> dict[str, Any]:
    """A run's inputs as the first format stored them (hand-written, as in the database)."""
    return {
        "stage": "expert-review",
        "call_wide": False,
        "problem": {
            "candidates": [
                {
                    "application": 11,
                    "group": "1.5",
                    "rank": 1,
                    "position": 1,
                    "merit": 91.5,
                    "requested_yuan": 500000,
                    "institution": "7",
                    "partner_countries": ["EG", "MA"],
                    "applicant": "3",
                    "tiers": None,
                    "direction": None,
                },
                {
                    "application": 12,
                    "group": "1.5",
                    "rank": 2,
                    "position": 2,
                    "merit": 88.0,
                    "requested_yuan": 400000,
                    "institution": "8",
                    "partner_countries": ["EG"],
                    "applicant": "4",
                    "tiers": ["first"],
                    "direction": None,
                },
                {
                    "application": 13,
                    "group": "1.6",
                    "rank": 1,
                    "position": 1,
                    "merit": None,
                    "requested_yuan": 300000,
                    "institution": "7",
                    "partner_countries": [],
                    "applicant": "3",
                    "tiers": None,
                    "direction": "d-2",
                },
            ],
            "groups": [
                {
                    "group": "1.5",
                    "quota": {"kind": "about", "value": 1, "min": None, "max": None, "tolerance": 1, "minimum": False},
                    "budget_yuan": 900000,
                },
                {
                    "group": "1.6",
                    "quota": {"kind": "range", "value": None, "min": 0, "max": 1, "tolerance": 0, "minimum": True},
                    "budget_yuan": None,
                },
            ],
            "total_budget_yuan": 1200000,
            "award_amount": "fixed",
            "fixed_amount_yuan": 250000,
            "caps": [{"kind": "per_partner_country", "max": 1, "groups": ["1.5"], "in_principle": True}],
            "exclusivity": [{"key": "applicant", "groups": ["1.5", "1.6"], "countries": ["EG"]}],
            "tiers": [{"code": "first", "count": 1}, {"code": "second", "count": None}],
            "direction_rules": [{"group": "d-2", "quota": None, "budget_yuan": 100}],
            "pins": [13],
            "excludes": [12],
            "reserve_size": 2,
        },
    }


def test_inputs_of_the_first_format_still_read() -> None:
    old = first_format(full_problem())
    assert old["problem"] == plain(full_problem())  # what run_selection stored before format 2

    assert problem_from_record(old) == full_problem()
    assert candidate_count(old) == 3
    assert select_awards(problem_from_record(old)) == select_awards(problem_from_record(stored(problem_record(full_problem()))))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["problem"]["candidates"]["columns"]["rank"].__setitem__(0, 2), "does not match its digest"),
        (lambda r: r["problem"].__setitem__("total_budget_yuan", 10**9), "does not match its digest"),
        (lambda r: r.__setitem__("sha256", "0" * 64), "does not match its digest"),
        (lambda r: r.__setitem__("format", 3), "unknown record format 3"),
        (lambda r: r.pop("problem"), "no problem stored"),
    ],
)
def test_a_changed_record_is_refused_before_it_is_solved(change: Any, message: str) -> None:
    record = copy.deepcopy(stored(problem_record(full_problem())))
    change(record)
    with pytest.raises(RecordError, match=message):
        problem_from_record(record)


def test_columns_of_different_lengths_are_refused_even_with_a_matching_digest() -> None:
    record = stored(problem_record(full_problem()))
    record["problem"]["candidates"]["columns"]["rank"].pop()
    record["sha256"] = digest(record["problem"])
    with pytest.raises(RecordError, match="candidate columns do not match"):
        problem_from_record(record)
