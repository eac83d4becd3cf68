"""The four seed programs as shipped definitions (DESIGN §5): every number the seed states."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from shenbao.calls.definition.criteria import AllOfRule, AnyOfRule, country_pattern
from shenbao.calls.definition.load import parse_file, reconcile
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.definitions import SEED_000_TOPICS_EXAMPLE, SEED_FILES
from shenbao.core.countries import ARAB_AFRICAN_STATES, ARAB_STATES
from shenbao.core.text import I18nText

BEIJING = ZoneInfo("Asia/Shanghai")


def seed(code: str) -> CallDefinition:
    return parse_file(SEED_FILES[code])


def deadline(definition: CallDefinition) -> dt.datetime:
    item = next(t for t in definition.timeline if t.kind == "deadline")
    assert item.at is not None
    return item.at.replace(tzinfo=ZoneInfo(definition.call.timezone))


def criterion(definition: CallDefinition, kind: str, direction: str | None = None) -> list[Any]:
    return [c for c in definition.eligibility if c.rule.kind == kind and (direction is None or direction in c.directions)]


def _texts(value: Any) -> list[I18nText]:
    if isinstance(value, I18nText):
        return [value]
    if isinstance(value, BaseModel):
        return [t for name in type(value).model_fields for t in _texts(getattr(value, name))]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item)]
    return []


@pytest.mark.parametrize("code", sorted(SEED_FILES))
def test_seed_definition_is_valid_and_fully_bilingual(code: str) -> None:
    texts = _texts(seed(code))
    assert texts
    missing = [t.get() for t in texts if not (t.has("zh-hans") and t.has("en"))]
    assert missing == []


@pytest.mark.parametrize("code", sorted(SEED_FILES))
def test_seed_definition_holds_no_personal_contact_data(code: str) -> None:
    text = SEED_FILES[code].read_text(encoding="utf-8")
    assert re.findall(r"1[3-9]\d[\d*]{4}\d{4}", text) == []  # mobile numbers, masked or not
    assert re.findall(r"\b\w\*{3}@", text) == []  # masked personal e-mail addresses
    assert re.findall(r"010-\*{4}", text) == []
    for name in ("张娅婧", "卢关山", "李汶蔚", "霍丹阳", "莫鸿鹏", "李昊为", "宋梓悦", "张老师", "王老师"):
        assert name not in text


def test_seed_000_xiaomi_topic_challenge() -> None:
    d = seed("000")
    assert d.program.kind == "topic_challenge"
    assert deadline(d) == dt.datetime(2025, 4, 1, 0, 0, tzinfo=BEIJING)
    assert d.stated_totals is not None and d.stated_totals.directions == 50
    assert d.selection.award_amount == "fixed"
    assert d.selection.fixed_amount is not None and d.selection.fixed_amount.yuan == 200_000
    assert d.selection.several_winners_per_direction is True
    assert d.duration is not None and (d.duration.min_months, d.duration.max_months) == (12, 12)
    (limit,) = criterion(d, "applications_per_applicant")
    assert (limit.rule.max, limit.rule.recommended, limit.rule.scope) == (2, 1, "call")
    (young,) = criterion(d, "any_of")
    assert isinstance(young.rule, AnyOfRule)
    first, second = young.rule.rules
    assert isinstance(first, AllOfRule)
    birth, position = first.rules
    assert birth.kind == "birth_date" and birth.on_or_after == dt.date(1985, 1, 1)
    assert position.kind == "position"
    assert set(position.positions) == {"faculty", "researcher"}
    assert position.full_time is True and position.exclude_in_station_postdoc is True
    assert set(position.employer_org_types) == {"university", "research_institute"}
    # the Young Scholar branch replaces the age, not the full-time faculty position
    assert isinstance(second, AllOfRule)
    award, faculty = second.rules
    assert award.kind == "previous_award" and award.award == "xiaomi_young_scholar"
    assert faculty.kind == "position" and faculty.positions == ["faculty"] and faculty.full_time is True
    assert len(criterion(d, "no_overseas_employment")) == 1
    assert len(criterion(d, "declaration")) >= 2  # institution signs the agreement, PI signs the NDA
    (form,) = d.required_documents
    assert (form.type, form.formats, form.required) == ("application_form", ["docx"], True)
    (stage,) = d.review_stages
    assert [c.code for c in stage.criteria] == ["innovation-feasibility", "plan-and-output-value", "team-capacity"]
    assert stage.contact_with_applicants is False
    assert d.agreement is not None and d.agreement.deadline is not None
    assert (d.agreement.deadline.working_days, d.agreement.deadline.from_event) == (30, "results_published")
    assert d.agreement.forfeit_when_missed is True
    assert d.agreement.grantee_change_allowed is False
    assert d.agreement.outputs_to_funder_library is True


def test_seed_000_example_topic_list_is_synthetic_and_complete() -> None:
    import csv

    rows = list(csv.DictReader(SEED_000_TOPICS_EXAMPLE.open(encoding="utf-8")))
    assert len(rows) == 50
    assert len({r["code"] for r in rows}) == 50
    assert all(r["title_zh"].startswith("【示例】") and r["title_en"].startswith("[Example] ") for r in rows)


def test_seed_001_competition_tracks_and_finals() -> None:
    d = seed("001")
    assert d.program.kind == "competition"
    assert d.call.reference == "中小企通〔2023〕49号"
    assert deadline(d) == dt.datetime(2023, 10, 1, 0, 0, tzinfo=BEIJING)  # 2023-09-30, end of day
    assert [x.code for x in d.directions] == [f"SME20230{i}" for i in range(1, 7)]
    assert all(x.host_organisation is not None for x in d.directions)
    assert [x.title.get("zh-hans") for x in d.directions] == [
        "新一代信息技术",
        "机器人+",
        "新能源汽车",
        "半导体",
        "网络安全",
        "数字孪生",
    ]
    assert all(len(x.details) == 3 for x in d.directions)
    track, finals = d.review_stages
    assert track.advancement is not None
    assert (track.advancement.to_stage, track.advancement.rule, track.advancement.tier) == ("finals", "prize_tier", "first")
    assert (finals.kind, finals.live) == ("live_judging", True)
    assert len(track.criteria) == 4
    assert d.selection.mode == "prize_tiers"
    assert [t.code for t in d.selection.prize_tiers] == ["first", "second", "third"]
    assert len(d.selection.organisation_awards) == 2
    (team,) = criterion(d, "team_composition")
    assert set(team.rule.required_roles) == {"faculty", "student", "enterprise_expert"}
    assert team.rule.presenter_roles == ["student"]
    assert d.call.fees is False
    stage_end = next(t for t in d.timeline if t.kind == "stage")
    assert stage_end.end == dt.datetime(2023, 12, 1, 0, 0)
    finals_item = next(t for t in d.timeline if t.kind == "finals")
    assert (finals_item.start, finals_item.precision) == (dt.datetime(2023, 12, 1), "month")


# Seed 003: code → (qualifier, projects, 万元, duration min months, max months, in principle)
SEED_003_DIRECTIONS = {
    "1.1": ("exact", 6, 1080, None, None),
    "1.2": ("exact", 15, 3000, 24, 24),
    "1.3": ("exact", 5, 1250, 24, 24),
    "1.4": ("exact", 3, 900, 36, 36),
    "1.5": ("at_most", 5, 1000, 36, 36),
    "1.6": ("at_most", 10, 2000, 36, 36),
    "1.7": ("at_most", 30, 6000, None, 24),
    "1.8": ("at_most", 2, 600, None, 24),
    "1.9": ("at_most", 10, 2000, None, None),
    "2.0": ("exact", 6, 600, None, 36),
    "2.1": ("exact", 2, 1500, None, 36),
    "2.2": ("exact", 15, 3000, 36, 36),
    "2.3": ("about", 10, 3000, None, 48),
    "2.4": ("at_most", 4, 160, 24, 24),
    "2.5": ("exact", 6, 900, None, 24),
    "2.6": ("exact", 30, 3000, 24, 24),
    "2.7": ("exact", 10, 3000, None, 36),
    "2.8": ("exact", 2, 400, 36, 36),
    "2.9": ("exact", 5, 1500, 36, 36),
}


def test_seed_003_every_direction() -> None:
    d = seed("003")
    got = {}
    for x in d.directions:
        assert x.quota is not None and x.budget is not None and x.budget.total is not None
        got[x.code] = (
            x.quota.qualifier.value,
            x.quota.value,
            x.budget.total.yuan / 10_000,
            x.duration.min_months if x.duration else None,
            x.duration.max_months if x.duration else None,
        )
    assert got == SEED_003_DIRECTIONS
    assert all(x.basis is not None for x in d.directions)
    assert [x.code for x in d.directions if not x.fields] == ["1.6", "1.9"]  # 不限领域
    assert all(x.fields_open for x in d.directions if not x.fields)


def test_seed_003_adds_up_to_the_stated_totals() -> None:
    d = seed("003")
    lines = {line.measure: line for line in reconcile(d)}
    assert (lines["directions"].stated, lines["directions"].summed) == (19, 19)
    assert (lines["projects"].stated, lines["projects"].summed) == (176, 176)
    assert (lines["budget_yuan"].stated, lines["budget_yuan"].summed) == (348_900_000, 348_900_000)
    assert all(line.matches for line in lines.values())
    assert d.stated_totals is not None and d.stated_totals.projects is not None
    assert d.stated_totals.projects.qualifier == "about"


def test_seed_003_partner_countries() -> None:
    d = {x.code: x for x in seed("003").directions}
    countries = {code: (x.partner.countries if x.partner else []) for code, x in d.items()}
    assert countries["1.1"] == ["NZ"]
    assert countries["1.4"] == ["EG"]
    assert countries["1.5"] == ["@arab_states"]
    assert countries["1.6"] == ["@african_states"]
    assert sorted(countries["2.2"]) == sorted(["GB", "FR", "IT", "ES", "PT", "GR", "BE", "NO", "NL", "IE", "CY"])
    assert sorted(countries["2.7"]) == sorted(["BY", "RU", "KZ", "UZ", "PK"])
    assert countries["2.9"] == ["RU"]


def test_seed_003_rules_of_section_5_3() -> None:
    d = seed("003")
    # lead must be an enterprise (1.9, 2.1)
    lead = criterion(d, "organisation_type")
    assert sorted(code for c in lead for code in c.directions) == ["1.9", "2.1"]
    assert all(c.rule.types == ["enterprise"] for c in lead)
    # enterprise participation on both sides with matching funds ≥ grant (1.3)
    (matching,) = criterion(d, "matching_funds", "1.3")
    assert matching.rule.min_ratio == 1.0
    assert criterion(d, "participation", "1.3")
    # name patterns
    patterns = {code: c.rule for c in criterion(d, "name_pattern") for code in c.directions}
    assert re.fullmatch(patterns["1.4"].pattern, "中埃人工智能联合实验室")
    assert not re.fullmatch(patterns["1.4"].pattern, "中沙人工智能联合实验室")
    assert re.fullmatch(patterns["2.8"].pattern, "中匈生命健康联合实验室")
    assert re.fullmatch(country_pattern(patterns["2.2"].pattern), "中英人工智能联合实验室")
    assert {"1.5", "1.6"} <= set(patterns)
    # at least two SCO partner countries (2.7)
    (sco,) = criterion(d, "partner_country", "2.7")
    assert (sorted(sco.rule.countries), sco.rule.min_distinct) == (sorted(["BY", "RU", "KZ", "UZ", "PK"]), 2)
    # one project per partner country (1.5, 1.6) and exclusivity across them
    per_country = criterion(d, "per_partner_country")
    assert sorted(code for c in per_country for code in c.directions) == ["1.5", "1.6"]
    (exclusive,) = criterion(d, "exclusive_directions")
    assert exclusive.rule.directions == ["1.5", "1.6"]
    assert set(exclusive.rule.countries) == ARAB_AFRICAN_STATES
    assert d.selection.exclusivity[0].directions == ["1.5", "1.6"]
    assert d.selection.caps[0].kind == "per_partner_country" and d.selection.caps[0].max == 1
    # foreign partner registered abroad ≥ 3 years with legal personality
    registration = {code: c.rule for c in criterion(d, "partner_registration") for code in c.directions}
    assert {"1.4", "1.5", "1.6", "2.2", "2.8"} <= set(registration)
    assert all(r.min_years == 3 and r.legal_person for r in registration.values())
    # Horizon Europe, TRL, CNR, RAS, field choice, subtopics
    (horizon,) = criterion(d, "external_programme", "2.3")
    assert horizon.rule.call_years == [2023, 2024] and horizon.rule.budget_not_above_external is True
    (trl,) = criterion(d, "trl", "2.3")
    assert trl.rule.max == 4
    (cnr,) = criterion(d, "partner_affiliation", "2.4")
    assert cnr.rule.valid_until_at_least == dt.date(2026, 12, 31)
    assert criterion(d, "partner_organisation", "2.9")
    (field_choice,) = criterion(d, "field_choice", "2.9")
    assert (field_choice.rule.exactly, field_choice.rule.cover_all_content) == (1, True)
    subtopics = {code: c.rule.max for c in criterion(d, "subtopics") for code in c.directions}
    assert subtopics["2.9"] == 3 and subtopics["1.1"] == 0
    # bilateral submission everywhere except 2.9
    bilateral = {code for c in criterion(d, "bilateral_submission") for code in c.directions}
    assert "2.9" not in bilateral and {"1.1", "1.2", "2.7", "2.8"} <= bilateral


def test_seed_003_required_documents() -> None:
    d = seed("003")
    docs = {x.code: x for x in d.required_documents}
    endorsement = docs["gov-endorsement-lab"]
    assert endorsement.type == "government_endorsement" and set(endorsement.directions) == {"1.4", "1.5", "1.6"}
    co22 = docs["coconstruction-agreement-2.2"]
    assert (co22.signed_before, co22.one_application_per_document) == (dt.date(2024, 1, 1), True)
    assert docs["cnr-affiliation-proof"].directions == ["2.4"]
    for rule in criterion(d, "required_document"):
        assert rule.rule.document in docs


def test_seed_003_kpis_become_obligations() -> None:
    d = seed("003")
    kpis = {k.code: k for k in d.kpi_templates}
    assert (kpis["kpi-2.2-patents"].comparator, kpis["kpi-2.2-patents"].target) == (">=", 3)
    assert kpis["kpi-2.2-events"].target == 2
    assert kpis["kpi-2.2-young-scholars"].target == 5
    assert kpis["kpi-2.2-eu-young-researchers"].target == 5
    assert kpis["kpi-1.4-hosted-researchers"].target == 5
    assert kpis["kpi-2.6-visits"].target == 10
    assert kpis["kpi-1.2-visits"].per == "each_side"
    assert kpis["kpi-1.3-visits"].target == 3
    directions = {x.code: x for x in d.directions}
    assert set(directions["2.2"].kpis) == {
        "kpi-2.2-patents",
        "kpi-2.2-events",
        "kpi-2.2-young-scholars",
        "kpi-2.2-eu-young-researchers",
    }


def test_seed_004_categories_lists_and_stages() -> None:
    d = seed("004")
    assert deadline(d) == dt.datetime(2025, 11, 21, 0, 0, tzinfo=BEIJING)
    assert [c.code for c in d.categories] == ["enterprise", "government", "product"]
    by_category: dict[str | None, int] = {}
    for x in d.directions:
        by_category[x.category] = by_category.get(x.category, 0) + 1
    assert by_category == {"enterprise": 4, "government": 2, "product": 2}
    assert all(x.description is not None for x in d.directions)
    assert len(d.fields) == 9
    screening, final = d.review_stages
    assert (screening.kind, screening.chair_sign_off) == ("screening", True)
    assert screening.advancement is not None and screening.advancement.to_stage == "final"
    assert final.criteria
    (negative,) = criterion(d, "negative_event")
    assert negative.rule.years == 3
    (language,) = criterion(d, "entry_language")
    assert (language.rule.domestic, sorted(language.rule.foreign)) == (["zh-hans"], ["en", "zh-hans"])
    (nomination,) = criterion(d, "nomination")
    assert sorted(nomination.rule.routes) == ["expert_recommendation", "self"]
    assert nomination.rule.max_entries_per_organisation is None
    media = next(x for x in d.required_documents if x.type == "supporting_media")
    assert media.share_link_over_mb == 20
    review = next(t for t in d.timeline if t.kind == "review")
    assert (review.start, review.end) == (dt.datetime(2025, 11, 20), dt.datetime(2025, 12, 1))


def test_country_groups_match_the_seed_lists() -> None:
    assert len(ARAB_STATES) == 22
    assert sorted(ARAB_AFRICAN_STATES) == sorted(["DZ", "EG", "DJ", "LY", "MR", "MA", "SD", "SO", "TN", "KM"])


def test_loaded_seed_003_rows_match_the_definition(seed_calls: dict[str, Any]) -> None:
    call = seed_calls["003"]
    rows = {d.code: d for d in call.directions.all()}
    assert list(rows) == list(SEED_003_DIRECTIONS)
    assert rows["2.3"].quota_qualifier == "about" and rows["2.3"].quota_value == Decimal(10)
    assert sum(r.budget_total_yuan or 0 for r in rows.values()) == 348_900_000
    assert call.deadline == dt.datetime(2025, 6, 30, 0, 0, tzinfo=BEIJING)
