"""Rules from the studied 16xx batch (issue 14, session 11): quoted schemes checked by their count,
groups a contest is set in, English panels and semicolon lists, and prize money that is no direction's.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

import pytest

from tests.guides.test_lists_and_tallies import draft, titles, totals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "基金会推出的“学术项目”、“社区活动”及“社团运作经费”三类资助计划现正接受申请。\n",
            ["学术项目", "社区活动", "社团运作经费"],
            id="quoted schemes checked by the count after them, one ending like a cost",
        ),
        pytest.param(
            "基金会推出的三项资助计划，包括“学术项目”、“内地、港台交流”及“社团运作经费”，申请期尚余十天。\n",
            ["学术项目", "内地、港台交流", "社团运作经费"],
            id="quoted schemes after 计划，包括",
        ),
        pytest.param(
            "报销时请附“差旅费用”、“会议经费”两类票据。\n", [], id="quoted costs without words naming schemes are no list"
        ),
        pytest.param(
            "本次大赛以“新时代新三农”为主题，设初创企业组、成长企业组和职业农民组。\n",
            ["初创企业组", "成长企业组", "职业农民组"],
            id="设 after a clause opens the groups of a contest",
        ),
        pytest.param("会议设计了三个环节。\n", [], id="设 inside 设计 opens nothing"),
    ],
)
def test_lists(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_the_count_after_quoted_schemes_is_the_stated_number() -> None:
    assert totals("基金会推出的“学术项目”、“社区活动”及“社团运作经费”三类资助计划现正接受申请。\n")["directions"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Health research awards\nApplicants must select the most suitable of three panels\n"
            "1. Patient-oriented research panel\n2. Population health research panel\n3. Health services research panel\n",
            ["Patient-oriented research panel", "Population health research panel", "Health services research panel"],
            id="numbered panels under a line counting them",
        ),
        pytest.param(
            "Research initiative\nThe solicitation will distribute about $90 million to proposals related to the three priorities "
            "outlined in the Farm Bill: Plant Health ($43.9 million); Food Safety, Nutrition, and Health ($26.2 million); "
            "Agriculture Systems and Technology ($19.5 million).\n",
            ["Plant Health", "Food Safety, Nutrition, and Health", "Agriculture Systems and Technology"],
            id="a count, then names separated by semicolons with their amounts",
        ),
        pytest.param(
            "Research initiative\nThe two priorities outlined in the Farm Bill: funding must be requested online; "
            "applicants should register early; and reports are due yearly.\n",
            [],
            id="semicolons between sentences, not as many names as counted",
        ),
    ],
)
def test_english_lists(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_prize_money_of_a_grade_is_no_directions_money() -> None:
    body = (
        "本次大赛以“创新”为主题，设初创企业组、成长企业组、团队组。\n"
        "其中，初创企业组、成长企业组资助标准为：一等奖20万元、二等奖10万元。\n"
    )
    budgets = {d["title"]: d.get("budget") for d in draft(body)["directions"]}
    assert budgets == {"初创企业组": None, "成长企业组": None, "团队组": None}


def test_a_warning_is_given_once_however_many_readers_raise_it() -> None:
    from shenbao.guides.parser.model import Collector

    col = Collector()
    col.warn("year_inferred", date="2023-12-06")
    col.warn("year_inferred", date="2023-12-06")  # a second reader of the same date
    col.warn("year_inferred", date="2023-12-07")
    assert [(w.code, w.params) for w in col.warnings] == [
        ("year_inferred", {"date": "2023-12-06"}),
        ("year_inferred", {"date": "2023-12-07"}),
    ]
