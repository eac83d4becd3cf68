"""Choices of the calls app.

Values shared with the call-definition schema are defined once, as plain enums in
``calls.definition``; this module adds their translated labels.  Phase and program roles
exist only here.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.calls.definition.base import Qualifier
from shenbao.calls.definition.schema import CallStatus, Precision, ProgramKind, StageKind, TimelineKind
from shenbao.core.choices import choices

__all__ = [
    "CALL_STATUS_LABELS",
    "PRECISION_LABELS",
    "PROGRAM_KIND_LABELS",
    "QUALIFIER_LABELS",
    "STAGE_KIND_LABELS",
    "TIMELINE_KIND_LABELS",
    "CallStatus",
    "Phase",
    "Precision",
    "ProgramKind",
    "ProgramRoleKind",
    "Qualifier",
    "StageKind",
    "TimelineKind",
    "choices",
]

CALL_STATUS_LABELS: dict[CallStatus, Promise] = {
    CallStatus.DRAFT: _("Draft"),
    CallStatus.PUBLISHED: _("Published"),
    CallStatus.OPEN: _("Open"),
    CallStatus.CLOSED: _("Closed"),
    CallStatus.IN_REVIEW: _("In review"),
    CallStatus.DECIDED: _("Decided"),
    CallStatus.ARCHIVED: _("Archived"),
}

PROGRAM_KIND_LABELS: dict[ProgramKind, Promise] = {
    ProgramKind.TOPIC_CHALLENGE: _("Topic challenge"),
    ProgramKind.COMPETITION: _("Competition"),
    ProgramKind.GOVERNMENT_GRANT: _("Government grant"),
    ProgramKind.AWARD_COLLECTION: _("Award or case collection"),
}

TIMELINE_KIND_LABELS: dict[TimelineKind, Promise] = {
    TimelineKind.OPENS: _("Applications open"),
    TimelineKind.DEADLINE: _("Deadline"),
    TimelineKind.REVIEW: _("Review"),
    TimelineKind.STAGE: _("Stage"),
    TimelineKind.FINALS: _("Finals"),
    TimelineKind.RESULTS: _("Results"),
    TimelineKind.AGREEMENT_DEADLINE: _("Agreement deadline"),
    TimelineKind.PUBLISHED: _("Published"),
    TimelineKind.OTHER: _("Other"),
}

PRECISION_LABELS: dict[Precision, Promise] = {
    Precision.MINUTE: _("Exact time"),
    Precision.DAY: _("Day"),
    Precision.MONTH: _("Month"),
}

QUALIFIER_LABELS: dict[Qualifier, Promise] = {
    Qualifier.EXACT: _("exactly"),
    Qualifier.AT_MOST: _("at most"),
    Qualifier.AT_LEAST: _("at least"),
    Qualifier.ABOUT: _("about"),
    Qualifier.RANGE: _("range"),
    Qualifier.UNSPECIFIED: _("not fixed"),
}

STAGE_KIND_LABELS: dict[StageKind, Promise] = {
    StageKind.FORMAL_CHECK: _("Formal check"),
    StageKind.SCREENING: _("Preliminary screening"),
    StageKind.EXPERT_REVIEW: _("Expert review"),
    StageKind.PANEL: _("Panel review"),
    StageKind.LIVE_JUDGING: _("Live judging"),
}


class Phase(models.TextChoices):
    """What a visitor sees: computed from the status and the timeline, never stored."""

    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ProgramRoleKind(models.TextChoices):
    PROGRAM_OFFICER = "program_officer", _("Program officer")
    COMMITTEE_CHAIR = "committee_chair", _("Committee chair")
    JUDGE = "judge", _("Judge")
    OBSERVER = "observer", _("Observer")


# The call statuses as (value, label) choices, named for the OpenAPI schema.
CALL_STATUS_CHOICES = choices(CALL_STATUS_LABELS)
