"""Deadlines in schedules, compact and listed dates; per-project amounts next to rates; floors and local
currencies (made-up snippets of each general pattern, with a case where the rule must not fire)."""

from __future__ import annotations

import datetime as dt

import pytest

from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.deadlines import find_deadlines
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.numbers import parse_money


def _found(text: str, year: int | None = 2024) -> list[tuple[str, str, bool]]:
    return [(d.iso, d.role, d.year_guessed) for d in find_deadlines(text, fallback_year=year)]


# Compact dates: a form system's YYYYMMDD or a Taiwan ROC YYYMMDD whose separators a relay lost.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240315日前", [(dt.date(2024, 3, 15), None)]),
        ("1130315()中午12点", [(dt.date(2024, 3, 15), "12:00")]),
        ("2024年03月15(五)下午5点", [(dt.date(2024, 3, 15), "17:00")]),
    ],
)
def test_compact_dates_and_dates_closed_by_a_weekday(text: str, expected: list[tuple[dt.date, str | None]]) -> None:
    assert [(d.date, d.time) for d in find_dates(text, default_year=None)] == expected


@pytest.mark.parametrize("text", ["工信厅科函〔2021〕2021231号", "申报时间:2022923日", "编号20241399日", "电话 20240315"])
def test_numbers_that_only_look_like_compact_dates_are_not_dates(text: str) -> None:
    assert find_dates(text, default_year=None) == []


def test_compact_dates_are_deadlines_where_the_text_says_so() -> None:
    assert _found("各地经信部门20241120日前将推荐材料寄送至联系地址。") == [("2024-11-20", "paper", False)]
    # a window whose separator was lost: its second date, handed in (缴交) by the department
    assert _found("系所于1131223()1140102()下午3点缴交相关资料。") == [("2025-01-02T15:00", "applicant", False)]


# A schedule line: its date or window first, then what is handed in by then.
def test_schedule_lines_that_open_with_their_date_are_deadlines() -> None:
    text = (
        "二、申报时间和组织流程\n"
        "2024.07.21—2024.08.15 各学院组织老师申报，完成申报书初稿。\n"
        "2024.08.16 各学院将参加初评的申报书提交至科研处。\n"
        "5、8月24日上午，各部门请将审查通过的申报材料在上午11:00前统一交送至科研处。\n"
    )
    assert _found(text) == [
        ("2024-08-15", "applicant", False),
        ("2024-08-16", "applicant", False),
        ("2024-08-24T11:00", "applicant", True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2024年3月1日起，各单位开始组织申报。\n",  # the start of a window
        "2024年3月10日 召开申报动员会，布置申报工作。\n",  # a meeting about applying
        "2月22日下午专家评审，评审结束后向申请人反馈意见。\n",  # a review session
        "学校于2024年3月1日发布通知，请各单位组织申报。\n",  # the date is not the line's first word
    ],
)
def test_schedule_lines_that_are_not_deadlines(text: str) -> None:
    assert _found(text) == []


# An English label over a list of dates: one deadline per line, at the label's time.
def test_an_english_label_over_a_list_of_dates() -> None:
    text = (
        "Full Proposal Deadline(s) (due by 5 p.m. proposer's local time):\n"
        "March 31, 2008\nMay 20, 2009\nJune 30th, Annually thereafter\nImportant Information\n"
    )
    assert _found(text, None) == [("2008-03-31T17:00", "applicant", False), ("2009-05-20T17:00", "applicant", False)]


def test_year_less_items_of_a_listed_schedule_take_the_documents_only_year() -> None:
    text = (
        "Applications must be submitted online by 5:00 p.m. eastern time on the following dates:\n\n"
        "  • April 3 – for a June decision (moved for the 2020 Spring round)\n"
        "  • August 1 – for an October decision\n"
        "If these dates fall on a Sunday, proposals are accepted the following Monday.\n"
    )
    assert _found(text, None) == [("2020-04-03T17:00", "online", True), ("2020-08-01T17:00", "online", True)]


def test_a_list_under_a_label_that_is_no_deadline_is_not_read() -> None:
    text = "Upcoming events on the following dates:\n• April 3 – webinar\n• May 5 – info day\n"
    assert _found(text, 2020) == []


# Money: floors, per-month rates next to a per-project cap, the local currency of a SAR government page.
@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("自筹经费不低于8万元", {"amount_wan": 8, "qualifier": "at_least"}),
        ("配套经费至少为5万元", {"amount_wan": 5, "qualifier": "at_least"}),
        ("资助经费8万元", {"amount_wan": 8}),
    ],
)
def test_a_floor_before_an_amount(phrase: str, expected: dict[str, object]) -> None:
    assert parse_money(phrase) == expected


_HEAD = "关于征求2024年度研究计划的通知\n"


def test_a_monthly_fee_does_not_hide_the_per_project_cap() -> None:
    data = extract_guide(_HEAD + "经费编列：每案以50万元为上限，主持人主持费每月3000元。\n").data
    assert data["budget"]["per_project"] == {"amount_wan": 50, "qualifier": "at_most"}


def test_two_project_amounts_in_one_clause_are_still_not_one_call_wide_value() -> None:
    data = extract_guide(_HEAD + "每个项目资助强度为重点20万元、一般10万元。\n").data
    assert "per_project" not in (data.get("budget") or {})


def test_a_simplified_hong_kong_government_page_is_in_hong_kong_dollars() -> None:
    text = "政府新闻网\n创新科技署推出研发计划，鼓励院校开展中游研究。\n每个项目资助上限500万元。\n"
    assert extract_guide(text).data["budget"]["per_project"] == {"amount_wan": 500, "currency": "HKD", "qualifier": "at_most"}


def test_a_mainland_notice_that_mentions_hong_kong_stays_in_yuan() -> None:
    text = _HEAD + "支持内地与香港、澳门高校合作。\n每个项目资助上限50万元。\n"
    assert extract_guide(text).data["budget"]["per_project"] == {"amount_wan": 50, "qualifier": "at_most"}


# A window closed by 结束, a comment period, an e-mail handed in by a date.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("凡本县企事业单位均可申报。申报工作将于2024年4月20日结束。", [("2024-04-20", "applicant", False)]),
        ("征求意见时间为2024年11月16日至2024年11月30日。", [("2024-11-30", "applicant", False)]),
        ("8月20日前将报奖项目的名称等信息发邮件至科研处。", [("2024-08-20", "applicant", True)]),
    ],
)
def test_windows_closed_by_jieshu_comment_periods_and_emails(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "会议将于2024年4月20日结束。",  # no submission window: an event ends
        "项目执行期将于2026年12月31日结束。",  # the end of the work, not of applying
    ],
)
def test_an_ending_that_is_no_submission_window(text: str) -> None:
    assert _found(text) == []
