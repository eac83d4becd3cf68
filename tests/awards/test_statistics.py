"""Statistics of a call: exact counts by direction, institution, partner country and prize tier, in a
constant number of queries; the public summary shows nothing before publication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shenbao.awards.models import Award, SelectionRun
from shenbao.awards.queries.statistics import Row, call_statistics, public_summary
from shenbao.calls.models import Call
from tests.awards.statistics_fixtures import build_call, publish
from tests.reviews.fixtures import checked_application


def counts(row: Row) -> tuple[Any, ...]:
    return (row.key, row.received, row.waiting, row.passed, row.failed, row.withdrawn, row.awards, row.money_yuan, row.revoked)


def test_statistics_count_every_dimension_exactly(load_seed: Callable[[str], Call]) -> None:
    built = build_call(load_seed)
    stats = call_statistics(built.call)
    assert [counts(r) for r in stats.by_direction.rows] == [
        ("1.5", 3, 0, 2, 1, 0, 2, 5_000_000, 0),
        ("1.6", 4, 1, 2, 0, 1, 1, 500_000, 1),
    ]
    assert stats.by_direction.rows[0].pass_rate == pytest.approx(2 / 3)
    assert stats.by_direction.rows[1].pass_rate == 1.0
    assert counts(stats.total) == ("", 7, 1, 4, 1, 1, 3, 5_500_000, 1)
    assert stats.total.pass_rate == pytest.approx(4 / 5)
    ids = {name: str(org.pk) for name, org in built.organisations.items()}
    assert [counts(r) for r in stats.by_institution.rows] == [
        (ids["北大"], 2, 0, 2, 0, 0, 2, 5_000_000, 0),
        (ids["清华"], 3, 0, 2, 1, 0, 1, 500_000, 1),
        (ids["复旦"], 2, 1, 0, 0, 1, 0, 0, 0),
    ]
    assert stats.by_institution.rows[0].label == {"zh-hans": "北大", "en": "北大 University"}
    # Two Egyptian partners on one application count it once; the Chinese side is not a partner country.
    assert [counts(r) for r in stats.by_country.rows] == [
        ("EG", 3, 0, 3, 0, 0, 3, 5_500_000, 0),
        ("MA", 2, 0, 1, 1, 0, 1, 2_000_000, 0),
        ("KE", 2, 0, 1, 0, 1, 0, 0, 1),
    ]
    assert stats.by_tier.rows == []  # seed 003 awards carry no prize tier
    assert stats.has_money is True
    assert [t.code for t in stats.tables] == ["direction", "institution", "country"]
    assert (stats.by_direction.max_received, stats.by_direction.max_awards, stats.by_direction.max_money) == (4, 2, 5_000_000)


def test_statistics_of_an_empty_call_are_zero(load_seed: Callable[[str], Call]) -> None:
    stats = call_statistics(load_seed("003"))
    assert counts(stats.total) == ("", 0, 0, 0, 0, 0, 0, 0, 0)
    assert stats.total.pass_rate is None and stats.tables == [] and stats.has_money is False


def test_statistics_take_the_same_number_of_queries_whatever_the_size_of_the_call(load_seed: Callable[[str], Call]) -> None:
    built = build_call(load_seed)
    with CaptureQueriesContext(connection) as small:
        call_statistics(built.call)
    run = SelectionRun.objects.get(call=built.call)
    for i in range(6):
        a = checked_application(built.call, direction="1.5", title=f"更多{i}", email=f"more{i}@example.com")
        Award.objects.create(call=built.call, application=a, run=run, direction=a.direction, amount_yuan=100)
    with CaptureQueriesContext(connection) as large:
        stats = call_statistics(built.call)
    assert stats.total.received == 7 + 6
    assert len(small) == len(large) == 4


def test_prize_tiers_are_counted_in_the_calls_order_with_their_names(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    run = SelectionRun.objects.create(call=call, status="approved")
    for i, tier in enumerate(["third", "first", "third", "second", ""]):
        a = checked_application(call, direction="SME202301", title=f"作品{i}", email=f"t{i}@example.com")
        Award.objects.create(call=call, application=a, run=run, direction=a.direction, tier=tier, status="published")
    stats = call_statistics(call)
    assert [(r.key, r.label["zh-hans"], r.awards, r.money_yuan) for r in stats.by_tier.rows] == [
        ("first", "一等奖", 1, 0),
        ("second", "二等奖", 1, 0),
        ("third", "三等奖", 2, 0),
    ]
    assert stats.has_money is False  # seed 001 names no prize money
    summary = public_summary(call)
    assert summary is not None and [(r.key, r.awards) for r in summary.by_tier] == [("first", 1), ("second", 1), ("third", 2)]


def test_the_public_summary_shows_nothing_before_publication_then_only_published_awards(
    load_seed: Callable[[str], Call],
) -> None:
    built = build_call(load_seed)
    assert public_summary(built.call) is None  # approved and revoked awards are not public
    publish(built.call)
    summary = public_summary(built.call)
    assert summary is not None
    assert [(r.key, r.received, r.awards, r.money_yuan) for r in summary.by_direction] == [
        ("1.5", 3, 2, 5_000_000),
        ("1.6", 4, 1, 500_000),
    ]
    # Only what the public may know: no formal-check or revocation figures.
    assert all((r.passed, r.failed, r.withdrawn, r.waiting, r.revoked) == (0, 0, 0, 0, 0) for r in summary.by_direction)
    assert (summary.total.received, summary.total.awards, summary.total.money_yuan) == (7, 3, 5_500_000)
    assert summary.by_tier == [] and summary.has_money is True
