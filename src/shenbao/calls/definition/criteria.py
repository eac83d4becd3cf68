"""Eligibility criteria as typed rule configurations.

Each rule kind is a small model with its parameters.  The evaluation engine (the
``eligibility`` app) reads these; this module only says what a rule *is*.  The
catalogue covers every rule of the four seed programs (DESIGN §5); ``cel`` holds an
expression for anything the typed kinds cannot say, and ``human_check`` is a rule
that staff decide with the text in front of them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shenbao.accounts.enums import OrgType, Position
from shenbao.calls.definition.base import Code, Country, Money, Strict
from shenbao.calls.definition.budget import FundingSource
from shenbao.core.countries import CHINESE_SHORT_NAMES
from shenbao.core.text import I18nText

#: In a name pattern, where the partner country's Chinese short name stands (“中{country}…联合实验室”).
COUNTRY_PLACEHOLDER = "{country}"


def country_pattern(pattern: str, names: list[str] | None = None) -> str:
    """The pattern with ``{country}`` replaced by the given names (by default every known short name)."""
    if COUNTRY_PLACEHOLDER not in pattern:
        return pattern
    if names is None:
        names = [n for forms in CHINESE_SHORT_NAMES.values() for n in forms]
    # Longest first, so 阿联酋 is tried before a shorter form that starts it.
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))
    return pattern.replace(COUNTRY_PLACEHOLDER, f"(?:{alternatives})")


class TeamRole(StrEnum):
    PI = "pi"
    FACULTY = "faculty"
    STUDENT = "student"
    ENTERPRISE_EXPERT = "enterprise_expert"
    MEMBER = "member"


class Party(StrEnum):
    """Whose facts a rule looks at."""

    APPLICANT = "applicant"  # the PI / the person who applies
    LEAD_ORGANISATION = "lead_organisation"
    CHINESE_SIDE = "chinese_side"
    FOREIGN_PARTNER = "foreign_partner"
    BOTH_SIDES = "both_sides"


class Level(StrEnum):
    MUST = "must"  # failing blocks submission
    WARN = "warn"  # failing warns (e.g. "recommended: 1 application")
    REVIEW = "review"  # a human decides at the formal check


class _Rule(Strict):
    kind: str


class BirthDateRule(_Rule):
    kind: Literal["birth_date"]
    on_or_after: dt.date | None = None
    before: dt.date | None = None

    @model_validator(mode="after")
    def _bound(self) -> BirthDateRule:
        if self.on_or_after is None and self.before is None:
            raise PydanticCustomError("rule_needs_bound", "give on_or_after or before")
        return self


class PositionRule(_Rule):
    """Employment: position, full-time, the employer's type and country, postdoc exclusion."""

    kind: Literal["position"]
    positions: list[Position] = Field(min_length=1)
    full_time: bool = False
    employer_org_types: list[OrgType] = Field(default_factory=list)
    employer_countries: list[Country] = Field(default_factory=list)
    exclude_in_station_postdoc: bool = False


class PreviousAwardRule(_Rule):
    kind: Literal["previous_award"]
    award: str = Field(min_length=1, description="award code as kept in profiles, e.g. xiaomi_young_scholar")
    award_name: I18nText


class NoOverseasEmploymentRule(_Rule):
    kind: Literal["no_overseas_employment"]


class DeclarationRule(_Rule):
    """A statement the applicant must confirm (signs the NDA, real name, …)."""

    kind: Literal["declaration"]
    statement: I18nText


class NegativeEventRule(_Rule):
    """No serious negative event (重大负面事件) within the given years."""

    kind: Literal["negative_event"]
    years: int = Field(ge=1, le=20)


class OrgTypeRule(_Rule):
    kind: Literal["organisation_type"]
    party: Party = Party.LEAD_ORGANISATION
    types: list[OrgType] = Field(min_length=1)


class PartnerParticipationRule(_Rule):
    """Each named side must include an organisation of the given types (1.3: enterprises)."""

    kind: Literal["participation"]
    party: Party = Party.BOTH_SIDES
    types: list[OrgType] = Field(min_length=1)


