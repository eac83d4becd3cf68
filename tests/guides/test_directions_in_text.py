"""Directions named without a guide's layout: lists in running text, short numbered runs (issue 14).

Every sentence here is made up to show one general pattern; none is quoted from a document.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.loose import Loose, find_loose
from shenbao.guides.parser.model import Line
from shenbao.guides.parser.normalise import normalise


def _lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for part in normalise(text).text.split("\n"):
        lines.append(Line(part, pos))
        pos += len(part) + 1
    return lines


def found(text: str) -> list[Loose]:
    return find_loose(_lines(text))


def titles(text: str) -> list[str]:
    return [item.title for item in found(text)]


# ------------------------------------------------------------------------- lists closed by a count


def test_a_list_closed_by_its_count_is_split_and_checked() -> None:
    assert titles("本年度重点支持智能制造、绿色能源和海洋装备三个方向。") == ["智能制造", "绿色能源", "海洋装备"]
    assert titles("平台分检测认证、技术转移、标准研制3类。") == ["检测认证", "技术转移", "标准研制"]


def test_a_list_whose_split_disagrees_with_its_count_is_refused() -> None:
    assert titles("围绕甲材料、乙材料、丙材料两个方向开展研究。") == []


def test_the_first_item_starts_after_the_verb_that_opens_the_list() -> None:
    assert titles("一、本年度市级课题分重点课题和一般课题两类。") == ["重点课题", "一般课题"]


def test_items_joined_by_and_inside_an_item_keep_it_whole_when_the_count_says_so() -> None:
    text = "聚焦光学仪器和精密设备、工业软件、储能和电网四大领域。"
    assert titles(text) == ["光学仪器和精密设备", "工业软件", "储能", "电网"]


def test_a_count_opening_the_list_after_including() -> None:
    text = "本计划支持4个领域,包括量子信息、合成生物、深海探测,和空天遥感。"
    assert titles(text) == ["量子信息", "合成生物", "深海探测", "空天遥感"]


def test_a_count_opening_a_list_in_parentheses() -> None:
    assert titles("设立三个方向（数字乡村、智慧康养、城市更新）。") == ["数字乡村", "智慧康养", "城市更新"]


# ------------------------------------------------------------------------- lists without a count


def test_a_list_after_divided_into_with_one_head_noun() -> None:
    assert titles("大赛分为创意赛道和实践赛道。") == ["创意赛道", "实践赛道"]
    assert titles("奖励包括青年奖、合作奖和成就奖。") == ["青年奖", "合作奖", "成就奖"]


def test_a_list_of_materials_is_not_a_list_of_directions() -> None:
    assert titles("申报材料包括申请书、推荐函和承诺书。") == []
    assert titles("本次征集包括高校、企业和科研院所。") == []


def test_quoted_items_after_a_label_that_names_directions() -> None:
    text = "(三)研究领域:「材料科学」、「地球科学」、「海洋科学」。"
    assert titles(text) == ["材料科学", "地球科学", "海洋科学"]


def test_a_list_in_parentheses_after_a_direction_noun_but_not_a_remark() -> None:
    assert titles("重点领域（智慧农业、低空经济、商业航天）。") == ["智慧农业", "低空经济", "商业航天"]
    assert titles("申报领域（含软件、硬件）须符合指南。") == []


def test_a_list_alone_on_the_line_under_a_heading_that_names_directions() -> None:
    text = "一、奖励种类\n青年科技奖、技术合作奖和成果转化奖。\n二、申报要求\n申报人须为在职人员。"
    assert titles(text) == ["青年科技奖", "技术合作奖", "成果转化奖"]


def test_first_second_third_after_words_naming_directions() -> None:
    text = "今年的支持方向有三个:一是储能材料,二是氢能装备,三是碳捕集利用。"
    assert titles(text) == ["储能材料", "氢能装备", "碳捕集利用"]
    assert titles("工作要求:一是加强组织领导,二是严格审核把关。") == []


def test_the_parts_of_one_direction_are_not_directions() -> None:
    text = "大赛设创新赛道和创业赛道两类赛道。\n创新子赛道包括软件赛道、硬件赛道、算法赛道3类。"
    assert titles(text) == ["创新赛道", "创业赛道"]


def test_one_direction_named_without_a_number_is_not_a_direction() -> None:
    assert titles("本专项支持新材料方向,每项资助不超过50万元。") == []


# ------------------------------------------------------------------------- breakdowns with quotas


def test_a_breakdown_checked_by_its_total_gives_directions_with_quotas() -> None:
    items = found("本批评审通过农业领域3项、医药领域4项、能源领域2项,合计9项。")
    assert [(i.title, i.quota) for i in items] == [
        ("农业领域", {"qualifier": "exact", "value": 3}),
        ("医药领域", {"qualifier": "exact", "value": 4}),
        ("能源领域", {"qualifier": "exact", "value": 2}),
    ]


def test_a_breakdown_after_of_which() -> None:
    items = found("今年立项15项,其中重点项目5项、一般项目10项。")
    assert [(i.title, i.quota) for i in items] == [
        ("重点项目", {"qualifier": "exact", "value": 5}),
        ("一般项目", {"qualifier": "exact", "value": 10}),
    ]


def test_a_breakdown_whose_total_disagrees_is_refused() -> None:
    assert titles("审议通过农业领域3项、医药领域4项,合计9项。") == []


def test_a_per_direction_quota_goes_to_every_direction() -> None:
    items = found("重点支持智能制造、绿色能源两个方向。每个方向拟支持1-2项。")
    assert [i.quota for i in items] == [{"qualifier": "range", "min": 1, "max": 2}] * 2


def test_caps_on_units_or_recommendations_are_not_quotas() -> None:
    items = found("重点支持智能制造、绿色能源两个方向。每个方向推荐不超过3项,每个单位限报2项。")
    assert [i.title for i in items] == ["智能制造", "绿色能源"]
    assert [i.quota for i in items] == [None, None]


# ------------------------------------------------------------------------- numbered runs


def test_numbered_items_with_a_description_on_the_same_line() -> None:
    text = "二、支持方向\n1.智能传感。面向工业现场开发传感器。\n2.工业软件:面向中小企业开发软件；\n三、申报条件\n1.申报单位须为独立法人。"
    items = found(text)
    assert [(i.code, i.title) for i in items] == [("1", "智能传感"), ("2", "工业软件")]


def test_a_run_of_short_items_is_trusted_on_its_own() -> None:
    text = "本次征集聚焦以下几点:\n1.低碳建筑\n2.海绵城市\n3.韧性交通\n请各单位认真组织。"
    assert [(i.code, i.title) for i in found(text)] == [("1", "低碳建筑"), ("2", "海绵城市"), ("3", "韧性交通")]


def test_a_run_of_requirement_sentences_is_not_taken() -> None:
    text = "三、申报条件\n1.申报单位须为独立法人。\n2.项目负责人应具有高级职称。\n3.不得重复申报。"
    assert titles(text) == []


def test_the_sections_of_the_document_are_not_directions() -> None:
    text = "一、申报对象\n本市高校的在职教师。\n二、申报方式\n网上申报。\n三、其他事项\n未尽事宜另行通知。"
    assert titles(text) == []


def test_prize_grades_are_not_directions() -> None:
    assert titles("五、奖项类别\n1.一等奖\n2.二等奖\n3.三等奖") == []


def test_numbering_in_mid_line_of_a_flattened_text() -> None:
    text = (
        "各有关单位:本年度支持领域如下:1.智能网联汽车:研发车载系统,2.高端医疗器械:研发影像设备,"
        "3.先进半导体:研发功率芯片。请于规定时间内申报。"
    )
    assert [(i.code, i.title) for i in found(text)] == [("1", "智能网联汽车"), ("2", "高端医疗器械"), ("3", "先进半导体")]


def test_a_listed_item_takes_the_number_of_the_line_it_opens() -> None:
    text = (
        "大赛包括主赛道、产业赛道和国际赛道。\n1.主赛道分为本科组和研究生组。\n2.产业赛道由企业命题。\n3.国际赛道面向境外高校。"
    )
    assert [(i.code, i.title) for i in found(text)] == [("1", "主赛道"), ("2", "产业赛道"), ("3", "国际赛道")]


# ------------------------------------------------------------------------- through the importer


def test_the_importer_drafts_loose_directions_with_codes_and_quotas() -> None:
    text = "关于征集2026年度示范项目的通知\n各有关单位:\n本批评审通过农业领域3项、医药领域4项,合计7项。\n特此通知。"
    extraction = extract_guide(text)
    assert extraction.mode == "loose"
    assert extraction.definition is not None
    got = [(d.code, d.title.get("zh-hans"), d.quota.value if d.quota else None) for d in extraction.definition.directions]
    assert got == [("1", "农业领域", 3), ("2", "医药领域", 4)]
    assert {s.path for s in extraction.spans} >= {"directions.0.title", "directions.1.quota"}
    assert [s.note for s in extraction.spans if s.path == "directions.0.title"] == ["breakdown"]


def test_the_corpus_scorer_reads_a_dumped_title() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import guide_corpus as scorer

    draft: dict[str, Any] = {"directions": [{"code": "1", "title": {"zh_hans": "人工智能"}}]}
    assert scorer.extracted_facts(draft).titles == ["人工智能"]


@pytest.mark.parametrize("text", ["", "特此通知。", "1.\n2.\n3."])
def test_texts_without_lists_give_nothing(text: str) -> None:
    assert found(text) == []


def test_words_naming_directions_vouch_for_a_list_without_a_head_noun() -> None:
    assert titles("本年度支持领域包括人工智能、生物医药和新材料。") == ["人工智能", "生物医药", "新材料"]
    assert titles("二、重点领域\n人工智能、生物医药、新材料等。") == ["人工智能", "生物医药", "新材料"]
    assert titles("赛道说明:本科生和研究生参加各地赛区。") == []


def test_a_numbered_item_carries_its_own_quota() -> None:
    text = "二、支持方向\n1.海洋装备方向（拟支持2项）\n2.极地观测方向,拟支持不超过3项。"
    items = found(text)
    assert [(i.code, i.title, i.quota) for i in items] == [
        ("1", "海洋装备方向", {"qualifier": "exact", "value": 2}),
        ("2", "极地观测方向", {"qualifier": "at_most", "value": 3}),
    ]


def test_a_table_flattened_to_lines() -> None:
    text = "附表:\n序号 方向名称 拟支持项目数\n1 深海探测 2项\n2 智慧电网 不超过3项\n3 合成生物 1项\n联系人:***"
    items = found(text)
    assert [(i.code, i.title, i.quota) for i in items] == [
        ("1", "深海探测", {"qualifier": "exact", "value": 2}),
        ("2", "智慧电网", {"qualifier": "at_most", "value": 3}),
        ("3", "合成生物", {"qualifier": "exact", "value": 1}),
    ]
    assert titles("序号 材料名称 份数\n1 申请书 2\n2 推荐函 1") == []


def test_titles_sharing_a_head_noun_vouch_for_a_run_with_descriptions() -> None:
    text = "一、重点项目,每项资助20万元。\n围绕重大问题开展研究。\n二、一般项目,每项资助10万元。\n鼓励青年教师申报。"
    assert [(i.code, i.title) for i in found(text)] == [("1", "重点项目"), ("2", "一般项目")]
    text = "一、申报对象,本市高校教师。\n说明。\n二、申报方式,网上申报。\n说明。"
    assert titles(text) == []


def test_short_unnumbered_lines_under_a_heading_naming_directions() -> None:
    text = "二、重点支持领域\n海洋牧场\n- 智慧港口\n深远海养殖\n三、申报要求\n申报单位须为独立法人。"
    assert titles(text) == ["海洋牧场", "智慧港口", "深远海养殖"]
    assert titles("二、申报要求\n海洋牧场\n智慧港口") == []


def test_a_run_mixing_number_styles_is_one_run() -> None:
    text = "支持方向:\n1、冷链物流\n2.跨境电商\n3、数字贸易"
    assert [(i.code, i.title) for i in found(text)] == [("1", "冷链物流"), ("2", "跨境电商"), ("3", "数字贸易")]


def test_a_list_followed_by_a_predicate_before_its_count_is_refused() -> None:
    assert titles("公司将芯片、软件和网络确定为重点投入的三大技术赛道。") == []


@pytest.mark.parametrize(
    "text",
    [
        "四、申报材料\n1.申报书\n2.推荐汇总表\n3.承诺书",
        "请提交以下文件:\n1.申报书\n2.推荐汇总表\n3.承诺书",
        "六、联系方式\n1.科技处\n2.财务处\n3.人事处",
        "评审标准:\n1.创新性\n2.可行性\n3.应用前景",
        "五、时间安排\n1.报名阶段\n2.初赛阶段\n3.决赛阶段",
    ],
)
def test_short_lists_of_materials_contacts_criteria_or_steps_are_not_directions(text: str) -> None:
    assert titles(text) == []


def test_a_cap_on_units_split_by_kind_gives_no_quotas() -> None:
    items = found("各单位限报3项,其中重点项目1项、一般项目2项。")
    assert [(i.title, i.quota) for i in items] == [("重点项目", None), ("一般项目", None)]
    items = found("重点支持智能制造、绿色能源两个方向。各单位每个方向限报1项。")
    assert [i.quota for i in items] == [None, None]


def test_kinds_of_projects_with_their_amounts() -> None:
    text = "本年度资助额度为:培育项目8万元,攻关项目和示范项目20万元。"
    assert titles(text) == ["培育项目", "攻关项目", "示范项目"]
    assert titles("资助额度为:理工科8万元,文科5万元。") == []


def test_english_topics_with_their_codes() -> None:
    text = "Scope\nTopic 1: Coastal resilience\nTopic 2: Soil carbon monitoring\nTopic 3 – Urban heat\nProposals must be submitted online."
    assert [(i.code, i.title) for i in found(text)] == [
        ("1", "Coastal resilience"),
        ("2", "Soil carbon monitoring"),
        ("3", "Urban heat"),
    ]
    assert titles("Topic 1: Applicants must register first.\nTopic 2: Proposals should be short.") == []


def test_a_count_not_checked_is_no_part_of_the_last_item() -> None:
    assert titles("大赛设立“城市命题”和“乡村命题”两类赛道。") == ["城市命题", "乡村命题"]


def test_a_huge_text_is_read_in_its_opening_only() -> None:
    opening = "本年度重点支持智能制造、绿色能源和海洋装备三个方向。\n"
    items = found(opening + "说明文字,没有列表。" * 60_000)
    assert [i.title for i in items] == ["智能制造", "绿色能源", "海洋装备"]
    assert found("说明文字。" * 50_000 + "重点支持甲方向、乙方向两个方向。") == []


def test_a_count_opening_items_separated_by_semicolons() -> None:
    text = "本批次设置3个方向:城市更新；乡村建设；流域治理。"
    assert titles(text) == ["城市更新", "乡村建设", "流域治理"]
    assert titles("本批次设置3个方向:城市更新；乡村建设。") == []


# ------------------------------------------------------------------------- generalised rules (p-dir2)


def test_two_programmes_joined_by_or_in_parentheses_are_no_list() -> None:
    text = "请将拟申报项目类别(省社科项目或市社科项目)告知学院。"
    assert titles(text) == []
    assert titles("请注明申报类别(省社科项目、市社科项目或校级项目)。") == ["省社科项目", "市社科项目", "校级项目"]


def test_what_the_items_belong_to_is_cut_off_the_first_item() -> None:
    text = "本次工作聚焦新材料产业发展的关键材料、检测装备、应用验证等3类任务。"
    assert titles(text) == ["关键材料", "检测装备", "应用验证"]


def test_a_numbered_item_naming_two_directions_is_each_of_them_under_its_number() -> None:
    text = "推荐对象须符合下列条件：1.青年奖：年龄不超过40岁，2.创新奖：成果已应用，3.推广奖、普及奖：成果已推广两年以上。"
    items = found(text)
    assert [(i.code, i.title) for i in items] == [("1", "青年奖"), ("2", "创新奖"), ("3", "推广奖"), ("3", "普及奖")]


def test_numbered_lines_running_on_as_sentences_are_no_direction_blocks() -> None:
    text = (
        "三、参赛类别\n作品分为理工类论文、社科类报告、发明制作、专项作品四类。\n"
        "1.理工类论文作者限本科生。\n2.社科类围绕民生等4个组别开展调查。\n3.发明制作分为A、B两类:\n4.专项作品\n"
    )
    dirs = extract_guide(text).data.get("directions", [])
    assert [d["title"] for d in dirs] == ["理工类论文", "社科类报告", "发明制作", "专项作品"]


def test_ordinals_checked_against_the_count_before_them() -> None:
    text = "今年扶持的项目分为三大类:一是科技创新专项,二是乡村振兴专项,三是成果转化专项。"
    items = found(text)
    assert [(i.code, i.title) for i in items] == [("1", "科技创新专项"), ("2", "乡村振兴专项"), ("3", "成果转化专项")]
    assert titles("今年扶持的项目分为四大类:一是科技创新专项,二是乡村振兴专项,三是成果转化专项。") == []


def test_a_plan_name_with_digits_in_book_quotes_may_be_a_title() -> None:
    text = "项目库围绕2类项目:一是《规划2035》重点工程配套项目;二是新型基础设施工程,包括宽带网络等。"
    assert titles(text) == ["《规划2035》重点工程配套项目", "新型基础设施工程"]


def test_circled_numbers_in_mid_line_make_a_run() -> None:
    text = "一般项目的研究期限为3年,具体类别分为:①重点基金项目,资助不超过10万元;②青年基金项目,资助不超过8万元;③自筹经费项目,经费自筹。"
    assert titles(text) == ["重点基金项目", "青年基金项目", "自筹经费项目"]


def test_a_one_character_side_is_no_item_of_a_list_joined_by_and() -> None:
    assert titles("本年度设立青年奖、创新奖和普及奖三个奖项。") == ["青年奖", "创新奖", "普及奖"]
    assert titles("本年度设立青年奖、普及奖两个奖项。") == ["青年奖", "普及奖"]


def test_set_questions_listed_after_fen_wei_share_their_head_noun() -> None:
    assert titles("本届赛题分为企业发布命题和地方发布命题,参赛团队任选其一。") == ["企业发布命题", "地方发布命题"]


def test_quoted_tracks_in_a_row_need_no_heading() -> None:
    assert titles("1. “入门创作赛道”与“进阶创作赛道”共同评奖;") == ["入门创作赛道", "进阶创作赛道"]
    assert titles("请参加“入门创作”与“进阶创作”活动。") == []


def test_themes_separated_by_semicolons_after_a_label_naming_them() -> None:
    text = "申报案例主题包括但不限于:改善农村道路;提升供水水平;加强医疗服务。每个案例聚焦一项。"
    assert titles(text) == ["改善农村道路", "提升供水水平", "加强医疗服务"]
    assert titles("申报材料包括:申请书;预算表;承诺书。") == []
    assert titles("案例主题包括:改善农村道路;提升供水水平。") == []


def test_kinds_of_applicants_are_no_directions() -> None:
    assert titles("二、申报对象\n1.高校教师\n2.科研院所人员\n3.企业技术人员\n三、申报时间\n") == []
    assert titles("面向高校、科研院所和企业三类单位征集。") == []
    assert titles("申报主体分为高校、科研院所和企业三类。") == []


def test_kinds_of_cost_are_no_directions() -> None:
    assert titles("经费分为直接费用和间接费用两类。") == []


def test_points_of_a_text_with_their_description_are_no_run_on_their_own() -> None:
    text = "二、组织领导\n1.成立领导小组。各单位成立工作组。\n2.明确责任分工。专人负责。\n3.加强监督检查。定期通报。\n"
    assert titles(text) == []
    assert titles("二、组织领导\n1.城市更新\n2.乡村建设\n3.流域治理\n") == ["城市更新", "乡村建设", "流域治理"]


def test_a_sentence_announcing_the_list_names_it_by_its_last_clause() -> None:
    text = "本次大赛围绕发展理念开展,共设置三个类别的赛道:\n1.智能制造:面向工厂。\n2.绿色能源:面向电网。\n3.海洋装备:面向港口。\n"
    assert titles(text) == ["智能制造", "绿色能源", "海洋装备"]


def test_a_word_that_may_open_a_list_is_kept_unless_confirmed() -> None:
    assert titles("本次评审通过重点项目3项、一般项目5项,合计8项。") == ["重点项目", "一般项目"]
    assert titles("设计创新、有机农业和含能材料三个方向。") == ["设计创新", "有机农业", "含能材料"]
    assert titles("共设创新赛道、产业赛道两个赛道。") == ["创新赛道", "产业赛道"]


def test_lines_naming_a_direction_before_its_description_under_a_counted_heading() -> None:
    lines = "智能制造：面向工厂的改造。\n绿色能源：面向电网。\n海洋装备：面向港口。\n"
    assert titles("本次设以下3个方向：\n" + lines) == ["智能制造", "绿色能源", "海洋装备"]
    assert titles("本次设以下4个方向：\n" + lines) == []
    assert titles("二、支持方向\n" + lines) == ["智能制造", "绿色能源", "海洋装备"]


def test_english_lines_after_a_count_of_areas() -> None:
    head = "The call covers the following three research areas:\n"
    areas = "Ocean observation: sensors and platforms.\nCoastal resilience: flood defence.\n"
    assert titles(head + "\n" + areas + "Marine biology: ecosystems.\n") == [
        "Ocean observation",
        "Coastal resilience",
        "Marine biology",
    ]
    assert titles(head + areas + "\nDeadline: 5 May.\n") == []


def test_numbered_items_separated_by_semicolons_in_one_short_line() -> None:
    items = found("重点支持以下方向：(一)智能制造；(二)绿色能源；(三)海洋装备。")
    assert [(i.code, i.title) for i in items] == [("1", "智能制造"), ("2", "绿色能源"), ("3", "海洋装备")]
    items = found("本批指南共3个方向：1.人工智能；2.集成电路；3.生物医药。")
    assert [(i.code, i.title) for i in items] == [("1", "人工智能"), ("2", "集成电路"), ("3", "生物医药")]


def test_a_noun_naming_directions_after_deng_vouches_for_the_list() -> None:
    assert titles("本年度指南包括人工智能、集成电路、生物医药等方向。") == ["人工智能", "集成电路", "生物医药"]
    assert titles("本年度指南包括人工智能、集成电路、生物医药等。") == []
    assert titles("申报材料包括申请书、预算书、承诺书等材料。") == []


def test_a_breakdown_announced_as_what_will_be_funded_with_qualifiers() -> None:
    items = found("本次拟资助重点项目约5项、一般项目20项左右。")
    assert [(i.title, i.quota) for i in items] == [
        ("重点项目", {"qualifier": "about", "value": 5}),
        ("一般项目", {"qualifier": "about", "value": 20}),
    ]
    assert found("本次受理重点项目5项、一般项目20项。") == []
    assert found("拟推荐重点项目2项、一般项目3项。") == []


def test_a_direction_named_again_with_its_noun_takes_its_quota() -> None:
    text = "本年度设智能制造、绿色能源两个方向，其中智能制造方向拟支持3项，绿色能源方向拟支持2项。"
    assert [(i.title, i.quota) for i in found(text)] == [
        ("智能制造", {"qualifier": "exact", "value": 3}),
        ("绿色能源", {"qualifier": "exact", "value": 2}),
    ]


def test_a_direction_word_and_number_before_the_title() -> None:
    items = found("二、征求主题\n主题1：人工智能应用\n主题2：净零转型\n")
    assert [(i.code, i.title) for i in items] == [("1", "人工智能应用"), ("2", "净零转型")]
    assert [(i.code, i.title) for i in found("主题 一 : 海洋观测\n")] == [("1", "海洋观测")]
    assert found("方向一：请于5月前提交申请书。\n") == []


def test_the_verb_opening_a_list_is_not_one_inside_a_word() -> None:
    assert titles("本次大赛设置建设赛道、产业赛道两个赛道。") == ["建设赛道", "产业赛道"]
    assert titles("本次大赛设主赛道、产业命题赛道、萌芽赛道三个赛道。") == ["主赛道", "产业命题赛道", "萌芽赛道"]


def test_quoted_names_without_separators_checked_by_a_count() -> None:
    assert titles("大赛设置“揭榜挂帅”“赛马”两类项目。") == ["揭榜挂帅", "赛马"]
    assert titles("大赛设置“揭榜挂帅”“赛马”三类项目。") == []
    assert titles("请登录“科技平台”“财务系统”填报。") == []


def test_long_quoted_names_closed_by_their_count_after_deng() -> None:
    text = (
        "本年度公开征求研究重点包含“沿海湿地生态修复与碳汇能力提升关键技术研究”、"
        "“面向丘陵山区的小型智能农机装备研发与示范应用”、“城市更新中的历史街区活化利用”等3项。"
    )
    assert titles(text) == [
        "沿海湿地生态修复与碳汇能力提升关键技术研究",
        "面向丘陵山区的小型智能农机装备研发与示范应用",
        "城市更新中的历史街区活化利用",
    ]
    # The count disagrees with the names: no list.
    assert titles(text.replace("等3项", "等5项")) == []
    # Quoted long titles counted as documents or rules are no directions.
    rules = (
        "请各单位认真学习“关于加强科研诚信建设的若干意见与实施细则”、“关于进一步弘扬科学家精神加强作风学风建设的意见”、"
        "“科研项目经费管理使用的若干规定及其问答”等3项文件。"
    )
    assert titles(rules) == []
    # Two names are not enough to trust a tally on its own.
    assert titles("请阅读“关于加强科研诚信建设的若干意见”、“关于进一步弘扬科学家精神的意见”等2项。") == []


def test_english_areas_listed_in_a_sentence_after_their_count() -> None:
    text = "The programme supports projects in three areas: ocean observation, coastal resilience and marine biology."
    assert [(i.title, text[i.start : i.end]) for i in found(text)] == [
        ("ocean observation", "ocean observation"),
        ("coastal resilience", "coastal resilience"),
        ("marine biology", "marine biology"),
    ]
    assert titles("Proposals may address two themes: climate adaptation, and urban mobility.") == [
        "climate adaptation",
        "urban mobility",
    ]
    assert titles("It covers three areas: ocean observation, coastal resilience.") == []
    assert titles("Applicants from three categories: universities, companies and charities must submit by May.") == []


# ------------------------------------------------------------------------- session 5 (the 6xx batch)


def test_a_count_of_industries_closes_a_list_after_a_number_in_mid_line() -> None:
    text = "为推进制造强省建设，特制定本方案。一、工作目标聚焦省重点培育的智能装备、新型材料、生物制造等3个先进制造业集群，遴选一批攻关任务。"
    assert titles(text) == ["智能装备", "新型材料", "生物制造"]


def test_a_list_after_a_counted_kind_ends_at_the_comma() -> None:
    assert titles("本年度重点项目安排两大类：主题项目、自选项目，详见指南。") == ["主题项目", "自选项目"]


def test_a_quoted_list_keeps_only_the_quoted_name_of_its_first_item() -> None:
    text = "比赛主题\n本赛事规划“智慧农业应用”、“乡村文旅设计”、“特色食品开发”三大竞赛主题，欢迎报名。"
    assert titles(text) == ["智慧农业应用", "乡村文旅设计", "特色食品开发"]


def test_a_repeated_numbered_run_adds_no_directions() -> None:
    text = (
        "一、竞赛组别\n（一）教师组：专任教师均可参加\n（二）学生组：在校学生均可参加\n"
        "二、奖项\n（一）教师组：第1名获奖状\n（二）学生组：第1名获奖状\n"
    )
    assert titles(text) == ["教师组", "学生组"]


def test_counted_parts_are_not_directions() -> None:
    assert titles("计划类型：\n整合型计划包含1个总计划及至少3项子计划，由总主持人提出申请。") == []


def test_the_subdivision_of_a_direction_is_neither_a_list_nor_a_count() -> None:
    text = (
        "三、课题种类\n1.特约课题：由主办方指定领域。\n2.重点课题和专项课题：由申报单位自行拟定。\n3.合作课题：鼓励合作开展。\n"
        "四、资助标准\n其中，专项课题分为立项资助课题和立项不资助课题两类。"
    )
    draft = extract_guide(text).data
    assert [d["title"] for d in draft["directions"]] == ["特约课题", "重点课题和专项课题", "合作课题"]
    assert "directions" not in draft.get("stated_totals", {})


def test_themes_after_yi_and_before_wei_zhuti_are_directions() -> None:
    assert titles("现接受申请，征求以智能制造、生物医药或新能源为主题的研发项目。") == ["智能制造", "生物医药", "新能源"]


def test_a_list_in_parentheses_after_a_programme_named_twice_gives_its_directions_once() -> None:
    text = "关于申报2026年度重点研发专项（技术攻关、软科学研究）项目的通知\n各单位：2026年度重点研发专项（技术攻关、软科学）项目申报工作已启动。"
    assert titles(text) == ["技术攻关", "软科学研究"]


def test_a_remark_in_parentheses_after_a_counted_list_is_no_part_of_its_last_item() -> None:
    text = "本次申报设置两个赛道：主赛道、“乡村振兴”赛道（产业赛道待总决赛方案发布后另行添加）。"
    assert titles(text) == ["主赛道", "“乡村振兴”赛道"]


def test_a_count_of_research_programmes_closes_a_list() -> None:
    text = "一、支持范围：中医理论专项和传染病专项等两个专项；蛋白质研究、纳米研究和量子调控研究等三个重大科学研究计划。"
    assert titles(text) == ["中医理论专项", "传染病专项", "蛋白质研究", "纳米研究", "量子调控研究"]


def test_a_count_over_a_numbered_run_vouches_for_long_titles() -> None:
    text = (
        "一、选题范围\n本次选题应重点围绕以下3个专题：\n1.数字经济发展研究。包括平台经济、数据要素等方面；\n"
        "2.贯彻落实省委全会关于区域协调发展的重要部署精神，对推进区域协调发展开展研究；\n3.冷门绝学研究。\n"
        "二、基本要求\n选题应具有明确的研究目标。"
    )
    long_title = "贯彻落实省委全会关于区域协调发展的重要部署精神，对推进区域协调发展开展研究"
    assert titles(text) == ["数字经济发展研究", long_title, "冷门绝学研究"]
    # without the count, the long item stays no title and the run is no list
    assert titles(text.replace("以下3个专题", "以下专题")) == []


def test_a_label_naming_the_contest_groups_opens_a_list() -> None:
    assert titles("竞赛须知\n- 竞赛分组：本科组、高职组\n- 作品要求：原创") == ["本科组", "高职组"]


def test_groups_a_contest_is_run_in_between_an_and_the_contest_verb() -> None:
    assert titles("本届大赛按创意组和企业组进行比赛，具体安排另行通知。") == ["创意组", "企业组"]
    assert titles("决赛分学生组、教师组、社会组开展评选。") == ["学生组", "教师组", "社会组"]
    # Panels and working groups are no groups of entrants.
    assert titles("评审按专家组和工作组进行评审。") == []
    # Groups named without the verb of a contest stay prose.
    assert titles("请按创意组和企业组分别填写报名表。") == []


def test_a_total_shared_by_every_direction_is_the_calls_not_each_directions() -> None:
    text = "本届大赛按创意组和企业组进行评选，奖项共计12个，奖金36万元。"
    draft = extract_guide(text).data
    assert [d["title"] for d in draft["directions"]] == ["创意组", "企业组"]
    assert [d.get("budget") for d in draft["directions"]] == [None, None]
    assert draft["stated_totals"]["budget"] == {"amount_wan": 36}
    # A total named for one of the directions still goes to it.
    text = "本届大赛按创意组和企业组进行评选。创意组奖金10万元；企业组奖金26万元。"
    draft = extract_guide(text).data
    assert [d.get("budget", {}).get("total") for d in draft["directions"]] == [
        {"amount_wan": 10},
        {"amount_wan": 26},
    ]
