"""Directions, quotas and stated totals in the layouts of real notices (issue 14, session 7).

Every snippet here is made up to show one general pattern; none is quoted from a document. Each
pattern has a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.loose import find_loose
from shenbao.guides.parser.model import Line
from shenbao.guides.parser.normalise import normalise

HEAD = "关于组织申报2026年度示范科研计划项目的通知\n各有关单位：\n"


def _lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for part in normalise(text).text.split("\n"):
        lines.append(Line(part, pos))
        pos += len(part) + 1
    return lines


def titles(text: str) -> list[str]:
    return [item.title for item in find_loose(_lines(text))]


def draft(body: str) -> dict[str, Any]:
    return extract_guide(HEAD + body).data


def per_project(body: str) -> dict[str, Any]:
    """Each drafted direction's per-project amount, by title."""
    return {d["title"]: (d.get("budget") or {}).get("per_project") for d in draft(body).get("directions") or []}


def totals(body: str) -> dict[str, Any]:
    return draft(body).get("stated_totals") or {}


# ------------------------------------------------------------ a tally after a noun naming directions


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("本计划研究主题共13种，详见附件。", 13),
        ("今年施政重点共计8项，请对照申报。", 8),
        ("本批次重点方向共5个。", 5),
    ],
)
def test_a_tally_after_a_noun_naming_directions_is_their_number(sentence: str, count: int) -> None:
    assert totals(sentence) == {"directions": count}


def test_a_tally_of_directions_is_not_a_number_of_projects() -> None:
    assert "projects" not in totals("今年施政重点共计8项，请对照申报。")


def test_a_tally_of_projects_stays_one() -> None:
    # 重点项目 is a kind of project, not a noun naming directions.
    assert totals("今年重点项目共计8项。") == {"projects": {"qualifier": "exact", "value": 8}}


def test_a_run_of_quoted_names_closed_by_deng_and_their_number() -> None:
    facts = totals("研究重点包含“甲乙技术研发”、“丙丁产业化”、“戊己管理”等3项。")
    assert facts == {"directions": 3}


def test_one_quoted_name_closed_by_deng_and_a_number_is_no_tally() -> None:
    # "“X”等7个重点专项": another notice's programmes, named by their first one.
    assert "directions" not in totals("根据科技部关于“氢能技术”等7个重点专项的通知，现转发如下。")


# ------------------------------------------------------------ groups of a contest and their count


def test_groups_split_with_fenwei_and_run_respectively() -> None:
    facts = draft("本次大赛分为团队组和企业组分别进行报名与比赛，对两个组分别设置奖项。")
    assert [d["title"] for d in facts["directions"]] == ["团队组", "企业组"]
    assert facts["stated_totals"] == {"directions": 2}


def test_a_count_of_groups_that_does_not_match_the_list_is_no_total() -> None:
    facts = draft("本次大赛分为团队组和企业组分别进行报名与比赛，评审分三个组进行。")
    assert [d["title"] for d in facts["directions"]] == ["团队组", "企业组"]
    assert "directions" not in (facts.get("stated_totals") or {})


def test_expert_groups_are_not_contest_groups() -> None:
    assert titles("本次评审分为专家组和工作组分别进行评审与比赛。") == []


# ------------------------------------------------------------ lines announced by a closing count


def test_bullet_lines_announced_by_a_closing_count() -> None:
    text = "- 竞赛分组：各组分成3类群\n- 机械群\n- 化工材料群（含环保）\n- 电子群\n竞赛时程\n1. 报名时间"
    assert titles(text) == ["机械群", "化工材料群（含环保）", "电子群"]
    assert draft(text)["stated_totals"] == {"directions": 3}


def test_bullet_lines_that_do_not_match_the_closing_count_are_no_list() -> None:
    text = "- 竞赛分组：各组分成4类群\n- 机械群\n- 化工材料群\n- 电子群\n竞赛时程"
    assert titles(text) == []


# ------------------------------------------------------------ numbered scope sentences with a year