class PartnerRegistrationRule(_Rule):
    """Foreign partner registered abroad ≥ N years, with legal personality."""

    kind: Literal["partner_registration"]
    min_years: int = Field(ge=0, le=100)
    legal_person: bool = True
    registered_in: list[Country] = Field(default_factory=list, description="empty = anywhere outside China")
    org_types: list[OrgType] = Field(default_factory=list)


class PartnerCountryRule(_Rule):
    kind: Literal["partner_country"]
    countries: list[Country] = Field(min_length=1)
    min_distinct: int = Field(default=1, ge=1, description="at least this many distinct countries from the list")
    regions: I18nText | None = Field(default=None, description="how the call names the list, e.g. 阿拉伯国家")


class PartnerOrganisationRule(_Rule):
    """Partner only from a named network (2.9: Russian Academy of Sciences institutes)."""

    kind: Literal["partner_organisation"]
    network: str = Field(min_length=1)
    network_name: I18nText


class PartnerAffiliationRule(_Rule):
    """Partner researchers' affiliation proof must be valid until at least a date (2.4, CNR).

    Seed 003 2.4: any researcher of the CNR network may apply, and only the *external*
    persons (外部人员) need an affiliation proof expiring no earlier than the date; with
    ``external_only`` a partner whose people are CNR staff needs no proof.
    """

    kind: Literal["partner_affiliation"]
    network: str = Field(min_length=1)
    network_name: I18nText
    valid_until_at_least: dt.date
    external_only: bool = Field(default=False, description="only partners affiliated as external persons need the proof")


class ApplicationsPerApplicantRule(_Rule):
    kind: Literal["applications_per_applicant"]
    max: int = Field(ge=1)
    recommended: int | None = Field(default=None, ge=1)
    scope: Literal["call", "direction", "program"] = "call"

    @model_validator(mode="after")
    def _order(self) -> ApplicationsPerApplicantRule:
        if self.recommended is not None and self.recommended > self.max:
            raise PydanticCustomError(
                "recommended_above_max", "recommended must not exceed max", {"recommended": self.recommended, "max": self.max}
            )
        return self


class UniquePartnerCountryRule(_Rule):
    """At most N *funded* projects per partner country within the direction (1.5, 1.6).

    Seed 003 states this under 拟支持项目数 ("原则上每个合作国别不超过1个"): a cap on what the
    call supports, shared by every applicant, not a condition one applicant meets.  Refusing
    the second application with the same country at submission would hand the slot to
    whoever submitted first, so the rule never fails: it warns that other live applications
    share the country, and the cap is applied when projects are chosen (staff decide at
    the formal check or at selection).  Withdrawn applications and those that failed the
    formal check are not counted.
    """

    kind: Literal["per_partner_country"]
    max: int = Field(default=1, ge=1)


class ExclusiveDirectionsRule(_Rule):
    """The same applicant may not apply through more than one of the listed directions with one country.

    Seed 003 1.6: Arab states in Africa "也可申报中阿联合实验室，但只能通过一个途径申报" — the
    route is the applicant's choice, so the rule looks only at the applicant's own other
    live applications (and at other applications of the same lead organisation with the
    same foreign partner: the same partner pair).  It never refuses one applicant because
    of another's application; withdrawn applications and those that failed the formal check
    never count.  Across applicants, exclusivity is a selection constraint.
    """

    kind: Literal["exclusive_directions"]
    directions: list[Code] = Field(min_length=2)
    countries: list[Country] = Field(min_length=1)


class NamePatternRule(_Rule):
    kind: Literal["name_pattern"]
    pattern: str = Field(
        min_length=1,
        description="regular expression the whole name must match; {country} stands for the partner country's short name",
    )
    template: I18nText = Field(description="the pattern as the call states it")
    examples: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(country_pattern(value))
        except re.error as exc:
            raise PydanticCustomError("regex_invalid", "not a valid regular expression: {error}", {"error": str(exc)}) from exc
        return value

    @model_validator(mode="after")
    def _examples_match(self) -> NamePatternRule:
        for example in self.examples:
            if not re.fullmatch(country_pattern(self.pattern), example):
                raise PydanticCustomError("example_mismatch", "example does not match the pattern", {"value": example})
        return self


class DurationRule(_Rule):
    """The application's duration within the direction's bounds (in months)."""

    kind: Literal["duration"]
    min_months: int | None = Field(default=None, ge=1)
    max_months: int | None = Field(default=None, ge=1)
    in_principle: bool = False


