"""Deadlines as call documents state them, with their roles (made-up sentences of each pattern)."""

from __future__ import annotations

import datetime as dt

import pytest

from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.deadlines import find_deadlines, primary, publication_date
from shenbao.guides.parser.extract import extract_guide


def _found(text: str, year: int | None = 2024) -> list[tuple[str, str, bool]]:
    return [(d.iso, d.role, d.year_guessed) for d in find_deadlines(text, fallback_year=year)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the first date after the keyword, not the signature date at the end of a run-on line
        ("申报截止时间为2024年3月15日17:00，逾期不予受理。某某局 2024年2月1日", [("2024-03-15T17:00", "applicant", False)]),
        ("项目申报于2024年4月8日17时截止。", [("2024-04-08T17:00", "applicant", False)]),
        ("请于2024年5月10日前报送。", [("2024-05-10", "applicant", False)]),
        ("2024年5月10日前，请各申报人将申请书电子版发送至指定邮箱。", [("2024-05-10", "applicant", False)]),
        ("请各单位2024年7月25日下班前将材料电子版发送至邮箱。", [("2024-07-25", "unit", False)]),
        ("纸质材料一式两份于2024年4月28日上交科研处。", [("2024-04-28", "paper", False)]),
        ("（一）2024年9月10日前：有意申请的教师提交构想书。", [("2024-09-10", "applicant", False)]),
        ("网上申报时间：2024年3月1日至15日。", [("2024-03-15", "online", False)]),
        # a window's end without its year takes the start's year, flagged for a person to confirm
        ("申报时间为2024年3月1日9:00至4月2日17:00。", [("2024-04-02T17:00", "applicant", True)]),
        ("申请日期：2023年9月13日至10月13日", [("2023-10-13", "applicant", True)]),
        ("公示期为2024年5月6日至5月12日。", [("2024-05-12", "notice_end", True)]),
        ("推荐单位于2024年6月30日前统一报送推荐材料。", [("2024-06-30", "unit", False)]),
        ("港澳台地区申请人申报截止时间为2024年6月1日。", [("2024-06-01", "hmt", False)]),
        ("申报截止时间：\n2024年3月15日17:00", [("2024-03-15T17:00", "applicant", False)]),
        ("截止日期：2024-03-15 17:00", [("2024-03-15T17:00", "applicant", False)]),
    ],
)
def test_deadline_patterns(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "申报单位须为2024年1月1日前已注册成立的企业。",
        "面向2023年12月31日前建立的联合实验室。",
        "项目执行期为2024年1月1日至2026年12月31日。",
        "大赛将于2024年10月举行决赛。",
    ],
)
def test_conditions_and_periods_are_not_deadlines(text: str) -> None:
    assert _found(text) == []


def test_several_deadlines_of_one_sentence_each_keep_their_role() -> None:
    text = "网上填报截止时间为2024年3月15日17:00，纸质材料报送截止时间为2024年3月20日。"
    assert _found(text) == [("2024-03-15T17:00", "online", False), ("2024-03-20", "paper", False)]


def test_a_missing_year_comes_from_the_publication_date_and_rolls_over() -> None:
    text = "关于申报的通知\n请于1月10日前提交申请书。\n某某局\n2024年12月20日"
    assert publication_date(text) == dt.date(2024, 12, 20)
    assert _found(text, year=2023) == [("2025-01-10", "applicant", True)]


def test_a_posting_date_near_the_top_is_the_publication_date() -> None:
    assert publication_date("发布时间：2022-09-05 10:20\n正文") == dt.date(2022, 9, 5)
    assert publication_date("某某委员会\n二〇二四年三月一日") == dt.date(2024, 3, 1)


def test_republic_of_china_years_and_chinese_numeral_dates() -> None:
    assert [(d.date, d.time) for d in find_dates("民国113年2月28日晚上23:59止", default_year=None)] == [
        (dt.date(2024, 2, 28), "23:59")
    ]
    assert [d.date for d in find_dates("二〇二四年十二月三十一日", default_year=None)] == [dt.date(2024, 12, 31)]


