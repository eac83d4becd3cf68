"""Build application facts that satisfy, or break, a call's criteria, rule by rule.

The builder reads each rule's parameters and produces the facts a real applicant who
meets (or misses) it would have; the tests then check the engine's verdict and reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from shenbao.calls.definition import criteria as c
from shenbao.calls.definition.schema import CallDefinition
from shenbao.core.countries import chinese_short_names, expand_countries
from shenbao.eligibility.engine import applies
from shenbao.eligibility.facts import (
    ApplicationFacts,
    BilateralFacts,
    CallContext,
    DocumentFacts,
    ExternalFacts,
    MemberFacts,
    OrgFacts,
    PersonFacts,
)

AS_OF = dt.date(2025, 3, 20)


def _rules(rule: Any) -> list[Any]:
    if isinstance(rule, c.AnyOfRule):
        return _rules(rule.rules[0])  # satisfy the first alternative
    if isinstance(rule, c.AllOfRule):
        return [r for inner in rule.rules for r in _rules(inner)]
    return [rule]


def _title_for(pattern: str, examples: list[str], countries: list[str]) -> str:
    names = [n for code in countries for n in chinese_short_names(code)] if countries else None
    for example in examples:
        if re.fullmatch(c.country_pattern(pattern, names), example):
            return example
    raise AssertionError(f"no example for pattern {pattern} and countries {countries}")


def _country_of_an_example(rule: c.NamePatternRule, allowed: list[str]) -> str | None:
    """A partner country the call's own examples name (中沙… → SA), so the good title fits the partner."""
    for example in rule.examples:
        for code in allowed:
            if re.fullmatch(c.country_pattern(rule.pattern, list(chinese_short_names(code))), example):
                return code
    return None


