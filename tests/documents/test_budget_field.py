"""Issue 19: a budget field on a real call — the application page, refusals in both languages, the
API, the Word 申报表 written and read back, the PDF and the budget-tables export."""

from __future__ import annotations

import html
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.documents.describe import form_spec
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.budgets import budget_rows
from shenbao.documents.layout.docx_read import read_form
from shenbao.documents.layout.spec import Problem, Status
from shenbao.documents.services.word import blank_form, fill_from_form, filled_form, read_filled_form
from tests.applications.fixtures import open_call
from tests.eligibility.test_budget_rules import BUDGET_FIELD, GOOD
from tests.factories import api_token_key

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-hans"}


def _with_budget(data: dict[str, Any]) -> None:
    data["form"] = [f for f in data["form"] if f["code"] != "budget_table"] + [dict(BUDGET_FIELD)]
    data["eligibility"].append(
        {
            "code": "budget-total",
            "text": {"zh-hans": "预算合计等于申请国拨经费。", "en": "The budget totals the requested grant."},
            "rule": {"kind": "budget_total", "field": "budget_table", "equals": "requested_budget"},
        }
    )


@pytest.fixture
def budget_call(db: Any) -> Call:
    return open_call("003", code="open-003-budget", edit=_with_budget)


@pytest.fixture
def writer(db: Any) -> User:
    return User.objects.create_user(email="budget-writer@example.com", password="pass-Word-123")


@pytest.fixture
def application(budget_call: Call, writer: User) -> Application:
    return start_application(call=budget_call, direction=budget_call.directions.get(code="1.3"), applicant=writer)


def _post(client: Client, application: Application, cells: dict[str, str], headers: dict[str, str]) -> Any:
    data = {"version": str(application.version), "title": "中埃联合研究"}
    data.update({f"value__budget_table__{k}": v for k, v in cells.items()})
    return client.post(reverse("web:application_save", args=[application.pk]), data, headers=headers)


def test_the_application_page_shows_the_table_with_an_input_per_line_and_source(
    client: Client, application: Application, writer: User
) -> None:
    client.force_login(writer)
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert 'class="budget-table"' in page and "Unit: 10,000 yuan" in page
    assert 'name="value__budget_table__equipment__grant"' in page
    assert 'name="value__budget_table__materials__enterprise"' in page
    assert 'name="value__budget_table__operating__grant"' not in page  # a split category is summed, not entered
    assert 'name="value__budget_table__indirect__note"' in page


def test_saving_the_table_stores_normalised_amounts_and_shows_the_totals(
    client: Client, application: Application, writer: User
) -> None:
    client.force_login(writer)
    response = _post(
        client,
        application,
        {"equipment__grant": "60", "materials__grant": "50.5", "materials__enterprise": "1,000", "equipment__note": "两台光谱仪"},
        EN,
    )
    assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.values["budget_table"] == {
        "lines": {"equipment": {"grant": "60.00"}, "materials": {"grant": "50.50", "enterprise": "1000.00"}},
        "notes": {"equipment": "两台光谱仪"},
    }
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert '<td class="computed" data-grand-total>1,110.50</td>' in page  # the grand total
    assert '<td class="computed" data-sum-category="operating" data-source="grant">50.50</td>' in page  # 业务费 from its sub-line


@pytest.mark.parametrize(
    ("cells", "zh", "en"),
    [
        (
            {"equipment__grant": "-5"},
            "设备费（申请经费）：金额不能为负数（-5）。",
            "Equipment, Grant requested: an amount cannot be negative (-5).",
        ),
        (
            {"labour__self_raised": "十万"},
            "劳务费（自筹经费）：“十万”不是数字。",
            "Labour costs, Self-raised: “十万” is not a number.",
        ),
        (
            {"testing__enterprise": "1.234"},
            "测试化验加工费（企业配套）：“1.234”的小数超过 2 位。",
            "Testing, Enterprise matching: “1.234” has more than 2 decimal places.",
        ),
    ],
)
def test_bad_amounts_are_refused_in_the_users_language_and_nothing_is_saved(
    client: Client, application: Application, writer: User, cells: dict[str, str], zh: str, en: str
) -> None:
    application = save_draft(
        application=application,
        changes={"values": {"budget_table": {"lines": {"equipment": {"grant": "10.00"}}}}},
        expected_version=application.version,
        actor=writer,
    )
    client.force_login(writer)
    for headers, label, text in ((ZH, "经费预算表", zh), (EN, "Budget table", en)):
        response = _post(client, application, {**cells, "materials__grant": "3"}, {**headers, "HX-Request": "true"})
        assert response.status_code == 400
        assert f'<small class="error" role="alert">{label}: {html.escape(text)}</small>' in response.content.decode()
        # Without htmx the page is shown again with the same refusal.
        page = client.post(
            reverse("web:application_save", args=[application.pk]),
            {"version": str(application.version), **{f"value__budget_table__{k}": v for k, v in cells.items()}},
            headers=headers,
            follow=True,
        ).content.decode()
        assert html.escape(f"{label}: {text}") in page
    application.refresh_from_db()
    assert application.values["budget_table"] == {"lines": {"equipment": {"grant": "10.00"}}}


