"""Reading uploads by content: encodings, .docx with a table, PDFs with and without a text layer."""

from __future__ import annotations

import pytest
from django.utils import translation

from shenbao.guides.errors import GuideUnreadable
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.normalise import normalise
from shenbao.guides.parser.reading import GuideReadError, read_document
from tests.guides.documents import make_docx, make_pdf, seed_text, traditional

SAMPLE = "1.1 中国和新西兰政府间科技合作项目\n拟支持项目数：6个。\n共拟支持经费：1080万元人民币。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_common_encodings(encoding: str) -> None:
    document = read_document(SAMPLE.encode(encoding))
    assert document.kind == "text"
    assert document.text == SAMPLE


def test_big5_traditional_text_is_read_and_converted() -> None:
    text = traditional(SAMPLE)
    document = read_document(text.encode("big5"))
    assert document.text == text
    extraction = extract_guide(document.text)
    assert extraction.text.traditional is True
    assert extraction.data["directions"][0]["title"] == "中国和新西兰政府间科技合作项目"
    assert extraction.data["directions"][0]["quota"] == {"qualifier": "exact", "value": 6}


def test_gbk_seed_gives_the_same_extraction_as_utf8() -> None:
    text = seed_text("003")
    from_gbk = extract_guide(read_document(text.encode("gbk")).text)
    assert from_gbk.data["directions"] == extract_guide(text).data["directions"]


def test_docx_with_paragraphs_and_a_table() -> None:
    data = make_docx(
        ["关于举办测试大赛的通知", "报名截止日期为 2024年 5月 31日。", "附件：赛项列表"],
        table=[
            ["编号", "赛项领域", "承办单位"],
            ["TST202401", "人工智能", "测试大学"],
            ["TST202402", "新材料", "测试研究院"],
        ],
    )
    document = read_document(data, filename="guide.pdf")  # the name is wrong: content decides
    assert document.kind == "docx"
    assert document.text.split("\n") == [
        "关于举办测试大赛的通知",
        "报名截止日期为 2024年 5月 31日。",
        "附件：赛项列表",
        "编号 赛项领域 承办单位",
        "TST202401 人工智能 测试大学",
        "TST202402 新材料 测试研究院",
    ]
    extraction = extract_guide(document.text)
    assert [(d["code"], d["title"]) for d in extraction.data["directions"]] == [
        ("TST202401", "人工智能"),
        ("TST202402", "新材料"),
    ]
    assert extraction.data["timeline"][0] == {
        "kind": "deadline",
        "at": "2024-05-31",
        "label": {"zh-hans": "申报截止", "en": "Deadline"},
        "precision": "day",
    }


def test_pdf_with_a_text_layer() -> None:
    document = read_document(make_pdf(SAMPLE.split("\n")))
    assert document.kind == "pdf" and document.pages == 1
    assert extract_guide(document.text).data["directions"][0]["budget"] == {"total": {"amount_wan": 1080}}


def test_pdf_without_a_text_layer_is_refused_with_a_clear_translated_error() -> None:
    with pytest.raises(GuideReadError) as info:
        read_document(make_pdf(None))
    assert info.value.code == "pdf_no_text"
    error = GuideUnreadable.from_read_error(info.value)
    with translation.override("en"):
        assert str(error) == (
            "The PDF has no text layer (it is a scanned image of 1 page(s)): "
            "run it through OCR, or upload the document as text or .docx."
        )
    with translation.override("zh-hans"):
        assert str(error) == "该 PDF 没有文字层（是 1 页扫描图像）：请先进行文字识别（OCR），或上传文本或 .docx 格式的文件。"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy_doc"),
        (b"PK\x03\x04junk", "unsupported"),
        (b"\x00\x01\x02\x03binary", "unsupported"),
    ],
)
def test_unreadable_files(data: bytes, code: str) -> None:
    with pytest.raises(GuideReadError) as info:
        read_document(data)
    assert info.value.code == code


def test_normalisation_steps_and_spans_back_to_the_original() -> None:
    original = "\n".join(
        [
            "测试专项申报指南",
            "一、总体安排",
            "本批次拟支持项目数约１７６个，国拨经费总概算 3.489",
            "亿元人民币。",
            "— 9 —",
            "测试专项申报指南",
            "https://example.org/stray-link",
            "第 2 页",
            "测试专项申报指南",
        ]
    )
    norm = normalise(original)
    assert norm.text == "测试专项申报指南\n一、总体安排\n本批次拟支持项目数约176个，国拨经费总概算 3.489亿元人民币。"
    assert norm.removed == {"footers": 2, "links": 1, "headers": 2, "line_wraps": 1}
    start = norm.text.index("176")
    assert norm.source_span(start, start + 3) == (original.index("１７６"), original.index("１７６") + 3)


def test_hard_wraps_inside_sentences_are_joined_but_headings_are_not() -> None:
    body = "项目合作双方须分别向本国的项目征集部门提交申报材料，单方申报项目无"
    original = "\n".join([body, "效。", body, "效。", body, "效。", body, "效。", "1.1 测试方向", body, "效。"])
    lines = normalise(original).text.split("\n")
    assert lines[0] == body + "效。"
    assert "1.1 测试方向" in lines
