"""Build the eligibility engine's facts from an application and the rest of its call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from shenbao.accounts.models import Membership
from shenbao.applications.enums import ApplicationState, InvitationStatus, PartnerSide
from shenbao.applications.models import Application, Partner
from shenbao.applications.transitions import COUNTED_STATES
from shenbao.calls.definition.schema import CallDefinition, FieldType, FormField
from shenbao.calls.queries.definitions import current_definition
from shenbao.eligibility.engine import CriterionResult, evaluate, rule_kinds
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


@dataclass(frozen=True)
class ApplicantReads:
    """What the facts would otherwise query about the applicant, already read by the caller
    (the submission reads it in the same query that locks the application)."""

    employer_type: str | None
    employer_country: str | None
    awards: frozenset[str]
    # Other counted applications of the applicant, per rule scope ("call", "direction", "program");
    # a scope left out is queried.
    applications: dict[str, int] = dataclass_field(default_factory=dict)


def _person(application: Application, kinds: frozenset[str], reads: ApplicantReads | None) -> PersonFacts:
    user = application.applicant
    person = getattr(user, "person", None)
    employer_type = employer_country = None
    if reads is not None:
        employer_type, employer_country = reads.employer_type, reads.employer_country
    elif kinds & {"position", "organisation_type"}:
        membership = (
            Membership.objects.filter(user=user, end_date__isnull=True, is_primary=True).select_related("organisation").first()
        )
        if membership is not None:
            employer_type, employer_country = membership.organisation.type, membership.organisation.country
    awards: frozenset[str] = frozenset()
    if person is not None and "previous_award" in kinds:
        awards = reads.awards if reads is not None else frozenset(person.awards.values_list("code", flat=True))
    return PersonFacts(
        birth_date=person.birth_date if person else None,
        position=person.position if person else None,
        employment_type=person.employment_type if person else None,
        employer_type=employer_type,
        employer_country=employer_country,
        in_station_postdoc=person.in_station_postdoc if person else None,
        overseas_employment=person.overseas_employment if person else None,
        awards=awards,
    )


def _context(
    application: Application, definition: CallDefinition, kinds: frozenset[str], reads: ApplicantReads | None
) -> CallContext:
    """Facts about the call's other applications, queried only for the rules that need them."""

    # Only submitted applications count against limits: another person's draft is not an application yet.
    # (Built only when a rule needs them: building querysets costs on a submission's hot path.)
    def counted() -> QuerySet[Application]:
        return Application.objects.filter(state__in=COUNTED_STATES).exclude(pk=application.pk)

    def others() -> QuerySet[Application]:
        return counted().filter(call_id=application.call_id)

    mine = 0
    for criterion in definition.eligibility:
        rule = criterion.rule
        if rule.kind == "applications_per_applicant":
            if reads is not None and rule.scope in reads.applications:
                mine = max(mine, reads.applications[rule.scope])
                continue
            scope = counted().filter(applicant_id=application.applicant_id)
            if rule.scope == "direction":
                scope = scope.filter(direction=application.direction)
            elif rule.scope == "program":
                scope = scope.filter(call__program_id=application.call.program_id)
            else:
                scope = scope.filter(call_id=application.call_id)
            mine = max(mine, scope.count())
    direction_counts: dict[str, int] = defaultdict(int)
    own_directions: dict[str, set[str]] = defaultdict(set)
    if kinds & {"per_partner_country", "exclusive_directions"}:
        # A failed formal check ends an application as surely as withdrawing it: neither holds a place.
        live = others().exclude(state=ApplicationState.CHECK_FAILED).filter(partners__side=PartnerSide.FOREIGN)
        if "per_partner_country" in kinds:
            rows = live.filter(direction=application.direction).values_list("pk", "partners__country").distinct()
            for _pk, country in rows:
                direction_counts[country] += 1
        if "exclusive_directions" in kinds:
            # Only the applicant's own applications, and those of the same partner pair (the same lead
            # organisation with the same foreign partner): never another applicant's.
            my_partners = {p.name.strip().casefold() for p in application.partners.all() if p.side == PartnerSide.FOREIGN}
            pairs = live.values_list(
                "applicant_id", "lead_organisation_id", "direction__code", "partners__country", "partners__name"
            )
            for applicant_id, lead_id, direction_code, country, name in pairs:
                same_pair = (
                    lead_id is not None
                    and lead_id == application.lead_organisation_id
                    and str(name).strip().casefold() in my_partners
                )
                if direction_code and (applicant_id == application.applicant_id or same_pair):
                    own_directions[country].add(direction_code)
    keys: frozenset[str] = frozenset()
    if any(d.one_application_per_document for d in definition.required_documents):
        keys = frozenset(k for k in others().values_list("attachments__key", flat=True) if k)
    external: set[str] = set()
    if "external_programme" in kinds:
        for entries in others().values_list("external", flat=True):
            external |= {e.get("project_id") for e in entries or [] if e.get("project_id")}
    return CallContext(
        applicant_applications=mine,
        direction_country_counts=dict(direction_counts),
        own_country_directions={k: frozenset(v) for k, v in own_directions.items()},
        document_keys_in_use=keys,
        external_projects_in_use=frozenset(external),
    )


