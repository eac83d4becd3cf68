"""What the engine knows about an application: plain, immutable data.

The applications app builds these from its models; tests build them directly.  A fact
that is ``None`` is unknown (not yet given), which the engine reports as such rather
than guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PersonFacts:
    birth_date: dt.date | None = None
    position: str | None = None  # accounts.enums.Position
    employment_type: str | None = None  # accounts.enums.EmploymentType
    employer_type: str | None = None  # accounts.enums.OrgType of the primary employer
    employer_country: str | None = None
    in_station_postdoc: bool | None = None
    overseas_employment: bool | None = None
    awards: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OrgFacts:
    name: str = ""
    type: str | None = None  # accounts.enums.OrgType
    country: str | None = None
    legal_person: bool | None = None
    registered_on: dt.date | None = None
    networks: frozenset[str] = frozenset()  # e.g. "cnr", "ras"
    affiliation_valid_until: dt.date | None = None  # the affiliation proof's end date
    external_affiliation: bool | None = None  # affiliated with the network as an external person (not staff)
    matching_funds_yuan: int = 0  # funds this organisation contributes


@dataclass(frozen=True)
class MemberFacts:
    role: str  # calls.definition.criteria.TeamRole
    confirmed: bool = True
    presenter: bool = False


@dataclass(frozen=True)
class DocumentFacts:
    code: str  # the call's required-document code
    signed_on: dt.date | None = None
    key: str | None = None  # identifies the document across applications (e.g. an agreement number)


@dataclass(frozen=True)
class ExternalFacts:
    """Participation in another programme (Horizon Europe for seed 003 direction 2.3)."""

    programme: str
    call_year: int | None = None
    role: str | None = None
    budget_yuan: int | None = None
    project_id: str | None = None


@dataclass(frozen=True)
class BilateralFacts:
    """The partner agency's submission compared with ours (``None`` on the application: not imported)."""

    counterpart_found: bool
    mismatches: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallContext:
    """Facts about other applications in the same call, needed by cross-application rules."""

    applicant_applications: int = 0  # other live applications of this applicant in the rule's scope
    # country → other live applications in the direction (withdrawn and check-failed ones left out)
    direction_country_counts: dict[str, int] = field(default_factory=dict)
    # country → directions of this applicant's own other live applications, and of those of the
    # same partner pair (lead organisation + foreign partner); other applicants never appear here
    own_country_directions: dict[str, frozenset[str]] = field(default_factory=dict)
    document_keys_in_use: frozenset[str] = frozenset()  # keys of documents used by other applications
    external_projects_in_use: frozenset[str] = frozenset()  # external project ids used by other applications


@dataclass(frozen=True)
class ApplicationFacts:
    as_of: dt.date
    direction: str | None = None
    title: str = ""
    english_title: str = ""
    duration_months: int | None = None
    fields: tuple[str, ...] = ()  # the direction fields chosen
    subtopics: int | None = None
    trl: int | None = None
    requested_yuan: int | None = None
    funder_grant_share_yuan: int | None = None  # the part of the grant the matching funders receive (seed 003 1.3)
    applicant: PersonFacts = field(default_factory=PersonFacts)
    lead: OrgFacts | None = None
    chinese_partners: tuple[OrgFacts, ...] = ()
    foreign_partners: tuple[OrgFacts, ...] = ()
    team: tuple[MemberFacts, ...] = ()
    documents: tuple[DocumentFacts, ...] = ()
    declarations: frozenset[str] = frozenset()  # codes of the declaration criteria confirmed
    negative_event: bool | None = None  # the applicant declared a serious negative event
    external: tuple[ExternalFacts, ...] = ()
    nomination_route: str | None = None
    entry_language: str | None = None
    foreign_entry: bool = False
    bilateral: BilateralFacts | None = None
    values: dict[str, Any] = field(default_factory=dict)  # form values, for expression rules
    context: CallContext = field(default_factory=CallContext)