def good_facts(definition: CallDefinition, direction: str | None) -> ApplicationFacts:
    criteria = [x for x in definition.eligibility if applies(x, direction)]
    rules = [(x, r) for x in criteria for r in _rules(x.rule)]
    kinds = {r.kind for _, r in rules}
    partner_countries: list[str] = []
    for _, r in rules:
        if isinstance(r, c.PartnerCountryRule):
            allowed = expand_countries(list(r.countries))
            partner_countries = allowed[: r.min_distinct] if len(allowed) >= r.min_distinct else allowed
    for _, r in rules:
        if isinstance(r, c.PartnerRegistrationRule) and r.registered_in:
            allowed = expand_countries(list(r.registered_in))
            partner_countries = [x for x in partner_countries if x in allowed] or allowed[:1]
    if not partner_countries and kinds & {"partner_registration", "partner_organisation", "partner_affiliation", "participation"}:
        partner_countries = ["DE"]
    for _, r in rules:
        if isinstance(r, c.NamePatternRule) and c.COUNTRY_PLACEHOLDER in r.pattern and partner_countries:
            allowed = next(
                (expand_countries(list(p.countries)) for _, p in rules if isinstance(p, c.PartnerCountryRule)), partner_countries
            )
            named = _country_of_an_example(r, [x for x in allowed if x in partner_countries] + allowed)
            if named is not None:
                partner_countries = [named, *[x for x in partner_countries if x != named]]
    networks = frozenset(r.network for _, r in rules if isinstance(r, c.PartnerOrganisationRule | c.PartnerAffiliationRule))
    org_types = [r.org_types for _, r in rules if isinstance(r, c.PartnerRegistrationRule) and r.org_types]
    partner_type = org_types[0][0] if org_types else "enterprise"
    partners = tuple(
        OrgFacts(
            name=f"Partner {i}",
            type=partner_type,
            country=country,
            legal_person=True,
            registered_on=dt.date(2010, 1, 1),
            networks=networks,
            affiliation_valid_until=dt.date(2027, 12, 31),
            external_affiliation=True,
        )
        for i, country in enumerate(partner_countries, start=1)
    )
    participation = [r for _, r in rules if isinstance(r, c.PartnerParticipationRule)]
    if participation and partners:
        partners = (dataclasses.replace(partners[0], type=participation[0].types[0]), *partners[1:])
    lead_types = [r.types for _, r in rules if isinstance(r, c.OrgTypeRule) and r.party == c.Party.LEAD_ORGANISATION]
    lead_type = lead_types[0][0] if lead_types else (participation[0].types[0] if participation else "university")
    requested = 2_000_000
    lead = OrgFacts(name="Lead", type=lead_type, country="CN", legal_person=True, registered_on=dt.date(2000, 1, 1))
    share: int | None = None
    for _, r in rules:
        if isinstance(r, c.MatchingFundsRule):
            base = requested
            if r.compare_with == "funder_share":
                share = base = requested // 2
            lead = dataclasses.replace(lead, type="enterprise", matching_funds_yuan=round(base * r.min_ratio))
    months: int | None = 24
    lows = [r.min_months for _, r in rules if isinstance(r, c.DurationRule) and r.min_months]
    highs = [r.max_months for _, r in rules if isinstance(r, c.DurationRule) and r.max_months]
    if lows:
        months = max(lows)
    elif highs:
        months = min(highs)
    title = "测试项目"
    for _, r in rules:
        if isinstance(r, c.NamePatternRule):
            title = _title_for(r.pattern, r.examples, [p.country for p in partners if p.country])
    team: tuple[MemberFacts, ...] = ()
    for _, r in rules:
        if isinstance(r, c.TeamCompositionRule):
            team = tuple(MemberFacts(role=role.value) for role in r.required_roles)
            if r.presenter_roles:
                team = (*team, MemberFacts(role=r.presenter_roles[0].value, presenter=True))
    documents = tuple(
        DocumentFacts(code=r.document, signed_on=dt.date(2023, 6, 1), key=f"{r.document}-key")
        for _, r in rules
        if isinstance(r, c.RequiredDocumentRule)
    )
    external = tuple(
        ExternalFacts(
            programme=r.programme,
            call_year=(r.call_years or [None])[0],
            role=r.role,
            budget_yuan=requested * 2,
            project_id="HE-1",
        )
        for _, r in rules
        if isinstance(r, c.ExternalProgrammeRule)
    )
    field_count = next((r.exactly for _, r in rules if isinstance(r, c.FieldChoiceRule)), 1)
    language = next((r.domestic[0] for _, r in rules if isinstance(r, c.LanguageRule)), None)
    route = next((r.routes[0] for _, r in rules if isinstance(r, c.NominationRule)), None)
    fields = tuple(f"field {i}" for i in range(field_count))
    declarations = frozenset(x.code for x, r in rules if isinstance(r, c.DeclarationRule)) | frozenset(
        f"{x.code}={f}" for x, r in rules if isinstance(r, c.FieldChoiceRule) and r.cover_all_content for f in fields
    )
    values = {
        r.only_if.field: r.only_if.equals for _, r in rules if isinstance(r, c.RequiredDocumentRule) and r.only_if is not None
    }
    trl = next((r.max for _, r in rules if isinstance(r, c.TrlRule)), None)
    return ApplicationFacts(
        as_of=AS_OF,
        direction=direction,
        title=title,
        english_title="A test project",
        duration_months=months,
        fields=fields,
        subtopics=0,
        trl=trl,
        requested_yuan=requested,
        funder_grant_share_yuan=share,
        applicant=PersonFacts(
            birth_date=dt.date(1988, 6, 1),
            position="faculty",
            employment_type="full_time",
            employer_type="university",
            employer_country="CN",
            in_station_postdoc=False,
            overseas_employment=False,
            awards=frozenset(),
        ),
        lead=lead,
        foreign_partners=partners,
        team=team,
        documents=documents,
        declarations=declarations,
        negative_event=False,
        external=external,
        nomination_route=route,
        entry_language=language,
        bilateral=BilateralFacts(counterpart_found=True),
        values=values,
        context=CallContext(),
    )


