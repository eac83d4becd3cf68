"""Rules from the studied 14xx batch (issue 14, session 11): dates and labels of timetables, and a list
whose heading further back names applicants too.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

import pytest

from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.english_deadlines import english_deadlines
from tests.guides.test_lists_and_tallies import titles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("(一) 计画申请：校内系统受理申请至2026年3月12日下午5时前。\n", ["2026-03-12T17:00"], id="受理申请至…前"),
        pytest.param("(二) 公告结果日期：原则于2026年7月31日前。\n", [], id="when results come out is no deadline"),
        pytest.param("(三) 计画执行起讫：2026年9月1日至2027年8月31日止。\n", [], id="起讫 of the project's execution"),
        pytest.param("分赛区评审完成：2026年6月30日前。\n", ["2026-06-30"], id="a stage of the timetable stays one"),
        pytest.param(
            "学校规定线上填报时间为2021年3月5-18日，逾期不予受理。\n", ["2021-03-18"], id="a window as one date with two days"
        ),
        pytest.param("会议定于2021年3月5-7日举行。\n", [], id="a meeting's days are no window of application"),
        pytest.param("欢迎合资格机构於2026年4月30日前申请。\n", ["2026-04-30"], id="於 before the date"),
        pytest.param("网络申报截止日期为2021年3月24，请登录系统。\n", ["2021-03-24"], id="a date whose 日 a relay lost"),
    ],
)
def test_chinese_timetables(text: str, expected: list[str]) -> None:
    assert [d.iso for d in find_deadlines(text, fallback_year=2026)] == expected


def test_a_day_without_its_ri_needs_its_year_and_a_stop() -> None:
    assert [d.date.isoformat() for d in find_dates("截止日期为2021年3月24，逾期不候", default_year=2021)] == ["2021-03-24"]
    assert find_dates("截至3月24，共收到", default_year=2021) == []  # no year: could be anything
    assert find_dates("编号2021年3月24号楼", default_year=2021) != []  # 号 still closes a date as before


def test_the_time_on_the_line_of_listed_due_dates() -> None:
    text = (
        "Application Due Date(s)\n\nMay 8, 2019 and October 8, 2019, by 5:00 PM local time of applicant organization. "
        "All applications are due on these dates.\n"
    )
    assert [d.iso for d in english_deadlines(text, 2019)] == ["2019-05-08T17:00", "2019-10-08T17:00"]


def test_key_dates_labelled_due_at_closing_date_and_intent() -> None:
    text = (
        "Key Dates\n\nApplications open: 9 December 2015\n"
        "Internal Notice of Intent to Apply: 8 December 2015\n"
        "Internal closing date (Final applications): 25 February 2016\n"
        "Applications due at ARC: 3 March 2016\nRejoinders: June 2016\n"
    )
    found = english_deadlines(text, 2016)
    assert [(d.iso, d.role) for d in found] == [
        ("2015-12-08", "other"),
        ("2016-02-25", "applicant"),
        ("2016-03-03", "applicant"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "二、征集领域和对象 (一)征集领域 本年度重点围绕人口健康、生物与农业、新材料、电子信息等4大领域征集建议。\n",
            ["人口健康", "生物与农业", "新材料", "电子信息"],
            id="对象 in a heading further back",
        ),
        pytest.param("本次申报对象包括高校、院所、企业和医院4大领域的单位。\n", [], id="applicants named just before the list"),
    ],
)
def test_a_heading_naming_applicants_further_back(text: str, expected: list[str]) -> None:
    assert titles(text) == expected
