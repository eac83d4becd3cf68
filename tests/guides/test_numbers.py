"""Every number format and numbering style the issue lists, one case each."""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.dates import find_dates, iso_local
from shenbao.guides.parser.numbering import read_marker
from shenbao.guides.parser.numbers import cn_int, find_duration, parse_duration, parse_money, parse_quota


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("6个", {"qualifier": "exact", "value": 6}),
        ("拟支持项目数：6个。", {"qualifier": "exact", "value": 6}),
        ("不超过30个", {"qualifier": "at_most", "value": 30}),
        ("10个左右", {"qualifier": "about", "value": 10}),
        ("约176个", {"qualifier": "about", "value": 176}),
        ("8-20个", {"qualifier": "range", "min": 8, "max": 20}),
        ("8～20个", {"qualifier": "range", "min": 8, "max": 20}),
        ("8至20项", {"qualifier": "range", "min": 8, "max": 20}),
        ("不少于3项", {"qualifier": "at_least", "value": 3}),
        ("十二个", {"qualifier": "exact", "value": 12}),
        ("原则上不超过5个", {"qualifier": "at_most", "value": 5, "in_principle": True}),
        ("若干", {"qualifier": "unspecified"}),
    ],
)
def test_quota_phrases(phrase: str, expected: dict[str, Any]) -> None:
    assert parse_quota(phrase) == expected


def test_quota_without_a_number_is_none_not_zero() -> None:
    assert parse_quota("见附件") is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("1080万元人民币", {"amount_wan": 1080}),
        ("3.489亿元", {"amount_wan": 34890}),
        ("3.489 亿元人民币", {"amount_wan": 34890}),
        ("3000万元人民币左右", {"amount_wan": 3000, "qualifier": "about"}),
        ("约1,000万元", {"amount_wan": 1000, "qualifier": "about"}),
        ("每个项目不超过750万元", {"amount_wan": 750, "qualifier": "at_most", "per_project": True}),
        ("支持金额为人民币 20 万元/方案", {"amount_wan": 20, "per_project": True}),
        ("最高资助500元", {"amount": 500, "qualifier": "at_most"}),
        ("100万美元", {"amount_wan": 100, "currency": "USD"}),
        ("奖金十万元", {"amount_wan": 10}),
        ("资助1万元/队", {"amount_wan": 1, "per_project": True}),
        ("总奖金30万(封顶)", {"amount_wan": 30, "qualifier": "at_most"}),
        ("不超过50万元（含）", {"amount_wan": 50, "qualifier": "at_most"}),
        ("资助5万元至10万元", {"amount_wan": 10, "qualifier": "at_most"}),
    ],
)
def test_money_phrases(phrase: str, expected: dict[str, Any]) -> None:
    assert parse_money(phrase) == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "资助金额(港币百万元)",  # the unit of a table column
        "单位：千元",
        "奖金1千-2万元不等",  # a spread of amounts
        "资助20万元/年",  # a rate per year
        "补贴1万元/人",
    ],
)
def test_unit_labels_and_spreads_are_not_amounts(phrase: str) -> None:
    assert parse_money(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2年", {"unit": "years", "qualifier": "exact", "value": 2}),
        ("一般为3年", {"unit": "years", "qualifier": "exact", "value": 3, "in_principle": True}),
        ("不超过3年", {"unit": "years", "qualifier": "at_most", "value": 3}),
        ("原则上不超过2年", {"unit": "years", "qualifier": "at_most", "value": 2, "in_principle": True}),
        ("2~3年", {"unit": "years", "qualifier": "range", "min": 2, "max": 3}),
        ("一般为 2~3年", {"unit": "years", "qualifier": "range", "min": 2, "max": 3, "in_principle": True}),
        ("一年", {"unit": "years", "qualifier": "exact", "value": 1}),
        ("18个月", {"unit": "months", "qualifier": "exact", "value": 18}),
        ("不得超过 3年", {"unit": "years", "qualifier": "at_most", "value": 3}),
        ("申请执行期限至多4年", {"unit": "years", "qualifier": "at_most", "value": 4}),
        ("不得早于活动月份前3个月", None),
        ("项目第2年进行中期检查", None),
        ("3年（含）以内", {"unit": "years", "qualifier": "at_most", "value": 3}),
        ("一年半", {"unit": "years", "qualifier": "exact", "value": 1.5}),
        ("2年半", {"unit": "years", "qualifier": "exact", "value": 2.5}),
    ],
)
def test_duration_phrases(phrase: str, expected: dict[str, Any]) -> None:
    assert parse_duration(phrase) == expected


