"""Traditional-script relays and mirrors: what normalisation does before the parser reads them."""

from __future__ import annotations

from shenbao.guides.parser.normalise import normalise, roc_year
from shenbao.guides.parser.numbering import read_marker

# Enough traditional characters for the text to be recognised as traditional.
_TRADITIONAL_HEAD = "關於辦理學術專題計畫徵求申請說明書\n"


def test_pinyin_glosses_are_removed_and_spans_still_point_into_the_original() -> None:
    original = "一(yī)、實(shí)施要點：計畫(jì huà)應於期限內完成"
    norm = normalise(original)
    assert norm.text == "一、实施要点：计划应于期限内完成"
    assert norm.removed == {"pinyin": 3}
    start = norm.text.index("施要点")
    assert original[slice(*norm.source_span(start, start + 3))] == "施要點"
    assert read_marker(norm.text) is not None and read_marker(norm.text).label == "一"  # type: ignore[union-attr]


def test_tone_numbers_and_full_width_brackets_are_glosses_too() -> None:
    assert normalise("申报（shen1）截止（jie2 zhi3）").text == "申报截止"


def test_brackets_that_are_not_pinyin_stay() -> None:
    # No tone: an English word or a plain abbreviation in brackets is text, not a gloss.
    for text in ("电子版(word)发送", "格式(pdf)文件", "项目(an)名称", "计划(SBIR)说明", "图(1)所示"):
        assert normalise(text).text == text


def test_half_width_punctuation_in_chinese_text_becomes_full_width() -> None:
    norm = normalise("申请日期:3月1日,材料请寄至本处;逾期不收!时间17:00,金额2,000万元,见A,B")
    assert norm.text == "申请日期：3月1日，材料请寄至本处；逾期不收！时间17:00，金额2,000万元，见A,B"
    assert len(norm.text) == len(norm.origin)


def test_english_punctuation_stays_half_width() -> None:
    text = "Deadline: March 3, 2025; budget: $1,000,000!"
    assert normalise(text).text == text


def test_republic_of_china_years_in_traditional_text_become_gregorian() -> None:
    original = _TRADITIONAL_HEAD + "一、申請期限:113年9月10日前,執行期間114年度;本(108)年2月18日會議。共5年計畫。"
    norm = normalise(original)
    body = norm.text.split("\n")[1]
    assert body == "一、申请期限：2024年9月10日前，执行期间2025年度；本(2019)年2月18日会议。共5年计划。"
    start = norm.text.index("2024")
    assert original[slice(*norm.source_span(start, start + 4))] == "113"


def test_roc_years_need_a_month_or_the_era_name() -> None:
    original = _TRADITIONAL_HEAD + "成立滿60年之機構,民國99年起辦理,累計100年資料。"
    body = normalise(original).text.split("\n")[1]
    assert body == "成立满60年之机构，民国2010年起办理，累计100年资料。"


def test_roc_years_are_left_alone_in_simplified_text() -> None:
    assert normalise("本单位成立于113年3月前的说法不成立").text == "本单位成立于113年3月前的说法不成立"


def test_roc_year() -> None:
    assert (roc_year(113), roc_year(1)) == (2024, 1912)


def test_formal_numerals_number_the_top_level_of_taiwanese_documents() -> None:
    lines = normalise(_TRADITIONAL_HEAD + "壹、計畫目的\n貳、申請資格\n參、補助項目\n拾貳、附則").text.split("\n")[1:]
    markers = [read_marker(line) for line in lines]
    assert [(m.style, m.label, m.number, m.rest) for m in markers if m] == [
        ("cn_formal", "壹", 1.0, "计划目的"),
        ("cn_formal", "贰", 2.0, "申请资格"),
        ("cn_formal", "参", 3.0, "补助项目"),
        ("cn_formal", "拾贰", 12.0, "附则"),
    ]


def test_formal_numerals_that_are_no_number_are_no_marker() -> None:
    assert read_marker("贰贰、说明") is None
    assert read_marker("壹拾壹拾、说明") is None
    marker = read_marker("一、总则")
    assert marker is not None and marker.style == "cn_comma"


def test_corner_quotes_read_as_mainland_quotes() -> None:
    norm = normalise("類別:「甲類計畫」、『乙類』")
    assert norm.text == "类别：“甲类计划”、‘乙类’"
    assert len(norm.text) == len(norm.origin)


