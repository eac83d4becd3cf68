"""Rules from the studied 17xx batch (issue 14, session 12): a contest's groups counted as 组别, an item's
remark in brackets, "即日起至…" windows whose hand-in verb comes after the date, the posting stamp of a web
page as the document's date, 确定 inside a word, and a numbered item that runs on past its title.

Every snippet is made up to show one general pattern; none is quoted from a document. Each rule has
exact values and a case where it must not fire.
"""

from __future__ import annotations

import pytest

from shenbao.guides.parser.deadlines import find_deadlines, publication_date
from tests.guides.test_lists_and_tallies import titles, totals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("本届大赛面向中学生，分为初中组和高中组两个组别。\n", ["初中组", "高中组"], id="分为 A 和 B 两个组别"),
        pytest.param(
            "本次大赛分为创意组、初创组和成长组三个组别。\n",
            ["创意组", "初创组", "成长组"],
            id="the subject before 分为, no comma",
        ),
        pytest.param(
            "本届大赛面向中学生，分为初中组（出生日期：2010年9月1日-2013年8月31日）和高中组（出生日期：2007年9月1日-2010年8月31日）两个组别。\n",
            ["初中组", "高中组"],
            id="each group with a remark in brackets that holds a colon and dates",
        ),
        pytest.param(
            "本次设新材料（含纳米材料）、生物医药和人工智能三个方向。\n",
            ["新材料（含纳米材料）", "生物医药", "人工智能"],
            id="a remark without figures stays part of the title",
        ),
        pytest.param(
            "2.社会科学类作品围绕城市更新、乡村振兴、生态保护等3个组别形成调查报告。\n",
            [],
            id="groups a category's entries are written around are not the contest's groups",
        ),
        pytest.param(
            "方向一：矿山井下无轨设备精确定位与防碰撞。\n方向二：危险货物运输车辆碰撞事故主动防控。\n",
            ["矿山井下无轨设备精确定位与防碰撞", "危险货物运输车辆碰撞事故主动防控"],
            id="确定 inside 精确定位 is no verb of a step",
        ),
        pytest.param(
            "二、申报范围\n1.生产安全保障技术。重点开展风险管控攻关。\n2.应急保障技术。重点开展救援处置攻关。\n"
            "3.研究基于物联网的立体感知预警技术，构建广域、高精度的安全感知系统。\n",
            ["生产安全保障技术", "应急保障技术", "研究基于物联网的立体感知预警技术"],
            id="under a heading naming directions one item runs on past its title, cut at the comma",
        ),
        pytest.param(
            "二、申报范围\n1.生产安全保障技术。重点开展风险管控攻关。\n2.应急保障技术。重点开展救援处置攻关。\n"
            "3.贯彻落实全会关于安全发展的重要部署精神，对推进安全发展开展研究。\n",
            [],
            id="a clause cut at its comma that ends in no topic's head noun is no title",
        ),
        pytest.param(
            "1.确定申报单位名单。\n2.提交申报材料。\n",
            [],
            id="确定 as the verb of a step still marks a step",
        ),
    ],
)
def test_lists(text: str, expected: list[str]) -> None:
    assert titles(text) == expected


def test_the_count_of_groups_is_the_stated_number_of_directions() -> None:
    assert totals("本届大赛面向中学生，分为初中组和高中组两个组别。\n")["directions"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2023年7月20日讯 大赛即日启动。其中初赛时间为即日起至8月31日，以线上提交视频作品的方式报名参与。",
            ["2023-08-31"],
            id="即日起至 a date, the hand-in after it",
        ),
        pytest.param(
            "2023年6月28日讯 活动正式启动。即日起至7月10日，在校学生可关注公众号，私信领取报名表。",
            ["2023-07-10"],
            id="即日起至 a date, 报名 at the end of the sentence",
        ),
        pytest.param(
            "2023年6月28日讯 即日起至12月31日，展览免费向市民开放，欢迎参观。",
            [],
            id="an exhibition open until a date is no deadline",
        ),
    ],
)
def test_an_open_window_from_today(text: str, expected: list[str]) -> None:
    assert [d.iso for d in find_deadlines(text, fallback_year=2014)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("福州启动征集活动\n2023-06-28 17:28:37来源:福州新闻网\n正文。", "2023-06-28", id="stamp with seconds"),
        pytest.param("通知\n2021-06-23 15:31      来源:学院\n正文。", "2021-06-23", id="stamp followed by its source"),
        pytest.param("深圳新闻网2023年7月20日讯(记者 ***)大赛即日启动。", "2023-07-20", id="a news dateline"),
        pytest.param(
            "通知\n请各单位于2024年6月3日16:00前提交申报书，逾期不予受理。\n正文。",
            None,
            id="a deadline with its hour is no stamp",
        ),
        pytest.param("截止时间：2024-06-03 23:59:59\n正文。", None, id="the last second of a day is a deadline"),
    ],
)
def test_the_posting_stamp_of_a_web_page_dates_the_document(text: str, expected: str | None) -> None:
    found = publication_date(text)
    assert (found.isoformat() if found else None) == expected


def test_the_stamp_gives_the_year_of_a_deadline_printed_without_one() -> None:
    # Without the stamp the year would follow the birth dates printed before the deadline.
    text = (
        "大赛启动\n2023-07-20 09:12:40 来源:深圳新闻网\n"
        "本届大赛面向中学生，分为初中组（出生日期：2010年9月1日-2013年8月31日）和高中组两个组别。初赛时间为即日起至8月31日，以线上提交作品的方式报名。"
    )
    deadlines = find_deadlines(text, fallback_year=2010)
    assert [(d.iso, d.year_guessed) for d in deadlines] == [("2023-08-31", True)]