def test_duration_in_a_sentence_skips_periods_and_years() -> None:
    text = "项目执行期内，中埃双方合作团队须各派 2人次以上赴对方单位；项目执行期为 2年。"
    found = find_duration(text)
    assert found is not None and found[0] == {"unit": "years", "qualifier": "exact", "value": 2}
    assert parse_duration("2025年") is None


@pytest.mark.parametrize(
    ("numeral", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百七十六", 176), ("二〇二五", 2025), ("两", 2)]
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert cn_int(numeral) == value


@pytest.mark.parametrize(
    ("line", "style", "label", "rest"),
    [
        ("1.1 中国和新西兰政府间科技合作项目", "decimal", "1.1", "中国和新西兰政府间科技合作项目"),
        ("2.0中国和韩国政府间联合研究项目", "decimal", "2.0", "中国和韩国政府间联合研究项目"),
        ("一、总体目标", "cn_comma", "一", "总体目标"),
        ("三·榜单设置及征集标准", "cn_comma", "三", "榜单设置及征集标准"),
        ("（一）专项赛", "cn_paren", "一", "专项赛"),
        ("(二) 全国总决赛", "cn_paren", "二", "全国总决赛"),
        ("1、启动（即日起）", "arabic_comma", "1", "启动（即日起）"),
        ("1．年度先锋引擎品牌", "arabic_dot", "1", "年度先锋引擎品牌"),
        ("2. 年度新锐潜力品牌", "arabic_dot", "2", "年度新锐潜力品牌"),
        ("（3）项目执行期为 2年。", "arabic_paren", "3", "项目执行期为 2年。"),
        ("- 2) 高端装备", "arabic_half_paren", "2", "高端装备"),
        ("③ 可再生能源", "circled", "③", "可再生能源"),
        ("第六条 专项介绍", "chapter", "六", "专项介绍"),
        ("SME202301 新一代信息技术", "code", "SME202301", "新一代信息技术"),
        ("【企业类】", "bracket", "企业类", ""),
    ],
)
def test_numbering_styles(line: str, style: str, label: str, rest: str) -> None:
    marker = read_marker(line)
    assert marker is not None
    assert (marker.style, marker.label, marker.rest) == (style, label, rest)


@pytest.mark.parametrize("line", ["3.489亿元人民币", "2025年度第二批", "20万元/方案", "100%"])
def test_numbers_are_not_headings(line: str) -> None:
    marker = read_marker(line)
    assert marker is None or marker.style not in ("decimal", "arabic_dot")


@pytest.mark.parametrize(
    ("text", "local", "inferred"),
    [
        ("申报截止时间为 2025 年 3 月 31 日 24:00（北京时间）", "2025-03-31T24:00", False),
        ("报名截止日期为 2023年 9月 30日", "2023-09-30", False),
        ("2025 年 11 月 20 日（周四）24 点截止", "2025-11-20T24:00", False),
        ("3月5日16时前提交", "2025-03-05T16:00", True),
        ("4月1日中午12:00截止", "2025-04-01T12:00", True),
        ("5月6日下午5时", "2025-05-06T17:00", True),
    ],
)
def test_dates_and_times(text: str, local: str, inferred: bool) -> None:
    found = find_dates(text, default_year=2025)
    assert [(iso_local(f), f.year_inferred) for f in found] == [(local, inferred)]


def test_a_date_without_year_in_a_range_takes_the_year_before_it() -> None:
    found = find_dates("评审（2025 年 11 月 20 日-11 月 30 日）", default_year=2024)
    assert [(iso_local(f), f.year_inferred) for f in found] == [("2025-11-20", False), ("2025-11-30", True)]


def test_the_length_a_research_window_adds_up_to_is_its_duration() -> None:
    found = find_duration("研究期间：自2024年7月1日起至2025年2月底止，计8个月。")
    assert found is not None and found[0] == {"unit": "months", "qualifier": "exact", "value": 8}
    # The dates alone state no length.
    assert find_duration("研究期间：自2024年7月1日起至2025年2月底止。") is None
    # A length stated first wins over the tally of the window.
    found = find_duration("实施周期为3年，自2024年1月1日起至2026年12月31日止，计36个月。")
    assert found is not None and found[0] == {"unit": "years", "qualifier": "exact", "value": 3}


def test_the_time_period_of_a_research_topic_is_the_calls_duration() -> None:
    from shenbao.guides.parser.extract import extract_guide

    draft = extract_guide("课题研究的时间周期一般为一年。申请者只能申报1项。").data
    assert draft["duration"] == {"unit": "years", "qualifier": "exact", "value": 1, "in_principle": True}
    # A period of time that is no research length ("活动时间周期") is not read.
    assert "duration" not in extract_guide("本次活动宣传时间周期较长，请耐心等待。").data
