"""The call-definition schema: what it accepts, what it refuses, and where it says the problem is."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from shenbao.calls.definition.load import (
    DefinitionInvalid,
    content_hash,
    parse_definition,
    parse_text,
    reconcile,
    to_data,
    to_yaml,
)
from shenbao.calls.messages import error_line

MINIMAL: dict[str, Any] = {
    "program": {"code": "p", "name": {"zh-hans": "项目", "en": "Program"}, "kind": "government_grant", "funder": "科技部"},
    "call": {"code": "c-2025", "title": "指南", "year": 2025, "direction_label": {"zh-hans": "指南方向", "en": "Direction"}},
    "timeline": [{"kind": "deadline", "at": "2025-04-01T00:00"}],
    "stated_totals": {"directions": 2, "projects": {"qualifier": "about", "value": 8}, "budget": {"amount_wan": 1500}},
    "directions": [
        {"code": "1.1", "title": "甲", "quota": {"qualifier": "exact", "value": 6}, "budget": {"total": {"amount_wan": 1080}}},
        {"code": "1.2", "title": "乙", "quota": {"qualifier": "at_most", "value": 2}, "budget": {"total": {"amount": 4_200_000}}},
    ],
}


def minimal(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def errors_of(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    return [(e.path, e.type) for e in info.value.errors]


def test_minimal_definition_parses_with_defaults() -> None:
    definition = parse_definition(minimal())
    assert definition.call.timezone == "Asia/Shanghai"
    assert definition.call.title.get("en") == "指南"  # falls back to the only language
    assert definition.directions[0].budget is not None
    assert definition.directions[0].budget.total is not None
    assert definition.directions[0].budget.total.yuan == 10_800_000


def test_unknown_key_is_refused_with_its_path() -> None:
    data = minimal()
    data["directions"][1]["quoat"] = {"value": 3}
    assert errors_of(data) == [("directions.1.quoat", "extra_forbidden")]


def test_wrong_type_names_the_nested_field() -> None:
    data = minimal()
    data["directions"][0]["quota"]["value"] = "six"
    assert errors_of(data) == [("directions.0.quota.value", "float_parsing")]


def test_unknown_country_code_is_refused() -> None:
    data = minimal()
    data["directions"][0]["partner"] = {"countries": ["NZ", "XX"]}
    assert errors_of(data) == [("directions.0.partner.countries.1", "country_unknown")]


def test_country_group_must_be_known() -> None:
    data = minimal()
    data["directions"][0]["partner"] = {"countries": ["@arab_states", "@nordic"]}
    assert errors_of(data) == [("directions.0.partner.countries.1", "country_group_unknown")]


def test_duplicate_direction_codes_are_refused() -> None:
    data = minimal()
    data["directions"][1]["code"] = "1.1"
    assert errors_of(data) == [("directions", "duplicate_code")]


def test_reference_to_unknown_direction_names_the_path() -> None:
    data = minimal(
        eligibility=[
            {
                "code": "lead",
                "text": "牵头单位须为企业",
                "rule": {"kind": "organisation_type", "types": ["enterprise"]},
                "directions": ["1.9"],
            }
        ]
    )
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    (error,) = info.value.errors
    assert (error.path, error.type, error.context["value"]) == ("eligibility.0.directions", "unknown_reference", "1.9")


def test_rule_of_unknown_kind_lists_the_known_kinds() -> None:
    data = minimal(eligibility=[{"code": "x", "text": "?", "rule": {"kind": "astrology"}}])
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    (error,) = info.value.errors
    assert (error.path, error.type) == ("eligibility.0.rule", "union_tag_invalid")
    assert "birth_date" in error.context["expected_tags"]


def test_rule_parameters_are_validated() -> None:
    data = minimal(
        eligibility=[
            {
                "code": "n",
                "text": "名称",
                "rule": {"kind": "name_pattern", "pattern": "中埃(.+联合实验室", "template": "中埃+领域"},
            }
        ]
    )
    assert errors_of(data) == [("eligibility.0.rule.pattern", "regex_invalid")]


def test_timeline_needs_a_deadline() -> None:
    assert errors_of(minimal(timeline=[{"kind": "opens", "at": "2025-03-01T00:00"}])) == [("", "deadline_missing")]


def test_timeline_times_are_local_without_offset() -> None:
    assert errors_of(minimal(timeline=[{"kind": "deadline", "at": "2025-04-01T00:00+08:00"}])) == [
        ("timeline.0", "timeline_offset")
    ]


def test_quota_range_must_be_ordered() -> None:
    data = minimal()
    data["directions"][0]["quota"] = {"qualifier": "range", "min": 20, "max": 8}
    assert errors_of(data) == [("directions.0.quota", "range_order")]


def test_money_takes_exactly_one_amount() -> None:
    data = minimal()
    data["directions"][0]["budget"] = {"total": {"amount": 1, "amount_wan": 1}}
    assert errors_of(data) == [("directions.0.budget.total", "money_one_amount")]


def test_empty_bilingual_text_is_refused() -> None:
    data = minimal()
    data["directions"][0]["title"] = {"zh-hans": " ", "en": ""}
    assert errors_of(data) == [("directions.0.title", "i18n_empty")]


def test_syntax_error_reports_the_line() -> None:
    with pytest.raises(DefinitionInvalid) as info:
        parse_text("program:\n  code: p\n call: [", source="bad.yaml")
    (error,) = info.value.errors
    assert error.type == "syntax"
    assert error.context["line"] == 3


def test_top_level_must_be_a_mapping() -> None:
    assert errors_of(["not", "a", "mapping"]) == [("", "not_a_mapping")]


def test_every_error_is_reported_at_once() -> None:
    data = minimal()
    del data["call"]["title"]
    data["directions"][0]["quota"]["qualifier"] = "roughly"
    assert errors_of(data) == [("call.title", "missing"), ("directions.0.quota.qualifier", "enum")]


def test_reconciliation_matches_when_parts_add_up() -> None:
    lines = {line.measure: line for line in reconcile(parse_definition(minimal()))}
    assert (lines["directions"].stated, lines["directions"].summed, lines["directions"].matches) == (2, 2, True)
    assert (lines["projects"].stated, lines["projects"].summed, lines["projects"].matches) == (8, 8, True)
    assert (lines["budget_yuan"].stated, lines["budget_yuan"].summed, lines["budget_yuan"].matches) == (
        15_000_000,
        15_000_000,
        True,
    )


def test_reconciliation_reports_difference_and_missing_parts() -> None:
    data = minimal()
    del data["directions"][1]["budget"]
    data["directions"][0]["quota"]["value"] = 5
    lines = {line.measure: line for line in reconcile(parse_definition(data))}
    assert (lines["projects"].summed, lines["projects"].difference, lines["projects"].matches) == (7, -1, False)
    assert (lines["budget_yuan"].summed, lines["budget_yuan"].missing, lines["budget_yuan"].matches) == (
        10_800_000,
        ("1.2",),
        False,
    )


def test_yaml_round_trip_keeps_the_content_hash() -> None:
    definition = parse_definition(minimal())
    again = parse_text(to_yaml(definition))
    assert to_data(again) == to_data(definition)
    assert content_hash(again) == content_hash(definition)


def test_nested_rule_errors_use_the_documents_own_keys() -> None:
    data = minimal(
        eligibility=[
            {
                "code": "young",
                "text": "青年",
                "rule": {
                    "kind": "any_of",
                    "rules": [
                        {
                            "kind": "all_of",
                            "rules": [{"kind": "birth_date", "on_or_after": "1985-13-01"}, {"kind": "no_overseas_employment"}],
                        },
                        {"kind": "previous_award", "award": "x", "award_name": "奖"},
                    ],
                },
            }
        ]
    )
    assert errors_of(data) == [("eligibility.0.rule.rules.0.rules.0.on_or_after", "date_from_datetime_parsing")]


def test_a_key_given_twice_is_refused_with_its_line() -> None:
    with pytest.raises(DefinitionInvalid) as info:
        parse_text("program:\n  code: p\neligibility: []\neligibility: []\n")
    (error,) = info.value.errors
    assert (error.type, error.context["line"]) == ("duplicate_key", 4)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("directions", 0, "quota", "value"), 1e9, "less_than_equal"),
        (("directions", 0, "quota", "value"), float("inf"), "finite_number"),
        (("directions", 0, "budget", "total", "amount_wan"), 1e20, "less_than_equal"),
    ],
)
def test_implausible_numbers_are_refused(path: tuple[Any, ...], value: Any, expected: str) -> None:
    data = minimal()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(data) == [(".".join(map(str, path)), expected)]


def test_duration_and_batch_are_bounded() -> None:
    data = minimal(duration={"unit": "years", "qualifier": "exact", "value": 5000})
    assert errors_of(data) == [("duration", "duration_too_long")]
    data = minimal()
    data["call"]["batch"] = 10**6
    assert errors_of(data) == [("call.batch", "less_than_equal")]


def test_call_code_must_be_url_safe() -> None:
    data = minimal()
    data["call"]["code"] = "xiaomi.jbgs.2025"
    assert errors_of(data) == [("call.code", "slug_format")]


@pytest.mark.parametrize(
    ("item", "at", "precision"),
    [
        ({"kind": "deadline", "at": "2025-03-31T24:00"}, dt.datetime(2025, 4, 1, 0, 0), "minute"),
        ({"kind": "deadline", "at": "2023-09-30"}, dt.datetime(2023, 10, 1, 0, 0), "day"),
        ({"kind": "opens", "at": "2025-10-01"}, dt.datetime(2025, 10, 1, 0, 0), "day"),
        ({"kind": "deadline", "at": "2025-11-20 24:00"}, dt.datetime(2025, 11, 21, 0, 0), "minute"),
    ],
)
def test_deadlines_read_as_chinese_calls_write_them(item: dict[str, Any], at: dt.datetime, precision: str) -> None:
    definition = parse_definition(minimal(timeline=[item] if item["kind"] == "deadline" else [item, MINIMAL["timeline"][0]]))
    first = definition.timeline[0]
    assert (first.at, first.precision.value) == (at, precision)


def test_about_duration_is_no_bound() -> None:
    """ "约3年" keeps its "about": a typical length, neither a minimum nor a maximum."""
    definition = parse_definition(minimal(duration={"unit": "years", "qualifier": "about", "value": 3}))
    assert definition.duration is not None
    assert (definition.duration.qualifier, definition.duration.value) == ("about", 3)
    assert (definition.duration.min_months, definition.duration.max_months) == (None, None)
    exact = parse_definition(minimal(duration={"unit": "years", "qualifier": "exact", "value": 3})).duration
    assert exact is not None and (exact.min_months, exact.max_months) == (36, 36)
    assert errors_of(minimal(duration={"unit": "years", "qualifier": "about"})) == [("duration", "quantity_needs_value")]


@pytest.mark.parametrize("currency", ["GBP", "HKD", "MOP", "TWD"])
def test_money_in_pounds_and_hong_kong_macao_taiwan_dollars(currency: str) -> None:
    data = minimal(budget={"per_project": {"amount_wan": 150, "currency": currency, "qualifier": "at_most"}})
    definition = parse_definition(data)
    assert definition.budget is not None and definition.budget.per_project is not None
    assert (definition.budget.per_project.currency, definition.budget.per_project.yuan) == (currency, 1_500_000)


def test_unknown_currency_is_refused() -> None:
    data = minimal(budget={"per_project": {"amount_wan": 150, "currency": "XYZ"}})
    assert errors_of(data) == [("budget.per_project", "currency_unknown")]


MIDTERM_REVIEW: dict[str, Any] = {
    "kind": "midterm",
    "experts_per_report": 2,
    "criteria": [
        {"code": "progress", "name": {"zh-hans": "进度", "en": "Progress"}, "weight": 60, "scale_max": 100},
        {"code": "funds", "name": {"zh-hans": "经费", "en": "Funds"}, "weight": 40, "scale_max": 100},
    ],
}


def test_report_reviews_take_the_review_stages_criteria() -> None:
    definition = parse_definition(minimal(report_reviews=[MIDTERM_REVIEW]))
    review = definition.report_review("midterm")
    assert review is not None
    assert [(c.code, c.weight, c.scale_min, c.scale_max) for c in review.criteria] == [
        ("progress", 60, 0, 100),
        ("funds", 40, 0, 100),
    ]
    assert (review.experts_per_report, review.use_affinity, review.aggregation) == (2, True, "mean")
    assert definition.report_review("final") is None
    assert parse_definition(minimal()).report_reviews == []  # none declared: one overall score


def test_report_reviews_are_refused_where_wrong() -> None:
    twice = copy.deepcopy(MIDTERM_REVIEW)
    assert errors_of(minimal(report_reviews=[MIDTERM_REVIEW, twice])) == [("report_reviews", "duplicate_code")]
    assert errors_of(minimal(report_reviews=[{**MIDTERM_REVIEW, "criteria": []}])) == [("report_reviews.0.criteria", "too_short")]
    assert errors_of(minimal(report_reviews=[{**MIDTERM_REVIEW, "kind": "annual"}])) == [
        ("report_reviews.0.kind", "literal_error")
    ]
    assert errors_of(minimal(report_reviews=[{**MIDTERM_REVIEW, "experts_per_report": 0}])) == [
        ("report_reviews.0.experts_per_report", "greater_than_equal")
    ]
    same_code = {**MIDTERM_REVIEW, "criteria": [MIDTERM_REVIEW["criteria"][0], MIDTERM_REVIEW["criteria"][0]]}
    assert errors_of(minimal(report_reviews=[same_code])) == [("report_reviews.0", "duplicate_code")]
    bad_scale = copy.deepcopy(MIDTERM_REVIEW)
    bad_scale["criteria"][0]["scale_min"] = 100
    assert errors_of(minimal(report_reviews=[bad_scale])) == [("report_reviews.0.criteria.0", "scale_order")]


def test_report_reviews_take_days_for_the_experts() -> None:
    review = parse_definition(minimal(report_reviews=[{**MIDTERM_REVIEW, "due_days": 21}])).report_review("midterm")
    assert review is not None and review.due_days == 21
    unset = parse_definition(minimal(report_reviews=[MIDTERM_REVIEW])).report_review("midterm")
    assert unset is not None and unset.due_days is None  # optional: no due date


@pytest.mark.parametrize(
    ("value", "code", "zh", "en"),
    [
        (0, "greater_than_equal", "不得小于 1。", "Must be at least 1."),
        (-3, "greater_than_equal", "不得小于 1。", "Must be at least 1."),
        (366, "less_than_equal", "不得大于 365。", "Must be at most 365."),
        ("two weeks", "int_parsing", "应为整数。", "Expected a whole number."),
        (1.5, "int_from_float", "应为整数。", "Expected a whole number."),
    ],
)
def test_report_review_due_days_are_refused_unless_a_positive_whole_number(value: Any, code: str, zh: str, en: str) -> None:
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(minimal(report_reviews=[{**MIDTERM_REVIEW, "due_days": value}]))
    [error] = info.value.errors
    assert (error.path, error.type) == ("report_reviews.0.due_days", code)
    assert error_line(error, "zh-hans") == f"report_reviews.0.due_days: {zh}"
    assert error_line(error, "en") == f"report_reviews.0.due_days: {en}"