def test_english_deadlines_windows_and_times() -> None:
    text = (
        "Submission Window Date(s) (due by 5 p.m. proposer's local time): September 2, 2024 - September 19, 2024 "
        "SMALL Projects November 4, 2024 - November 18, 2024 MEDIUM Projects"
    )
    assert _found(text) == [("2024-09-19T17:00", "applicant", False), ("2024-11-18T17:00", "applicant", False)]
    assert _found("- Opening Date\n- June 1, 2021\n- Deadline\n- October 5, 2021") == [("2021-10-05", "applicant", False)]
    assert _found("The closing date is 16:00 on 12 March 2024.") == [("2024-03-12T16:00", "applicant", False)]


def test_the_applicants_deadline_comes_first_in_the_draft() -> None:
    text = (
        "关于申报2024年度项目的通知\n一、推荐单位于2024年3月30日前统一报送。\n二、申报人网上填报截止时间为2024年3月20日17:00。\n"
    )
    found = find_deadlines(text, fallback_year=2024)
    main = primary(found)
    assert main is not None and (main.iso, main.role) == ("2024-03-20T17:00", "online")
    data = extract_guide(text).data
    assert [(t["at"], t["label"]["en"]) for t in data["timeline"] if t["kind"] == "deadline"] == [
        ("2024-03-20T17:00", "Online submission deadline"),
        ("2024-03-30", "Deadline for the recommending unit"),
    ]


def test_a_label_with_blank_lines_before_its_date() -> None:
    text = (
        "Letter of Intent Due Date(s) (required) (due by 5 p.m. submitter's local time):\n\n     March 3, 2025\n\n"
        "Full Proposal Deadline(s) (due by 5 p.m. submitter's local time):\n\n     May 5, 2025\n"
    )
    assert _found(text) == [("2025-03-03T17:00", "applicant", False), ("2025-05-05T17:00", "applicant", False)]


@pytest.mark.parametrize(
    "text",
    [
        "补助期间为2024年1月1日起至2024年12月31日止（多年期最多至2026年12月31日止）。",
        "资助期间自2025年3月1日起至2026年2月28日止。",
    ],
)
def test_a_grant_period_holds_no_deadline(text: str) -> None:
    assert _found(text) == []


def test_a_window_under_a_heading_on_the_line_above_ends_on_its_last_day() -> None:
    assert _found("二、申请起止时间\n\n2024年6月8日——6月23日，逾期不予受理。") == [("2024-06-23", "applicant", True)]
    assert _found("二、联系方式\n\n2024年6月8日——6月23日，电话值守。") == []


def test_a_date_right_before_filling_in_and_sending_is_a_deadline() -> None:
    assert _found("申报者请于2024年6月28日填写附件电子版发送至指定邮箱。") == [("2024-06-28", "applicant", False)]


def test_a_timeline_with_the_label_under_its_date() -> None:
    text = "Timeline\n\n01 February 2026\n\nLetter of intent submission deadline\n\n15 March 2026\n\nReview of letters\n"
    assert _found(text) == [("2026-02-01", "applicant", False)]
    # labels before their values: the date under "Opening Date" is no deadline
    text = "- Opening Date\n- June 21, 2026\n- Deadline\n- October 5, 2026\n"
    assert _found(text) == [("2026-10-05", "applicant", False)]


def test_a_date_before_which_students_must_be_enrolled_is_no_deadline() -> None:
    assert _found("凡2024年9月1日以前本校在籍的全日制学生均可报名参赛。") == []
    assert _found("2024年9月1日以前入学的研究生可以组队。") == []
    # The same date followed by a step to take is a deadline.
    assert _found("凡本校在籍学生请于2024年9月1日以前提交报名表。") == [("2024-09-01", "applicant", False)]


def test_the_dates_of_a_research_period_are_no_deadline() -> None:
    assert _found("重大项目研究周期2024年1月1日至2026年12月31日。") == []
    assert _found("重点项目建设周期为2024年1月1日至2025年12月31日。") == []
    # A deadline in the same text is still read.
    assert _found("研究周期为两年。申报材料请于2024年3月20日前报送。") == [("2024-03-20", "applicant", False)]


def test_a_closing_label_before_its_date_is_a_deadline() -> None:
    assert _found("Opening: March 1, 2024\nClosing: May 15, 2024\nApply online.") == [("2024-05-15", "applicant", False)]
    # "Closing" as part of a word or a phrase that is no label is not read.
    assert _found("Closing remarks on May 15, 2024 by the director.") == []
    assert _found("Pre-closing: May 15, 2024") == []