def _api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def test_the_api_takes_the_table_returns_its_totals_and_refuses_bad_amounts(application: Application, writer: User) -> None:
    client = _api(writer)
    url = f"/api/v1/applications/{application.pk}/"
    bad = client.patch(
        url,
        {"version": application.version, "changes": {"values": {"budget_table": {"lines": {"equipment": {"grant": "-1"}}}}}},
        format="json",
    )
    assert bad.status_code == 400, bad.content.decode()
    assert bad.json()["fields"]["changes"]["value__budget_table"] == [
        "Equipment, Grant requested: an amount cannot be negative (-1)."
    ]
    ok = client.patch(url, {"version": application.version, "changes": {"values": {"budget_table": GOOD}}}, format="json")
    assert ok.status_code == 200, ok.content
    budgets = ok.json()["budgets"]["budget_table"]
    assert budgets["unit"] == "wan"
    assert budgets["column_totals"] == {"grant": "200.00", "enterprise": "200.00", "self_raised": "10.00"}
    assert budgets["grand_total"] == "410.00"
    operating = next(r for r in budgets["rows"] if r["code"] == "operating")
    assert operating == {
        "code": "operating",
        "category": "operating",
        "subline": False,
        "amounts": {"grant": "80.00", "enterprise": "100.00", "self_raised": "0"},
        "total": "180.00",
    }
    application.refresh_from_db()
    assert application.values["budget_table"] == GOOD