def break_rule(facts: ApplicationFacts, criterion: c.Criterion, rule: Any | None = None) -> tuple[ApplicationFacts, str]:
    """Facts that fail ``criterion`` (its rule, or ``rule`` inside it) and the reason code expected first."""
    rule = rule or criterion.rule
    r = dataclasses.replace
    applicant = facts.applicant
    if isinstance(rule, c.BirthDateRule):
        assert rule.on_or_after is not None
        return r(facts, applicant=r(applicant, birth_date=rule.on_or_after - dt.timedelta(days=1))), "born_too_early"
    if isinstance(rule, c.PositionRule):
        return r(facts, applicant=r(applicant, in_station_postdoc=True)), "in_station_postdoc"
    if isinstance(rule, c.PreviousAwardRule):
        return r(facts, applicant=r(applicant, awards=frozenset())), "award_not_held"
    if isinstance(rule, c.NoOverseasEmploymentRule):
        return r(facts, applicant=r(applicant, overseas_employment=True)), "overseas_employment"
    if isinstance(rule, c.DeclarationRule):
        return r(facts, declarations=facts.declarations - {criterion.code}), "declaration_missing"
    if isinstance(rule, c.NegativeEventRule):
        return r(facts, negative_event=True), "negative_event"
    if isinstance(rule, c.OrgTypeRule):
        assert facts.lead is not None
        other = "research_institute" if "research_institute" not in rule.types else "media"
        return r(facts, lead=r(facts.lead, type=other)), "org_type_not_allowed"
    if isinstance(rule, c.PartnerParticipationRule):
        return r(facts, foreign_partners=tuple(r(p, type="media") for p in facts.foreign_partners)), "side_lacks_type"
    if isinstance(rule, c.PartnerRegistrationRule):
        recent = r(facts.foreign_partners[0], registered_on=facts.as_of - dt.timedelta(days=365 * rule.min_years - 30))
        return r(facts, foreign_partners=(recent, *facts.foreign_partners[1:])), "registered_too_recently"
    if isinstance(rule, c.PartnerCountryRule):
        if rule.min_distinct > 1:
            return r(facts, foreign_partners=facts.foreign_partners[:1]), "too_few_partner_countries"
        wrong = r(facts.foreign_partners[0], country="US")
        return r(facts, foreign_partners=(wrong, *facts.foreign_partners[1:])), "partner_country_not_allowed"
    if isinstance(rule, c.PartnerOrganisationRule):
        return r(
            facts, foreign_partners=tuple(r(p, networks=frozenset()) for p in facts.foreign_partners)
        ), "partner_not_in_network"
    if isinstance(rule, c.PartnerAffiliationRule):
        early = rule.valid_until_at_least - dt.timedelta(days=1)
        return r(facts, foreign_partners=tuple(r(p, affiliation_valid_until=early) for p in facts.foreign_partners)), (
            "affiliation_expires_too_early"
        )
    if isinstance(rule, c.ApplicationsPerApplicantRule):
        return r(facts, context=r(facts.context, applicant_applications=rule.max)), "too_many_applications"
    if isinstance(rule, c.UniquePartnerCountryRule):
        country = facts.foreign_partners[0].country
        assert country is not None
        return r(facts, context=r(facts.context, direction_country_counts={country: rule.max})), "country_taken_in_direction"
    if isinstance(rule, c.ExclusiveDirectionsRule):
        country = sorted(expand_countries(list(rule.countries)))[0]
        other = next(d for d in rule.directions if d != facts.direction)
        partner = r(facts.foreign_partners[0], country=country)
        context = r(facts.context, own_country_directions={country: frozenset({other})})
        return r(facts, foreign_partners=(partner,), context=context), "country_used_in_other_direction"
    if isinstance(rule, c.NamePatternRule):
        return r(facts, title="一个不合格式的项目名称"), "name_mismatch"
    if isinstance(rule, c.DurationRule):
        if rule.max_months is not None:
            return r(facts, duration_months=rule.max_months + 1), "duration_too_long"
        assert rule.min_months is not None
        return r(facts, duration_months=rule.min_months - 1), "duration_too_short"
    if isinstance(rule, c.MatchingFundsRule):
        assert facts.lead is not None
        short = "matching_funds_short_of_share" if rule.compare_with == "funder_share" else "matching_funds_short"
        return r(facts, lead=r(facts.lead, matching_funds_yuan=0)), short
    if isinstance(rule, c.RequiredDocumentRule):
        return r(facts, documents=tuple(d for d in facts.documents if d.code != rule.document)), "document_missing"
    if isinstance(rule, c.TeamCompositionRule):
        dropped = rule.required_roles[-1].value
        return r(facts, team=tuple(m for m in facts.team if m.role != dropped)), "team_roles_missing"
    if isinstance(rule, c.BilateralSubmissionRule):
        return r(facts, bilateral=BilateralFacts(counterpart_found=True, mismatches=(rule.must_match[0],))), (
            "partner_submission_mismatch"
        )
    if isinstance(rule, c.ExternalProgrammeRule):
        return r(facts, external=()), "external_missing"
    if isinstance(rule, c.TrlRule):
        return r(facts, trl=rule.max + 1), "trl_too_high"
    if isinstance(rule, c.FieldChoiceRule):
        return r(facts, fields=(*facts.fields, "another field")), "field_count_wrong"
    if isinstance(rule, c.SubtopicsRule):
        return r(facts, subtopics=rule.max + 1), "too_many_subtopics"
    if isinstance(rule, c.LanguageRule):
        return r(facts, entry_language="en" if "en" not in rule.domestic else "zh-hans"), "language_not_allowed"
    if isinstance(rule, c.NominationRule):
        return r(facts, nomination_route="institution_recommendation"), "nomination_not_allowed"
    if isinstance(rule, c.AnyOfRule):
        for inner in rule.rules:
            facts, _ = break_rule(facts, criterion, inner)
        return facts, "none_of_alternatives"
    if isinstance(rule, c.AllOfRule):
        return break_rule(facts, criterion, rule.rules[0])
    raise AssertionError(f"no breaker for {rule.kind}")
