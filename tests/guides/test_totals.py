"""Call-level facts in running text: stated totals, per-project amounts, durations, currencies.

Every sentence here is made up for the rule it checks (issue 14).
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.numbers import find_duration, parse_duration, parse_money

HEAD = "关于组织申报2026年度示范科研计划项目的通知\n各有关单位：\n"


def _facts(body: str) -> dict[str, Any]:
    return extract_guide(HEAD + body).data


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("经研究，现发布第二批12个重大项目指南，请按要求申请。", 12),
        ("本年度围绕智能传感、先进材料、绿色能源、生物育种4个重点方向组织申报。", 4),
        ("本计划面向五大方向征集项目。", 5),
        ("今年共梳理形成3类任务，请各单位组织申报。", 3),
        ("指南共列出8条指南方向。", 8),
        ("本专项共设置六个类别的赛道，参赛者任选其一。", 6),
        ("本计划支持7个科技范畴的合作研究。", 7),
        ("项目分为重点项目、一般项目和青年项目三类。", 3),
        ("本次征集围绕技术攻关、成果转化两大类开展。", 2),
        ("本批次共发布指南方向12个。", 12),
        ("本计划设置重点项目和一般项目两类，请按类别申报。", 2),
        ("项目库围绕3类投资项目：一是甲；二是乙；三是丙。", 3),
        ("本次工作聚焦基础、产品、支撑等3类创新任务。", 3),
        ("本计划锁定甲、乙及丙三大核心领域。", 3),
        ("重点围绕智能装备、新型材料、生物制造等3个先进制造业集群征集项目。", 3),
        ("大赛围绕新能源、新材料、数字经济等八大产业集群征集项目。", 8),
    ],
)
def test_stated_number_of_directions(sentence: str, count: int) -> None:
    assert _facts(sentence)["stated_totals"]["directions"] == count


def test_two_counts_of_two_lists_in_one_sentence_give_no_number_of_directions() -> None:
    data = _facts("大赛围绕能源、交通和材料三大领域，设立“企业出题”和“自由选题”两类赛道。")
    assert "directions" not in (data.get("stated_totals") or {})


@pytest.mark.parametrize(
    "sentence",
    [
        "每个单位限报2个方向。",
        "申请人可选择1个重点方向申报。",
        "前3个方向由省厅组织论证。",
        "相关经费部分用于支持两类人员。",
        "每个研究方向原则上确立1至2个课题。",
        "自选赛道包括数据分析、数据可视化、智能体开发等3类。",
        "以下两类人员可申报项目：甲；乙。",
        "本次共收到来自15个领域的申请。",
    ],
)
def test_caps_and_choices_are_not_a_number_of_directions(sentence: str) -> None:
    assert "directions" not in (_facts(sentence).get("stated_totals") or {})


@pytest.mark.parametrize(
    ("sentence", "projects"),
    [
        ("2025年度示范专项共立项9项，请项目单位填写任务书。", {"qualifier": "exact", "value": 9}),
        ("经评审，立项项目12项，现予公布。", {"qualifier": "exact", "value": 12}),
        ("本批次获资助8项，名单见附件。", {"qualifier": "exact", "value": 8}),
        ("本年度拟支持约3-5项左右。", {"qualifier": "range", "min": 3, "max": 5}),
        ("审议通过电子领域2项、材料领域3项，合计5项研发计划。", {"qualifier": "exact", "value": 5}),
        ("拟支持项目数约30个。", {"qualifier": "about", "value": 30}),
        ("本年度拟择优支持10个左右项目。", {"qualifier": "about", "value": 10}),
        ("本次遴选10个左右优秀项目。", {"qualifier": "about", "value": 10}),
        ("本轮共有八个获资助项目。", {"qualifier": "exact", "value": 8}),
        ("入选项目不超过20个。", {"qualifier": "at_most", "value": 20}),
        ("本专项全省每年立项30项左右。", {"qualifier": "about", "value": 30}),
        ("按甲组和乙组评选，奖项共计30个。", {"qualifier": "exact", "value": 30}),
    ],
)
def test_stated_number_of_projects(sentence: str, projects: dict[str, Any]) -> None:
    assert _facts(sentence)["stated_totals"]["projects"] == projects


@pytest.mark.parametrize(
    "sentence",
    [
        "每个单位限报2项。",
        "每个单位支持3个项目。",
        "该计划累计资助300项，成效显著。",
        "本通知共3项要点，请认真阅读。",
        "申请人近五年获得国家级项目资助1项以上。",
        "项目申报须提交以下材料，共计5项。",
        "项目考核指标共3项，均须完成。",
        "近三年共资助项目120项。",
    ],
)
def test_caps_and_history_are_not_a_number_of_projects(sentence: str) -> None:
    assert "projects" not in (_facts(sentence).get("stated_totals") or {})


@pytest.mark.parametrize(
    ("sentence", "budget"),
    [
        ("本专项直接经费3000万元。", {"amount_wan": 3000}),
        ("省财政安排资金2,000万元用于本批项目。", {"amount_wan": 2000}),
        ("两地政府已预留合共约6亿元，作本年度计划的资助用途。", {"amount_wan": 60000, "qualifier": "about"}),
        ("国拨经费总概算约为1.2亿元。", {"amount_wan": 12000, "qualifier": "about"}),
        ("本专项资金总规模为5000万元。", {"amount_wan": 5000}),
        ("本年度计划安排省级财政资金1.2亿元支持项目。", {"amount_wan": 12000}),
        ("本批项目共资助经费2000万元。", {"amount_wan": 2000}),
        ("赛事设置\n总奖金池60万元\n", {"amount_wan": 60}),
        ("本年度拨款共约1.5亿元，资助六个获选项目。", {"amount_wan": 15000, "qualifier": "about"}),
        ("本专项设立专项资金5000万元。", {"amount_wan": 5000}),
        ("以上项目资助经费合计1500万元。", {"amount_wan": 1500}),
        ("本批次共下达项目经费2400万元。", {"amount_wan": 2400}),
        ("省财政投入专项资金2000万元支持本计划。", {"amount_wan": 2000}),
    ],
)
def test_stated_total_budget(sentence: str, budget: dict[str, Any]) -> None:
    assert _facts(sentence)["stated_totals"]["budget"] == budget


@pytest.mark.parametrize(
    "sentence",
    [
        "每个项目直接经费不超过500万元。",
        "过去三年已安排资金5亿元，支持近百个项目。",
        "每个项目资金总额不超过100万元。",
        "本计划今年共核定600件，带动企业投入约9亿元研发经费。",
        "本赛事一等奖总奖金10万元。",
        "每个项目经费合计不超过100万元。",
        "项目总预算不超过500万元。",
        "企业研发投入500万元以上的优先支持。",
        "专项资金1万元/人，学校配套1万元。",
    ],
)
def test_per_project_and_past_amounts_are_not_the_total_budget(sentence: str) -> None:
    assert "budget" not in (_facts(sentence).get("stated_totals") or {})


@pytest.mark.parametrize(
    ("sentence", "budget"),
    [
        ("按甲组和乙组评选，奖项共计30个，奖金51万元。\n甲组一等奖1名，奖金3万元。", {"amount_wan": 51}),
        ("本年度共立项9项，资助经费300万元。", {"amount_wan": 300}),
    ],
)
def test_budget_in_the_clause_after_the_number_of_projects(sentence: str, budget: dict[str, Any]) -> None:
    assert _facts(sentence)["stated_totals"]["budget"] == budget


def test_an_amount_per_project_after_the_count_is_not_the_total() -> None:
    data = _facts("本年度共立项9项，每项资助经费30万元。")
    assert "budget" not in data["stated_totals"]
    assert data["budget"] == {"per_project": {"amount_wan": 30}}


@pytest.mark.parametrize(
    ("sentence", "amount"),
    [
        ("项目申请直接经费不超过50万元。", {"amount_wan": 50, "qualifier": "at_most"}),
        ("项目资助经费为20万元。", {"amount_wan": 20}),
    ],
)
def test_the_direct_costs_of_a_project_are_per_project_not_the_total(sentence: str, amount: dict[str, Any]) -> None:
    data = _facts(sentence)
    assert "stated_totals" not in data
    assert data["budget"] == {"per_project": amount}


@pytest.mark.parametrize("sentence", ["一等奖奖励金额5万元。", "金奖每项奖励10万元。"])
def test_the_prize_of_one_tier_is_not_an_amount_per_project(sentence: str) -> None:
    assert "budget" not in _facts(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["每个项目资助经费不超过20万元，其中设备费不超过5万元。", "每个项目资助经费不超过20万元，分两期拨付，首期拨付10万元。"],
)
def test_a_breakdown_after_the_amount_per_project_keeps_it(sentence: str) -> None:
    assert _facts(sentence)["budget"]["per_project"] == {"amount_wan": 20, "qualifier": "at_most"}


def test_a_cap_per_unit_is_not_an_amount_per_project() -> None:
    assert "budget" not in _facts("每个单位申报经费总额不超过300万元。")


@pytest.mark.parametrize(
    ("sentence", "amount"),
    [
        ("每个项目资助经费原则上不超过50万元。", {"amount_wan": 50, "qualifier": "at_most"}),
        ("本次招标每项资助经费30—40万元。", {"amount_wan": 40, "qualifier": "at_most"}),
        ("支持强度：80万元。", {"amount_wan": 80}),
    ],
)
def test_call_wide_amount_per_project(sentence: str, amount: dict[str, Any]) -> None:
    assert _facts(sentence)["budget"]["per_project"] == amount


def test_average_amount_is_about() -> None:
    data = _facts("本年度项目平均资助强度为20万元。")
    assert data["budget"]["per_project"] == {"amount_wan": 20, "qualifier": "about"}


def test_amounts_of_several_kinds_do_not_merge_into_one_call_wide_amount() -> None:
    data = _facts("项目的资助额度为：甲类项目40万元，乙类项目20万元。")
    assert "per_project" not in (data.get("budget") or {})


GUIDE_WITH_TYPES = HEAD + (
    "一、项目类别\n"
    "1.创新项目\n"
    "2.培育项目\n"
    "二、经费\n"
    "创新项目面向前沿问题，资助经费原则上不超过20万元；培育项目由学院推荐，资助经费原则上不超过8万元。\n"
    "申报课题的平均资助额度为：创新项目和培育项目12万元。\n"
)


def test_amounts_named_by_direction_go_to_that_direction() -> None:
    data = extract_guide(GUIDE_WITH_TYPES).data
    budgets = {d["title"]: d.get("budget") for d in data["directions"]}
    assert budgets == {
        "创新项目": {"per_project": {"amount_wan": 20, "qualifier": "at_most"}},
        "培育项目": {"per_project": {"amount_wan": 8, "qualifier": "at_most"}},
    }
    assert "per_project" not in (data.get("budget") or {})


def test_names_joined_by_he_share_the_amount_after_them() -> None:
    text = HEAD + "一、项目类别\n1.甲方向\n2.乙方向\n三、资助\n平均资助额度为：甲方向和乙方向15万元。\n"
    data = extract_guide(text).data
    assert [d.get("budget") for d in data["directions"]] == [
        {"per_project": {"amount_wan": 15, "qualifier": "about"}},
        {"per_project": {"amount_wan": 15, "qualifier": "about"}},
    ]


def test_direction_total_followed_by_a_per_project_cap_stays_the_total() -> None:
    text = HEAD + ("1.1 新型储能材料\n支持经费：1500万元（每个项目不超过500万元）\n1.2 高效光伏器件\n支持经费：800万元\n")
    data = extract_guide(text).data
    assert data["directions"][0]["budget"] == {
        "total": {"amount_wan": 1500},
        "per_project": {"amount_wan": 500, "qualifier": "at_most"},
    }
    assert data["directions"][1]["budget"] == {"total": {"amount_wan": 800}}


@pytest.mark.parametrize(
    ("sentence", "duration"),
    [
        ("本批项目的资助期限为5年。", {"unit": "years", "qualifier": "exact", "value": 5}),
        ("每个项目的资助年限不超过三年。", {"unit": "years", "qualifier": "at_most", "value": 3}),
        ("项目实施期一般为2年。", {"unit": "years", "qualifier": "exact", "value": 2, "in_principle": True}),
        ("基础研究的完成时限一般为二至三年。", {"unit": "years", "qualifier": "range", "min": 2, "max": 3, "in_principle": True}),
        ("项目执行期约3年。", {"unit": "years", "qualifier": "about", "value": 3}),
        ("执行期限最长以1年为原则。", {"unit": "years", "qualifier": "at_most", "value": 1, "in_principle": True}),
        ("支持开展应用研究（2~3年），鼓励企业参与。", {"unit": "years", "qualifier": "range", "min": 2, "max": 3}),
        ("项目自2026年3月起执行1年为原则。", {"unit": "years", "qualifier": "exact", "value": 1, "in_principle": True}),
        ("本计划为研究型计划，一期3年。", {"unit": "years", "qualifier": "exact", "value": 3}),
        ("项目完成时间不超过2年。", {"unit": "years", "qualifier": "at_most", "value": 2}),
        ("原则上资助周期为3年。", {"unit": "years", "qualifier": "exact", "value": 3, "in_principle": True}),
        ("项目建设周期不超过18个月。", {"unit": "months", "qualifier": "at_most", "value": 18}),
        ("本项目为期三年。", {"unit": "years", "qualifier": "exact", "value": 3}),
        ("支持周期一般为3年。", {"unit": "years", "qualifier": "exact", "value": 3, "in_principle": True}),
    ],
)
def test_call_duration(sentence: str, duration: dict[str, Any]) -> None:
    assert _facts(sentence)["duration"] == duration


def test_a_date_in_a_research_period_sentence_is_not_a_duration() -> None:
    text = "申请书中的研究期限应填写“2027年1月1日-2029年12月31日”。"
    assert find_duration(text) is None
    assert "duration" not in _facts(text)


def test_the_length_of_a_collection_campaign_is_not_a_duration() -> None:
    assert "duration" not in _facts("征集活动为期一个月。")


def test_three_years_since_is_not_a_duration() -> None:
    assert "duration" not in _facts("该计划实施三年来成效显著。")


def test_a_completion_date_is_not_a_duration() -> None:
    assert "duration" not in _facts("项目完成时间为2027年6月。")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("约3年", {"unit": "years", "qualifier": "about", "value": 3}),
        ("18个月左右", {"unit": "months", "qualifier": "about", "value": 18}),
        ("以2年为限", {"unit": "years", "qualifier": "at_most", "value": 2}),
        ("2026年5月", None),
    ],
)
def test_duration_qualifiers(phrase: str, expected: dict[str, Any] | None) -> None:
    assert parse_duration(phrase) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("约为500万元", {"amount_wan": 500, "qualifier": "about"}),
        ("5亿3,000万元", {"amount_wan": 53000}),
        ("以新台币三千万元为上限", {"amount_wan": 3000, "currency": "TWD", "qualifier": "at_most"}),
        ("120万港元", {"amount_wan": 120, "currency": "HKD"}),
        ("50万澳门元", {"amount_wan": 50, "currency": "MOP"}),
        ("30万英镑", {"amount_wan": 30, "currency": "GBP"}),
        ("平均资助强度为25万元", {"amount_wan": 25, "qualifier": "about", "per_project": True}),
        ("1000万元（每个项目不超过200万元）", {"amount_wan": 1000}),
    ],
)
def test_money_qualifiers_and_currencies(phrase: str, expected: dict[str, Any]) -> None:
    assert parse_money(phrase) == expected


def test_amounts_of_a_hong_kong_notice_are_hong_kong_dollars() -> None:
    text = "香港特區政府公布「2026年科研合作資助計劃」。\n香港與合作方合共預留約3億元，作計劃的資助用途。\n"
    assert extract_guide(text).data["stated_totals"]["budget"] == {"amount_wan": 30000, "qualifier": "about", "currency": "HKD"}


def test_amounts_of_a_mainland_notice_stay_yuan() -> None:
    text = "本專項預留資金約3億元人民幣，用於支持香港與內地合作項目。\n"
    assert "currency" not in extract_guide(text).data["stated_totals"]["budget"]


def test_different_amounts_per_project_in_different_sentences_are_not_call_wide() -> None:
    data = _facts("甲类项目每项资助经费20万元。乙类项目每项资助经费8万元。")
    assert "per_project" not in (data.get("budget") or {})


def test_the_same_amount_stated_twice_is_call_wide() -> None:
    data = _facts("每个项目资助经费不超过20万元。经审核，每个项目资助经费不超过20万元。")
    assert data["budget"]["per_project"] == {"amount_wan": 20, "qualifier": "at_most"}


def test_lengths_of_several_kinds_in_one_sentence_are_not_the_call_duration() -> None:
    assert "duration" not in _facts("研究期限：甲类项目3年，乙类项目2年。")


def test_different_lengths_in_different_sentences_are_not_the_call_duration() -> None:
    assert "duration" not in _facts("一般项目的研究期限为3年。专项课题原则上每项资助2万元，研究周期为2年。")


def test_the_same_length_stated_twice_is_the_call_duration() -> None:
    data = _facts("项目研究期限为3年。请按研究期限3年编制预算。")
    assert data["duration"] == {"unit": "years", "qualifier": "exact", "value": 3}


def test_the_end_of_the_period_is_not_a_second_length() -> None:
    data = _facts("项目执行期为3年。执行期满后6个月内提交结题报告。")
    assert data["duration"] == {"unit": "years", "qualifier": "exact", "value": 3}


def test_a_margin_before_an_event_is_not_a_second_length() -> None:
    data = _facts("执行期限最长以1年为原则。执行期限起始月份不得早于活动月份前3个月。")
    assert data["duration"] == {"unit": "years", "qualifier": "at_most", "value": 1, "in_principle": True}


def test_a_spread_of_prizes_is_not_an_amount_per_project() -> None:
    assert "budget" not in _facts("单个项目奖金1千-2万元不等，成功结项即获奖。")


def test_durations_named_by_direction_go_to_that_direction() -> None:
    text = HEAD + "一、项目类别\n1.创新项目\n2.培育项目\n二、期限\n创新项目研究期限为3年；培育项目研究期限一般为2年。\n"
    data = extract_guide(text).data
    assert [d.get("duration") for d in data["directions"]] == [
        {"unit": "years", "qualifier": "exact", "value": 3},
        {"unit": "years", "qualifier": "exact", "value": 2, "in_principle": True},
    ]
    assert "duration" not in data


def test_values_in_a_direction_s_own_sentences() -> None:
    text = HEAD + (
        "一、支持方向\n"
        "（一）智能传感器\n"
        "本方向拟支持不超过3项，每项资助不超过50万元，实施周期为2年。\n"
        "（二）工业软件\n"
        "本方向支持经费总额300万元，项目执行期3年。\n"
        "（三）边缘计算\n"
        "该领域以来累计投入经费2亿元，基础较好。\n"
        "二、申报要求\n"
        "申请人须具有高级职称。\n"
    )
    directions = extract_guide(text).data["directions"]
    assert [(d["title"], d.get("budget"), d.get("duration")) for d in directions] == [
        (
            "智能传感器",
            {"per_project": {"amount_wan": 50, "qualifier": "at_most"}},
            {"unit": "years", "qualifier": "exact", "value": 2},
        ),
        ("工业软件", {"total": {"amount_wan": 300}}, {"unit": "years", "qualifier": "exact", "value": 3}),
        ("边缘计算", None, None),
    ]


def test_an_amount_for_one_kind_of_project_is_not_call_wide() -> None:
    assert "budget" not in _facts("青年基金项目每项资助8万元。")


def test_an_amount_for_the_kind_the_call_is_about_is_call_wide() -> None:
    data = extract_guide("国家自然科学基金重大项目指南\n重大项目每项资助强度为1500万元。\n").data
    assert data["budget"]["per_project"] == {"amount_wan": 1500}


def test_a_duration_for_one_kind_of_project_is_not_the_call_s() -> None:
    assert "duration" not in _facts("青年基金项目研究期限为2年。")


TRADITIONAL_HEAD = "國家科學及技術委員會補助專題研究計畫申請須知\n各位老師好：\n"


@pytest.mark.parametrize(
    ("sentence", "duration"),
    [
        ("補助期間最長3年。", {"unit": "years", "qualifier": "at_most", "value": 3}),
        ("計畫期程以2年為原則。", {"unit": "years", "qualifier": "exact", "value": 2, "in_principle": True}),
    ],
)
def test_taiwan_duration_words(sentence: str, duration: dict[str, Any]) -> None:
    assert extract_guide(TRADITIONAL_HEAD + sentence).data["duration"] == duration


def test_hong_kong_and_taiwan_lengths_with_their_cap() -> None:
    assert extract_guide(TRADITIONAL_HEAD + "項目為期最長36個月。").data["duration"] == {
        "unit": "months",
        "qualifier": "at_most",
        "value": 36,
    }
    assert extract_guide(TRADITIONAL_HEAD + "研究期程最長3年，並得分年核定。").data["duration"] == {
        "unit": "years",
        "qualifier": "at_most",
        "value": 3,
    }


def test_taiwan_amount_per_case_and_number_of_projects() -> None:
    data = extract_guide(TRADITIONAL_HEAD + "本年度預計補助20件計畫，補助金額每案最高新臺幣200萬元。").data
    assert data["stated_totals"] == {"projects": {"qualifier": "exact", "value": 20}}
    assert data["budget"] == {"per_project": {"amount_wan": 200, "currency": "TWD", "qualifier": "at_most"}}


def test_during_the_period_is_not_a_duration() -> None:
    assert "duration" not in extract_guide(TRADITIONAL_HEAD + "執行期間須定期提交報告。").data


def test_values_in_a_sentence_about_one_direction_are_not_call_wide() -> None:
    data = _facts("一、智能传感\n研究内容：研发新型传感器。\n本方向拟支持不超过2项，每项资助不超过50万元，实施周期为2年。\n")
    assert "projects" not in (data.get("stated_totals") or {})
    assert "budget" not in data
    assert "duration" not in data


def test_values_of_the_whole_call_next_to_a_direction_sentence_stay_call_wide() -> None:
    data = _facts("各方向均可申报。本批拟支持10项，每项资助不超过50万元。")
    assert data["stated_totals"]["projects"] == {"qualifier": "exact", "value": 10}
    assert data["budget"]["per_project"] == {"amount_wan": 50, "qualifier": "at_most"}


def test_a_sum_over_funded_proposals_is_no_per_project_amount() -> None:
    draft = _facts("经评审，其中30份、申请金额合共2.86亿元的建议书最终获批拨款。\n")
    assert "per_project" not in draft.get("budget", {})


def test_an_overlap_condition_is_no_duration_and_an_execution_period_is_one() -> None:
    assert find_duration("执行期程与本计划重叠超过3个月者，不得提出申请。") is None
    assert find_duration("执行期间：自2025年8月1日起，至多3年。") == (
        {"unit": "years", "qualifier": "at_most", "value": 3},
        0,
        21,
    )
    assert find_duration("执行期间内须提交进度报告。") is None


def test_a_kind_of_project_named_with_a_word_before_its_head_noun_keeps_its_own_amount_and_length() -> None:
    draft = _facts(
        "本年度基金分为一般项目和重点项目，一般支持项目经费每项10万元，实施期限2-3年；"
        "重点支持项目经费每项30万元，实施期限3-4年。\n"
    )
    by_title = {d["title"]: d for d in draft["directions"]}
    assert by_title["一般项目"]["budget"] == {"per_project": {"amount_wan": 10}}
    assert by_title["重点项目"]["budget"] == {"per_project": {"amount_wan": 30}}
    assert by_title["一般项目"]["duration"]["min"] == 2 and by_title["重点项目"]["duration"]["min"] == 3