def _spec(application: Application, language: str = "zh-hans") -> Any:
    definition = current_definition(application.call)
    return form_spec(
        call=application.call, definition=definition, direction=application.direction, language=language, application=None
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_word_round_trip_the_prefilled_table_reads_back_as_stored(application: Application, writer: User, language: str) -> None:
    application = save_draft(
        application=application, changes={"values": {"budget_table": GOOD}}, expected_version=application.version, actor=writer
    )
    data = filled_form(application=application, language=language)
    # Read with the Chinese description whatever language the form was written in (aliases carry the other).
    assert read_form(_spec(application), data).fields["budget_table"].value == GOOD

    # Emptied in the application, then filled back from the Word form the applicant kept.
    application = save_draft(application=application, changes={"values": {}}, expected_version=application.version, actor=writer)
    reading = read_filled_form(application=application, stream=io.BytesIO(data), size=len(data), language="zh-hans")
    assert "budget_table" in reading.as_data()["values"]
    fill_from_form(application=application, reading=reading.as_data(), accepted=["budget_table"], actor=writer)
    application.refresh_from_db()
    assert application.values["budget_table"] == GOOD


def test_the_generated_grid_has_headings_computed_totals_and_the_unit(application: Application, writer: User) -> None:
    application = save_draft(
        application=application, changes={"values": {"budget_table": GOOD}}, expected_version=application.version, actor=writer
    )
    document = Document(io.BytesIO(filled_form(application=application, language="zh-hans")))
    grid = next(t for t in document.tables if t.rows[0].cells[0].text == "科目")
    rows = [[c.text for c in row.cells] for row in grid.rows]
    assert rows[0] == ["科目", "申请经费", "企业配套", "自筹经费", "合计", "测算依据"]
    assert rows[1] == ["设备费", "60.00", "100.00", "", "160.00", "两台光谱仪"]
    assert rows[2] == ["业务费", "80.00", "100.00", "0.00", "180.00", ""]
    assert rows[-1] == ["合计", "200.00", "200.00", "10.00", "410.00", ""]
    assert "单位：万元" in [p.text for p in document.paragraphs]


def _typed(application: Application, cells: dict[tuple[str, int], str]) -> bytes:
    """The blank form with amounts typed into the budget grid (row label, column index) as in Word."""
    data = blank_form(call=application.call, direction=application.direction, language="zh-hans")
    document = Document(io.BytesIO(data))
    grid = next(t for t in document.tables if t.rows[0].cells[0].text == "科目")
    for row in grid.rows:
        for (label, column), text in cells.items():
            if row.cells[0].text.strip() == label:
                row.cells[column].text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_typed_grid_reads_back_and_refuses_negative_and_too_many_decimals(application: Application) -> None:
    spec = _spec(application)
    data = _typed(application, {("设备费", 1): "12.5", ("材料费", 2): "3,000", ("劳务费", 5): "两人一年"})
    parsed = read_form(spec, data).fields["budget_table"]
    assert (parsed.status, parsed.value) == (
        Status.READ,
        {"lines": {"equipment": {"grant": "12.50"}, "materials": {"enterprise": "3000.00"}}, "notes": {"labour": "两人一年"}},
    )
    parsed = read_form(spec, _typed(application, {("设备费", 1): "-3"})).fields["budget_table"]
    assert (parsed.status, parsed.problem, parsed.value) == (Status.INVALID, Problem.NEGATIVE, "设备费: -3")
    parsed = read_form(spec, _typed(application, {("测试化验加工费", 1): "1.005"})).fields["budget_table"]
    assert (parsed.status, parsed.problem) == (Status.INVALID, Problem.TOO_MANY_DECIMALS)
    parsed = read_form(spec, _typed(application, {("间接费用", 3): "abc"})).fields["budget_table"]
    assert (parsed.status, parsed.problem) == (Status.INVALID, Problem.NOT_A_NUMBER)
    assert read_form(spec, _typed(application, {})).fields["budget_table"].status == Status.EMPTY


def test_the_pdf_shows_the_table_with_its_totals(application: Application, writer: User) -> None:
    from shenbao.applications.models import ApplicationRevision
    from shenbao.documents.services.pdf import _context

    application = save_draft(
        application=application, changes={"values": {"budget_table": GOOD}}, expected_version=application.version, actor=writer
    )
    revision = ApplicationRevision(application=application, number=1, content={"values": application.values, "title": "x"})
    sections = _context(revision, "en")["sections"]
    field = next(f for s in sections for f in s["fields"] if f.get("budget"))
    table = field["budget"]
    assert field["label"] == "Budget table"
    assert table["unit"] == "Unit: 10,000 yuan"
    assert table["headings"] == ["Budget category", "Grant requested", "Enterprise matching", "Self-raised", "Total"]
    assert table["rows"][2] == {
        "label": "Materials",
        "subline": True,
        "cells": ["50.00", "100.00", "0.00"],
        "total": "150.00",
        "note": "",
    }
    assert (table["totals"], table["grand_total"]) == (["200.00", "200.00", "10.00"], "410.00")


def test_the_budget_export_lists_every_line_and_a_total_row(budget_call: Call, application: Application, writer: User) -> None:
    save_draft(
        application=application, changes={"values": {"budget_table": GOOD}}, expected_version=application.version, actor=writer
    )
    # Staff lists leave drafts out: the export is tested on the table, so the state is set directly.
    Application.objects.filter(pk=application.pk).update(state="submitted", receipt_number="R-1")
    rows = list(budget_rows(budget_call, Filters(state="all")))
    assert [r["line"] for r in rows] == ["equipment", "operating", "materials", "testing", "labour", "indirect", "total"]
    assert rows[0]["grant"] == Decimal("60.00") and rows[0]["note"] == "两台光谱仪" and rows[0]["partner"] is None
    assert (rows[-1]["grant"], rows[-1]["enterprise"], rows[-1]["total"]) == (
        Decimal("200.00"),
        Decimal("200.00"),
        Decimal("410.00"),
    )


def test_the_live_application_is_checked_against_its_budget_table(application: Application, writer: User) -> None:
    from shenbao.applications.facts import check_application
    from shenbao.eligibility.messages import reason_text

    application = save_draft(
        application=application,
        changes={"values": {"budget_table": GOOD}, "requested_yuan": 2_100_000},
        expected_version=application.version,
        actor=writer,
    )
    result = next(r for r in check_application(application) if r.code == "budget-total")
    assert result.outcome.value == "fail"
    assert reason_text(result.reasons[0]) == (
        "经费预算表中申请经费合计 2,000,000 元，与“申请国拨经费（元）”所填 2,100,000 元不一致。"
    )
    application = save_draft(
        application=application, changes={"requested_yuan": 2_000_000}, expected_version=application.version, actor=writer
    )
    assert next(r for r in check_application(application) if r.code == "budget-total").outcome.value == "pass"


def test_a_required_budget_table_counts_as_given_only_with_an_amount(budget_call: Call, writer: User) -> None:
    from shenbao.applications.facts import missing_required_fields

    definition = current_definition(budget_call)
    required = definition.model_copy(
        update={"form": [f.model_copy(update={"required": True}) if f.code == "budget_table" else f for f in definition.form]}
    )
    application = start_application(call=budget_call, direction=budget_call.directions.get(code="1.3"), applicant=writer)
    assert "budget_table" in [f.code for f in missing_required_fields(application, required)]
    application = save_draft(
        application=application,
        changes={"values": {"budget_table": {"lines": {}, "notes": {"labour": "两人"}}}},
        expected_version=application.version,
        actor=writer,
    )
    assert "budget_table" in [f.code for f in missing_required_fields(application, required)]
    application = save_draft(
        application=application, changes={"values": {"budget_table": GOOD}}, expected_version=application.version, actor=writer
    )
    assert "budget_table" not in [f.code for f in missing_required_fields(application, required)]
