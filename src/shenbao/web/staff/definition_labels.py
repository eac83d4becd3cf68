"""Labels of the definition's keys and values in the call editor (the schema's key is shown beside them)."""

from __future__ import annotations

from enum import Enum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import OrgType, Position
from shenbao.accounts.labels import ORG_TYPE_LABELS, POSITION_LABELS
from shenbao.calls.enums import (
    CALL_STATUS_LABELS,
    PRECISION_LABELS,
    PROGRAM_KIND_LABELS,
    QUALIFIER_LABELS,
    STAGE_KIND_LABELS,
    TIMELINE_KIND_LABELS,
)

FIELD_LABELS: dict[str, Promise] = {
    "code": _("Code"),
    "title": _("Title"),
    "name": _("Name"),
    "year": _("Year"),
    "batch": _("Batch"),
    "reference": _("Document number"),
    "example": _("Synthetic example"),
    "status": _("Status"),
    "published_on": _("Published on"),
    "summary": _("Summary"),
    "timezone": _("Time zone"),
    "currency": _("Currency"),
    "direction_label": _("Word for a direction"),
    "source_document": _("Source document"),
    "application_languages": _("Application languages"),
    "fees": _("Fees"),
    "institution_endorsement": _("Institution endorsement"),
    "benefits": _("Benefits"),
    "contacts": _("Contacts"),
    "program": _("Program"),
    "call": _("Call"),
    "kind": _("Kind"),
    "funder": _("Funder"),
    "organisers": _("Organisers"),
    "website": _("Website"),
    "description": _("Description"),
    "label": _("Label"),
    "at": _("At"),
    "start": _("From"),
    "end": _("Until"),
    "precision": _("Precision"),
    "tentative": _("To be set"),
    "stage": _("Stage"),
    "note": _("Note"),
    "category": _("Category"),
    "categories": _("Categories"),
    "basis": _("Basis"),
    "partner": _("Partner"),
    "countries": _("Countries"),
    "fields": _("Fields"),
    "fields_open": _("Any field may apply"),
    "quota": _("Quota (projects to support)"),
    "qualifier": _("Qualifier"),
    "value": _("Value"),
    "min": _("Minimum"),
    "max": _("Maximum"),
    "in_principle": _("In principle"),
    "minimum": _("Must be reached"),
    "budget": _("Budget"),
    "total": _("Total"),
    "per_project": _("Per project"),
    "amount": _("Amount (yuan)"),
    "amount_wan": _("Amount (10,000 yuan)"),
    "duration": _("Duration"),
    "unit": _("Unit"),
    "requirements": _("Requirements"),
    "details": _("Details"),
    "kpis": _("KPIs"),
    "text": _("Text"),
    "rule": _("Rule"),
    "level": _("Level"),
    "directions": _("Directions"),
    "type": _("Type"),
    "required": _("Required"),
    "formats": _("File formats"),
    "max_size_mb": _("Largest file (MB)"),
    "share_link_over_mb": _("Share link above (MB)"),
    "multiple": _("Several files"),
    "issuer": _("Issued by"),
    "template": _("Template"),
    "anonymous": _("Holds no identity"),
    "binds": _("Binds to"),
    "help": _("Help text"),
    "choices": _("Choices"),
    "max_length": _("Longest answer"),
    "min_value": _("Smallest value"),
    "max_value": _("Largest value"),
    "section": _("Section"),
    "criteria": _("Criteria"),
    "weight": _("Weight"),
    "scale_min": _("Lowest score"),
    "scale_max": _("Highest score"),
    "not_applicable_allowed": _("May be marked not applicable"),
    "aggregation": _("Aggregation"),
    "advancement": _("Advancement"),
    "per_direction": _("Per direction"),
    "reviewers_per_application": _("Reviewers per application"),
    "due": _("Due"),
    "mode": _("Mode"),
    "prize_tiers": _("Prize tiers"),
    "caps": _("Caps"),
    "exclusivity": _("Exclusivity"),
    "deadline": _("Deadline"),
    "working_days": _("Working days"),
    "calendar_days": _("Calendar days"),
    "parties": _("Parties"),
    "comparator": _("Comparator"),
    "target": _("Target"),
    "per": _("Per"),
    "stated_totals": _("Stated totals"),
    "review_policy": _("Review policy"),
    "obligations": _("Undertakings"),
    "lead_organisation_types": _("Lead organisation types"),
    "types": _("Organisation types"),
    "party": _("Party"),
    "positions": _("Positions"),
    "statement": _("Statement"),
    "question": _("Question"),
    "document": _("Document"),
    "years": _("Years"),
}

RULE_KIND_LABELS: dict[str, Promise] = {
    "birth_date": _("Date of birth"),
    "position": _("Position and employer"),
    "previous_award": _("Previous award"),
    "no_overseas_employment": _("No employment abroad"),
    "declaration": _("Declaration"),
    "negative_event": _("No serious negative event"),
    "organisation_type": _("Organisation type"),
    "participation": _("Participation of organisation types"),
    "partner_registration": _("Partner's registration"),
    "partner_country": _("Partner country"),
    "partner_organisation": _("Partner's network"),
    "partner_affiliation": _("Partner's affiliation proof"),
    "applications_per_applicant": _("Applications per applicant"),
    "per_partner_country": _("Projects per partner country"),
    "exclusive_directions": _("Exclusive directions"),
    "name_pattern": _("Name pattern"),
    "duration": _("Duration"),
    "matching_funds": _("Matching funds"),
    "required_document": _("Required document"),
    "team_composition": _("Team composition"),
    "bilateral_submission": _("Bilateral submission"),
    "external_programme": _("Other programme"),
    "trl": _("Technology readiness level"),
    "field_choice": _("Choice of fields"),
    "subtopics": _("Sub-topics"),
    "entry_language": _("Entry language"),
    "nomination": _("Nomination route"),
    "human_check": _("Staff decide"),
    "cel": _("Expression (CEL)"),
    "any_of": _("Any of several rules"),
    "all_of": _("All of several rules"),
}

_VALUE_LABELS: dict[str, Promise] = {}
for _labels in (TIMELINE_KIND_LABELS, PRECISION_LABELS, STAGE_KIND_LABELS, PROGRAM_KIND_LABELS, CALL_STATUS_LABELS):
    for _member, _label in _labels.items():
        _VALUE_LABELS[str(_member.value if isinstance(_member, Enum) else _member)] = _label
_BY_KEY: dict[str, dict[str, Promise]] = {
    "qualifier": {str(k.value): v for k, v in QUALIFIER_LABELS.items()},
    "rule_kind": RULE_KIND_LABELS,
    "types": {str(k.value): v for k, v in ORG_TYPE_LABELS.items() if isinstance(k, OrgType)},
    "positions": {str(k.value): v for k, v in POSITION_LABELS.items() if isinstance(k, Position)},
}
for _key in ("employer_org_types", "org_types", "funder_types", "lead_organisation_types"):
    _BY_KEY[_key] = _BY_KEY["types"]


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def choice_label(key: str, value: str) -> str:
    label = _BY_KEY.get(key, {}).get(value) or _VALUE_LABELS.get(value)
    return f"{label} ({value})" if label is not None else value
