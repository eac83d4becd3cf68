"""Layouts the seeds do not use: the importer is built for real guides it has never seen."""

from __future__ import annotations

import pytest

from shenbao.calls.definition.load import parse_file
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.reading import read_document
from tests.guides.documents import FIXTURES

EXPECTED = FIXTURES.parents[2] / "bench" / "guides" / "synthetic-provincial.yaml"


def test_provincial_notice_with_paren_headings_and_a_window_deadline() -> None:
    extraction = extract_guide(read_document((FIXTURES / "synthetic_provincial.txt").read_bytes()).text)
    got, want = extraction.definition, parse_file(EXPECTED)
    assert got is not None
    assert [d.title for d in got.directions] == [d.title for d in want.directions]
    assert [d.quota for d in got.directions] == [d.quota for d in want.directions]
    assert [d.budget for d in got.directions] == [d.budget for d in want.directions]
    assert [d.duration for d in got.directions] == [d.duration for d in want.directions]
    assert [(t.kind, t.at) for t in got.timeline] == [("deadline", want.timeline[1].at), ("opens", want.timeline[0].at)]
    assert got.stated_totals == want.stated_totals
    assert got.program.funder == want.program.funder
    assert {c.rule.kind for c in got.eligibility} == {"organisation_type", "birth_date", "applications_per_applicant"}
    # Direction 1 states only a per-project amount: a visible gap, not a zero.
    budget = next(line for line in extraction.reconciliation if line.measure == "budget_yuan")
    assert (budget.stated, budget.summed, budget.missing, budget.matches) == (15_000_000, 10_000_000, ("1",), False)
    assert [w.code for w in extraction.warnings] == ["year_inferred", "reconciliation_gap"]


def test_circled_numbers_and_numbered_items_under_a_directions_section() -> None:
    text = "\n".join(
        [
            "某市科技创新券申报指南",
            "一、重点支持领域",
            "① 智能制造",
            "支持项目：约10个。",
            "资助经费：500万元。",
            "② 生物医药",
            "支持项目：6-8个。",
            "资助经费：300万元左右。",
            "二、申报时间",
            "申报截止时间：2025年9月30日16时。",
        ]
    )
    data = extract_guide(text).data
    assert [(d["title"], d["quota"], d["budget"]) for d in data["directions"]] == [
        ("智能制造", {"qualifier": "about", "value": 10}, {"total": {"amount_wan": 500}}),
        ("生物医药", {"qualifier": "range", "min": 6, "max": 8}, {"total": {"amount_wan": 300, "qualifier": "about"}}),
    ]
    assert data["timeline"][0]["at"] == "2025-09-30T16:00"


@pytest.mark.parametrize(
    ("first", "second"),
    [("一、", "二、"), ("1、", "2、"), ("1．", "2．"), ("（1）", "（2）"), ("1)", "2)"), ("①", "②"), ("第一条 ", "第二条 ")],
)
def test_directions_numbered_in_any_style(first: str, second: str) -> None:
    text = "\n".join(
        [
            "某基金会2025年度资助计划申报通知",
            f"{first}青年人才项目",
            "支持数量：10个左右。",
            "资助强度：每项20万元。",
            f"{second}重点团队项目",
            "支持数量：不超过3个。",
            "资助经费：300万元。",
            "申报截止时间：2025年4月1日中午12:00。",
        ]
    )
    data = extract_guide(text).data
    assert [(d["title"], d["quota"]) for d in data["directions"]] == [
        ("青年人才项目", {"qualifier": "about", "value": 10}),
        ("重点团队项目", {"qualifier": "at_most", "value": 3}),
    ]
    assert data["directions"][0]["budget"] == {"per_project": {"amount_wan": 20}}
    assert data["directions"][1]["budget"] == {"total": {"amount_wan": 300}}
    assert data["timeline"][0]["at"] == "2025-04-01T12:00"


def test_only_organisation_addresses_are_kept_as_contacts() -> None:
    text = "\n".join(
        [
            "某大赛参赛通知",
            "一、联系方式",
            "联系人：李老师，电子邮箱：li.person@example.edu.cn",
            "大赛组委会邮箱：contest@example.org",
            "联系地址：某市某路1号",
        ]
    )
    contacts = extract_guide(text).data["call"]["contacts"]
    assert [(c["email"], c.get("address")) for c in contacts] == [("contest@example.org", "某市某路1号")]
