"""Evaluate a call's criteria against an application's facts (pure, no Django).

Every rule returns an outcome (pass / fail / needs review; a failed rule of level
``warn`` becomes a warning) and the reasons that name the facts it used.  Reasons are
codes with parameters; ``eligibility.messages`` turns them into sentences in Chinese
and English.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from shenbao.calls.definition import criteria as c
from shenbao.calls.definition.budget import BudgetTable, budget_table, format_amount
from shenbao.calls.definition.schema import CallDefinition, FormField, RequiredDocument
from shenbao.core.countries import chinese_short_names, expand_countries, has_chinese_short_name
from shenbao.core.text import I18nText
from shenbao.eligibility.facts import ApplicationFacts, OrgFacts


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    NEEDS_REVIEW = "needs_review"
    WARN = "warn"


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    outcome: Outcome
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class CriterionResult:
    code: str
    kind: str
    level: str
    outcome: Outcome
    reasons: tuple[Reason, ...]

    @property
    def blocking(self) -> bool:
        return self.outcome == Outcome.FAIL


def _ok(code: str, **params: Any) -> RuleResult:
    return RuleResult(Outcome.PASS, (Reason(code, params),))


def _fail(code: str, **params: Any) -> RuleResult:
    return RuleResult(Outcome.FAIL, (Reason(code, params),))


def _review(code: str, **params: Any) -> RuleResult:
    return RuleResult(Outcome.NEEDS_REVIEW, (Reason(code, params),))


def _years_between(earlier: dt.date, later: dt.date) -> int:
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return years


class _Evaluator:
    def __init__(self, definition: CallDefinition, facts: ApplicationFacts) -> None:
        self.definition = definition
        self.facts = facts
        self.documents: dict[str, RequiredDocument] = {d.code: d for d in definition.required_documents}
        self.criterion_code = ""
        self.handlers: dict[str, Callable[[Any], RuleResult]] = {
            "birth_date": self.birth_date,
            "position": self.position,
            "previous_award": self.previous_award,
            "no_overseas_employment": self.no_overseas_employment,
            "declaration": self.declaration,
            "negative_event": self.negative_event,
            "organisation_type": self.organisation_type,
            "participation": self.participation,
            "partner_registration": self.partner_registration,
            "partner_country": self.partner_country,
            "partner_organisation": self.partner_organisation,
            "partner_affiliation": self.partner_affiliation,
            "applications_per_applicant": self.applications_per_applicant,
            "per_partner_country": self.per_partner_country,
            "exclusive_directions": self.exclusive_directions,
            "name_pattern": self.name_pattern,
            "duration": self.duration,
            "matching_funds": self.matching_funds,
            "budget_total": self.budget_total,
            "budget_share": self.budget_share,
            "budget_matching": self.budget_matching,
            "budget_cap": self.budget_cap,
            "required_document": self.required_document,
            "team_composition": self.team_composition,
            "bilateral_submission": self.bilateral_submission,
            "external_programme": self.external_programme,
            "trl": self.trl,
            "field_choice": self.field_choice,
            "subtopics": self.subtopics,
            "entry_language": self.entry_language,
            "nomination": self.nomination,
            "human_check": self.human_check,
            "cel": self.cel,
            "any_of": self.any_of,
            "all_of": self.all_of,
        }

    def rule(self, rule: Any) -> RuleResult:
        return self.handlers[rule.kind](rule)

    # -- the applicant -------------------------------------------------------------

    def birth_date(self, rule: c.BirthDateRule) -> RuleResult:
        born = self.facts.applicant.birth_date
        if born is None:
            return _fail("birth_date_missing")
        if rule.on_or_after is not None and born < rule.on_or_after:
            return _fail("born_too_early", birth_date=born, bound=rule.on_or_after)
        if rule.before is not None and born >= rule.before:
            return _fail("born_too_late", birth_date=born, bound=rule.before)
        return _ok("birth_date_ok", birth_date=born)

    def position(self, rule: c.PositionRule) -> RuleResult:
        person = self.facts.applicant
        if person.position is None:
            return _fail("position_missing")
        if person.position not in rule.positions:
            return _fail("position_not_allowed", position=person.position, allowed=list(rule.positions))
        if rule.full_time and person.employment_type != "full_time":
            return _fail("not_full_time", employment=person.employment_type or "")
        if rule.employer_org_types and person.employer_type not in rule.employer_org_types:
            return _fail(
                "employer_type_not_allowed", employer_type=person.employer_type or "", allowed=list(rule.employer_org_types)
            )
        countries = expand_countries(list(rule.employer_countries))
        if countries and person.employer_country not in countries:
            return _fail("employer_country_not_allowed", country=person.employer_country or "", allowed=countries)
        if rule.exclude_in_station_postdoc and person.in_station_postdoc is not False:
            if person.in_station_postdoc is None:
                return _fail("postdoc_status_missing")
            return _fail("in_station_postdoc")
        return _ok("position_ok", position=person.position, employer_type=person.employer_type or "")

    def previous_award(self, rule: c.PreviousAwardRule) -> RuleResult:
        if rule.award in self.facts.applicant.awards:
            return _ok("award_held", award=rule.award_name)
        return _fail("award_not_held", award=rule.award_name)

    def no_overseas_employment(self, rule: c.NoOverseasEmploymentRule) -> RuleResult:
        declared = self.facts.applicant.overseas_employment
        if declared is None:
            return _fail("overseas_employment_missing")
        if declared:
            return _fail("overseas_employment")
        return _ok("no_overseas_employment")

    def declaration(self, rule: c.DeclarationRule) -> RuleResult:
        if self.criterion_code in self.facts.declarations:
            return _ok("declaration_confirmed", statement=rule.statement)
        return _fail("declaration_missing", statement=rule.statement)

    def negative_event(self, rule: c.NegativeEventRule) -> RuleResult:
        declared = self.facts.negative_event
        if declared is None:
            return _fail("negative_event_missing", years=rule.years)
        if declared:
            return _fail("negative_event", years=rule.years)
        return _ok("no_negative_event", years=rule.years)

    # -- organisations ---------------------------------------------------------------

    def _party(self, party: str) -> list[OrgFacts]:
        lead = [self.facts.lead] if self.facts.lead is not None else []
        if party == c.Party.LEAD_ORGANISATION:
            return lead
        if party == c.Party.CHINESE_SIDE:
            return lead + list(self.facts.chinese_partners)
        if party == c.Party.FOREIGN_PARTNER:
            return list(self.facts.foreign_partners)
        return lead + list(self.facts.chinese_partners) + list(self.facts.foreign_partners)

    def organisation_type(self, rule: c.OrgTypeRule) -> RuleResult:
        if rule.party == c.Party.APPLICANT:
            found = self.facts.applicant.employer_type
            if found is None:
                return _fail("employer_type_missing")
            if found not in rule.types:
                return _fail("org_type_not_allowed", name="", type=found, allowed=list(rule.types))
            return _ok("org_type_ok", name="", type=found)
        orgs = self._party(rule.party)
        if not orgs:
            return _fail("organisation_missing", party=rule.party.value)
        for org in orgs:
            if org.type not in rule.types:
                return _fail("org_type_not_allowed", name=org.name, type=org.type or "", allowed=list(rule.types))
        return _ok("org_type_ok", name=orgs[0].name, type=orgs[0].type or "")

    def participation(self, rule: c.PartnerParticipationRule) -> RuleResult:
        sides = {
            c.Party.CHINESE_SIDE: self._party(c.Party.CHINESE_SIDE),
            c.Party.FOREIGN_PARTNER: self._party(c.Party.FOREIGN_PARTNER),
        }
        wanted = [c.Party.CHINESE_SIDE, c.Party.FOREIGN_PARTNER] if rule.party == c.Party.BOTH_SIDES else [rule.party]
        for side in wanted:
            orgs = sides.get(side, self._party(side))
            if not any(o.type in rule.types for o in orgs):
                return _fail("side_lacks_type", side=side.value, allowed=list(rule.types))
        return _ok("participation_ok", allowed=list(rule.types))

    def partner_registration(self, rule: c.PartnerRegistrationRule) -> RuleResult:
        partners = self.facts.foreign_partners
        if not partners:
            return _fail("no_foreign_partner")
        countries = expand_countries(list(rule.registered_in))
        for p in partners:
            if p.registered_on is None:
                return _fail("registration_date_missing", name=p.name)
            years = _years_between(p.registered_on, self.facts.as_of)
            if years < rule.min_years:
                return _fail("registered_too_recently", name=p.name, registered_on=p.registered_on, years=rule.min_years)
            if rule.legal_person and p.legal_person is not True:
                return _fail("not_legal_person", name=p.name)
            if countries and p.country not in countries:
                return _fail("registered_elsewhere", name=p.name, country=p.country or "", allowed=countries)
            if p.country == "CN":
                return _fail("registered_in_china", name=p.name)
            if rule.org_types and p.type not in rule.org_types:
                return _fail("org_type_not_allowed", name=p.name, type=p.type or "", allowed=list(rule.org_types))
        return _ok("registration_ok", years=rule.min_years, count=len(partners))

    def partner_country(self, rule: c.PartnerCountryRule) -> RuleResult:
        allowed = expand_countries(list(rule.countries))
        partners = self.facts.foreign_partners
        if not partners:
            return _fail("no_foreign_partner")
        for p in partners:
            if p.country not in allowed:
                return _fail("partner_country_not_allowed", name=p.name, country=p.country or "", allowed=allowed)
        distinct = sorted({p.country for p in partners if p.country})
        if len(distinct) < rule.min_distinct:
            return _fail("too_few_partner_countries", found=distinct, n=rule.min_distinct)
        return _ok("partner_country_ok", countries=distinct)

    def partner_organisation(self, rule: c.PartnerOrganisationRule) -> RuleResult:
        partners = self.facts.foreign_partners
        if not partners:
            return _fail("no_foreign_partner")
        for p in partners:
            if rule.network not in p.networks:
                return _fail("partner_not_in_network", name=p.name, network=rule.network_name)
        return _ok("partner_network_ok", network=rule.network_name)

    def partner_affiliation(self, rule: c.PartnerAffiliationRule) -> RuleResult:
        members = [p for p in self.facts.foreign_partners if rule.network in p.networks]
        if not members:
            return _fail("partner_not_in_network", name="", network=rule.network_name)
        if rule.external_only:
            unanswered = [p for p in members if p.external_affiliation is None]
            if unanswered:
                return _fail("affiliation_kind_missing", name=unanswered[0].name, network=rule.network_name)
            members = [p for p in members if p.external_affiliation]
            if not members:
                return _ok("affiliation_not_needed", network=rule.network_name)
        for p in members:
            if p.affiliation_valid_until is None:
                return _fail("affiliation_date_missing", name=p.name, network=rule.network_name)
            if p.affiliation_valid_until < rule.valid_until_at_least:
                return _fail(
                    "affiliation_expires_too_early", name=p.name, until=p.affiliation_valid_until, bound=rule.valid_until_at_least
                )
        return _ok("affiliation_ok", bound=rule.valid_until_at_least)

    # -- across applications -----------------------------------------------------------

    def applications_per_applicant(self, rule: c.ApplicationsPerApplicantRule) -> RuleResult:
        count = self.facts.context.applicant_applications + 1
        if count > rule.max:
            return _fail("too_many_applications", count=count, max=rule.max)
        if rule.recommended is not None and count > rule.recommended:
            return RuleResult(
                Outcome.WARN, (Reason("above_recommended_applications", {"count": count, "recommended": rule.recommended}),)
            )
        return _ok("applications_within_limit", count=count, max=rule.max)

    def per_partner_country(self, rule: c.UniquePartnerCountryRule) -> RuleResult:
        # A call-level cap on funded projects (see the rule's docstring): never a refusal at
        # submission, or the first to submit would take the country's place.
        for country in sorted({p.country for p in self.facts.foreign_partners if p.country}):
            taken = self.facts.context.direction_country_counts.get(country, 0)
            if taken + 1 > rule.max:
                return RuleResult(
                    Outcome.WARN, (Reason("country_taken_in_direction", {"country": country, "count": taken, "max": rule.max}),)
                )
        return _ok("country_not_taken")

    def exclusive_directions(self, rule: c.ExclusiveDirectionsRule) -> RuleResult:
        if self.facts.direction not in rule.directions:
            return _ok("exclusivity_not_applicable")
        countries = set(expand_countries(list(rule.countries)))
        for p in self.facts.foreign_partners:
            if p.country not in countries:
                continue
            others = self.facts.context.own_country_directions.get(p.country, frozenset()) & set(rule.directions)
            others = others - {self.facts.direction}
            if others:
                return _fail("country_used_in_other_direction", country=p.country, directions=sorted(others))
        return _ok("exclusivity_ok", directions=list(rule.directions))

    # -- the project ---------------------------------------------------------------------

    def name_pattern(self, rule: c.NamePatternRule) -> RuleResult:
        title = self.facts.title.strip()
        if not title:
            return _fail("title_missing")
        if c.COUNTRY_PLACEHOLDER not in rule.pattern:
            if re.fullmatch(rule.pattern, title):
                return _ok("name_matches", title=title, template=rule.template)
            return _fail("name_mismatch", title=title, template=rule.template)
        # The shape first (any text where the country stands), then the partner's own short name.
        if not re.fullmatch(rule.pattern.replace(c.COUNTRY_PLACEHOLDER, r"\S+?"), title):
            return _fail("name_mismatch", title=title, template=rule.template)
        countries = sorted({p.country for p in self.facts.foreign_partners if p.country})
        if not countries:
            return _fail("no_foreign_partner")
        names = [n for code in countries for n in chinese_short_names(code)]
        if re.fullmatch(c.country_pattern(rule.pattern, names), title):
            return _ok("name_matches", title=title, template=rule.template)
        if not all(has_chinese_short_name(code) for code in countries):
            # Only the full name is known for this country: a short form staff recognise may be right.
            return _review("name_country_unverified", title=title, countries=countries)
        return _fail("name_country_mismatch", title=title, countries=countries, names=names)

    def duration(self, rule: c.DurationRule) -> RuleResult:
        months = self.facts.duration_months
        if months is None:
            return _fail("duration_missing")
        if rule.min_months is not None and months < rule.min_months:
            return _fail("duration_too_short", months=months, bound=rule.min_months)
        if rule.max_months is not None and months > rule.max_months:
            return _fail("duration_too_long", months=months, bound=rule.max_months)
        return _ok("duration_ok", months=months)

    def matching_funds(self, rule: c.MatchingFundsRule) -> RuleResult:
        requested = self.facts.requested_yuan
        if requested is None:
            return _fail("requested_missing")
        base, short = requested, "matching_funds_short"
        if rule.compare_with == "funder_share":
            share = self.facts.funder_grant_share_yuan
            if share is None:
                return _fail("grant_share_missing")
            if share > requested:
                return _fail("grant_share_above_grant", share=share, requested=requested)
            base, short = share, "matching_funds_short_of_share"
        funders = [o for o in self._party(rule.party) if not rule.funder_types or o.type in rule.funder_types]
        funds = sum(o.matching_funds_yuan for o in funders)
        exact_need = Fraction(base) * Fraction(str(rule.min_ratio))
        needed = math.ceil(exact_need)
        if funds < exact_need:
            return _fail(short, funds=funds, needed=needed, requested=requested, share=base, ratio=rule.min_ratio)
        return _ok("matching_funds_ok", funds=funds, needed=needed)

    # -- the budget table ------------------------------------------------------------

    def _budget(self, code: str) -> tuple[FormField, BudgetTable] | None:
        """The budget field and its totals, or None when nothing is entered in it."""
        form_field = next(f for f in self.definition.form if f.code == code)
        value = self.facts.values.get(code)
        if not isinstance(value, dict) or not value.get("lines"):
            return None
        return form_field, budget_table(form_field.budget_spec, value)

    @staticmethod
    def _yuan(table: BudgetTable, amount: Decimal) -> str:
        """An amount of the table in yuan, as reasons print it (thousands separated, fen only when there are any)."""
        yuan = table.yuan(amount)
        return format_amount(yuan, 0 if yuan == yuan.to_integral_value() else 2)

    def _amount_field(self, code: str) -> Decimal | None:
        """What a money or number field of the form holds, in yuan (bound fields read their attribute)."""
        form_field = next(f for f in self.definition.form if f.code == code)
        binds = form_field.binds
        raw: Any
        if binds == "requested_yuan":
            raw = self.facts.requested_yuan
        elif binds == "funder_grant_share_yuan":
            raw = self.facts.funder_grant_share_yuan
        elif binds == "external_budget_yuan":
            raw = self.facts.external[0].budget_yuan if self.facts.external else None
        elif binds is not None:
            raw = self.facts.values.get(binds)
        else:
            raw = self.facts.values.get(code)
        if raw in (None, ""):
            return None
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None

    def budget_total(self, rule: c.BudgetTotalRule) -> RuleResult:
        found = self._budget(rule.field)
        label = next(f.label for f in self.definition.form if f.code == rule.field)
        amount_label = next(f.label for f in self.definition.form if f.code == rule.equals)
        if found is None:
            return _fail("budget_missing", budget=label)
        _, table = found
        amount = self._amount_field(rule.equals)
        if amount is None:
            return _fail("budget_amount_missing", field=amount_label)
        total = table.yuan(table.column_amount(rule.column))
        params = {"budget": label, "field": amount_label, "total": self._yuan(table, total / table.factor)}
        params["amount"] = format_amount(amount, 0 if amount == amount.to_integral_value() else 2)
        if total != amount:
            return _fail("budget_total_differs" if rule.column == "grant" else "budget_all_total_differs", **params)
        return _ok("budget_total_ok" if rule.column == "grant" else "budget_all_total_ok", **params)

    def budget_share(self, rule: c.BudgetShareRule) -> RuleResult:
        found = self._budget(rule.field)
        label = next(f.label for f in self.definition.form if f.code == rule.field)
        if found is None:
            return _fail("budget_missing", budget=label)
        form_field, table = found
        line = form_field.budget_spec.line_label(rule.line) or rule.line
        part = table.line_amount(rule.line, rule.column)
        base = table.column_amount(rule.column, direct_only=rule.of == "direct")
        limit = base * Decimal(str(rule.max_percent)) / 100
        percent = (part * 100 / base).quantize(Decimal("0.1")) if base else Decimal(0)
        params = {
            "line": line,
            "amount": self._yuan(table, part),
            "base": self._yuan(table, base),
            "percent": f"{percent:f}",
            "max": f"{Decimal(str(rule.max_percent)).normalize():f}",
        }
        suffix = "_of_direct" if rule.of == "direct" else ""
        if part > limit:
            return _fail(f"budget_share_too_high{suffix}", **params)
        return _ok(f"budget_share_ok{suffix}", **params)

    def budget_matching(self, rule: c.BudgetMatchingRule) -> RuleResult:
        found = self._budget(rule.field)
        label = next(f.label for f in self.definition.form if f.code == rule.field)
        if found is None:
            return _fail("budget_missing", budget=label)
        _, table = found
        counted = [s.value for s in rule.sources] or [s for s in table.sources if s != "grant"]
        matching = sum((table.column_amount(s) for s in counted if s in table.sources), Decimal(0))
        grant = table.column_amount("grant")
        needed = grant * Decimal(str(rule.min_ratio))
        params = {
            "matching": self._yuan(table, matching),
            "needed": self._yuan(table, needed),
            "grant": self._yuan(table, grant),
            "ratio": f"{Decimal(str(rule.min_ratio)).normalize():f}",
        }
        if matching < needed:
            return _fail("budget_matching_short", **params)
        return _ok("budget_matching_ok", **params)

    def budget_cap(self, rule: c.BudgetCapRule) -> RuleResult:
        found = self._budget(rule.field)
        label = next(f.label for f in self.definition.form if f.code == rule.field)
        if found is None:
            return _fail("budget_missing", budget=label)
        _, table = found
        asked = table.yuan(table.column_amount(rule.column))
        direction = next((d for d in self.definition.directions if d.code == self.facts.direction), None)
        cap, code = None, "budget_above_cap"
        if rule.max is not None:
            cap = rule.max.yuan
        elif direction is not None and direction.budget is not None and direction.budget.per_project is not None:
            cap, code = direction.budget.per_project.yuan, "budget_above_project_cap"
        elif direction is not None and direction.budget is not None and direction.budget.total is not None:
            cap, code = direction.budget.total.yuan, "budget_above_direction_total"
        if cap is None:
            return _review("budget_cap_unknown", amount=self._yuan(table, asked / table.factor))
        params = {"amount": self._yuan(table, asked / table.factor), "cap": format_amount(Decimal(cap), 0)}
        if direction is not None:
            params["direction"] = direction.code
        if asked > cap:
            return _fail(code, **params)
        return _ok("budget_within_cap", **params)

    def required_document(self, rule: c.RequiredDocumentRule) -> RuleResult:
        doc = self.documents[rule.document]
        given = [d for d in self.facts.documents if d.code == rule.document]
        if rule.only_if is not None:
            question = next((f.label for f in self.definition.form if f.code == rule.only_if.field), None)
            answer = self.facts.values.get(rule.only_if.field)
            if answer in (None, ""):
                return _fail("document_condition_missing", document=doc.name, question=question or rule.only_if.field)
            if str(answer) != rule.only_if.equals and not given:
                return _ok("document_not_needed", document=doc.name, question=question or rule.only_if.field)
        if not given:
            return _fail("document_missing", document=doc.name)
        for d in given:
            if doc.signed_before is not None:
                if d.signed_on is None:
                    return _fail("document_date_missing", document=doc.name)
                if d.signed_on >= doc.signed_before:
                    return _fail("document_signed_too_late", document=doc.name, signed_on=d.signed_on, bound=doc.signed_before)
            if doc.one_application_per_document and d.key and d.key in self.facts.context.document_keys_in_use:
                return _fail("document_already_used", document=doc.name, key=d.key)
        return _ok("document_present", document=doc.name)

    def team_composition(self, rule: c.TeamCompositionRule) -> RuleResult:
        members = [m for m in self.facts.team if m.confirmed]
        roles = {m.role for m in members}
        missing = [r.value for r in rule.required_roles if r not in roles]
        if missing:
            return _fail("team_roles_missing", missing=missing)
        if rule.presenter_roles:
            wrong = [m.role for m in members if m.presenter and m.role not in rule.presenter_roles]
            if wrong:
                return _fail("presenter_role_not_allowed", allowed=[r.value for r in rule.presenter_roles])
            if not any(m.presenter for m in members):
                return _fail("presenter_missing", allowed=[r.value for r in rule.presenter_roles])
        if rule.max_members is not None and len(members) > rule.max_members:
            return _fail("team_too_large", count=len(members), max=rule.max_members)
        return _ok("team_ok", count=len(members))

    def bilateral_submission(self, rule: c.BilateralSubmissionRule) -> RuleResult:
        bilateral = self.facts.bilateral
        if bilateral is None:
            return _review("partner_list_not_imported")
        if not bilateral.counterpart_found:
            return _fail("no_partner_counterpart")
        relevant = [m for m in bilateral.mismatches if m in rule.must_match]
        if relevant:
            return _fail("partner_submission_mismatch", fields=relevant)
        return _ok("partner_submission_matches")

    def external_programme(self, rule: c.ExternalProgrammeRule) -> RuleResult:
        entries = [e for e in self.facts.external if e.programme == rule.programme]
        if not entries:
            return _fail("external_missing", programme=rule.programme_name)
        entry = entries[0]
        if rule.call_years and entry.call_year not in rule.call_years:
            return _fail(
                "external_year_not_allowed", programme=rule.programme_name, year=entry.call_year or "", allowed=rule.call_years
            )
        if rule.role is not None and entry.role != rule.role:
            return _fail("external_role_wrong", programme=rule.programme_name, role=entry.role or "", expected=rule.role)
        if rule.one_chinese_application_per_project and entry.project_id in self.facts.context.external_projects_in_use:
            return _fail("external_project_already_used", project=entry.project_id or "")
        if rule.budget_not_above_external:
            if entry.budget_yuan is None or self.facts.requested_yuan is None:
                return _fail("external_budget_missing", programme=rule.programme_name)
            if self.facts.requested_yuan > entry.budget_yuan:
                return _fail("budget_above_external", requested=self.facts.requested_yuan, external=entry.budget_yuan)
        return _ok("external_ok", programme=rule.programme_name)

    def trl(self, rule: c.TrlRule) -> RuleResult:
        if self.facts.trl is None:
            return _fail("trl_missing")
        if self.facts.trl > rule.max:
            return _fail("trl_too_high", trl=self.facts.trl, max=rule.max)
        return _ok("trl_ok", trl=self.facts.trl)

    def field_choice(self, rule: c.FieldChoiceRule) -> RuleResult:
        chosen = len(self.facts.fields)
        if chosen != rule.exactly:
            return _fail("field_count_wrong", count=chosen, n=rule.exactly)
        if rule.cover_all_content:
            # The declaration is kept as "<criterion>=<field>", so it holds only for the field it named.
            prefix = f"{self.criterion_code}="
            declared = sorted(d.removeprefix(prefix) for d in self.facts.declarations if d.startswith(prefix))
            missing = [f for f in self.facts.fields if f not in declared]
            if missing:
                return _fail("field_coverage_not_declared", field=self._field_name(missing[0]))
            return _ok("field_coverage_declared", field=self._field_name(self.facts.fields[0]))
        return _ok("field_choice_ok", count=chosen)

    def _field_name(self, chosen: str) -> I18nText | str:
        """The chosen field (kept by its Chinese name) in both languages, from the direction."""
        direction = next((d for d in self.definition.directions if d.code == self.facts.direction), None)
        for name in direction.fields if direction is not None else []:
            if name.get("zh-hans") == chosen:
                return name
        return chosen

    def subtopics(self, rule: c.SubtopicsRule) -> RuleResult:
        count = self.facts.subtopics or 0
        if count > rule.max:
            return _fail("too_many_subtopics", count=count, max=rule.max)
        return _ok("subtopics_ok", count=count)

    def entry_language(self, rule: c.LanguageRule) -> RuleResult:
        language = self.facts.entry_language
        if language is None:
            return _fail("language_missing")
        allowed = rule.foreign if self.facts.foreign_entry else rule.domestic
        if language not in allowed:
            return _fail("language_not_allowed", language=language, allowed=list(allowed), foreign=self.facts.foreign_entry)
        return _ok("language_ok", language=language)

    def nomination(self, rule: c.NominationRule) -> RuleResult:
        route = self.facts.nomination_route
        if route is None:
            return _fail("nomination_missing")
        if route not in rule.routes:
            return _fail("nomination_not_allowed", route=route, allowed=list(rule.routes))
        return _ok("nomination_ok", route=route)

    def human_check(self, rule: c.HumanCheckRule) -> RuleResult:
        return _review("staff_decide", question=rule.question)

    def cel(self, rule: c.CelRule) -> RuleResult:
        from shenbao.eligibility.expressions import ExpressionError, evaluate_expression

        try:
            value = evaluate_expression(rule.expression, self.facts)
        except ExpressionError as exc:
            return _review("expression_error", error=str(exc), message=rule.message)
        if value is True:
            return _ok("expression_true", message=rule.message)
        return _fail("expression_false", message=rule.message)

    def any_of(self, rule: c.AnyOfRule) -> RuleResult:
        results = [self.rule(inner) for inner in rule.rules]
        passed = [r for r in results if r.outcome in (Outcome.PASS, Outcome.WARN)]
        if passed:
            return RuleResult(passed[0].outcome, passed[0].reasons)
        reasons = tuple(reason for r in results for reason in r.reasons)
        if any(r.outcome == Outcome.NEEDS_REVIEW for r in results):
            return RuleResult(Outcome.NEEDS_REVIEW, reasons)
        return RuleResult(Outcome.FAIL, (Reason("none_of_alternatives"), *reasons))

    def all_of(self, rule: c.AllOfRule) -> RuleResult:
        results = [self.rule(inner) for inner in rule.rules]
        failed = [r for r in results if r.outcome == Outcome.FAIL]
        if failed:
            return RuleResult(Outcome.FAIL, tuple(reason for r in failed for reason in r.reasons))
        review = [r for r in results if r.outcome == Outcome.NEEDS_REVIEW]
        if review:
            return RuleResult(Outcome.NEEDS_REVIEW, tuple(reason for r in review for reason in r.reasons))
        warned = [r for r in results if r.outcome == Outcome.WARN]
        if warned:
            return RuleResult(Outcome.WARN, tuple(reason for r in warned for reason in r.reasons))
        return RuleResult(Outcome.PASS, tuple(reason for r in results for reason in r.reasons))


def rule_kinds(definition: CallDefinition) -> frozenset[str]:
    """Every rule kind the call uses, nested ones included."""
    return frozenset(rule.kind for criterion in definition.eligibility for rule in c.walk_rules(criterion.rule))


def applies(criterion: c.Criterion, direction: str | None) -> bool:
    return not criterion.directions or direction in criterion.directions


def evaluate(definition: CallDefinition, facts: ApplicationFacts) -> list[CriterionResult]:
    """The result of every criterion that applies to the application's direction, in call order."""
    evaluator = _Evaluator(definition, facts)
    out: list[CriterionResult] = []
    for criterion in definition.eligibility:
        if not applies(criterion, facts.direction):
            continue
        evaluator.criterion_code = criterion.code
        result = evaluator.rule(criterion.rule)
        outcome = result.outcome
        if outcome == Outcome.FAIL and criterion.level == c.Level.WARN:
            outcome = Outcome.WARN
        elif outcome == Outcome.FAIL and criterion.level == c.Level.REVIEW:
            outcome = Outcome.NEEDS_REVIEW
        out.append(CriterionResult(criterion.code, criterion.rule.kind, criterion.level.value, outcome, result.reasons))
    return out