class MatchingFundsRule(_Rule):
    """Matching funds ≥ ratio × the grant, or × the part of the grant the funders receive.

    Seed 003 1.3: "中方企业应提供至少与其获得的政府资助等额的配套出资" — the enterprise matches
    what *it* receives (``compare_with: funder_share``, a figure the applicant enters), not
    the whole project's grant.
    """

    kind: Literal["matching_funds"]
    party: Party = Party.CHINESE_SIDE
    funder_types: list[OrgType] = Field(default_factory=list)
    min_ratio: float = Field(gt=0, description="matching funds ≥ ratio × government grant")
    compare_with: Literal["grant", "funder_share"] = "grant"


#: Which amounts of a budget table a rule looks at: the grant column, or every source together.
BudgetColumn = Literal["grant", "all"]


class BudgetTotalRule(_Rule):
    """The budget table's total (the grant column, or every source) equals an amount the form states.

    ``equals`` names a form field: a money or number field in yuan (e.g. one bound to the requested grant).
    """

    kind: Literal["budget_total"]
    field: Code = Field(description="the budget field")
    equals: Code = Field(description="the form field holding the amount (yuan)")
    column: BudgetColumn = "grant"


class BudgetShareRule(_Rule):
    """A category (or sub-line) is at most N % of the budget's total, or of its direct costs (间接费用 ≤ 20 % …)."""

    kind: Literal["budget_share"]
    field: Code
    line: Code = Field(description="a category's or sub-line's code")
    max_percent: float = Field(gt=0, le=100)
    of: Literal["total", "direct"] = "total"
    column: BudgetColumn = "grant"


class BudgetMatchingRule(_Rule):
    """Co-funding in the budget table is at least a ratio of the grant requested (配套 ≥ 1 : 1 …)."""

    kind: Literal["budget_matching"]
    field: Code
    min_ratio: float = Field(gt=0, le=1000, description="co-funding ≥ ratio × the grant column's total")
    sources: list[FundingSource] = Field(default_factory=list, description="the co-funding sources counted; empty = every one")

    @model_validator(mode="after")
    def _not_grant(self) -> BudgetMatchingRule:
        if FundingSource.GRANT in self.sources:
            raise PydanticCustomError("matching_counts_grant", "the grant is not co-funding")
        return self


class BudgetCapRule(_Rule):
    """The grant requested in the budget table is within a cap: the rule's own, else the direction's.

    Without ``max`` the direction's per-project budget applies, else its whole budget (共拟支持经费):
    no project may ask for more than the direction has.
    """

    kind: Literal["budget_cap"]
    field: Code
    max: Money | None = None
    column: BudgetColumn = "grant"


BUDGET_RULES = (BudgetTotalRule, BudgetShareRule, BudgetMatchingRule, BudgetCapRule)


class FormCondition(Strict):
    """A form answer that makes a rule apply (a choice field's value)."""

    field: Code
    equals: str = Field(min_length=1)


class RequiredDocumentRule(_Rule):
    """A document must be attached; with ``only_if``, only when a form answer says so.

    Seed 003 2.3: the Horizon Europe grant agreement is required when the Horizon project
    is already funded ("若项目在地平线欧洲计划中'已立项'，中方申报单位应提供立项协议等证明材料").
    """

    kind: Literal["required_document"]
    document: Code
    only_if: FormCondition | None = None


class TeamCompositionRule(_Rule):
    kind: Literal["team_composition"]
    required_roles: list[TeamRole] = Field(min_length=1)
    presenter_roles: list[TeamRole] = Field(default_factory=list)
    max_members: int | None = Field(default=None, ge=1)


class BilateralSubmissionRule(_Rule):
    """Both sides apply to their own agencies; listed fields must match the partner's submission."""

    kind: Literal["bilateral_submission"]
    partner_agency: I18nText | None = None
    must_match: list[
        Literal["english_title", "title", "field", "partner_organisations", "pi", "duration", "lead_organisation"]
    ] = Field(default_factory=list)
    native_language: bool = False


