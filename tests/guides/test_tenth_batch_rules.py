"""Rules that generalise from the studied 10xx batch and the 8xx/9xx ones (issue 14, session 10).

Every snippet here is made up to show one general pattern; none is quoted from a document. Each
rule has a case with exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.extract import extract_guide
from tests.guides.test_lists_and_tallies import draft, titles


def data(text: str) -> dict[str, Any]:
    return extract_guide(text).data


def total_budget(text: str) -> Any:
    return (data(text).get("stated_totals") or {}).get("budget")


# ------------------------------------------------------------ a scheme named by its money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "创新科技署推出3亿元的产学研合作支援计划，欢迎合资格机构申请。\n每宗获批申请可获不超过500万元资助。\n",
            {"amount_wan": 30000, "currency": "HKD"},
            id="a scheme named by its money",
        ),
        pytest.param(
            "本基金获拨款港币三亿元，由2020年起开始运作。\n項目必須於18個月內完成。\n",
            {"amount_wan": 30000, "currency": "HKD"},
            id="money granted from a fund with a currency",
        ),
        pytest.param("市财政从科技发展基金拨出2000万元设立本专项，支持企业开展技术攻关。\n", {"amount_wan": 2000}, id="拨出"),
        pytest.param(
            "近年我市共有3家企业揭榜成功，分别获得800、1000万元市智能制造专项支持。\n本次征集不设经费。\n",
            None,
            id="money some winners received is no call budget",
        ),
        pytest.param("每个项目最高500万元的专项资助，详见附件。\n", None, id="a cap of one project is no call budget"),
        pytest.param(
            "創新科技署昨日宣布，4億元研發券計劃現正接受申請。本港中小企均可申請。\n",
            {"amount_wan": 40000, "currency": "HKD"},
            id="traditional, no place named: the government body gives the currency",
        ),
        pytest.param(
            "本會宣布，4億元研發券計劃現正接受申請。\n", {"amount_wan": 40000}, id="traditional, no place nor body: no currency"
        ),
    ],
)
def test_the_call_budget_from_a_scheme_named_by_its_money(text: str, expected: dict[str, Any] | None) -> None:
    assert total_budget(text) == expected


# ------------------------------------------------------------ a label naming the application period


def dates_of(text: str) -> list[str]:
    return [d.iso for d in find_deadlines(text, fallback_year=2025)]


def test_the_window_after_an_application_period_label_ends_on_a_deadline() -> None:
    text = "资助计划时间表\n需求征集期：2025年2月3日至3月7日\n申请期：2025年4月23日至5月23日\n"
    assert dates_of(text) == ["2025-03-07", "2025-05-23"]


def test_one_date_given_as_the_application_time_limit_is_a_deadline() -> None:
    text = "一、校订线上申请时程为2025年01月02日上午8:59，请主持人线上送出后通知系上。\n"
    assert dates_of(text) == ["2025-01-02T08:59"]


def test_an_application_period_window_keeps_only_its_end() -> None:
    text = "受理申请时程为2025年3月2日至3月20日，逾期不受理。\n"
    assert dates_of(text) == ["2025-03-20"]


def test_a_period_label_with_no_date_or_after_the_period_states_no_deadline() -> None:
    assert dates_of("项目申请期限为3年，自2025年1月1日起执行。\n") == []
    assert dates_of("申请期满后，2025年5月30日公布结果。\n") == []


# ------------------------------------------------------------ 部分 / 方面 counting kinds of project


def test_kinds_of_research_closed_by_a_count_of_parts_are_directions() -> None:
    text = "本年度课题申报分应用研究类课题和理论研究类课题两个部分。"
    assert titles(text) == ["应用研究类课题", "理论研究类课题"]


def test_ordinals_after_a_count_of_aspects_that_are_kinds_of_project_are_directions_with_their_total() -> None:
    body = "本次征集主要有两个方面，一是省重点研发专项，近期发布指南；二是市科技攻关项目，与往年一样。\n"
    assert titles(body) == ["省重点研发专项", "市科技攻关项目"]
    assert (draft(body).get("stated_totals") or {}).get("directions") == 2


def test_aspects_that_are_no_kinds_of_project_are_no_directions() -> None:
    assert titles("专家从产业带动作用、研究基础、技术指标和财务指标四个方面进行评审。") == []
    assert titles("工作要求主要有两个方面，一是加强组织领导，二是严格审核把关。") == []


# ------------------------------------------------------------ a timetable with each stage's label above its date


def test_a_timetable_stage_that_hands_something_in_ends_on_a_deadline() -> None:
    text = (
        "竞赛时程\n竞赛阶段\n报名及收件截止日\n时间\n2025年10月18日(周六) 下午5点止\n入选决赛名单公告\n"
        "2025年10月25日(周六) 下午5点止\n缴交决赛简报档\n2025年10月30日(周四) 下午5点止\n决赛日期\n2025年11月3日(周一)\n"
    )
    assert dates_of(text) == ["2025-10-18T17:00", "2025-10-30T17:00"]


def test_a_window_under_an_application_stage_ends_on_a_deadline() -> None:
    text = "1\n\n接受申请/提名\n\n2025年08月26日 - 2025年11月05日\n\n2\n\n遴选阶段\n\n2025年11月06日 - 2026年06月29日\n"
    assert dates_of(text) == ["2025-11-05"]


def test_a_stage_held_or_announced_and_a_bare_date_under_a_submission_are_no_deadlines() -> None:
    assert dates_of("评审结果公布\n2025年12月1日 - 2025年12月5日\n决赛\n2025年12月10日止\n") == []
    assert dates_of("报名\n2025年3月1日\n") == []  # a bare date under 报名 may be the opening day


def test_an_applicants_investment_named_with_a_plan_is_no_call_budget() -> None:
    text = "支持总投资5亿元的产业化计划落地，申报企业须具备相应条件。\n"
    assert total_budget(text) is None
