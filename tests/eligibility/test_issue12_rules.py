"""Issue 12: seed rules the engine got wrong or missed, each on the seed's own definition."""

from __future__ import annotations

import dataclasses
import re
from functools import cache

import pytest
from django.utils import translation

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.definitions import SEED_FILES
from shenbao.eligibility.engine import CriterionResult, Outcome, evaluate
from shenbao.eligibility.facts import ApplicationFacts, CallContext, DocumentFacts, OrgFacts, PersonFacts
from shenbao.eligibility.messages import reason_text
from tests.eligibility.builders import good_facts

r = dataclasses.replace


@cache
def seed(code: str) -> CallDefinition:
    return parse_file(SEED_FILES[code])


def result(facts: ApplicationFacts, criterion: str, code: str = "003") -> CriterionResult:
    return {x.code: x for x in evaluate(seed(code), facts)}[criterion]


def texts(res: CriterionResult) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = reason_text(res.reasons[0])
    with translation.override("en"):
        en = reason_text(res.reasons[0])
    return zh, en


# -- 12.4: 1.3 matching funds against what the enterprise receives ------------------------------


def _flagship(*, requested: int, share: int | None, funds: int) -> ApplicationFacts:
    facts = good_facts(seed("003"), "1.3")
    assert facts.lead is not None
    return r(facts, requested_yuan=requested, funder_grant_share_yuan=share, lead=r(facts.lead, matching_funds_yuan=funds))


def test_matching_funds_1_3_equal_to_the_enterprise_share_pass_below_the_whole_grant() -> None:
    # the project asks 2,500,000; the enterprise receives 600,000 of it and matches 600,000
    res = result(_flagship(requested=2_500_000, share=600_000, funds=600_000), "matching-funds-1.3")
    assert (res.outcome, res.reasons[0].code, res.reasons[0].params) == (
        Outcome.PASS,
        "matching_funds_ok",
        {"funds": 600_000, "needed": 600_000},
    )


def test_matching_funds_1_3_below_the_enterprise_share_fail_naming_the_share() -> None:
    res = result(_flagship(requested=2_500_000, share=600_000, funds=599_999), "matching-funds-1.3")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "matching_funds_short_of_share")
    zh, en = texts(res)
    assert en == (
        "Matching funds of 599,999 yuan are less than 600,000 yuan (1.0 × the 600,000 yuan of the grant the enterprise receives)."
    )
    assert zh == "配套出资 599,999 元，少于所需的 600,000 元（企业获得的国拨经费 600,000 元的 1.0 倍）。"


def test_matching_funds_1_3_without_the_enterprise_share_fail_as_unanswered() -> None:
    res = result(_flagship(requested=2_500_000, share=None, funds=5_000_000), "matching-funds-1.3")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "grant_share_missing")
    assert texts(res) == (
        "未填写中方企业获得的国拨经费。",
        "The part of the grant that the Chinese enterprise receives is not given.",
    )


def test_matching_funds_1_3_share_above_the_grant_fails() -> None:
    res = result(_flagship(requested=1_000_000, share=1_000_001, funds=2_000_000), "matching-funds-1.3")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "grant_share_above_grant")


# -- 12.6: exclusivity is about one applicant; the per-country cap never refuses ----------------


def test_exclusivity_1_6_looks_only_at_the_applicants_own_applications() -> None:
    facts = r(good_facts(seed("003"), "1.6"), foreign_partners=(OrgFacts(name="Cairo University", country="EG"),))
    # another applicant's 1.5 application with Egypt is not in the applicant's own context
    assert result(r(facts, context=CallContext(direction_country_counts={"EG": 1})), "exclusive-1.5-1.6").outcome == Outcome.PASS
    own = r(facts, context=CallContext(own_country_directions={"EG": frozenset({"1.5"})}))
    res = result(own, "exclusive-1.5-1.6")
    assert (res.outcome, res.reasons[0].code, res.reasons[0].params) == (
        Outcome.FAIL,
        "country_used_in_other_direction",
        {"country": "EG", "directions": ["1.5"]},
    )
    zh, en = texts(res)
    assert en == (
        "You (or the same partner pair) already apply with Egypt in direction(s) 1.5; "
        "with one country you may apply through only one of them."
    )
    assert zh == "您（或同一中外合作单位组合）已与埃及在指南方向 1.5 中申报；同一合作国只能通过其中一个途径申报。"


@pytest.mark.parametrize("direction", ["1.5", "1.6"])
def test_one_project_per_country_1_5_1_6_warns_and_never_refuses(direction: str) -> None:
    facts = good_facts(seed("003"), direction)
    country = facts.foreign_partners[0].country
    assert country is not None
    taken = r(facts, context=CallContext(direction_country_counts={country: 1}))
    res = result(taken, f"per-country-{direction}")
    assert (res.outcome, res.reasons[0].code) == (Outcome.WARN, "country_taken_in_direction")
    assert all(x.outcome != Outcome.FAIL for x in evaluate(seed("003"), taken))
    _zh, en = texts(res)
    assert en.endswith("at most 1 project(s) per country are funded, which is decided at selection.")


