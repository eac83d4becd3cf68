"""A funder's own Word template: the call definition names its labels, and the reader finds the
values in its tables and under its headings."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from shenbao.accounts.models import User
from shenbao.applications.services.drafts import start_application
from shenbao.documents.layout.spec import Status
from shenbao.documents.services.word import read_filled_form
from tests.applications.fixtures import open_call

pytestmark = pytest.mark.django_db


def _with_template_labels(data: dict[str, Any]) -> None:
    labels = {"title": ["课题名称"], "summary": ["项目简介"], "plan": ["研究计划及预期成果"], "team": ["团队情况"]}
    for field in data["form"]:
        field["template_labels"] = labels[field["code"]]


def _funder_template() -> bytes:
    """Laid out as funders do: a cover table, then numbered headings with free text under them."""
    document = Document()
    document.add_heading("小米揭榜挂帅科研专项申报表", level=0)
    cover = document.add_table(rows=3, cols=4)
    cover.style = "Table Grid"
    cells = cover.rows[0].cells
    cells[0].text, cells[1].text, cells[2].text, cells[3].text = "课题名称：", "端侧大模型高效推理", "课题编号", "XM-T1"
    cells = cover.rows[1].cells
    cells[0].text, cells[1].text = "负责人", "王老师"
    document.add_paragraph("一、项目简介")
    document.add_paragraph("目标：把推理延迟降低一半。")
    document.add_paragraph("技术路线：量化与剪枝。")
    document.add_heading("二、研究计划及预期成果", level=1)
    document.add_paragraph("第一年完成原型。")
    document.add_paragraph("三、团队情况")
    document.add_paragraph("")
    document.add_paragraph("四、其他说明")
    document.add_paragraph("无。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_funder_template_is_read_by_its_own_labels(db: Any) -> None:
    call = open_call("000", code="open-000-template", edit=_with_template_labels)
    user = User.objects.create_user(email="t@example.com", password="pass-Word-123")
    application = start_application(call=call, direction=call.directions.first(), applicant=user)
    data = _funder_template()

    reading = read_filled_form(application=application, stream=io.BytesIO(data), size=len(data), language="zh-hans")

    found = {f.spec.code: (f.parsed.status, f.parsed.value) for f in reading.fields}
    assert found == {
        "title": (Status.READ, "端侧大模型高效推理"),
        "summary": (Status.READ, "目标：把推理延迟降低一半。\n技术路线：量化与剪枝。"),
        "plan": (Status.READ, "第一年完成原型。"),
        "team": (Status.EMPTY, None),
    }


def test_a_field_the_template_lacks_is_reported_missing(db: Any) -> None:
    call = open_call("000", code="open-000-missing")
    user = User.objects.create_user(email="m@example.com", password="pass-Word-123")
    application = start_application(call=call, direction=call.directions.first(), applicant=user)
    data = _funder_template()

    reading = read_filled_form(application=application, stream=io.BytesIO(data), size=len(data), language="zh-hans")

    assert {f.spec.code: f.parsed.status for f in reading.fields} == {
        "title": Status.MISSING,
        "summary": Status.MISSING,
        "plan": Status.MISSING,
        "team": Status.MISSING,
    }
