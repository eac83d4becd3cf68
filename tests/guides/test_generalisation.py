"""Rules that generalise from the studied 8xx batch (issue 14, session 8): precision first.

Every snippet here is made up to show one general pattern; none is quoted from a document. Each
rule has a case with exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.normalise import normalise
from tests.guides.test_lists_and_tallies import draft, titles


def directions(body: str) -> list[tuple[str, Any]]:
    out = []
    for d in draft(body).get("directions") or []:
        title = d["title"]
        if isinstance(title, dict):
            title = title.get("zh_hans") or title.get("zh-hans") or title.get("en")
        out.append((title, d.get("budget")))
    return out


# ------------------------------------------------------------ a list opened by 按 and closed by "等…产业划分"


def test_a_list_opened_by_an_preposition_and_closed_by_its_kind_is_split_clean() -> None:
    text = "其中，创业组分别按智能制造、生物医药、新材料等战略性新兴产业划分三个赛道。"
    assert titles(text) == ["智能制造", "生物医药", "新材料"]


def test_a_last_item_closed_by_a_verb_alone_loses_the_verb() -> None:
    text = "团队组按数字经济、现代农业、文化创意划分三个赛道。"
    assert titles(text) == ["数字经济", "现代农业", "文化创意"]


def test_a_title_containing_deng_as_a_word_is_not_cut() -> None:
    # 等 inside a word (等离子体) is no "et cetera": the item keeps it.
    assert "高温等离子体领域" in titles("本专项设立量子信息、高温等离子体领域和先进材料三个方向。")


# ------------------------------------------------------------ several lengths in one sentence: no call-wide duration


def test_lengths_of_several_kinds_in_one_sentence_give_no_call_duration() -> None:
    body = "重大课题、重点课题要求在2年内完成；青年专项研究年限为1年。\n"
    assert "duration" not in draft(body)


def test_one_length_in_its_sentence_is_still_the_calls() -> None:
    assert draft("项目研究期限为2年。\n")["duration"] == {"unit": "years", "qualifier": "exact", "value": 2}


# ------------------------------------------------------------ amounts per kind of project after 资助额度


def test_amounts_per_kind_after_the_label_go_to_each_kind_and_not_to_the_call() -> None:
    body = "资助额度为：重大课题为50—80万元、重点课题为35万元；西部项目为20万元；青年专项为3万元。\n"
    data = draft(body)
    assert "per_project" not in (data.get("budget") or {})
    assert directions(body) == [
        ("重大课题", {"per_project": {"amount_wan": 80, "qualifier": "at_most"}}),
        ("重点课题", {"per_project": {"amount_wan": 35}}),
        ("西部项目", {"per_project": {"amount_wan": 20}}),
        ("青年专项", {"per_project": {"amount_wan": 3}}),
    ]


def test_one_amount_after_the_label_stays_the_calls_per_project_amount() -> None:
    data = draft("资助额度为每项20万元。\n")
    assert data["budget"]["per_project"] == {"amount_wan": 20}
    assert not data.get("directions")


def test_amounts_of_things_that_are_no_kind_of_project_make_no_directions() -> None:
    # Heads that name no kind of project (设备费, 材料费) are no list of directions.
    assert titles("资助额度为：设备费为5万元、材料费为3万元。") == []


# ------------------------------------------------------------ an English timeline, each entry opening with its date

TIMELINE = (
    "2026 Prize Application Timeline\n"
    "March 2, 2026: Application opens to receive letters of intent from all eligible teams\n"
    "\n"
    "April 14, 2026: Deadline to submit the letter of intent\n"
    "\n"
    "May 20, 2026: Selected applicants invited to submit full proposals to the board\n"
    "\n"
    "July 1, 2026: Deadline to submit full proposals\n"
)


def test_each_dated_entry_of_an_english_timeline_stays_its_own_line() -> None:
    lines = normalise(TIMELINE).text.split("\n")
    assert lines[1].startswith("March 2, 2026:")
    assert lines[2].startswith("April 14, 2026:")
    assert lines[3].startswith("May 20, 2026:")


def test_an_english_timeline_gives_the_deadlines_of_its_own_lines() -> None:
    text = normalise(TIMELINE).text
    assert [d.date.isoformat() for d in find_deadlines(text, fallback_year=None)] == ["2026-04-14", "2026-07-01"]


def test_a_sentence_merely_mentioning_a_year_is_no_timeline_entry() -> None:
    from shenbao.guides.parser.normalise import _EN_DATE_LINE

    assert _EN_DATE_LINE.match("Partners from 2026 onward are expected to join the seminars") is None
    assert _EN_DATE_LINE.match("In 2026 the programme opens two calls") is None
    assert _EN_DATE_LINE.match("3 May 2026 – Deadline for full proposals") is not None


# ------------------------------------------------------------ pictographs of mirrors


def test_pictographs_are_dropped_before_reading() -> None:
    assert normalise("(2)国家重点课题⚠️,资助额度35万元👨🏽;").text == "(2)国家重点课题，资助额度35万元；"


def test_numbering_signs_are_not_pictographs() -> None:
    assert normalise("①重点方向 ★ 新材料 ❶ 能源").text == "①重点方向 ★ 新材料 ❶ 能源"


# ------------------------------------------------------------ a count closing the one list of directions


def test_a_count_closing_the_only_list_is_the_number_of_directions() -> None:
    assert draft("选题分应用研究和基础研究两个类别。选题要有明确的研究对象。\n")["stated_totals"] == {"directions": 2}


def test_a_count_of_one_group_among_more_directions_is_no_total() -> None:
    # Two lists, each closed by its count: neither count is the number of all four directions.
    body = "选题分应用研究和基础研究两个类别。青年人才另设青年科学家和青年工程师两类专题。\n"
    data = draft(body)
    assert [d["title"] for d in data["directions"]] == ["应用研究", "基础研究", "青年科学家", "青年工程师"]
    assert "stated_totals" not in data


# ------------------------------------------------------------ a lower-ranked run inside the last direction


def test_a_lower_ranked_run_under_the_last_direction_is_its_parts() -> None:
    text = (
        "二、补助类别：\n"
        "(一)产品开发：限1家业者申请。\n"
        "(二)产品设计：限1家业者申请。\n"
        "(三)合作研发类别：申请类型包含「共同申请」及「联盟申请」。\n"
        "1.共同申请：须由1家业者与1家学校共同申请。\n"
        "2.联盟申请：须由1家主导业者结合2家以上业者共同申请。\n"
    )
    assert titles(text) == ["产品开发", "产品设计", "合作研发类别"]


def test_a_lower_ranked_run_after_a_new_section_is_kept() -> None:
    text = (
        "二、补助类别：\n"
        "(一)产品开发：限1家业者申请。\n"
        "(二)产品设计：限1家业者申请。\n"
        "三、重点领域：\n"
        "1.智能制造：支持关键装备研发。\n"
        "2.生物医药：支持创新药物研发。\n"
    )
    assert titles(text)[-2:] == ["智能制造", "生物医药"]
