"""Generate the 申报表 → fill it → read it back → the same field values, for each seed call."""

from __future__ import annotations

import io
from typing import Any

import pytest

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.models import AuditEntry
from shenbao.documents.describe import form_spec, stored_values
from shenbao.documents.layout.docx_read import read_form
from shenbao.documents.layout.spec import Status
from shenbao.documents.services.word import blank_form, fill_from_form, filled_form, read_filled_form
from tests.applications.fixtures import open_call
from tests.documents.helpers import fill_docx, tick

#: Per seed: the direction to apply to, what the applicant types in Word, and what that means.
CASES: dict[str, dict[str, Any]] = {
    "000": {
        "direction": "XM-T1",
        "typed": {
            "title": "面向端侧大模型的高效推理",
            "summary": "研究目标与技术路线。\n第二段。",
            "plan": "分三个阶段实施。",
            "team": "两名教师。",
        },
        "expected": {
            "title": "面向端侧大模型的高效推理",
            "summary": "研究目标与技术路线。\n第二段。",
            "plan": "分三个阶段实施。",
            "team": "两名教师。",
        },
    },
    "001": {
        "direction": None,
        "typed": {"title": "工业视觉检测", "enterprise_problem": "缺陷漏检率高。", "results": "检出率 99.5%。"},
        "expected": {"title": "工业视觉检测", "enterprise_problem": "缺陷漏检率高。", "results": "检出率 99.5%。"},
    },
    "003": {
        "direction": "2.3",
        "typed": {
            "title": "中欧农业生物技术联合研究",
            "title_en": "Sino-European joint research on agricultural biotechnology",
            "duration_months": "36",
            "requested_budget": "3,000,000",
            "horizon_proposal_number": "101234567",
            "horizon_chinese_budget": "1500000元",
            "trl": "4",
        },
        "expected": {
            "title": "中欧农业生物技术联合研究",
            "title_en": "Sino-European joint research on agricultural biotechnology",
            "duration_months": 36,
            "requested_budget": 3000000,
            "horizon_proposal_number": "101234567",
            "horizon_chinese_budget": 1500000,
            "trl": 4,
            "field": ["食品、农业和生物技术及与此相关的领域方向"],
        },
        "ticks": {"field": ["食品、农业和生物技术及与此相关的领域方向"]},
    },
    "004": {
        "direction": "enterprise-pioneer-engine",
        "typed": {
            "title": "澎湃科技",
            "projects": "三年投入 2 亿元研发。",
            "data": "营收 10 亿元。",
            "other_materials": "https://example.com/v",
        },
        "expected": {
            "title": "澎湃科技",
            "projects": "三年投入 2 亿元研发。",
            "data": "营收 10 亿元。",
            "other_materials": "https://example.com/v",
            "sector": "new-it",
        },
        "ticks": {"sector": ["新一代信息技术"]},
    },
}


@pytest.fixture
def applicant(db: Any) -> User:
    return User.objects.create_user(email="writer@example.com", password="pass-Word-123")


def _application(seed: str, applicant: User) -> Application:
    call = open_call(seed)
    code = CASES[seed]["direction"]
    direction = call.directions.get(code=code) if code else None
    return start_application(call=call, direction=direction, applicant=applicant)


@pytest.mark.parametrize("seed", sorted(CASES))
def test_blank_form_filled_in_word_reads_back_identical(seed: str, applicant: User) -> None:
    application = _application(seed, applicant)
    definition = current_definition(application.call)
    spec = form_spec(
        call=application.call, definition=definition, direction=application.direction, language="zh-hans", application=None
    )
    case = CASES[seed]
    typed = dict(case["typed"])
    for code, labels in case.get("ticks", {}).items():
        typed[code] = tick(spec, code, *labels)
    data = fill_docx(blank_form(call=application.call, direction=application.direction, language="zh-hans"), spec, typed)

    result = read_form(spec, data)

    assert result.values() == case["expected"]
    assert {c for c, p in result.fields.items() if p.status == Status.EMPTY} == {f.code for f in spec.fields} - set(
        case["expected"]
    )


@pytest.mark.parametrize("seed", sorted(CASES))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_prefilled_form_reads_back_what_the_application_holds(seed: str, language: str, applicant: User) -> None:
    application = _application(seed, applicant)
    definition = current_definition(application.call)
    reading = read_filled_form(
        application=application,
        stream=io.BytesIO(data := _filled(seed, application)),
        size=len(data),
        language="zh-hans",
    )
    fill_from_form(
        application=application, reading=reading.as_data(), accepted=list(reading.as_data()["values"]), actor=applicant
    )
    application.refresh_from_db()
    expected = {k: v for k, v in stored_values(application, definition).items() if v is not None}

    again = filled_form(application=application, language=language)
    # Read with the Chinese form description whatever language the form was written in.
    spec = form_spec(
        call=application.call, definition=definition, direction=application.direction, language="zh-hans", application=None
    )
    assert read_form(spec, again).values() == {k: v for k, v in expected.items() if k in {f.code for f in spec.fields}}
    assert expected.keys() >= CASES[seed]["expected"].keys()


def _filled(seed: str, application: Application) -> bytes:
    definition = current_definition(application.call)
    spec = form_spec(
        call=application.call, definition=definition, direction=application.direction, language="zh-hans", application=None
    )
    typed = dict(CASES[seed]["typed"])
    for code, labels in CASES[seed].get("ticks", {}).items():
        typed[code] = tick(spec, code, *labels)
    return fill_docx(blank_form(call=application.call, direction=application.direction, language="zh-hans"), spec, typed)


def test_filling_from_a_form_writes_an_audit_entry_and_keeps_unconfirmed_fields(applicant: User) -> None:
    application = _application("000", applicant)
    application = save_draft(
        application=application,
        changes={"values": {"plan": "我已写好的计划。"}},
        expected_version=application.version,
        actor=applicant,
    )
    data = _filled("000", application)
    reading = read_filled_form(application=application, stream=io.BytesIO(data), size=len(data), language="zh-hans")
    plan = next(f for f in reading.fields if f.spec.code == "plan")
    assert plan.overwrites is True

    fill_from_form(application=application, reading=reading.as_data(), accepted=["title", "summary"], actor=applicant)

    application.refresh_from_db()
    assert application.title == "面向端侧大模型的高效推理"
    assert application.values == {"plan": "我已写好的计划。", "summary": "研究目标与技术路线。\n第二段。"}
    entry = AuditEntry.objects.get(action="shenbao.application.filled_from_form")
    assert entry.data["fields"] == ["summary", "title"]


def test_prefilled_form_names_the_applicant_and_lists_partners_in_the_form_language(most_application: Application) -> None:
    from docx import Document

    document = Document(io.BytesIO(filled_form(application=most_application, language="en")))
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]

    assert ["Applicant", "王伟"] in rows
    assert ["Receipt number", most_application.receipt_number] in rows
    assert ["University of Auckland", "New Zealand", "University", "Foreign side"] in rows
    headings = [p.text for p in document.paragraphs if p.text[:2] in {f"{i}." for i in range(1, 10)}]
    assert headings == [
        "1. Basic information",
        "2. Budget",
        "3. Team",
        "4. Partners",
        "5. Schedule",
        "6. Declarations and signatures",
    ]
