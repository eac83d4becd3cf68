"""Issue 19: the budget table as a form field type, its definition checks and its four rule kinds.

Every rule kind passes and fails, and each reason is checked word for word in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from shenbao.calls.definition.budget import BudgetSpec, budget_table, clean_budget
from shenbao.calls.definition.load import DefinitionInvalid, parse_definition
from shenbao.calls.definition.schema import CallDefinition
from shenbao.eligibility.engine import CriterionResult, Outcome, evaluate
from shenbao.eligibility.facts import ApplicationFacts
from shenbao.eligibility.messages import reason_text
from tests.conftest import seed_data

BUDGET_FIELD: dict[str, Any] = {
    "code": "budget_table",
    "label": {"zh-hans": "经费预算表", "en": "Budget table"},
    "type": "budget",
    "budget": {
        "unit": "wan",
        "decimals": 2,
        "sources": ["grant", "enterprise", "self_raised"],
        "categories": [
            {"code": "equipment", "label": {"zh-hans": "设备费", "en": "Equipment"}},
            {
                "code": "operating",
                "label": {"zh-hans": "业务费", "en": "Operating costs"},
                "lines": [
                    {"code": "materials", "label": {"zh-hans": "材料费", "en": "Materials"}},
                    {"code": "testing", "label": {"zh-hans": "测试化验加工费", "en": "Testing"}},
                ],
            },
            {"code": "labour", "label": {"zh-hans": "劳务费", "en": "Labour costs"}},
            {"code": "indirect", "label": {"zh-hans": "间接费用", "en": "Indirect costs"}, "direct": False},
        ],
    },
}


def _criterion(code: str, rule: dict[str, Any], directions: list[str] | None = None) -> dict[str, Any]:
    return {"code": code, "text": {"zh-hans": code, "en": code}, "rule": rule, "directions": directions or []}


CRITERIA = [
    _criterion("budget-total", {"kind": "budget_total", "field": "budget_table", "equals": "requested_budget"}),
    _criterion("budget-all-total", {"kind": "budget_total", "field": "budget_table", "equals": "total_cost", "column": "all"}),
    _criterion(
        "budget-indirect",
        {"kind": "budget_share", "field": "budget_table", "line": "indirect", "max_percent": 20, "of": "direct"},
    ),
    _criterion("budget-equipment", {"kind": "budget_share", "field": "budget_table", "line": "equipment", "max_percent": 40}),
    _criterion(
        "budget-matching",
        {"kind": "budget_matching", "field": "budget_table", "min_ratio": 1, "sources": ["enterprise"]},
        ["1.3"],
    ),
    _criterion("budget-cap-direction", {"kind": "budget_cap", "field": "budget_table"}),
    _criterion("budget-cap-fixed", {"kind": "budget_cap", "field": "budget_table", "max": {"amount_wan": 300}}),
]
TOTAL_COST = {
    "code": "total_cost",
    "label": {"zh-hans": "项目总经费（元）", "en": "Total project cost (yuan)"},
    "type": "money",
}


def seed_003() -> dict[str, Any]:
    """Seed 003 without its own budget table: the tests lay out their own under the same code."""
    data = seed_data("003")
    data["form"] = [f for f in data["form"] if f["code"] != "budget_table"]
    return data


def definition_data() -> dict[str, Any]:
    data = seed_003()
    data["form"] += [dict(BUDGET_FIELD), dict(TOTAL_COST)]
    data["eligibility"] += CRITERIA
    return data


DEFINITION: CallDefinition = parse_definition(definition_data())

GOOD = {
    "lines": {
        "equipment": {"grant": "60.00", "enterprise": "100.00"},
        "materials": {"grant": "50.00", "enterprise": "100.00"},
        "testing": {"grant": "30.00"},
        "labour": {"grant": "40.00", "self_raised": "10.00"},
        "indirect": {"grant": "20.00"},
    },
    "notes": {"equipment": "两台光谱仪"},
}


def facts(
    budget: dict[str, Any] | None = GOOD,
    *,
    requested: int | None = 2_000_000,
    total: str | None = "4100000",
    direction: str = "1.3",
) -> ApplicationFacts:
    values: dict[str, Any] = {"total_cost": total}
    if budget is not None:
        values["budget_table"] = budget
    return ApplicationFacts(as_of=dt.date(2025, 3, 20), direction=direction, requested_yuan=requested, values=values)


def with_lines(**changes: dict[str, str]) -> dict[str, Any]:
    lines = {k: dict(v) for k, v in GOOD["lines"].items()}
    for line, amounts in changes.items():
        lines[line] = {**lines.get(line, {}), **amounts}
    return {"lines": lines}


def result(f: ApplicationFacts, code: str) -> CriterionResult:
    return {r.code: r for r in evaluate(DEFINITION, f)}[code]


def texts(res: CriterionResult) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = reason_text(res.reasons[0])
    with translation.override("en"):
        en = reason_text(res.reasons[0])
    return zh, en


# -- totals ---------------------------------------------------------------------------------------


def test_totals_per_row_column_and_grand_with_sub_lines_summed_into_their_category() -> None:
    spec = DEFINITION.form[-2].budget_spec
    table = budget_table(spec, GOOD)
    operating = table.row("operating")
    assert operating is not None and operating.amounts == {
        "grant": Decimal("80.00"),
        "enterprise": Decimal("100.00"),
        "self_raised": Decimal(0),
    }
    assert operating.total == Decimal("180.00") and not operating.subline
    assert [r.code for r in table.rows] == ["equipment", "operating", "materials", "testing", "labour", "indirect"]
    assert table.column_totals == {"grant": Decimal("200.00"), "enterprise": Decimal("200.00"), "self_raised": Decimal("10.00")}
    assert table.grand_total == Decimal("410.00")
    assert table.direct_totals["grant"] == Decimal("180.00")
    assert table.yuan(table.grand_total) == Decimal("4100000")
    assert table.row("equipment").note == "两台光谱仪"  # type: ignore[union-attr]


# -- each rule kind, passing and failing, in both languages ---------------------------------------


def test_budget_total_equals_the_requested_grant_passes() -> None:
    res = result(facts(), "budget-total")
    assert res.outcome == Outcome.PASS
    assert texts(res) == (
        "经费预算表中申请经费合计 2,000,000 元，与“申请国拨经费（元）”一致。",
        "The grant requested in the budget table totals 2,000,000 yuan, as given as “Requested central-government funding (yuan)”.",
    )


def test_budget_total_differing_from_the_requested_grant_fails() -> None:
    res = result(facts(requested=2_100_000), "budget-total")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "经费预算表中申请经费合计 2,000,000 元，与“申请国拨经费（元）”所填 2,100,000 元不一致。",
        "The grant requested in the budget table totals 2,000,000 yuan, not the 2,100,000 yuan given as "
        "“Requested central-government funding (yuan)”.",
    )


def test_budget_total_over_every_source_against_an_unbound_money_field() -> None:
    assert result(facts(), "budget-all-total").outcome == Outcome.PASS
    res = result(facts(total="4000000"), "budget-all-total")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "经费预算表各来源合计 4,100,000 元，与“项目总经费（元）”所填 4,000,000 元不一致。",
        "The budget table totals 4,100,000 yuan over every source, not the 4,000,000 yuan given as “Total project cost (yuan)”.",
    )


def test_budget_total_without_the_amount_or_the_table_fails_naming_what_is_missing() -> None:
    res = result(facts(requested=None), "budget-total")
    assert (res.outcome, texts(res)) == (
        Outcome.FAIL,
        (
            "未填写“申请国拨经费（元）”，无法与预算合计核对。",
            "“Requested central-government funding (yuan)” is not given, so the budget's total cannot be compared with it.",
        ),
    )
    res = result(facts(None), "budget-total")
    assert (res.outcome, texts(res)) == (
        Outcome.FAIL,
        ("尚未填写经费预算表“经费预算表”。", "The budget table “Budget table” is not filled in."),
    )


def test_indirect_costs_within_a_share_of_the_direct_costs_pass() -> None:
    res = result(facts(), "budget-indirect")
    assert res.outcome == Outcome.PASS
    assert texts(res) == (
        "间接费用为 200,000 元，占直接费用 1,800,000 元的 11.1%（不超过 20%）。",
        "Indirect costs is 200,000 yuan, 11.1% of the direct costs of 1,800,000 yuan (at most 20%).",
    )


def test_indirect_costs_above_the_share_of_the_direct_costs_fail() -> None:
    res = result(facts(with_lines(indirect={"grant": "40"})), "budget-indirect")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "间接费用为 400,000 元，占直接费用 1,800,000 元的 22.2%；不得超过 20%。",
        "Indirect costs is 400,000 yuan, 22.2% of the direct costs of 1,800,000 yuan; at most 20% is allowed.",
    )


def test_a_category_within_and_above_a_share_of_the_total() -> None:
    res = result(facts(), "budget-equipment")
    assert res.outcome == Outcome.PASS
    assert texts(res) == (
        "设备费为 600,000 元，占总额 2,000,000 元的 30.0%（不超过 40%）。",
        "Equipment is 600,000 yuan, 30.0% of the total of 2,000,000 yuan (at most 40%).",
    )
    res = result(facts(with_lines(equipment={"grant": "100"})), "budget-equipment")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "设备费为 1,000,000 元，占总额 2,400,000 元的 41.7%；不得超过 40%。",
        "Equipment is 1,000,000 yuan, 41.7% of the total of 2,400,000 yuan; at most 40% is allowed.",
    )


def test_matching_at_least_the_grant_passes_and_short_of_it_fails() -> None:
    res = result(facts(), "budget-matching")
    assert res.outcome == Outcome.PASS
    assert texts(res) == (
        "预算中的配套经费为 2,000,000 元，不少于 2,000,000 元（申请经费 2,000,000 元的 1 倍）。",
        "Co-funding in the budget is 2,000,000 yuan, at least 2,000,000 yuan (1 × the grant of 2,000,000 yuan).",
    )
    # the self-raised 100,000 is not enterprise matching: only the listed source counts
    res = result(facts(with_lines(materials={"enterprise": "99.99"})), "budget-matching")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "预算中的配套经费为 1,999,900 元，少于 2,000,000 元（申请经费 2,000,000 元的 1 倍）。",
        "Co-funding in the budget is 1,999,900 yuan, less than 2,000,000 yuan (1 × the grant of 2,000,000 yuan).",
    )


def test_matching_applies_only_to_its_direction() -> None:
    assert "budget-matching" not in {r.code for r in evaluate(DEFINITION, facts(direction="1.1"))}


def test_budget_within_and_above_the_directions_whole_budget() -> None:
    res = result(facts(), "budget-cap-direction")
    assert res.outcome == Outcome.PASS
    assert texts(res) == (
        "预算申请 2,000,000 元，未超过上限 12,500,000 元。",
        "The budget asks for 2,000,000 yuan, within the cap of 12,500,000 yuan.",
    )
    res = result(facts(with_lines(equipment={"grant": "1120"})), "budget-cap-direction")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "预算申请 12,600,000 元，超过方向 1.3 共拟支持经费 12,500,000 元。",
        "The budget asks for 12,600,000 yuan, more than direction 1.3's whole budget of 12,500,000 yuan.",
    )


def test_budget_above_a_per_project_cap_of_the_direction() -> None:
    data = definition_data()
    flagship = next(d for d in data["directions"] if d["code"] == "1.3")
    flagship["budget"]["per_project"] = {"amount_wan": 150, "qualifier": "at_most"}
    res = {r.code: r for r in evaluate(parse_definition(data), facts())}["budget-cap-direction"]
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "预算申请 2,000,000 元，超过方向 1.3 每项 1,500,000 元的上限。",
        "The budget asks for 2,000,000 yuan, more than the 1,500,000 yuan per project of direction 1.3.",
    )


def test_budget_within_and_above_the_rules_own_cap() -> None:
    assert result(facts(), "budget-cap-fixed").outcome == Outcome.PASS
    res = result(facts(with_lines(equipment={"grant": "160.01"})), "budget-cap-fixed")
    assert res.outcome == Outcome.FAIL
    assert texts(res) == (
        "预算申请 3,000,100 元，超过上限 3,000,000 元。",
        "The budget asks for 3,000,100 yuan, more than the cap of 3,000,000 yuan.",
    )


def test_budget_cap_without_any_cap_is_left_to_staff() -> None:
    data = definition_data()
    for d in data["directions"]:
        if d["code"] == "1.3":
            d.pop("budget", None)
    res = {r.code: r for r in evaluate(parse_definition(data), facts())}["budget-cap-direction"]
    assert res.outcome == Outcome.NEEDS_REVIEW
    assert texts(res) == (
        "预算申请 2,000,000 元；指南未规定该方向的上限，由工作人员决定。",
        "The budget asks for 2,000,000 yuan; the call states no cap for this direction, so staff decide.",
    )


# -- malformed definitions are refused with codes -------------------------------------------------


def _refused(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(data)
    return [(e.type, e.path) for e in caught.value.errors]


def _budget_field(**budget: Any) -> dict[str, Any]:
    data = seed_003()
    data["form"].append({**BUDGET_FIELD, "budget": {**BUDGET_FIELD["budget"], **budget}})
    return data


def test_malformed_budget_definitions_are_refused_with_codes() -> None:
    assert [t for t, _ in _refused(_budget_field(sources=["enterprise"]))] == ["budget_grant_missing"]
    assert [t for t, _ in _refused(_budget_field(sources=["grant", "grant"]))] == ["duplicate_code"]
    assert [t for t, _ in _refused(_budget_field(unit="yuan", decimals=3))] == ["budget_decimals"]
    assert [t for t, _ in _refused(_budget_field(categories=[]))] == ["budget_categories_missing"]
    one = [{"code": "operating", "label": "业务费", "lines": [{"code": "materials", "label": "材料费"}]}]
    assert [t for t, _ in _refused(_budget_field(categories=one))] == ["budget_single_subline"]
    twice = [
        {"code": "operating", "label": "业务费", "lines": [{"code": "a", "label": "甲"}, {"code": "operating", "label": "乙"}]}
    ]
    assert [t for t, _ in _refused(_budget_field(categories=twice))] == ["duplicate_code"]
    assert [t for t, _ in _refused(_budget_field(sources=["grant", "lottery"]))] == ["enum"]
    data = seed_003()
    data["form"].append({**BUDGET_FIELD, "type": "money"})
    assert [t for t, _ in _refused(data)] == ["budget_options_unexpected"]
    data = seed_003()
    data["form"].append({**BUDGET_FIELD, "binds": "requested_yuan"})
    assert [t for t, _ in _refused(data)] == ["budget_bound"]


def test_budget_rules_naming_what_is_not_there_are_refused_with_codes() -> None:
    data = definition_data()
    data["eligibility"].append(
        _criterion("x", {"kind": "budget_share", "field": "requested_budget", "line": "a", "max_percent": 5})
    )
    assert _refused(data) == [("budget_field_unknown", f"eligibility.{len(data['eligibility']) - 1}.rule.field")]
    data = definition_data()
    data["eligibility"].append(_criterion("x", {"kind": "budget_total", "field": "budget_table", "equals": "title_en"}))
    assert _refused(data) == [("amount_field_unknown", f"eligibility.{len(data['eligibility']) - 1}.rule.equals")]
    data = definition_data()
    data["eligibility"].append(_criterion("x", {"kind": "budget_share", "field": "budget_table", "line": "x", "max_percent": 5}))
    assert _refused(data) == [("unknown_reference", f"eligibility.{len(data['eligibility']) - 1}.rule.line")]
    data = definition_data()
    data["eligibility"].append(
        _criterion("x", {"kind": "budget_matching", "field": "budget_table", "min_ratio": 1, "sources": ["partner"]})
    )
    assert _refused(data) == [("budget_source_unknown", f"eligibility.{len(data['eligibility']) - 1}.rule.sources")]
    data = definition_data()
    data["eligibility"].append(
        _criterion("x", {"kind": "budget_matching", "field": "budget_table", "min_ratio": 1, "sources": ["grant"]})
    )
    assert [t for t, _ in _refused(data)] == ["matching_counts_grant"]
    data = definition_data()
    data["eligibility"].append(
        _criterion("x", {"kind": "budget_share", "field": "budget_table", "line": "labour", "max_percent": 120})
    )
    assert [t for t, _ in _refused(data)] == ["less_than_equal"]


def test_a_budget_field_without_a_table_takes_the_default_categories() -> None:
    data = seed_003()
    data["form"].append({"code": "plain", "label": "经费预算", "type": "budget"})
    spec = parse_definition(data).form[-1].budget_spec
    assert spec.unit == "wan" and [s.value for s in spec.sources] == ["grant"]
    assert [(c.code, c.label.get("zh-hans"), c.direct) for c in spec.categories] == [
        ("equipment", "设备费", True),
        ("operating", "业务费", True),
        ("labour", "劳务费", True),
        ("indirect", "间接费用", False),
    ]


# -- entered values --------------------------------------------------------------------------------


SPEC = BudgetSpec.model_validate(BUDGET_FIELD["budget"])


def test_clean_budget_normalises_amounts_and_drops_empty_cells() -> None:
    value, errors = clean_budget(
        SPEC, {"lines": {"equipment": {"grant": "1,200.5", "enterprise": ""}}, "notes": {"labour": " 两人 "}}
    )
    assert errors == []
    assert value == {"lines": {"equipment": {"grant": "1200.50"}}, "notes": {"labour": "两人"}}
    assert clean_budget(SPEC, {"lines": {}, "notes": {}}) == (None, [])


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ({"equipment": {"grant": "-1"}}, "budget_negative", {"line": "equipment", "source": "grant", "text": "-1"}),
        ({"equipment": {"grant": "abc"}}, "budget_not_a_number", {"line": "equipment", "source": "grant", "text": "abc"}),
        (
            {"equipment": {"grant": "1.234"}},
            "budget_too_many_decimals",
            {"line": "equipment", "source": "grant", "text": "1.234", "decimals": 2},
        ),
        ({"equipment": {"grant": "1e12"}}, "budget_too_large", {"line": "equipment", "source": "grant", "text": "1e12"}),
        ({"operating": {"grant": "5"}}, "budget_line_has_sublines", {"line": "operating"}),
        ({"travel": {"grant": "5"}}, "budget_unknown_line", {"line": "travel"}),
        ({"equipment": {"partner": "5"}}, "budget_unknown_source", {"line": "equipment", "source": "partner"}),
    ],
)
def test_clean_budget_refuses_bad_amounts_with_codes(raw: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    value, errors = clean_budget(SPEC, {"lines": raw})
    assert value is None
    assert [(e.code, e.params) for e in errors] == [(code, params)]


# -- seed 003 and its demo budgets -----------------------------------------------------------------


def test_seed_003_has_a_budget_table_with_the_enterprise_matching_column() -> None:
    definition = parse_definition(seed_data("003"))
    field = next(f for f in definition.form if f.code == "budget_table")
    spec = field.budget_spec
    assert (spec.unit, spec.decimals, [s.value for s in spec.sources]) == ("wan", 2, ["grant", "self_raised", "enterprise"])
    assert spec.entry_codes() == ["equipment", "materials", "travel_cooperation", "publication_ip", "labour", "indirect"]
    assert [c.code for c in spec.categories if not c.direct] == ["indirect"]


@pytest.mark.parametrize(("requested", "direction"), [(2_500_000, "1.3"), (1_800_000, "1.1"), (4_000_000, "1.4")])
def test_demo_budgets_total_the_request_and_1_3_carries_enterprise_matching(requested: int, direction: str) -> None:
    from shenbao.cli.demo_reviews import demo_budget

    spec = parse_definition(seed_data("003")).form[5].budget_spec
    value = demo_budget(requested, direction)
    assert clean_budget(spec, value) == (value, [])
    table = budget_table(spec, value)
    assert table.yuan(table.column_totals["grant"]) == requested
    assert table.yuan(table.column_totals["self_raised"]) == requested // 10
    assert table.yuan(table.column_totals["enterprise"]) == (requested // 2 if direction == "1.3" else 0)
