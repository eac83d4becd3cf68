from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class ReportKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term report")
    FINAL = "final", _("Final report")


class MilestoneKind(models.TextChoices):
    """A report milestone is labelled in the reader's language and completed by its report; a custom
    one carries the title staff entered and is marked done by hand."""

    MIDTERM = "midterm", _("Mid-term report")
    FINAL = "final", _("Final report")
    CUSTOM = "custom", _("Custom milestone")


class OutputKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    PATENT = "patent", _("Patent")
    SOFTWARE = "software", _("Software")
    BOOK = "book", _("Book")
    OTHER = "other", _("Other")


class KpiPer(models.TextChoices):
    """How a target splits: one total, each of the two sides, or each country."""

    PROJECT = "project", _("The project as a whole")
    EACH_SIDE = "each_side", _("Each side")
    EACH_COUNTRY = "each_country", _("Each country")