def test_a_bare_weekday_numeral_after_a_date_is_spelled_out_and_the_deadline_read() -> None:
    from shenbao.guides.parser.deadlines import find_deadlines

    norm = normalise(_TRADITIONAL_HEAD + "請於120年3月7日(五)下午5時前完成線上申請。")
    assert "2031年3月7日(周五)下午5时前" in norm.text
    start = norm.text.index("周五")
    assert norm.original[slice(*norm.source_span(start, start + 2))] == "五"
    assert [d.iso for d in find_deadlines(norm.text, fallback_year=None)] == ["2031-03-07T17:00"]
    # A numbered item after a line break is not a weekday.
    assert "(一)" in normalise(_TRADITIONAL_HEAD + "截止日期為120年3月7日\n(一)申請資格").text


def test_a_deadline_in_a_heading_and_again_with_its_time_is_one_deadline() -> None:
    from shenbao.guides.parser.deadlines import find_deadlines

    text = normalise(_TRADITIONAL_HEAD + "(截止日期:120年9月30日)\n申請人於120年9月30日(星期二)下午6點前線上提交構想書。\n").text
    assert [d.iso for d in find_deadlines(text, fallback_year=None)] == ["2031-09-30T18:00"]
    # Different roles on the same day stay two deadlines.
    text = "推荐单位于2031年9月30日前统一报送。申请人网上填报截止时间为2031年9月30日12:00。"
    assert [(d.iso, d.role) for d in find_deadlines(text, fallback_year=None)] == [
        ("2031-09-30", "unit"),
        ("2031-09-30T12:00", "online"),
    ]


def test_table_unit_headers_are_not_amounts_and_appropriations_are_budgets() -> None:
    from shenbao.guides.parser.extract import extract_guide
    from shenbao.guides.parser.numbers import parse_money

    assert parse_money("* (港币百万元)") is None
    assert parse_money("* (新台币千元)") is None
    assert parse_money("(港币百万元) 共约2亿元") == {"amount_wan": 20000, "qualifier": "about"}
    data = extract_guide(_TRADITIONAL_HEAD + "香港研究局今日公布,撥款共約2.5億元資助八個獲選項目。\n").data
    assert data["stated_totals"]["budget"] == {"amount_wan": 25000, "currency": "HKD", "qualifier": "about"}
    # Money the grants draw from companies is not the call's budget.
    data = extract_guide(_TRADITIONAL_HEAD + "計畫帶動企業加碼投入約8.1億元研發經費。\n").data
    assert "budget" not in (data.get("stated_totals") or {})


def test_at_most_written_zhiduo_is_an_upper_bound_on_the_duration() -> None:
    from shenbao.guides.parser.numbers import find_duration

    found = find_duration("申请执行期限至多3年，自2031年8月1日开始执行。")
    assert found is not None and found[0] == {"unit": "years", "qualifier": "at_most", "value": 3}


def test_hong_kong_and_taiwan_deadline_forms() -> None:
    from shenbao.guides.parser.deadlines import find_deadlines

    def found(text: str) -> list[str]:
        return [d.iso for d in find_deadlines(normalise(_TRADITIONAL_HEAD + text).text, fallback_year=None)]

    # An hour in Chinese numerals, "正" for sharp.
    assert found("截止申請日期為2031年11月14日下午五時正。") == ["2031-11-14T17:00"]
    assert found("截止申請日期為2031年11月14日上午十時三十分。") == ["2031-11-14T10:30"]
    # "或之前": on or before.
    assert found("申請須於2031年1月10日(星期五)或之前提交。") == ["2031-01-10"]
    # "即日起至…止": the end of an open window; a period of work "至…" without 止 is not one.
    assert found("一、申請期限:即日起至120年3月15日(六)止。") == ["2031-03-15"]
    assert found("二、計畫執行期間:120年8月1日至123年7月31日。") == []


def test_per_case_amounts_are_per_project() -> None:
    from shenbao.guides.parser.extract import extract_guide

    data = extract_guide(_TRADITIONAL_HEAD + "補助件數:預計10件,每案補助上限新臺幣500萬元。\n").data
    assert data["budget"]["per_project"] == {"amount_wan": 500, "currency": "TWD", "qualifier": "at_most"}