# -- 2.3: the Horizon Europe grant agreement when the project is funded --------------------------


def _horizon(status: str | None, *, agreement: bool) -> ApplicationFacts:
    facts = good_facts(seed("003"), "2.3")
    values = {} if status is None else {"horizon_status": status}
    documents = tuple(d for d in facts.documents if d.code != "horizon-grant-agreement")
    if agreement:
        documents = (*documents, DocumentFacts(code="horizon-grant-agreement"))
    return r(facts, values=values, documents=documents)


def test_horizon_grant_agreement_2_3_required_when_funded() -> None:
    res = result(_horizon("funded", agreement=False), "doc-rule-horizon-grant-agreement")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "document_missing")
    assert result(_horizon("funded", agreement=True), "doc-rule-horizon-grant-agreement").outcome == Outcome.PASS


def test_horizon_grant_agreement_2_3_not_needed_while_only_applied() -> None:
    res = result(_horizon("applied", agreement=False), "doc-rule-horizon-grant-agreement")
    assert (res.outcome, res.reasons[0].code) == (Outcome.PASS, "document_not_needed")


def test_horizon_status_2_3_unanswered_fails_naming_the_question() -> None:
    res = result(_horizon(None, agreement=False), "doc-rule-horizon-grant-agreement")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "document_condition_missing")
    zh, en = texts(res)
    assert en == (
        "“Current status of the Horizon Europe project” is not answered, so whether "
        "“Horizon Europe grant agreement or other proof of funding” is needed is not known."
    )
    assert zh == "未回答“地平线欧洲项目当前状态”，因此无法确定是否需要提交“地平线欧洲项目立项协议等证明材料”。"


# -- 2.9: the whole content of the chosen field, declared for that field -------------------------


def _basic_research(field_index: int, declared: int | None) -> ApplicationFacts:
    facts = good_facts(seed("003"), "2.9")
    fields = [f.get("zh-hans") for f in next(d for d in seed("003").directions if d.code == "2.9").fields]
    declarations = {d for d in facts.declarations if not d.startswith("field-choice-2.9=")}
    if declared is not None:
        declarations.add(f"field-choice-2.9={fields[declared]}")
    return r(facts, fields=(fields[field_index],), declarations=frozenset(declarations))


def test_coverage_2_9_unchecked_fails_naming_the_field() -> None:
    res = result(_basic_research(1, None), "field-choice-2.9")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "field_coverage_not_declared")
    zh, en = texts(res)
    assert zh.startswith("尚未确认项目涵盖所申报领域方向“自适应长波红外多维光电探测技术")
    assert en.startswith("Not yet confirmed that the project covers all the research content of the chosen field “")
    assert re.search(r"[\u4e00-\u9fff]", en) is None


def test_coverage_2_9_declared_for_another_field_fails() -> None:
    assert result(_basic_research(1, 0), "field-choice-2.9").outcome == Outcome.FAIL


def test_coverage_2_9_declared_for_the_chosen_field_passes() -> None:
    res = result(_basic_research(1, 1), "field-choice-2.9")
    assert (res.outcome, res.reasons[0].code) == (Outcome.PASS, "field_coverage_declared")


# -- joint-laboratory names: the country part is the partner's country ---------------------------


@pytest.mark.parametrize(
    ("direction", "title", "country", "outcome", "reason"),
    [
        ("1.5", "中沙绿色低碳联合实验室", "SA", Outcome.PASS, "name_matches"),
        ("1.5", "中沙特绿色低碳联合实验室", "SA", Outcome.PASS, "name_matches"),
        ("1.5", "中阿联酋人工智能联合实验室", "AE", Outcome.PASS, "name_matches"),
        ("1.5", "中埃人工智能联合实验室", "EG", Outcome.PASS, "name_matches"),
        ("1.5", "中国人工智能联合实验室", "SA", Outcome.FAIL, "name_country_mismatch"),
        ("1.5", "中法人工智能联合实验室", "SA", Outcome.FAIL, "name_country_mismatch"),
        ("1.6", "中肯现代农业联合实验室", "KE", Outcome.PASS, "name_matches"),
        ("1.6", "中沙现代农业联合实验室", "KE", Outcome.FAIL, "name_country_mismatch"),
        ("2.2", "中法人工智能联合实验室", "FR", Outcome.PASS, "name_matches"),
        ("2.2", "中英人工智能联合实验室", "FR", Outcome.FAIL, "name_country_mismatch"),
        ("2.2", "中国人工智能联合实验室", "FR", Outcome.FAIL, "name_country_mismatch"),
        ("2.8", "中匈生命健康联合实验室", "HU", Outcome.PASS, "name_matches"),
        ("2.8", "中英生命健康联合实验室", "HU", Outcome.FAIL, "name_mismatch"),
    ],
)
def test_joint_lab_name_names_the_partner_country(
    direction: str, title: str, country: str, outcome: Outcome, reason: str
) -> None:
    facts = good_facts(seed("003"), direction)
    partner = r(facts.foreign_partners[0], country=country)
    code = {"1.5": "name-1.5-1.6", "1.6": "name-1.5-1.6", "2.2": "name-2.2", "2.8": "name-2.8"}[direction]
    res = result(r(facts, title=title, foreign_partners=(partner,)), code)
    assert (res.outcome, res.reasons[0].code) == (outcome, reason)


