"""Rules from the studied 20xx and 21xx batches (issue 14, session 13): the parts of each direction, the contest
as the subject of the verb opening its list, a conjunction inside every item, prize grades listed without a
count, a run of titles holding one that opens with a verb, research focuses announced in a sentence, and a
topic's word and number before a title that has a description after its colon.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

import pytest

from shenbao.guides.parser.extract import extract_guide
from tests.guides.test_lists_and_tallies import HEAD, titles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "大赛分科技创新、乡村振兴、数字经济三个赛道，每个赛道均包含团队组、企业组两个组别。\n",
            ["科技创新", "乡村振兴", "数字经济"],
            id="每个赛道均包含: the groups of every track are no directions",
        ),
        pytest.param(
            "大赛分在校学生、非在校青年两个赛道。其中，在校学生赛设创新组、创业组两个组别；非在校青年赛设初创组、成长组两个组别。\n",
            ["在校学生", "非在校青年"],
            id="a clause opening with a track found before: its groups are its parts",
        ),
        pytest.param(
            "本届大赛设创新组、创业组两个组别。\n",
            ["创新组", "创业组"],
            id="the contest's own groups stay directions",
        ),
        pytest.param(
            "一、申报领域\n本次征集涉及能源与化工、环境与生态、生物与农业、新材料与先进制造等方面。\n",
            ["能源与化工", "环境与生态", "生物与农业", "新材料与先进制造"],
            id="与 inside every item: the last one is not split at it",
        ),
        pytest.param(
            "一、申报领域\n本次征集涉及人工智能、生物医药、新材料与先进制造等方面。\n",
            ["人工智能", "生物医药", "新材料", "先进制造"],
            id="与 in the last item only: it joins two items",
        ),
        pytest.param("本奖项设中国专利金奖、中国专利银奖和中国专利优秀奖。\n", [], id="the grades of a prize"),
    ],
)
def test_lists_in_running_text(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_the_contest_is_the_subject_of_the_verb_opening_its_list() -> None:
    assert titles("大赛分在校学生、非在校青年两个赛道。\n") == ["在校学生", "非在校青年"]
    # A first item that names a kind on its own keeps its words ("大赛" is not the subject here).
    assert titles("设立大赛组、公开组两个组别。\n") == ["大赛组", "公开组"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "(三)申报项目类别\n1.制修订标准;\n2.中国标准创新贡献奖;\n3.承担专业标准化技术委员会工作;\n4.国家标准化试点示范项目。\n",
            ["制修订标准", "中国标准创新贡献奖", "承担专业标准化技术委员会工作", "国家标准化试点示范项目"],
            id="one title in four opens with a verb",
        ),
        pytest.param(
            "(三)申报项目类别\n1.制修订标准;\n2.承担标准化技术委员会工作;\n3.承担国际标准化会议;\n",
            [],
            id="two of three: a list of tasks, not of titles",
        ),
    ],
)
def test_a_run_of_titles_under_a_heading_naming_directions(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "申请研究计划应符合下列其中一项研发重点：\n• 崭新物料、纺织及成衣制品\n• 先进纺织及成衣生产技术\n• 创意设计及评估技术\n",
            ["崭新物料、纺织及成衣制品", "先进纺织及成衣生产技术", "创意设计及评估技术"],
            id="bullets under a sentence announcing the research focuses",
        ),
        pytest.param(
            "评审时，申请如包括以下成份，将给予额外的分数：\n• 创新及科技内容\n• 技术能力\n",
            [],
            id="bullets under a sentence announcing review criteria",
        ),
    ],
)
def test_research_focuses_announced_in_a_sentence(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_a_topics_word_and_number_before_a_title_with_a_description() -> None:
    text = (
        "重点支持以下方向：\n方向1. 电子化学品：重点面向集成电路关键电子化学品的科学问题。\n"
        "方向2. 工业软件：重点面向工业知识自动化的关键机理。\n"
    )
    assert titles(text) == ["电子化学品", "工业软件"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The topics are:\n\n  • rethinking the implicit role of cultural heritage in society\n"
            "  • perspectives on and constructions of cultural heritage\n",
            [
                "rethinking the implicit role of cultural heritage in society",
                "perspectives on and constructions of cultural heritage",
            ],
            id="'The topics are:' over long names",
        ),
        pytest.param(
            "The themes are:\n- High growth: Future healthcare solutions\n- Strategic opportunity: Metamaterials and metasurfaces\n",
            ["High growth: Future healthcare solutions", "Strategic opportunity: Metamaterials and metasurfaces"],
            id="a label and a colon inside each name",
        ),
        pytest.param(
            "To be in scope, a project must cover one of the following areas:\n"
            "  • innovation in a manufacturing system or business model. For example, in process engineering.\n"
            "  • innovation in materials development or reuse. For example, for light-weighting.\n",
            ["innovation in a manufacturing system or business model", "innovation in materials development or reuse"],
            id="the name, then its description after a full stop",
        ),
        pytest.param(
            "The key dates are:\n- Opening: 3 May 2024\n- Closing: 5 June 2024\n",
            [],
            id="dates after a colon are no names",
        ),
    ],
)
def test_bullets_of_an_english_notice(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


_SIBLINGS = (
    "一、申报内容\n"
    "(一)《产业发展类项目申报指南》的申报内容包括：\n1.农业科技推广项目。\n2.农产品质量监测项目。\n3.现代种业提升项目。\n"
    "(二)《课题研究类项目申报指南》的申报内容包括：\n1.重大专题调研课题。\n2.乡村振兴发展报告。\n"
)


def test_a_run_under_a_heading_worded_as_a_taken_runs_is_taken_too() -> None:
    assert titles(_SIBLINGS) == [
        "农业科技推广项目",
        "农产品质量监测项目",
        "现代种业提升项目",
        "重大专题调研课题",
        "乡村振兴发展报告",
    ]


def test_a_run_under_a_heading_worded_otherwise_stays_unsure() -> None:
    text = _SIBLINGS.replace("(二)《课题研究类项目申报指南》的申报内容包括：", "(二)其他事项：")
    assert titles(text) == ["农业科技推广项目", "农产品质量监测项目", "现代种业提升项目"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2020 年拟在氢能、太阳能、风能、可再生能源耦合与系统集成技术 4 个技术方向启动 14~28 个项目。\n",
            ["氢能", "太阳能", "风能", "可再生能源耦合与系统集成技术"],
            id="拟在 opens the list",
        ),
        pytest.param(
            "本专项将在北京、上海、广州三个城市开展试点。\n",
            [],
            id="cities are no directions",
        ),
    ],
)
def test_a_list_opened_by_ni_zai(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_a_list_named_only_by_the_heading_above_it_is_offered_not_drafted() -> None:
    # The heading names directions, but the line under it has no count, number or verb of its own to check
    # the list: a heading over a list of anything (materials, places, fields it is merely about).
    extraction = extract_guide(HEAD + "二、重点领域\n智能制造、生物医药和新材料。\n")
    assert (extraction.data.get("directions") or []) == []
    assert [s.title for s in extraction.suggestions] == ["智能制造", "生物医药", "新材料"]


def test_a_list_opened_by_its_own_verb_is_drafted() -> None:
    extraction = extract_guide(HEAD + "二、重点领域\n本次征集分为智能制造项目、生物医药项目和新材料项目。\n")
    assert [d["title"] for d in extraction.data["directions"]] == ["智能制造项目", "生物医药项目", "新材料项目"]
    assert extraction.suggestions == []


def test_a_count_said_again_after_the_last_item_is_no_part_of_it() -> None:
    text = "1、本年度规划课题分为四类：指南课题、自选课题、自筹经费课题以及应用对策类课题等四类。申请人须明确选择。\n"
    assert titles(text) == ["指南课题", "自选课题", "自筹经费课题", "应用对策类课题"]