class ExternalProgrammeRule(_Rule):
    """Participation in another programme (2.3: Horizon Europe 2023/2024 associated partner)."""

    kind: Literal["external_programme"]
    programme: str = Field(min_length=1)
    programme_name: I18nText
    call_years: list[int] = Field(default_factory=list)
    role: str | None = None
    one_chinese_application_per_project: bool = False
    budget_not_above_external: bool = False


class TrlRule(_Rule):
    kind: Literal["trl"]
    max: int = Field(ge=1, le=9)


class FieldChoiceRule(_Rule):
    """Choose exactly N of the direction's fields and cover it fully (2.9)."""

    kind: Literal["field_choice"]
    exactly: int = Field(default=1, ge=1)
    cover_all_content: bool = False


class SubtopicsRule(_Rule):
    kind: Literal["subtopics"]
    max: int = Field(ge=0)


class LanguageRule(_Rule):
    """Languages allowed for the entry (seed 004: domestic zh, foreign zh or en)."""

    kind: Literal["entry_language"]
    domestic: list[Literal["zh-hans", "en"]] = Field(min_length=1)
    foreign: list[Literal["zh-hans", "en"]] = Field(min_length=1)


class NominationRule(_Rule):
    """How an entry may come in: self-nomination and/or recommendation."""

    kind: Literal["nomination"]
    routes: list[Literal["self", "expert_recommendation", "institution_recommendation"]] = Field(min_length=1)
    max_entries_per_organisation: int | None = Field(default=None, ge=1)


class HumanCheckRule(_Rule):
    """A condition staff decide at the formal check, with the call's wording."""

    kind: Literal["human_check"]
    question: I18nText


class CelRule(_Rule):
    kind: Literal["cel"]
    expression: str = Field(min_length=1)
    message: I18nText

    @field_validator("expression")
    @classmethod
    def _compiles(cls, value: str) -> str:
        from cel import compile as cel_compile

        try:
            cel_compile(value)
        except Exception as exc:  # the binding raises several exception types
            raise PydanticCustomError("expression_invalid", "not a valid CEL expression: {error}", {"error": str(exc)}) from exc
        return value


class AnyOfRule(_Rule):
    kind: Literal["any_of"]
    rules: list[Rule] = Field(min_length=2)


class AllOfRule(_Rule):
    kind: Literal["all_of"]
    rules: list[Rule] = Field(min_length=2)


Rule = Annotated[
    BirthDateRule
    | PositionRule
    | PreviousAwardRule
    | NoOverseasEmploymentRule
    | DeclarationRule
    | NegativeEventRule
    | OrgTypeRule
    | PartnerParticipationRule
    | PartnerRegistrationRule
    | PartnerCountryRule
    | PartnerOrganisationRule
    | PartnerAffiliationRule
    | ApplicationsPerApplicantRule
    | UniquePartnerCountryRule
    | ExclusiveDirectionsRule
    | NamePatternRule
    | DurationRule
    | MatchingFundsRule
    | BudgetTotalRule
    | BudgetShareRule
    | BudgetMatchingRule
    | BudgetCapRule
    | RequiredDocumentRule
    | TeamCompositionRule
    | BilateralSubmissionRule
    | ExternalProgrammeRule
    | TrlRule
    | FieldChoiceRule
    | SubtopicsRule
    | LanguageRule
    | NominationRule
    | HumanCheckRule
    | CelRule
    | AnyOfRule
    | AllOfRule,
    Field(discriminator="kind"),
]

AnyOfRule.model_rebuild()
AllOfRule.model_rebuild()

RULE_KINDS: tuple[str, ...] = tuple(get_args(model.model_fields["kind"].annotation)[0] for model in get_args(get_args(Rule)[0]))


class Criterion(Strict):
    """One eligibility criterion (申报条件): the call's wording plus its typed rule."""

    code: Code
    text: I18nText = Field(description="the criterion in the call's own words")
    rule: Rule
    level: Level = Level.MUST
    directions: list[Code] = Field(default_factory=list, description="empty = the whole call")


def walk_rules(rule: Rule) -> list[Rule]:
    """The rule and every rule nested in it (any_of / all_of), outermost first."""
    out: list[Rule] = [rule]
    if isinstance(rule, AnyOfRule | AllOfRule):
        for inner in rule.rules:
            out.extend(walk_rules(inner))
    return out