def application_facts(
    application: Application,
    definition: CallDefinition,
    *,
    as_of: dt.date | None = None,
    reads: ApplicantReads | None = None,
) -> ApplicationFacts:
    kinds = rule_kinds(definition)
    lead = application.lead_organisation
    partners = list(application.partners.all())

    def org(p: Partner) -> OrgFacts:
        return OrgFacts(
            name=p.name,
            type=p.type,
            country=p.country,
            legal_person=p.legal_person,
            registered_on=p.registered_on,
            networks=frozenset(p.networks),
            affiliation_valid_until=p.affiliation_valid_until,
            external_affiliation=p.external_affiliation,
            matching_funds_yuan=p.matching_funds_yuan,
        )

    lead_facts = None
    if lead is not None:
        lead_funds = int(application.values.get("lead_matching_funds_yuan") or 0)
        lead_facts = OrgFacts(
            name=lead.display_name(None),
            type=lead.type,
            country=lead.country,
            legal_person=lead.legal_person,
            registered_on=lead.registered_on,
            matching_funds_yuan=lead_funds,
        )
    team = tuple(
        MemberFacts(role=m.role, confirmed=m.status == InvitationStatus.ACCEPTED, presenter=m.presenter)
        for m in application.team.all()
    )
    documents = tuple(
        DocumentFacts(code=a.document_code, signed_on=a.signed_on, key=a.key or None) for a in application.attachments.all()
    )
    external = tuple(
        ExternalFacts(
            programme=str(e.get("programme", "")),
            call_year=e.get("call_year"),
            role=e.get("role"),
            budget_yuan=e.get("budget_yuan"),
            project_id=e.get("project_id"),
        )
        for e in application.external
    )
    if as_of is None:
        # Periods such as "registered for 3 years" are measured at the deadline, so the verdict
        # does not change while staff check the application afterwards.
        deadline_day = timezone.localtime(application.call.deadline, ZoneInfo(application.call.timezone)).date()
        as_of = min(timezone.localdate(), deadline_day)
    return ApplicationFacts(
        as_of=as_of,
        direction=application.direction.code if application.direction else None,
        title=application.title,
        english_title=application.english_title,
        duration_months=application.duration_months,
        fields=tuple(application.fields),
        subtopics=application.subtopics,
        trl=application.trl,
        requested_yuan=application.requested_yuan,
        funder_grant_share_yuan=_whole_yuan(application.values.get("funder_grant_share_yuan")),
        applicant=_person(application, kinds, reads),
        lead=lead_facts,
        chinese_partners=tuple(org(p) for p in partners if p.side == PartnerSide.CHINESE),
        foreign_partners=tuple(org(p) for p in partners if p.side == PartnerSide.FOREIGN),
        team=team,
        documents=documents,
        declarations=frozenset(application.declarations),
        negative_event=application.negative_event,
        external=external,
        nomination_route=application.nomination_route or None,
        entry_language=application.entry_language or None,
        foreign_entry=application.foreign_entry,
        values=dict(application.values),
        bilateral=(
            BilateralFacts(
                counterpart_found=bool(application.bilateral.get("found")),
                mismatches=tuple(application.bilateral.get("mismatches", [])),
            )
            if application.bilateral is not None
            else None
        ),
        context=_context(application, definition, kinds, reads),
    )


def _whole_yuan(value: Any) -> int | None:
    """A money value kept in the form values (a string of a decimal); None when not given."""
    if value in (None, ""):
        return None
    return int(Decimal(str(value)))


def check_application(
    application: Application, definition: CallDefinition | None = None, *, reads: ApplicantReads | None = None
) -> list[CriterionResult]:
    """Every applicable criterion's result for the application as it stands."""
    definition = definition or current_definition(application.call)
    return evaluate(definition, application_facts(application, definition, reads=reads))


def _bound_value(application: Application, target: str) -> Any:
    """The value of the application attribute a form field is bound to."""
    external = application.external[0] if application.external else {}
    if target in ("lead_matching_funds_yuan", "funder_grant_share_yuan"):
        return application.values.get(target)
    if target.startswith("external_"):
        return external.get(target.removeprefix("external_"))
    return getattr(application, target)


def missing_required_fields(application: Application, definition: CallDefinition | None = None) -> list[FormField]:
    """The call's required form fields that the application leaves empty, for its direction."""
    definition = definition or current_definition(application.call)
    direction = application.direction.code if application.direction else None
    missing = []
    for field in definition.form:
        if not field.required or (field.directions and direction not in field.directions):
            continue
        if field.type == FieldType.FILE:
            # A file field holds what was uploaded under its code (a file or, never here, a link).
            if not any(a.document_code == field.code for a in application.attachments.all()):
                missing.append(field)
            continue
        value = _bound_value(application, field.binds) if field.binds is not None else application.values.get(field.code)
        if field.type == FieldType.BUDGET and not (isinstance(value, dict) and value.get("lines")):
            missing.append(field)  # a budget table with justifications only holds no amount yet
            continue
        if value in (None, "", [], {}):
            missing.append(field)
    return missing
