"""Rules from the studied 12xx batch (issue 14, session 11): lists named by a count or a closing noun,
kinds of project each with its own grant, dated labels of US notices, a tally "as of" a day, a
window of application, and the number of an award's laureates.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.english_deadlines import english_deadlines
from tests.guides.test_lists_and_tallies import draft, per_project, titles

# ------------------------------------------------------------ lists


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "今年启动四个专项课题的申报，这四个专项课题是：甲类教育研究专项、乙类教育研究专项、丙类教育研究专项、丁类教育研究专项。\n",
            ["甲类教育研究专项", "乙类教育研究专项", "丙类教育研究专项", "丁类教育研究专项"],
            id="the count's noun runs on before 是：",
        ),
        pytest.param(
            "今年启动四个专项课题的申报工作，请各单位组织申报。\n", [], id="a count with no list after it names nothing"
        ),
        pytest.param(
            "本年度课题重点支持在海洋生态学、海洋化学与地质和极地研究领域的研究，申报人须为团队成员。\n",
            ["海洋生态学", "海洋化学与地质", "极地研究"],
            id="重点支持在…领域",
        ),
        pytest.param(
            "本年度课题重点支持青年教师和博士后开展研究，申报人须为团队成员。\n",
            [],
            id="重点支持 without a closing noun is no list",
        ),
        pytest.param(
            "申请人可选择申报重点项目、一般项目或青年项目，这三类项目的资助额度依次为20万元、12万元、6万元。\n",
            ["重点项目", "一般项目", "青年项目"],
            id="a demonstrative count names the list of the clause before it",
        ),
        pytest.param(
            "申请人可选择高校、院所或企业，这三类单位均可牵头。\n",
            [],
            id="the same shape over kinds of applicants is no list",
        ),
    ],
)
def test_lists_named_by_a_count_or_a_closing_noun(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_amounts_given_in_order_go_to_the_listed_kinds_and_an_average_is_about() -> None:
    body = "申请人可选择申报重点项目、一般项目或青年项目，这三类项目的平均资助额度依次为20万元、12万元、6万元。\n"
    assert per_project(body) == {
        "重点项目": {"amount_wan": 20, "qualifier": "about"},
        "一般项目": {"amount_wan": 12, "qualifier": "about"},
        "青年项目": {"amount_wan": 6, "qualifier": "about"},
    }


def test_kinds_of_project_each_with_its_grant_in_its_own_clause() -> None:
    body = "一、申报说明\n3.重点课题资助经费为3万元，一般课题资助经费为1.5万元，申报人请据此编制预算。\n"
    assert per_project(body) == {
        "重点课题": {"amount_wan": 3},
        "一般课题": {"amount_wan": 1.5},
    }


def test_fees_of_kinds_of_project_are_no_grants() -> None:
    assert titles("7.评审费：重点项目为150元/项，一般项目为100元/项，随材料缴纳。\n") == []


# ------------------------------------------------------------ deadlines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Issue Date: 5/7/2021 Submission Deadline for Concept Papers: 6/20/2021; 5:00pm ET "
            "Submission Deadline for Full Applications: 8/29/2021; 5:00pm ET Expected Date for Selection: January 2022",
            ["2021-06-20T17:00", "2021-08-29T17:00"],
            id="US numeric dates after a deadline label, with their time",
        ),
        pytest.param("Application due: July 24, 2026, 5 PM E.T.\n", ["2026-07-24T17:00"], id="X due:"),
        pytest.param("Issue Date: 5/7/2021\nAward start: 9/1/2021\n", [], id="dates that are not due"),
        pytest.param("Review due: 9/1/2021\n", [], id="what reviewers hand in is no application deadline"),
    ],
)
def test_dated_labels_of_us_notices(text: str, expected: list[str]) -> None:
    assert [d.iso for d in english_deadlines(text, 2021)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "截至2019年12月31日，中心共收到120份申报书。申报截止日期延长至2020年3月31日。\n",
            ["2020-03-31"],
            id="a tally as of a day is no deadline",
        ),
        pytest.param("申报截至2020年3月31日，逾期不予受理。\n", ["2020-03-31"], id="截至 a day with no tally stays one"),
        pytest.param(
            "定于2020年1月6日-3月9日开展2020年度课题申报工作。\n",
            ["2020-03-09"],
            id="the window of application ends on a deadline",
        ),
        pytest.param("定于2020年1月6日-1月9日举办培训班。\n", [], id="a window of a training is none"),
    ],
)
def test_tallies_as_of_a_day_and_windows_of_application(text: str, expected: list[str]) -> None:
    assert [d.iso for d in find_deadlines(text, fallback_year=2020)] == expected


# ------------------------------------------------------------ awards and durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "本届青年奖获奖者不超过80名；获奖者中产生特别奖，获奖者不超过8名。\n",
            {"qualifier": "at_most", "value": 80},
            id="the first number of laureates",
        ),
        pytest.param("每届授奖人数不超过30名，每两年评选一次。\n", {"qualifier": "at_most", "value": 30}, id="授奖人数"),
        pytest.param("本届共有获奖者85名出席颁奖会。\n", None, id="a past count of laureates is no cap"),
    ],
)
def test_the_number_of_an_awards_laureates(text: str, expected: dict[str, Any] | None) -> None:
    projects = (draft(text).get("stated_totals") or {}).get("projects")
    assert (None if projects is None else {k: projects[k] for k in ("qualifier", "value")}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "资助方式分为无偿资助一种，对每一项目的资助为期不超过三年。\n",
            {"unit": "years", "qualifier": "at_most", "value": 3},
            id="资助为期",
        ),
        pytest.param("培训为期三天，地点另行通知。\n", None, id="为期 alone is no duration of a project"),
    ],
)
def test_a_grant_for_a_period(text: str, expected: dict[str, Any] | None) -> None:
    duration = draft(text).get("duration")
    assert (None if duration is None else {k: duration[k] for k in ("unit", "qualifier", "value")}) == expected
