"""Rules from the studied 11xx batch (issue 14, session 10): the words for "at most" a call's amount is
written with, and an English date that describes a case rather than a deadline.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

import pytest

from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.numbers import parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 不得逾 / 不逾 (must not exceed; Taiwan's usage), with the currency before the amount.
        ("每案申请金额不得逾新台币10万元。", {"amount_wan": 10, "currency": "TWD", "qualifier": "at_most", "per_project": True}),
        ("单一计画补助不逾80万元。", {"amount_wan": 80, "qualifier": "at_most"}),
        # A bare 不超 before the number.
        ("原则上单个项目支持额度不超250万元。", {"amount_wan": 250, "qualifier": "at_most", "per_project": True}),
        ("支持额度不超出30万元", {"amount_wan": 30, "qualifier": "at_most"}),
        # Unchanged: the words already known, and 逾 alone ("more than"), which is no cap.
        ("每项不超过50万元", {"amount_wan": 50, "qualifier": "at_most", "per_project": True}),
        ("项目总投资逾1000万元", {"amount_wan": 1000}),
        ("资助经费为20万元", {"amount_wan": 20}),
    ],
)
def test_the_words_for_at_most_an_amount(text: str, expected: dict[str, object]) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The date sits in the subject ("who … before X"), the main verb after it: a case, not a deadline.
        ("Proposers who choose to submit before December 26, 2014, must also follow the older guide.", []),
        ("Those who wish to submit before 3 May 2025 should register first.", []),
        # Still deadlines: the whole call's applicants, or a "who" clause that ends before the verb.
        ("Applicants must submit their proposals before December 26, 2014.", ["2014-12-26"]),
        ("Researchers who wish to apply must submit before 3 May 2025.", ["2025-05-03"]),
        ("Applicants who are eligible may submit by 3 May 2025.", ["2025-05-03"]),
    ],
)
def test_an_english_date_in_a_who_clause_is_a_case_not_a_deadline(text: str, expected: list[str]) -> None:
    assert [d.iso for d in find_deadlines(text, fallback_year=2014)] == expected
