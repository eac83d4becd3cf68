"""Defects of issue 14: link lines, the budget warning's unit, pypdf's stray output."""

from __future__ import annotations

import logging

import pytest
from django.utils import translation

from shenbao.guides.messages import warning_text
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.normalise import normalise
from shenbao.guides.parser.reading import GuideReadError, read_document


def test_text_after_a_link_at_the_start_of_a_line_is_kept() -> None:
    sentence = "申报单位应在合作方案中提供双方前期已取得的各方面合作成果。"
    original = "\n".join(
        [
            "测试专项申报指南",
            "（5）申报时应填写并提交合作方案（模板详见",
            f"https://example.org/zn/20240401.html）。{sentence}",
            "https://example.org/stray-link",
            "www.example.org/print-footer。",
            "二、申报时间",
        ]
    )
    norm = normalise(original)
    assert norm.text.split("\n") == [
        "测试专项申报指南",
        "（5）申报时应填写并提交合作方案（模板详见",
        f"https://example.org/zn/20240401.html）。{sentence}",
        "二、申报时间",
    ]
    assert norm.removed == {"links": 2}
    start = norm.text.index(sentence)
    assert norm.source_span(start, start + len(sentence)) == (original.index(sentence), original.index(sentence) + len(sentence))


def test_the_same_link_line_again_and_again_is_a_page_artefact() -> None:
    repeated = "https://example.org/a.html）。申报单位应提供合作成果。"
    norm = normalise("\n".join(["测试专项申报指南", "正文第一句。", repeated, repeated, repeated, "正文第二句。"]))
    assert norm.text == "测试专项申报指南\n正文第一句。\n正文第二句。"
    assert norm.removed == {"links": 3}


def _budget_mismatch() -> list[str]:
    text = "\n".join(
        [
            "某市科技创新券申报指南",
            "一、重点支持领域",
            "本批次设立2个方向，财政经费总额1000万元。",
            "① 智能制造",
            "支持项目：约10个。",
            "资助经费：500万元。",
            "② 生物医药",
            "支持项目：6-8个。",
            "资助经费：300.5万元。",
            "二、申报时间",
            "申报截止时间：2025年9月30日16时。",
        ]
    )
    extraction = extract_guide(text)
    budget = next(line for line in extraction.reconciliation if line.measure == "budget_yuan")
    assert (budget.stated, budget.summed) == (10_000_000, 8_005_000)
    warning = next(w for w in extraction.warnings if w.code == "reconciliation_difference")
    assert warning.params == {"measure": "budget_yuan", "stated": 1000, "summed": 800.5}
    return [warning_text(warning.code, warning.params)]


def test_the_budget_difference_warning_is_in_wan_under_its_wan_label() -> None:
    with translation.override("en"):
        assert _budget_mismatch() == ["Budget (10,000 yuan): the directions add up to 800.5, the document states 1000."]
    with translation.override("zh-hans"):
        assert _budget_mismatch() == ["经费（万元）：各指南方向合计为 800.5，文件载明为 1000。"]


DAMAGED_PDFS = [
    b"%PDF-1.4\n1 0 obj<<>>endobj\ngarbage",  # no %%EOF: pypdf logs "EOF marker not found"
    b"%PDF-1.7\n" + b"\x00\xff" * 200,
]


@pytest.mark.parametrize("data", DAMAGED_PDFS)
def test_a_damaged_pdf_gives_the_clear_error_and_prints_nothing(
    data: bytes, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    pypdf_level = logging.getLogger("pypdf").level
    with caplog.at_level(logging.DEBUG), pytest.raises(GuideReadError) as info:
        read_document(data)
    assert info.value.code == "pdf_unreadable"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert capfd.readouterr() == ("", "")
    assert logging.getLogger("pypdf").level == pypdf_level  # the logger is as it was
