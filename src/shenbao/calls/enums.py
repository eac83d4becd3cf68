"""Choices of the calls app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    DECIDED = "decided", _("Decided")
    ARCHIVED = "archived", _("Archived")


class Phase(models.TextChoices):
    """What a visitor sees: computed from the status and the timeline, never stored."""

    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ProgramKind(models.TextChoices):
    TOPIC_CHALLENGE = "topic_challenge", _("Topic challenge")
    COMPETITION = "competition", _("Competition")
    GOVERNMENT_GRANT = "government_grant", _("Government grant")
    AWARD_COLLECTION = "award_collection", _("Award or case collection")


class ProgramRoleKind(models.TextChoices):
    PROGRAM_OFFICER = "program_officer", _("Program officer")
    COMMITTEE_CHAIR = "committee_chair", _("Committee chair")
    JUDGE = "judge", _("Judge")
    OBSERVER = "observer", _("Observer")


class TimelineKind(models.TextChoices):
    OPENS = "opens", _("Applications open")
    DEADLINE = "deadline", _("Deadline")
    REVIEW = "review", _("Review")
    STAGE = "stage", _("Stage")
    FINALS = "finals", _("Finals")
    RESULTS = "results", _("Results")
    AGREEMENT_DEADLINE = "agreement_deadline", _("Agreement deadline")
    PUBLISHED = "published", _("Published")
    OTHER = "other", _("Other")


class Precision(models.TextChoices):
    MINUTE = "minute", _("Exact time")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class QuotaQualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")
    RANGE = "range", _("range")
    UNSPECIFIED = "unspecified", _("not fixed")


class StageKind(models.TextChoices):
    FORMAL_CHECK = "formal_check", _("Formal check")
    SCREENING = "screening", _("Preliminary screening")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    PANEL = "panel", _("Panel review")
    LIVE_JUDGING = "live_judging", _("Live judging")