def test_numbered_scope_sentences_may_name_a_year_or_a_dated_remark() -> None:
    text = (
        "一、建议方向\n"
        "1. 围绕省委关于高质量发展的重大部署（2021年12月8日），开展政策研究。\n"
        "2. 围绕落实2022年政府工作报告的部署和要求。\n"
        "3. 聚焦科技体制机制改革、激发创新活力等方面。\n"
    )
    assert titles(text) == [
        "围绕省委关于高质量发展的重大部署（2021年12月8日），开展政策研究",
        "围绕落实2022年政府工作报告的部署和要求",
        "聚焦科技体制机制改革、激发创新活力等方面",
    ]


def test_a_date_outside_a_remark_still_makes_a_step() -> None:
    text = "一、建议方向\n1. 围绕省委关于高质量发展的重大部署开展政策研究。\n2. 于2022年3月12日汇总后统一上报。\n"
    assert titles(text) == []


# ------------------------------------------------------------ a ；list closed by its count


def test_a_semicolon_list_closed_by_its_count_drops_the_remarks() -> None:
    text = "本次选题按以下学科类别分类：哲学类（哲学、宗教学）；经济类（理论经济、应用经济）；法学类（法学），共3大类。"
    assert titles(text) == ["哲学类", "经济类", "法学类"]


def test_a_semicolon_list_that_does_not_match_its_count_is_no_list() -> None:
    text = "本次选题按以下学科类别分类：哲学类（哲学、宗教学）；经济类（理论经济、应用经济）；法学类（法学），共4大类。"
    assert titles(text) == []


# ------------------------------------------------------------ a breakdown of granted projects


def test_a_breakdown_of_granted_projects_with_amounts_between_the_items() -> None:
    facts = draft(
        "本学部2020年批准重大项目2项，金额600万元（含联合资助100万元）；重点项目5项，金额245万元；面上项目30项，360万元。"
    )
    assert [(d["title"], d["quota"], d["budget"]) for d in facts["directions"]] == [
        ("重大项目", {"qualifier": "exact", "value": 2}, {"total": {"amount_wan": 600}}),
        ("重点项目", {"qualifier": "exact", "value": 5}, {"total": {"amount_wan": 245}}),
        ("面上项目", {"qualifier": "exact", "value": 30}, {"total": {"amount_wan": 360}}),
    ]


def test_a_cap_per_unit_split_by_kind_is_no_breakdown_of_quotas() -> None:
    facts = draft("每个单位限报2项，其中重点项目1项，金额20万元；一般项目1项，金额10万元。")
    assert all("quota" not in d for d in facts.get("directions", []))


# ------------------------------------------------------------ competition themes and their count


def test_a_count_of_contest_themes_is_the_number_of_directions() -> None:
    assert totals("本竞赛规划“甲乙旅游”、“丙丁餐饮”、“戊己特产”三大竞赛主题，鼓励跨域合作。") == {"directions": 3}


def test_a_theme_of_the_year_is_no_count() -> None:
    assert "directions" not in totals("今年的宣传主题为科技创新，请各单位积极参与。")


# ------------------------------------------------------------ quotas in tables and in titles


def test_a_table_with_tabs_keeps_its_rows_apart_and_reads_the_quotas() -> None:
    facts = draft("序号\t方向名称\t拟支持项目数\n1\t智能制造\t2\n2\t绿色能源\t3\n")
    assert [(d["title"], d["quota"]) for d in facts["directions"]] == [
        ("智能制造", {"qualifier": "exact", "value": 2}),
        ("绿色能源", {"qualifier": "exact", "value": 3}),
    ]


def test_a_number_broken_across_lines_is_still_joined() -> None:
    assert normalise("本次共支持1\n2项。").text == "本次共支持12项。"


def test_a_table_without_a_number_column_needs_a_column_of_quotas() -> None:
    facts = draft("方向名称 拟支持项目数\n智能制造 2项\n绿色能源 1\n")
    assert [(d["title"], d["quota"]) for d in facts["directions"]] == [
        ("智能制造", {"qualifier": "exact", "value": 2}),
        ("绿色能源", {"qualifier": "exact", "value": 1}),
    ]