def test_joint_lab_name_mismatch_says_which_country_and_names() -> None:
    facts = good_facts(seed("003"), "2.2")
    partner = r(facts.foreign_partners[0], country="FR")
    res = result(r(facts, title="中英人工智能联合实验室", foreign_partners=(partner,)), "name-2.2")
    zh, en = texts(res)
    assert (
        en == "The country in the name “中英人工智能联合实验室” is not the partner country France; the name should use: 法, 法国."
    )
    assert zh == "名称“中英人工智能联合实验室”中的国家简称与合作国法国不符；名称应使用：法、法国。"


def test_joint_lab_name_with_a_country_whose_short_form_is_unknown_goes_to_staff() -> None:
    facts = good_facts(seed("003"), "1.6")
    partner = r(facts.foreign_partners[0], country="BJ")  # Benin: no short form listed
    assert result(r(facts, title="中贝人工智能联合实验室", foreign_partners=(partner,)), "name-1.5-1.6").outcome == (
        Outcome.NEEDS_REVIEW
    )
    assert result(r(facts, title="中贝宁人工智能联合实验室", foreign_partners=(partner,)), "name-1.5-1.6").outcome == (
        Outcome.PASS
    )


# -- seed 000: overseas employment not answered ----------------------------------------------------


def _scholar(**person: object) -> ApplicationFacts:
    facts = good_facts(seed("000"), None)
    return r(facts, applicant=r(facts.applicant, **person))


def test_overseas_employment_000_unanswered_fails_as_not_answered() -> None:
    res = result(_scholar(overseas_employment=None), "no-overseas-employment", "000")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "overseas_employment_missing")
    assert texts(res) == ("未作出境外任职情况声明。", "The overseas-employment declaration is not made.")


# -- 2.4: the CNR affiliation date binds external persons only --------------------------------------


def _cnr(external: bool | None, until: str | None) -> ApplicationFacts:
    import datetime as dt

    facts = good_facts(seed("003"), "2.4")
    partner = r(
        facts.foreign_partners[0],
        external_affiliation=external,
        affiliation_valid_until=dt.date.fromisoformat(until) if until else None,
    )
    return r(facts, foreign_partners=(partner,))


def test_cnr_affiliation_2_4_staff_need_no_proof_date() -> None:
    res = result(_cnr(False, None), "cnr-affiliation-2.4")
    assert (res.outcome, res.reasons[0].code) == (Outcome.PASS, "affiliation_not_needed")


def test_cnr_affiliation_2_4_external_persons_need_a_proof_until_the_end_of_2026() -> None:
    assert result(_cnr(True, "2026-12-31"), "cnr-affiliation-2.4").outcome == Outcome.PASS
    late = result(_cnr(True, "2026-12-30"), "cnr-affiliation-2.4")
    assert (late.outcome, late.reasons[0].code) == (Outcome.FAIL, "affiliation_expires_too_early")
    missing = result(_cnr(True, None), "cnr-affiliation-2.4")
    assert (missing.outcome, missing.reasons[0].code) == (Outcome.FAIL, "affiliation_date_missing")


def test_cnr_affiliation_2_4_unstated_kind_fails_asking_for_it() -> None:
    res = result(_cnr(None, None), "cnr-affiliation-2.4")
    assert (res.outcome, res.reasons[0].code) == (Outcome.FAIL, "affiliation_kind_missing")
    zh, en = texts(res)
    assert en.startswith("It is not stated whether the researchers of Partner 1 belong to ")
    assert zh.startswith("未说明Partner 1的研究人员是以正式人员还是以外部人员身份隶属于")


# -- seed 000: the Young Scholar branch still needs a full-time faculty post ----------------------


def _young_scholar(**person: object) -> ApplicationFacts:
    base = {
        "birth_date": __import__("datetime").date(1978, 1, 1),  # too old for the first branch
        "position": "faculty",
        "employment_type": "full_time",
        "employer_type": "university",
        "employer_country": "CN",
        "in_station_postdoc": False,
        "overseas_employment": False,
        "awards": frozenset({"xiaomi_young_scholar"}),
    }
    base.update(person)
    return r(good_facts(seed("000"), None), applicant=PersonFacts(**base))  # type: ignore[arg-type]


def test_young_scholar_000_full_time_faculty_passes_without_the_age_limit() -> None:
    assert result(_young_scholar(), "young-scholar-or-xiaomi-young-scholar", "000").outcome == Outcome.PASS


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ({"employment_type": "part_time"}, "not_full_time"),
        ({"position": "other"}, "position_not_allowed"),
        ({"employer_type": "enterprise"}, "employer_type_not_allowed"),
    ],
)
def test_young_scholar_000_without_a_full_time_faculty_post_fails(person: dict[str, object], reason: str) -> None:
    res = result(_young_scholar(**person), "young-scholar-or-xiaomi-young-scholar", "000")
    assert res.outcome == Outcome.FAIL
    assert reason in [x.code for x in res.reasons]
