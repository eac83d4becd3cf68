"""States and kinds of the reviews app (DESIGN §4, §6.5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PoolStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("Assigned")
    CONFLICT = "conflict", _("Declined for a conflict of interest")
    REMOVED = "removed", _("Removed by staff")


class AssignmentMode(models.TextChoices):
    OPTIMAL = "optimal", _("Best expertise match")
    RANDOM = "random", _("Random draw among eligible experts")
    FAIR = "fair", _("Fair: weakest match first")
    MANUAL = "manual", _("Manual")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class EntryStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    ADVANCED = "advanced", _("Advanced")
    NOT_ADVANCED = "not_advanced", _("Not advanced")


class ConflictKind(models.TextChoices):
    SAME_INSTITUTION = "same_institution", _("Same institution")
    OWN_APPLICATION = "own_application", _("Applicant, team member or partner")
    COLLABORATOR = "collaborator", _("Declared collaborator")
    REVIEWER_DECLARED = "reviewer_declared", _("Declared by the reviewer")
    APPLICANT_EXCLUDED = "applicant_excluded", _("Excluded at the applicant's request")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (highest and lowest dropped)")
    CALIBRATED = "calibrated", _("Calibrated per reviewer (z-score)")


class AssignmentJobStatus(models.TextChoices):
    """A run of the assignment queued for the worker (a large stage, issue 18)."""

    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being computed")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
