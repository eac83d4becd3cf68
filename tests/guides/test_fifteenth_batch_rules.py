"""Rules from the studied 15xx batch (issue 14, session 11): a website's menu, quoted themes, grades of
project beside a list of topics, English numbered topic areas, and dates of European and US notices.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.english import _duration as english_duration
from shenbao.guides.parser.english_deadlines import english_deadlines
from tests.guides.test_lists_and_tallies import titles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "香港新闻网\n* 类别:\n*\n**\n财经\n*\n**\n环境\n*\n**\n治安\n*\n基金本轮接受申请。\n",
            [],
            id="a website's menu under a bulleted label",
        ),
        pytest.param(
            "二、支持方向：\n智能制造\n生物医药\n新材料\n",
            ["智能制造", "生物医药", "新材料"],
            id="a heading over plain lines still names them",
        ),
        pytest.param(
            "基金第9轮接受申请，优先主题为“照顾学生的不同学习需要”、“促进家校合作”和“发展学习评估”。\n",
            ["照顾学生的不同学习需要", "促进家校合作", "发展学习评估"],
            id="quoted themes after 优先主题为, a phrase among them",
        ),
        pytest.param(
            "合作领域涵盖所有领域，惟本次鼓励“生医”和“雷射”领域。\n", [], id="encouraged quoted fields are still no directions"
        ),
        pytest.param(
            "本年度支持以下课题：\n1. 全民健身研究\n2. 竞技体育研究\n3. 体育产业研究\n申报类型分为重点项目和一般项目，重点项目研究时间为1-2年。\n",
            ["全民健身研究", "竞技体育研究", "体育产业研究"],
            id="grades of project beside a list of topics are no directions",
        ),
        pytest.param(
            "申报类型分为重点项目和一般项目，重点项目资助2万元，一般项目资助1万元。\n",
            ["重点项目", "一般项目"],
            id="grades of project alone are the call's directions",
        ),
    ],
)
def test_lists(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_english_numbered_topic_areas_under_a_line_announcing_them() -> None:
    text = (
        "Open Solicitation\nThis solicitation covers the following topic areas; see the FOA for the sub-topics:\n\n"
        "1. Advanced Scientific Computing Research (ASCR)\n\n2. Basic Energy Sciences (BES)\n\n3. Nuclear Physics (NP)\n\n"
        "This FOA is open throughout the fiscal year.\n"
    )
    assert titles(text) == [
        "Advanced Scientific Computing Research (ASCR)",
        "Basic Energy Sciences (BES)",
        "Nuclear Physics (NP)",
    ]


def test_english_numbered_lines_on_their_own_are_sections_not_topics() -> None:
    text = "Part 2. Full Text\n1. Request Application Information\n2. Content and Form of Application Submission\n3. Submission Dates and Times\n"
    assert titles(text) == []


# ------------------------------------------------------------ dates and durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Opening\n06.05.2025\nDeadline\n24.09.2025 17:00", [("2025-05-06", None), ("2025-09-24", "17:00")]),
        ("version 1.2.2025x of the form", []),
        ("2025.09.24", [("2025-09-24", None)]),  # year first: as before
    ],
)
def test_dates_with_the_day_first_and_dots(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(d.date.isoformat(), d.time) for d in find_dates(text, default_year=None)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "This FOA will remain open until September 30, 2020, 11:59 PM Eastern Time, or until it is succeeded.",
            ["2020-09-30T23:59"],
            id="open until, the time after the date",
        ),
        pytest.param("Grants that started before September 30, 2020 are not eligible.", [], id="a condition, not a deadline"),
    ],
)
def test_a_call_open_until_a_day(text: str, expected: list[str]) -> None:
    assert [d.iso for d in english_deadlines(text, 2020)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("更新：单一计画申请期限延长至2024年11月5日。\n", ["2024-11-05"], id="申请期限延长至 a day"),
        pytest.param("计画研究期程原则自核定月份起至2025年12月31日止。\n", [], id="研究期程 is the project's length"),
        pytest.param(
            "请于2024年10月30日前上网研提计画书。\n系统送出时间至2024年10月30日下午5时截止，逾期概不受理。\n",
            ["2024-10-30T17:00"],
            id="a title's day and the system's hour are one deadline",
        ),
        pytest.param(
            "申请人须于2019年1月2日上午8时59分前在线提交。\n依托单位须于2019年1月2日前汇总报送。\n",
            ["2019-01-02T08:59", "2019-01-02"],
            id="a unit's end of the same day stays its own",
        ),
    ],
)
def test_extended_deadlines_project_periods_and_one_deadline_per_day(text: str, expected: list[str]) -> None:
    assert [d.iso for d in find_deadlines(text, fallback_year=2024)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The workforce has declined steadily over the last fifteen years, so young farmers matter.",
            None,
            id="the last N years is no duration",
        ),
        pytest.param("Projects should last 3 years.", {"unit": "years", "qualifier": "exact", "value": 3}, id="last N years"),
    ],
)
def test_the_last_years_are_past_time(text: str, expected: dict[str, Any] | None) -> None:
    found = english_duration(text)
    assert (None if found is None else found[0]) == expected
