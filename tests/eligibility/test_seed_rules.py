"""For each seed call: an application that passes every rule, and for each rule one that fails it
with the expected reason in both languages (issue: Applications and eligibility, done-when 1)."""

from __future__ import annotations

import re
from functools import cache

import pytest
from django.utils import translation

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.definitions import SEED_FILES
from shenbao.eligibility.engine import Outcome, applies, evaluate
from shenbao.eligibility.messages import reason_text
from tests.eligibility.builders import break_rule, good_facts


@cache
def seed(code: str) -> CallDefinition:
    return parse_file(SEED_FILES[code])


def _directions(code: str) -> list[str | None]:
    definition = seed(code)
    return [d.code for d in definition.directions] or [None]


CASES = [(code, direction) for code in sorted(SEED_FILES) for direction in _directions(code)]
RULE_CASES = [
    (code, direction, criterion.code)
    for code, direction in CASES
    for criterion in seed(code).eligibility
    if applies(criterion, direction) and criterion.rule.kind != "human_check"
]


@pytest.mark.parametrize(("code", "direction"), CASES)
def test_good_application_passes_every_rule(code: str, direction: str | None) -> None:
    results = evaluate(seed(code), good_facts(seed(code), direction))
    assert results
    not_passed = [(r.code, r.outcome.value) for r in results if r.outcome != Outcome.PASS and r.kind != "human_check"]
    assert not_passed == []
    assert all(r.outcome == Outcome.NEEDS_REVIEW for r in results if r.kind == "human_check")


@pytest.mark.parametrize(("code", "direction", "criterion_code"), RULE_CASES)
def test_each_rule_fails_with_its_reason_in_both_languages(code: str, direction: str | None, criterion_code: str) -> None:
    definition = seed(code)
    criterion = next(x for x in definition.eligibility if x.code == criterion_code)
    facts, expected = break_rule(good_facts(definition, direction), criterion)
    results = {r.code: r for r in evaluate(definition, facts)}
    result = results[criterion_code]
    expected_outcome = {"must": Outcome.FAIL, "warn": Outcome.WARN, "review": Outcome.NEEDS_REVIEW}[criterion.level.value]
    assert result.outcome == expected_outcome
    assert result.reasons[0].code == expected
    with translation.override("zh-hans"):
        zh = reason_text(result.reasons[0])
    with translation.override("en"):
        en = reason_text(result.reasons[0])
    assert zh != en
    assert zh and en
    assert "%(" not in zh and "%(" not in en
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    # only the broken rule changes: every other rule keeps its verdict
    others = [
        r.code for r in results.values() if r.outcome != Outcome.PASS and r.kind != "human_check" and r.code != criterion_code
    ]
    allowed_companions = {x.code for x in definition.eligibility if x.rule.kind == criterion.rule.kind or x.rule.kind == "any_of"}
    assert set(others) <= allowed_companions | _linked(definition, criterion_code)


def _linked(definition: CallDefinition, code: str) -> set[str]:
    """Rules that necessarily fail together (a missing document also fails its document rule …)."""
    criterion = next(x for x in definition.eligibility if x.code == code)
    kinds = {
        # a partner from another country no longer fits the country part of a joint laboratory's name
        "partner_country": {"exclusive_directions", "partner_registration", "per_partner_country", "name_pattern"},
        "partner_organisation": {"partner_affiliation"},
        "partner_registration": set(),
        "participation": {"partner_registration"},
        "exclusive_directions": {
            "partner_country",
            "partner_registration",
            "partner_affiliation",
            "per_partner_country",
            "name_pattern",
        },
        "organisation_type": {"participation", "matching_funds"},
        "matching_funds": set(),
    }.get(criterion.rule.kind, set())
    return {x.code for x in definition.eligibility if x.rule.kind in kinds}


@pytest.mark.parametrize(("code", "direction"), [("000", None), ("003", "2.2"), ("004", "enterprise-pioneer-engine")])
def test_results_survive_storage(code: str, direction: str | None) -> None:
    from shenbao.eligibility.engine import decode_results, encode_results

    results = evaluate(seed(code), good_facts(seed(code), direction))
    assert decode_results(encode_results(results)) == results


def test_every_rule_kind_is_explained_in_both_languages() -> None:
    from shenbao.calls.definition.criteria import RULE_KINDS
    from shenbao.eligibility.messages import RULE_EXPLANATIONS, explain_kind

    assert sorted(RULE_EXPLANATIONS) == sorted(RULE_KINDS)
    for kind in RULE_KINDS:
        with translation.override("en"):
            en = explain_kind(kind)
        with translation.override("zh-hans"):
            zh = explain_kind(kind)
        assert en != zh
        assert re.search(r"[\u4e00-\u9fff]", zh), kind


def test_matching_funds_compare_exactly() -> None:
    import dataclasses

    from shenbao.calls.definition.criteria import Criterion

    definition = seed("003")
    criterion = next(c for c in definition.eligibility if c.rule.kind == "matching_funds")
    half = Criterion.model_validate(
        {**criterion.model_dump(by_alias=True), "rule": {**criterion.rule.model_dump(), "min_ratio": 0.5}}
    )
    definition = definition.model_copy(update={"eligibility": [half]})
    facts = good_facts(seed("003"), "1.3")
    assert facts.lead is not None
    facts = dataclasses.replace(facts, requested_yuan=3, funder_grant_share_yuan=3)
    short = dataclasses.replace(facts, lead=dataclasses.replace(facts.lead, matching_funds_yuan=1))
    enough = dataclasses.replace(facts, lead=dataclasses.replace(facts.lead, matching_funds_yuan=2))
    assert evaluate(definition, short)[0].outcome == Outcome.FAIL  # 1 < 1.5
    assert evaluate(definition, enough)[0].outcome == Outcome.PASS
