"""Rules from the studied 13xx batch (issue 14, session 11).

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.english_deadlines import english_deadlines
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.numbers import parse_money
from tests.guides.test_lists_and_tallies import draft, per_project, titles

# ------------------------------------------------------------ lists


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "本批项目主要涉及能源、材料、交通运输以及科研条件和技术标准项目等4个方面指南，详见附件。\n",
            ["能源", "材料", "交通运输", "科研条件和技术标准项目"],
            id="N个方面指南 counts the list; 以及 joins the last item, the 和 after it is inside it; 主要涉及 opens it",
        ),
        pytest.param(
            "请从能源、材料和交通运输等三个方面评审。\n", [], id="方面 without 指南 stays a weak count (aspects of review)"
        ),
        pytest.param(
            "四、竞赛组别：分初中组、高中组及社会组（初中组须有指导老师）。\n",
            ["初中组", "高中组", "社会组"],
            id="分 after a label naming directions, a remark after the last item",
        ),
        pytest.param(
            "本次院级项目申报范围为教学研究项目、自然科学研究项目和人文社会科学研究项目三类。\n",
            ["教学研究项目", "自然科学研究项目", "人文社会科学研究项目"],
            id="范围为 opens the list",
        ),
        pytest.param(
            "二、研究重点\n1、区域协调发展研究；\n2、乡村振兴战略研究；\n3、数字经济治理研究。\n",
            ["区域协调发展研究", "乡村振兴战略研究", "数字经济治理研究"],
            id="a heading 研究重点 names directions",
        ),
        pytest.param(
            "二、工作重点\n1、加强组织领导；\n2、严格评审纪律；\n3、做好宣传工作。\n",
            [],
            id="工作重点 names no directions",
        ),
        pytest.param(
            "合作领域涵盖所有基础与应用研究领域，惟本次征件鼓励“生医”和“雷射”领域。\n",
            [],
            id="encouraged fields within an open call are no directions",
        ),
        pytest.param(
            "本次征件设“生医”和“雷射”两个领域。\n", ["生医", "雷射"], id="quoted fields with their count are directions"
        ),
    ],
)
def test_lists(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_kinds_of_project_each_granted_a_range_per_project() -> None:
    body = "1、招标课题每项资助8-10万元，一般课题每项资助3-4万元，青年课题每项资助2万元。\n"
    assert per_project(body) == {
        "招标课题": {"amount_wan": 10, "qualifier": "at_most"},
        "一般课题": {"amount_wan": 4, "qualifier": "at_most"},
        "青年课题": {"amount_wan": 2},
    }


def test_english_bullets_after_areas_of_and_a_blank_line() -> None:
    text = (
        "Infrastructure scheme\nWe support technologies in the areas of:\n\n"
        "  • particle physics\n  • nuclear physics\n  • quantum technologies\n\nApply online.\n"
    )
    assert [d["title"] for d in extract_guide(text).data["directions"]] == [
        "particle physics",
        "nuclear physics",
        "quantum technologies",
    ]


# ------------------------------------------------------------ money and durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("重大项目每项资助1万元以上", {"amount_wan": 1, "qualifier": "at_least", "per_project": True}),
        ("重点项目每项资助1千元以上", {"amount": 1000, "qualifier": "at_least", "per_project": True}),
        ("奖金2千元", {"amount": 2000}),
        ("资助金额（新台币千元）", None),  # a table's unit, no amount
    ],
)
def test_thousands_of_yuan_and_amounts_above(text: str, expected: dict[str, Any] | None) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "budget", "duration"),
    [
        pytest.param(
            "Dark matter facility\nThe cost to the council for the project can be up to £10 million, over five years.\n",
            {"amount": 10000000, "currency": "GBP", "qualifier": "at_most"},
            {"unit": "years", "qualifier": "exact", "value": 5},
            id="for the project; money, over N years",
        ),
        pytest.param(
            "Proof of concept\nThe contribution is a lump sum of EUR 150 000 for a period of 18 months.\n",
            {"amount": 150000, "currency": "EUR"},
            {"unit": "months", "qualifier": "exact", "value": 18},
            id="a lump sum of",
        ),
        pytest.param(
            "Advisory scheme\nYour project can be up to £150,000 for a period of 1 or 2 years.\n",
            {"amount": 150000, "currency": "GBP", "qualifier": "at_most"},
            {"unit": "years", "qualifier": "range", "min": 1, "max": 2},
            id="1 or 2 years is a range",
        ),
        pytest.param(
            "Fellowships\nApplicants with over 5 years of experience are welcome.\n", None, None, id="over N years of experience"
        ),
    ],
)
def test_english_amounts_and_lengths(text: str, budget: dict[str, Any] | None, duration: dict[str, Any] | None) -> None:
    data = extract_guide(text).data
    assert (data.get("budget") or {}).get("per_project") == budget
    got = data.get("duration")
    assert (None if got is None else {k: v for k, v in got.items() if k != "in_principle"}) == duration


# ------------------------------------------------------------ counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("经评审，共有106项申请获准立项（名单见附表）。\n", {"qualifier": "exact", "value": 106}, id="获准立项"),
        pytest.param("本届将评选五名得奖者，每名颁发奖金六十万元。\n", {"qualifier": "exact", "value": 5}, id="评选N名得奖者"),
        pytest.param("往届共有获奖者不超过100名。\n", None, id="a past edition's laureates"),
        pytest.param("去年评选出5名获奖者。\n", None, id="last year's laureates"),
    ],
)
def test_projects_approved_and_laureates(text: str, expected: dict[str, Any] | None) -> None:
    projects = (draft(text).get("stated_totals") or {}).get("projects")
    assert (None if projects is None else {k: projects[k] for k in ("qualifier", "value")}) == expected


# ------------------------------------------------------------ deadlines


def test_an_ordinal_printed_apart_from_its_day() -> None:
    text = "Key Dates Deadline for proposal submission: 9 th December 2016, 13.00 Dublin local time Terms of Reference"
    assert [d.iso for d in english_deadlines(text, 2016)] == ["2016-12-09T13:00"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("主办单位将于2010年4月底前发函并公告得奖名单。\n", [], id="the list of winners is no deadline"),
        pytest.param("请于2010年4月底前报送申报材料。\n", ["2010-04-30"], id="a month's end before a submission stays one"),
    ],
)
def test_the_end_of_a_month_for_a_list_of_winners(text: str, expected: list[str]) -> None:
    assert [d.iso for d in find_deadlines(text, fallback_year=2010)] == expected
