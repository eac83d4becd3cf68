"""Reasons as sentences in the user's language, naming the facts the rule used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import EmploymentType, OrgType, Position
from shenbao.accounts.labels import EMPLOYMENT_LABELS, ORG_TYPE_LABELS, POSITION_LABELS
from shenbao.calls.definition.criteria import TeamRole
from shenbao.core.choices import label
from shenbao.core.countries import country_name
from shenbao.core.text import I18nText
from shenbao.eligibility.engine import CriterionResult, Outcome, Reason

REASONS: dict[str, Promise] = {
    "birth_date_missing": _("The date of birth is not given."),
    "born_too_early": _("Born on %(birth_date)s, before %(bound)s."),
    "born_too_late": _("Born on %(birth_date)s, not before %(bound)s."),
    "birth_date_ok": _("Born on %(birth_date)s."),
    "position_missing": _("The position is not given."),
    "position_not_allowed": _("The position “%(position)s” is not one of: %(allowed)s."),
    "not_full_time": _("Employment is “%(employment)s”, not full-time."),
    "employer_type_not_allowed": _("The employer is a %(employer_type)s, not one of: %(allowed)s."),
    "employer_country_not_allowed": _("The employer is in %(country)s, not in: %(allowed)s."),
    "postdoc_status_missing": _("It is not stated whether the applicant is an in-station postdoc."),
    "in_station_postdoc": _("In-station postdocs cannot apply."),
    "position_ok": _("%(position)s at a %(employer_type)s."),
    "award_held": _("Holds the award “%(award)s”."),
    "award_not_held": _("Does not hold the award “%(award)s”."),
    "overseas_employment_missing": _("The overseas-employment declaration is not made."),
    "overseas_employment": _("Declared formal employment by an overseas organisation."),
    "no_overseas_employment": _("Declared no formal employment by an overseas organisation."),
    "declaration_confirmed": _("Confirmed: %(statement)s"),
    "declaration_missing": _("Not yet confirmed: %(statement)s"),
    "negative_event_missing": _("The declaration about serious negative events in the last %(years)s years is not made."),
    "negative_event": _("A serious negative event in the last %(years)s years was declared."),
    "no_negative_event": _("Declared no serious negative event in the last %(years)s years."),
    "employer_type_missing": _("The employer's type is not given."),
    "organisation_missing": _("No organisation is given for this role."),
    "org_type_not_allowed": _("%(name)s is a %(type)s, not one of: %(allowed)s."),
    "org_type_ok": _("%(name)s is a %(type)s."),
    "side_lacks_type": _("The %(side)s has no organisation of type: %(allowed)s."),
    "participation_ok": _("Both sides include: %(allowed)s."),
    "no_foreign_partner": _("No foreign partner is given."),
    "registration_date_missing": _("The registration date of %(name)s is not given."),
    "registered_too_recently": _("%(name)s was registered on %(registered_on)s, less than %(years)s years ago."),
    "not_legal_person": _("%(name)s has no independent legal personality."),
    "registered_elsewhere": _("%(name)s is registered in %(country)s, not in: %(allowed)s."),
    "registered_in_china": _("%(name)s is registered in China; the partner must be registered abroad."),
    "registration_ok": _("Every foreign partner has been registered abroad for at least %(years)s years with legal personality."),
    "partner_country_not_allowed": _("%(name)s is in %(country)s, which is not an eligible partner country."),
    "too_few_partner_countries": _("Partners come from %(found)s; at least %(n)s different eligible countries are needed."),
    "partner_country_ok": _("Partner countries: %(countries)s."),
    "partner_not_in_network": _("%(name)s is not part of %(network)s."),
    "partner_network_ok": _("Every partner is part of %(network)s."),
    "affiliation_date_missing": _("The end date of %(name)s's affiliation with %(network)s is not given."),
    "affiliation_expires_too_early": _("The affiliation of %(name)s ends on %(until)s, before %(bound)s."),
    "affiliation_ok": _("Affiliation proofs are valid until at least %(bound)s."),
    "affiliation_kind_missing": _(
        "It is not stated whether the researchers of %(name)s belong to %(network)s as staff or as external persons."
    ),
    "affiliation_not_needed": _(
        "The partners' researchers belong to %(network)s as staff; only external persons need an affiliation proof."
    ),
    "too_many_applications": _("This would be application %(count)s; at most %(max)s are allowed."),
    "above_recommended_applications": _("This is application %(count)s; %(recommended)s is recommended."),
    "applications_within_limit": _("Application %(count)s of at most %(max)s."),
    "country_taken_in_direction": _(
        "%(count)s other application(s) in this direction have a partner in %(country)s; at most %(max)s project(s) per "
        "country are funded, which is decided at selection."
    ),
    "country_not_taken": _("No other application in this direction has the same partner country."),
    "exclusivity_not_applicable": _("Not applicable to this direction."),
    "country_used_in_other_direction": _(
        "You (or the same partner pair) already apply with %(country)s in direction(s) %(directions)s; "
        "with one country you may apply through only one of them."
    ),
    "exclusivity_ok": _("You do not apply with this partner country through the other direction(s)."),
    "title_missing": _("The project name is not given."),
    "name_matches": _("The name “%(title)s” follows the pattern “%(template)s”."),
    "name_mismatch": _("The name “%(title)s” does not follow the pattern “%(template)s”."),
    "name_country_mismatch": _(
        "The country in the name “%(title)s” is not the partner country %(countries)s; the name should use: %(names)s."
    ),
    "name_country_unverified": _(
        "The name “%(title)s” has the right form, but its country part is not a known short name of %(countries)s; "
        "staff check it."
    ),
    "duration_missing": _("The duration is not given."),
    "duration_too_short": _("%(months)s months is shorter than %(bound)s months."),
    "duration_too_long": _("%(months)s months is longer than %(bound)s months."),
    "duration_ok": _("Duration %(months)s months."),
    "requested_missing": _("The requested grant is not given."),
    "matching_funds_short": _(
        "Matching funds of %(funds)s yuan are less than %(needed)s yuan (%(ratio)s × the grant of %(requested)s yuan)."
    ),
    "matching_funds_ok": _("Matching funds of %(funds)s yuan cover the required %(needed)s yuan."),
    "grant_share_missing": _("The part of the grant that the Chinese enterprise receives is not given."),
    "grant_share_above_grant": _(
        "The enterprise's part of the grant, %(share)s yuan, is more than the grant requested, %(requested)s yuan."
    ),
    "matching_funds_short_of_share": _(
        "Matching funds of %(funds)s yuan are less than %(needed)s yuan "
        "(%(ratio)s × the %(share)s yuan of the grant the enterprise receives)."
    ),
    "budget_missing": _("The budget table “%(budget)s” is not filled in."),
    "budget_amount_missing": _("“%(field)s” is not given, so the budget's total cannot be compared with it."),
    "budget_total_differs": _(
        "The grant requested in the budget table totals %(total)s yuan, not the %(amount)s yuan given as “%(field)s”."
    ),
    "budget_total_ok": _("The grant requested in the budget table totals %(total)s yuan, as given as “%(field)s”."),
    "budget_all_total_differs": _(
        "The budget table totals %(total)s yuan over every source, not the %(amount)s yuan given as “%(field)s”."
    ),
    "budget_all_total_ok": _("The budget table totals %(total)s yuan over every source, as given as “%(field)s”."),
    "budget_share_too_high": _(
        "%(line)s is %(amount)s yuan, %(percent)s%% of the total of %(base)s yuan; at most %(max)s%% is allowed."
    ),
    "budget_share_ok": _("%(line)s is %(amount)s yuan, %(percent)s%% of the total of %(base)s yuan (at most %(max)s%%)."),
    "budget_share_too_high_of_direct": _(
        "%(line)s is %(amount)s yuan, %(percent)s%% of the direct costs of %(base)s yuan; at most %(max)s%% is allowed."
    ),
    "budget_share_ok_of_direct": _(
        "%(line)s is %(amount)s yuan, %(percent)s%% of the direct costs of %(base)s yuan (at most %(max)s%%)."
    ),
    "budget_matching_short": _(
        "Co-funding in the budget is %(matching)s yuan, less than %(needed)s yuan (%(ratio)s × the grant of %(grant)s yuan)."
    ),
    "budget_matching_ok": _(
        "Co-funding in the budget is %(matching)s yuan, at least %(needed)s yuan (%(ratio)s × the grant of %(grant)s yuan)."
    ),
    "budget_above_cap": _("The budget asks for %(amount)s yuan, more than the cap of %(cap)s yuan."),
    "budget_above_project_cap": _(
        "The budget asks for %(amount)s yuan, more than the %(cap)s yuan per project of direction %(direction)s."
    ),
    "budget_above_direction_total": _(
        "The budget asks for %(amount)s yuan, more than direction %(direction)s's whole budget of %(cap)s yuan."
    ),
    "budget_within_cap": _("The budget asks for %(amount)s yuan, within the cap of %(cap)s yuan."),
    "budget_cap_unknown": _("The budget asks for %(amount)s yuan; the call states no cap for this direction, so staff decide."),
    "document_missing": _("“%(document)s” is not attached."),
    "document_date_missing": _("The signing date of “%(document)s” is not given."),
    "document_signed_too_late": _("“%(document)s” was signed on %(signed_on)s, not before %(bound)s."),
    "document_already_used": _("“%(document)s” (%(key)s) is already used by another application."),
    "document_present": _("“%(document)s” is attached."),
    "document_condition_missing": _("“%(question)s” is not answered, so whether “%(document)s” is needed is not known."),
    "document_not_needed": _("“%(document)s” is not needed, by the answer to “%(question)s”."),
    "team_roles_missing": _("The team has no confirmed member as: %(missing)s."),
    "presenter_role_not_allowed": _("Presenters must be: %(allowed)s."),
    "presenter_missing": _("No presenter is named; presenters must be: %(allowed)s."),
    "team_too_large": _("The team has %(count)s members; at most %(max)s."),
    "team_ok": _("The team of %(count)s has every required role."),
    "partner_list_not_imported": _("The partner agency's list is not imported yet; staff will compare the submissions."),
    "no_partner_counterpart": _("The partner agency's list has no matching submission."),
    "partner_submission_mismatch": _("The partner's submission differs in: %(fields)s."),
    "partner_submission_matches": _("The partner's submission matches."),
    "external_missing": _("No participation in %(programme)s is given."),
    "external_year_not_allowed": _("%(programme)s call year %(year)s is not one of: %(allowed)s."),
    "external_role_wrong": _("The role in %(programme)s is “%(role)s”, not “%(expected)s”."),
    "external_project_already_used": _("External project %(project)s is already used by another Chinese application."),
    "external_budget_missing": _("The budget in %(programme)s or the requested grant is not given."),
    "budget_above_external": _("The requested %(requested)s yuan exceeds the %(external)s yuan in the external project."),
    "external_ok": _("Participation in %(programme)s fits the call."),
    "trl_missing": _("The technology readiness level is not given."),
    "trl_too_high": _("TRL %(trl)s is above the maximum of %(max)s."),
    "trl_ok": _("TRL %(trl)s."),
    "field_count_wrong": _("%(count)s field(s) chosen; choose exactly %(n)s."),
    "field_choice_ok": _("%(count)s field chosen."),
    "field_coverage_not_declared": _(
        "Not yet confirmed that the project covers all the research content of the chosen field “%(field)s”."
    ),
    "field_coverage_declared": _("Confirmed: the project covers all the research content of the chosen field “%(field)s”."),
    "too_many_subtopics": _("%(count)s sub-topics; at most %(max)s."),
    "subtopics_ok": _("%(count)s sub-topic(s)."),
    "language_missing": _("The language of the entry is not given."),
    "language_not_allowed": _("Entries in %(language)s are not accepted here; allowed: %(allowed)s."),
    "language_ok": _("Entry language: %(language)s."),
    "nomination_missing": _("The nomination route is not given."),
    "nomination_not_allowed": _("Nomination by “%(route)s” is not accepted; allowed: %(allowed)s."),
    "nomination_ok": _("Nominated by: %(route)s."),
    "staff_decide": _("Staff decide: %(question)s"),
    "expression_error": _("The rule could not be evaluated (%(error)s); staff decide: %(message)s"),
    "expression_true": _("Met: %(message)s"),
    "expression_false": _("Not met: %(message)s"),
    "none_of_alternatives": _("None of the alternatives is met:"),
}

OUTCOME_LABELS: dict[Outcome, Promise] = {
    Outcome.PASS: _("Pass"),
    Outcome.FAIL: _("Fail"),
    Outcome.NEEDS_REVIEW: _("Staff decide"),
    Outcome.WARN: _("Warning"),
}

_PARTIES = {
    "lead_organisation": _("lead organisation"),
    "chinese_side": _("Chinese side"),
    "foreign_partner": _("foreign side"),
    "both_sides": _("both sides"),
    "applicant": _("applicant"),
}
_ROUTES = {
    "self": _("self-nomination"),
    "expert_recommendation": _("expert recommendation"),
    "institution_recommendation": _("institution recommendation"),
}
_LANGUAGES = {"zh-hans": _("Chinese"), "en": _("English")}
_TEAM_ROLES = {
    TeamRole.PI: _("principal investigator"),
    TeamRole.FACULTY: _("faculty member"),
    TeamRole.STUDENT: _("student"),
    TeamRole.ENTERPRISE_EXPERT: _("enterprise expert"),
    TeamRole.MEMBER: _("member"),
}
_MATCH_FIELDS = {
    "english_title": _("English title"),
    "title": _("title"),
    "field": _("field"),
    "partner_organisations": _("partner organisations"),
    "pi": _("principal investigator"),
    "duration": _("duration"),
    "lead_organisation": _("lead organisation"),
}


def _word(value: str, key: str) -> str:
    """Translate enum-like values by the parameter they come in."""
    language = translation.get_language()
    if key in ("position",):
        return label(POSITION_LABELS, value, Position)
    if key in ("type", "employer_type"):
        return label(ORG_TYPE_LABELS, value, OrgType)
    if key == "employment":
        return label(EMPLOYMENT_LABELS, value, EmploymentType)
    if key in ("country",):
        return country_name(value, language)
    if key == "side":
        return str(_PARTIES.get(value, value))
    if key == "route":
        return str(_ROUTES.get(value, value))
    if key == "language":
        return str(_LANGUAGES.get(value, value))
    return value


_LIST_KEYS = {
    "allowed": None,
    "countries": "country",
    "found": "country",
    "missing": "team_role",
    "fields": "match_field",
    "directions": None,
}


def _render_param(key: str, value: Any, context_keys: dict[str, Any]) -> str:
    language = translation.get_language()
    separator = "、" if (language or "").startswith("zh") else ", "
    if isinstance(value, I18nText):
        return value.get(language)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        kind = _LIST_KEYS.get(key)
        items = []
        for item in value:
            if kind == "country" or (key == "allowed" and isinstance(item, str) and len(item) == 2 and item.isupper()):
                items.append(country_name(item, language))
            elif kind == "team_role" or (key == "allowed" and item in {r.value for r in TeamRole}):
                items.append(str(_TEAM_ROLES.get(TeamRole(item), item)))
            elif kind == "match_field":
                items.append(str(_MATCH_FIELDS.get(item, item)))
            elif key == "allowed" and item in {o.value for o in OrgType}:
                items.append(label(ORG_TYPE_LABELS, item, OrgType))
            elif key == "allowed" and item in _ROUTES:
                items.append(str(_ROUTES[item]))
            elif key == "allowed" and item in _LANGUAGES:
                items.append(str(_LANGUAGES[item]))
            elif key == "allowed" and item in {p.value for p in Position}:
                items.append(label(POSITION_LABELS, item, Position))
            else:
                items.append(str(item))
        return separator.join(items)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and key in ("funds", "needed", "requested", "external", "share"):
        return f"{value:,}"
    return _word(str(value), key)


def reason_text(reason: Reason) -> str:
    """One reason as a sentence in the active language."""
    template = REASONS.get(reason.code)
    if template is None:
        return reason.code
    params = {k: _render_param(k, v, reason.params) for k, v in reason.params.items()}
    return str(template) % params


def result_text(result: CriterionResult) -> str:
    return " ".join(reason_text(r) for r in result.reasons)


def result_lines(result: CriterionResult, language: str) -> str:
    with translation.override(language):
        return f"{gettext(str(OUTCOME_LABELS[result.outcome]))}: {result_text(result)}"


#: What each kind of rule checks, for staff writing calls (the rule catalogue).
RULE_EXPLANATIONS: dict[str, Promise] = {
    "birth_date": _("The applicant was born on or after (or before) a date."),
    "position": _(
        "The applicant's position, full-time employment, employer type and country; in-station postdocs can be excluded."
    ),
    "previous_award": _("The applicant already holds a named award (used as an alternative, e.g. “Xiaomi Young Scholar”)."),
    "no_overseas_employment": _("The applicant declares no formal employment by an organisation outside China."),
    "declaration": _("The applicant confirms a statement (signs the NDA, the institution can sign the agreement …)."),
    "negative_event": _("The applicant declares no serious negative event within the given years."),
    "organisation_type": _("The lead organisation (or another party) is of a given type, e.g. an enterprise."),
    "participation": _("Each named side includes an organisation of a given type, e.g. enterprises on both sides."),
    "partner_registration": _("Every foreign partner has been registered abroad for at least N years, with legal personality."),
    "partner_country": _("Foreign partners come from a list of countries, at least N distinct ones."),
    "partner_organisation": _("Foreign partners belong to a named network (e.g. institutes of the Russian Academy of Sciences)."),
    "partner_affiliation": _(
        "Partner researchers' affiliation proofs are valid until at least a date (for external persons only, if so set)."
    ),
    "applications_per_applicant": _("At most N applications per applicant, with a softer recommended number that warns."),
    "per_partner_country": _(
        "At most N funded projects per partner country within the direction: warns at submission, decided at selection."
    ),
    "exclusive_directions": _(
        "An applicant (or partner pair) applies with a partner country through only one of the listed directions."
    ),
    "name_pattern": _("The project name follows the call's pattern, with the partner country's short name where it asks."),
    "duration": _("The project's duration lies within the direction's bounds."),
    "matching_funds": _("Matching funds are at least a ratio of the grant requested, or of the part of it the funders receive."),
    "budget_total": _("The budget table's total (the grant, or every source) equals an amount the form states."),
    "budget_share": _("A budget category is at most N percent of the budget's total or of its direct costs."),
    "budget_matching": _("Co-funding in the budget table is at least a ratio of the grant requested."),
    "budget_cap": _("The grant requested in the budget table is within a cap: the rule's, else the direction's budget."),
    "required_document": _(
        "A required document is attached (with its signing date and one-use rules), possibly only when a form answer asks for it."
    ),
    "team_composition": _("The team has every required role; presenters have an allowed role."),
    "bilateral_submission": _(
        "The partner side submitted to its own agency, with matching title, field, partners, PI and duration."
    ),
    "external_programme": _("The applicant takes part in another programme (call years, role, budget limit)."),
    "trl": _("The technology readiness level is at most N."),
    "field_choice": _(
        "Exactly N of the direction's fields are chosen; the applicant may have to confirm covering the whole field."
    ),
    "subtopics": _("At most N sub-topics."),
    "entry_language": _("The entry's language is allowed for domestic or foreign entrants."),
    "nomination": _("The entry comes through an allowed route (self-nomination, expert recommendation …)."),
    "human_check": _("Staff decide at the formal check, with the call's wording."),
    "cel": _("An expression in CEL over the application's facts, for what the typed rules cannot say."),
    "any_of": _("At least one of several rules is met."),
    "all_of": _("Every one of several rules is met."),
}


def explain_kind(kind: str) -> str:
    return str(RULE_EXPLANATIONS.get(kind, kind))


def team_role_label(code: str) -> str:
    try:
        return str(_TEAM_ROLES[TeamRole(code)])
    except (ValueError, KeyError):
        return code