@dataclass(frozen=True)
class Summary:
    passed: int
    failed: int
    needs_review: int
    warnings: int

    @property
    def can_submit(self) -> bool:
        return self.failed == 0


def summarise(results: list[CriterionResult]) -> Summary:
    count = {o: sum(1 for r in results if r.outcome == o) for o in Outcome}
    return Summary(count[Outcome.PASS], count[Outcome.FAIL], count[Outcome.NEEDS_REVIEW], count[Outcome.WARN])


def _encode(value: Any) -> Any:
    if isinstance(value, I18nText):
        return {"__text__": value.as_dict()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "__text__" in value:
        return I18nText.model_validate(value["__text__"])
    if isinstance(value, dict) and "__date__" in value:
        return dt.date.fromisoformat(value["__date__"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def encode_results(results: list[CriterionResult]) -> list[dict[str, Any]]:
    """Results as JSON-safe data, to keep with an application (staff queues read them back)."""
    return [
        {
            "code": r.code,
            "kind": r.kind,
            "level": r.level,
            "outcome": r.outcome.value,
            "reasons": [{"code": x.code, "params": {k: _encode(v) for k, v in x.params.items()}} for x in r.reasons],
        }
        for r in results
    ]


def decode_results(data: list[dict[str, Any]]) -> list[CriterionResult]:
    return [
        CriterionResult(
            code=item["code"],
            kind=item["kind"],
            level=item["level"],
            outcome=Outcome(item["outcome"]),
            reasons=tuple(Reason(x["code"], {k: _decode(v) for k, v in x["params"].items()}) for x in item["reasons"]),
        )
        for item in data
    ]