def test_a_table_of_units_and_their_recommendation_caps_gives_no_directions() -> None:
    assert titles("单位名称 推荐名额\n计算机学院 2\n数学学院 3\n") == []


def test_a_quota_in_parentheses_closing_a_numbered_title_in_a_section() -> None:
    facts = draft("一、支持方向\n1.智能制造（拟支持2项）\n2.绿色能源（拟支持1-2项）\n")
    assert [(d["title"], d["quota"]) for d in facts["directions"]] == [
        ("智能制造", {"qualifier": "exact", "value": 2}),
        ("绿色能源", {"qualifier": "range", "min": 1, "max": 2}),
    ]


def test_a_directions_own_quota_is_not_the_number_of_projects_of_the_call() -> None:
    facts = draft("一、支持方向\n（一）智能制造。拟支持不超过2项。\n（二）绿色能源。拟支持约3项。\n")
    assert [d["quota"] for d in facts["directions"]] == [
        {"qualifier": "at_most", "value": 2},
        {"qualifier": "about", "value": 3},
    ]
    assert "projects" not in (facts.get("stated_totals") or {})


# ------------------------------------------------------------ English bullets under a heading naming areas


def test_english_bullets_under_a_heading_naming_areas() -> None:
    text = "Projects must address one of the priority areas:\n- smart grids\n- coastal resilience\n- urban living\nApplicants must be based in the UK."
    assert titles(text) == ["smart grids", "coastal resilience", "urban living"]


def test_english_bullets_of_amounts_or_sentences_are_no_areas() -> None:
    text = "There are 2 funding areas:\n- £5 million for projects up to 1 year\n- £10 million for projects up to 3 years\n"
    assert titles(text) == []
    text = "Key themes:\n- Applicants must submit a CV\n- Proposals should be short\n"
    assert titles(text) == []


# ------------------------------------------------------------ a region before a list's first item


def test_a_region_before_the_first_item_of_a_counted_list_is_no_part_of_it() -> None:
    assert titles("大赛围绕内蒙古自治区绿色农畜产品加工、新能源、新材料等三大产业集群征集项目。") == [
        "绿色农畜产品加工",
        "新能源",
        "新材料",
    ]


def test_a_city_word_inside_the_first_item_stays() -> None:
    assert titles("大赛围绕智慧城市建设、新能源、新材料三个方向征集项目。") == ["智慧城市建设", "新能源", "新材料"]


# ------------------------------------------------------------ a track added beside the listed ones


def test_a_track_added_beside_the_listed_groups_is_one_more_direction() -> None:
    text = "大赛分为创意组、初创组、成长组。\n大赛增设“乡村振兴”赛道，参加此赛道的项目须服务乡村。"
    assert titles(text) == ["创意组", "初创组", "成长组", "“乡村振兴”赛道"]


def test_an_added_prize_or_a_track_without_other_directions_is_none() -> None:
    assert titles("大赛分为创意组、初创组、成长组。\n组委会另设15个优秀组织奖。") == ["创意组", "初创组", "成长组"]
    assert titles("本届大赛增设“乡村振兴”赛道，欢迎报名。") == []


# ------------------------------------------------------------ a quota on a direction's own line


def test_a_line_opening_with_a_direction_and_its_number_of_awards_gives_its_quota() -> None:
    text = "全国按照初创企业组和成长企业组进行比赛。\n初创企业组设置奖项如下（共10个）：\n一等奖1名\n成长企业组设置奖项如下（共20个）：\n"
    assert [(item.title, item.quota) for item in find_loose(_lines(text))] == [
        ("初创企业组", {"qualifier": "exact", "value": 10}),
        ("成长企业组", {"qualifier": "exact", "value": 20}),
    ]


def test_a_cap_on_a_line_opening_with_a_direction_is_no_quota() -> None:
    text = "全国按照初创企业组和成长企业组进行比赛。\n初创企业组每个单位限报推荐共2个。\n"
    assert [item.quota for item in find_loose(_lines(text))] == [None, None]
