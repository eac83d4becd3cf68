"""The budget grid read from a funder's own template (the title in a merged first row, 其中 sub-lines,
the other language's headings) and written as JSON in one cell of an imported table."""

from __future__ import annotations

import io

from django.utils import translation
from docx import Document

from shenbao.calls.definition.schema import FormField
from shenbao.documents.describe import budget_grid
from shenbao.documents.layout.docx_read import read_form
from shenbao.documents.layout.spec import FieldSpec, FormSpec, Kind, Problem, Status, parse_value
from tests.eligibility.test_budget_rules import BUDGET_FIELD

FIELD = FormField.model_validate(BUDGET_FIELD)


def _spec() -> FieldSpec:
    with translation.override("zh-hans"):
        grid = budget_grid(FIELD, "zh-hans")
    return FieldSpec(code="budget_table", label="经费预算表", kind=Kind.BUDGET, aliases=("Budget table",), budget=grid)


def test_a_funders_template_with_the_title_in_the_first_row_and_english_headings_is_read() -> None:
    document = Document()
    document.add_paragraph("三、项目经费")
    table = document.add_table(rows=5, cols=4)
    title = table.rows[0].cells[0].merge(table.rows[0].cells[3])
    title.text = "Budget table"
    for cell, text in zip(
        table.rows[1].cells, ["Budget category", "Grant requested", "Self-raised", "Justification"], strict=True
    ):
        cell.text = text
    for cell, text in zip(table.rows[2].cells, ["设备费", "12", "", "购置"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[3].cells, ["其中：材料费", "3.5", "1", ""], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[4].cells, ["合计", "15.5", "1", ""], strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    spec = FormSpec(identifier="", language="zh-hans", title="申报书", fields=(_spec(),))
    parsed = read_form(spec, out.getvalue()).fields["budget_table"]
    assert (parsed.status, parsed.value) == (
        Status.READ,
        {
            "lines": {"equipment": {"grant": "12.00"}, "materials": {"grant": "3.50", "self_raised": "1.00"}},
            "notes": {"equipment": "购置"},
        },
    )


def test_a_budget_as_json_in_one_cell_is_read_and_checked() -> None:
    spec = _spec()
    good = parse_value(spec, '{"lines": {"labour": {"grant": "20"}}, "notes": {"labour": "两人"}}')
    assert (good.status, good.value) == (Status.READ, {"lines": {"labour": {"grant": "20.00"}}, "notes": {"labour": "两人"}})
    assert parse_value(spec, '{"lines": {"labour": {"grant": "-2"}}}').problem == Problem.NEGATIVE
    assert parse_value(spec, '{"lines": {"labour": {"grant": "2.001"}}}').problem == Problem.TOO_MANY_DECIMALS
    assert parse_value(spec, '{"lines": {"operating": {"grant": "2"}}}').problem == Problem.UNKNOWN_CHOICE
    assert parse_value(spec, "二十万").problem == Problem.NOT_A_NUMBER
    assert parse_value(spec, "").status == Status.EMPTY


def test_reviewers_read_a_budget_as_one_line_per_row_with_the_grand_total() -> None:
    from shenbao.web.reviewer.views import _shown
    from tests.eligibility.test_budget_rules import GOOD

    with translation.override("en"):
        text = _shown(FIELD, GOOD)
    assert text.split("\n") == [
        "Equipment: Grant requested 60.00, Enterprise matching 100.00; Total 160.00",
        "Operating costs: Grant requested 80.00, Enterprise matching 100.00; Total 180.00",
        "Materials: Grant requested 50.00, Enterprise matching 100.00; Total 150.00",
        "Testing: Grant requested 30.00; Total 30.00",
        "Labour costs: Grant requested 40.00, Self-raised 10.00; Total 50.00",
        "Indirect costs: Grant requested 20.00; Total 20.00",
        "Total: 410.00 (Unit: 10,000 yuan)",
    ]
