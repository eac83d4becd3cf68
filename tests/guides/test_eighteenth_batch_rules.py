"""Rules from the studied 18xx and 19xx batches (issue 14, session 13): a short web page is not taken for a
hard-wrapped one, fields listed with 等领域 and no count, two more count nouns (门类, 个大类), and the remarks
after an English bullet's name.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.english import _amounts, _own_line_facts
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.model import Collector
from shenbao.guides.parser.normalise import normalise
from tests.guides.test_lists_and_tallies import draft, titles

_PARAGRAPH = (
    "为深入实施本省数字经济发展行动计划，培育一批产业集聚区，激活数据要素乘数效应，现组织开展本年度专项资金项目申报工作。" * 3
)


def test_a_few_headings_of_alike_width_do_not_make_a_web_page_hard_wrapped() -> None:
    # Each paragraph is one line far wider than the headings: nothing here was wrapped, so the heading of
    # the second direction (as wide as a wrapped line would be) keeps its own line.
    original = "\n".join(
        [
            "福建省关于本年度数字经济发展专项资金项目申报的通知",
            _PARAGRAPH,
            "一、支持方向",
            "(一)省级数字经济核心产业集聚区建设",
            "面向产业规模较大的数字经济细分行业，推动集聚区创新发展。" + _PARAGRAPH,
            "(二)数据要素供给流通基础设施创新发展试点",
            "聚焦省内重点行业领域和地方特色产业，支持开展试点。" + _PARAGRAPH,
            "二、申报条件",
            _PARAGRAPH,
        ]
    )
    lines = normalise(original).text.split("\n")
    assert "(二)数据要素供给流通基础设施创新发展试点" in lines
    assert titles(original) == ["省级数字经济核心产业集聚区建设", "数据要素供给流通基础设施创新发展试点"]


def test_a_hard_wrapped_text_is_still_joined() -> None:
    body = "项目合作双方须分别向本国的项目征集部门提交申报材料，单方申报项目无"
    original = "\n".join([body, "效。", body, "效。", body, "效。", body, "效。", "一、支持方向", body, "效。"])
    lines = normalise(original).text.split("\n")
    assert lines[0] == body + "效。"
    assert lines.count(body + "效。") == 5 and "一、支持方向" in lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "一、重点支持环境监测、土壤修复、大气联防联控等领域，及其他重大项目。\n",
            ["环境监测", "土壤修复", "大气联防联控"],
            id="重点支持 A、B、C 等领域",
        ),
        pytest.param(
            "一、申报范围\n以污染物减排为目标，涉及水污染防治、土壤修复、环境监测、环境管理等方面的科研课题。\n",
            ["水污染防治", "土壤修复", "环境监测", "环境管理"],
            id="涉及 … 等方面 under a heading naming the scope",
        ),
        pytest.param(
            "本市企业涉及电子信息、生物医药、新材料等方面的产业基础较好。\n",
            [],
            id="涉及 without a heading naming the scope: a description, not the call's fields",
        ),
        pytest.param(
            "近年来，本市覆盖电子信息、生物医药、新材料等领域的创新平台不断壮大。\n",
            [],
            id="覆盖 without a heading naming the scope",
        ),
    ],
)
def test_fields_listed_with_deng_and_no_count(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "二、申报学科\n申报学科分为艺术理论研究、音乐研究、舞蹈研究等三个门类，具体见附件。\n",
            ["艺术理论研究", "音乐研究", "舞蹈研究"],
            id="门类",
        ),
        pytest.param(
            "成果奖分基础教育、职业教育、高等教育三个大类，分别设置奖项。\n",
            ["基础教育", "职业教育", "高等教育"],
            id="个大类",
        ),
        pytest.param(
            "申报学科分为艺术理论研究、音乐研究、舞蹈研究等两个门类。\n",
            [],
            id="a count the split disagrees with",
        ),
    ],
)
def test_more_count_nouns(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_more_count_nouns_are_the_stated_number_of_directions() -> None:
    body = "二、申报学科\n申报学科分为艺术理论研究、音乐研究、舞蹈研究等三个门类，具体见附件。\n"
    assert draft(body)["stated_totals"]["directions"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Proposals must address one of the following themes:\n"
            "- Renewable Hydrogen Production (5 topics), with a funding budget of 25M euros available.\n"
            "- Transport (4 topics), with a funding budget of 19M euros available.\n"
            "- Heat and Power (2 topics), with a funding budget of 9M euros available.\n",
            ["Renewable Hydrogen Production", "Transport", "Heat and Power"],
            id="a count of topics in brackets and a budget after a comma",
        ),
        pytest.param(
            "The call covers the priority areas:\n- Soil health – practices that restore soils\n- Water use – irrigation\n",
            ["Soil health", "Water use"],
            id="a dash after the name",
        ),
        pytest.param(
            "The call covers the priority areas:\n- Soil health, water use and farm resilience across regions and seasons\n"
            "- Rural economies, markets and the jobs of farm households in remote areas\n",
            [
                "Soil health, water use and farm resilience across regions and seasons",
                "Rural economies, markets and the jobs of farm households in remote areas",
            ],
            id="a comma inside a long name cuts nothing",
        ),
    ],
)
def test_remarks_after_an_english_bullets_name(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


_THEMES = (
    "Clean Energy Call 2024\n"
    "The call opens on 18 January 2024. Proposals must address one of the following themes:\n"
    "- Renewable Hydrogen Production (5 topics), with a funding budget of 25M euros available.\n"
    "- Transport (4 topics), with a funding budget of 4.5M euros available.\n"
    "- Heat and Power (2 topics), with a funding budget of 9M euros available.\n"
)


def _english_directions(text: str) -> list[tuple[str, Any]]:
    data = extract_guide(text).data
    return [(d["title"], d.get("budget")) for d in data.get("directions") or []]


def test_an_amount_on_a_directions_own_line_is_that_directions() -> None:
    assert _english_directions(_THEMES) == [
        ("Renewable Hydrogen Production", {"total": {"amount": 25000000, "currency": "EUR"}}),
        ("Transport", {"total": {"amount": 4500000, "currency": "EUR"}}),
        ("Heat and Power", {"total": {"amount": 9000000, "currency": "EUR"}}),
    ]


def test_an_amount_on_a_line_naming_several_directions_is_no_ones_own() -> None:
    text = "The call funds Hydrogen Production and Transport, with a funding budget of 25M euros available.\n"
    directions: list[dict[str, Any]] = [{"code": "1", "title": "Hydrogen Production"}, {"code": "2", "title": "Transport"}]
    col = Collector()
    col.span("directions.0.title", 15, 34, 0.6)
    col.span("directions.1.title", 39, 48, 0.6)
    definition: dict[str, Any] = {"budget": {}}
    _own_line_facts(text, directions, col, definition, {})
    assert directions == [{"code": "1", "title": "Hydrogen Production"}, {"code": "2", "title": "Transport"}]
    # Alone on its line, the same direction takes the amount.
    _own_line_facts(text, directions[:1], col, definition, {})
    assert directions[0]["budget"] == {"total": {"amount": 25000000, "currency": "EUR"}}


def test_a_running_list_leaves_the_total_to_the_call() -> None:
    text = (
        "Clean Energy Call 2024\n"
        "Proposals should address one of three priority areas: hydrogen production, transport, and heat. "
        "A total budget of 25M euros is available.\n"
    )
    data = extract_guide(text).data
    assert [(d["title"], d.get("budget")) for d in data["directions"]] == [
        ("hydrogen production", None),
        ("transport", None),
        ("heat", None),
    ]
    assert data["budget"] == {"total": {"amount": 25000000, "currency": "EUR"}}


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("a funding budget of 25M euros", 25000000),
        ("a funding budget of 4.5M euros", 4500000),
        ("a budget of 300k euros", 300000),
        ("a budget of 2 bn euros", 2000000000),
    ],
)
def test_a_short_multiplier_before_the_currency_word(text: str, amount: int) -> None:
    assert [a.money["amount"] for a in _amounts(text)] == [amount]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "Applicants may seek funding for research projects in the areas of Learning & Pedagogy, Palliative Care "
            "and Food Supply Resiliency.",
            ["Learning & Pedagogy", "Palliative Care", "Food Supply Resiliency"],
            id="in the areas of A, B and C",
        ),
        pytest.param(
            "The call aims to promote joint projects in the areas of ‘Future Manufacturing’, ‘Digital Transformation’, "
            "and Biology & Healthcare’.",
            ["Future Manufacturing", "Digital Transformation", "Biology & Healthcare"],
            id="quoted names, one quote lost",
        ),
        pytest.param(
            "The foundation has long worked in the areas of health.",
            [],
            id="one area is no list",
        ),
    ],
)
def test_the_areas_a_call_is_limited_to(sentence: str, expected: list[str]) -> None:
    data = extract_guide("Research Grant Call\n" + sentence + "\n").data
    # Directions the English reader found carry an English title ({"en": …}).
    assert [d["title"]["en"] for d in data.get("directions") or []] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("本计划征件至2021年4月9日。", ["2021-04-09"], id="征件至 DATE"),
        pytest.param("本中心受理申请至2021年4月9日，逾期不予受理。", ["2021-04-09"], id="受理申请至 DATE"),
        pytest.param("报名时间：即日起 ~ 2024-03-10", ["2024-03-10"], id="即日起 ~ an ISO date"),
        pytest.param("申报材料请提交至科技处。", [], id="提交至 a place"),
        pytest.param("项目执行期为2021年1月至2023年12月。", [], id="a project's period is no deadline"),
        pytest.param("本展览即日起 ~ 2024-03-10 免费开放。", [], id="an exhibition open until a date"),
    ],
)
def test_applications_taken_until_a_date(text: str, expected: list[str]) -> None:
    assert [d.date.isoformat() for d in find_deadlines(normalise(text).text, fallback_year=2020)] == expected
