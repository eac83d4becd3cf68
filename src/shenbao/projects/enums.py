from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class TrancheCondition(models.TextChoices):
    """What makes a tranche of the grant due (拨付条件)."""

    ON_SIGNING = "on_signing", _("On signing the agreement")
    MIDTERM_PASSED = "midterm_passed", _("On the mid-term report passed")
    FINAL_ACCEPTED = "final_accepted", _("On final acceptance")
    ON_DATE = "on_date", _("On the planned date")


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DUE = "due", pgettext_lazy("tranche", "Due")
    APPROVED = "approved", _("Approved for payment")
    PAID = "paid", _("Paid")
    WITHHELD = "withheld", _("Withheld")


class WithholdCause(models.TextChoices):
    REPORT_FAILED = "report_failed", _("The report it depends on failed")
    REPORT_OVERDUE = "report_overdue", _("The report it depends on is overdue")
    STAFF = "staff", _("Withheld by staff")


class ReportStatus(models.TextChoices):
    """A mid-term or final report from submission to the staff decision after expert review
    (中期检查 / 结题验收)."""

    SUBMITTED = "submitted", _("Submitted, in review")
    PASSED = "passed", _("Passed")
    CONDITIONAL = "conditional", _("Passed with conditions")
    FAILED = "failed", pgettext_lazy("report", "Failed")


#: The report whose passing makes a tranche of each condition due.
CONDITION_REPORT = {TrancheCondition.MIDTERM_PASSED: ReportKind.MIDTERM, TrancheCondition.FINAL_ACCEPTED: ReportKind.FINAL}


class ChangeKind(models.TextChoices):
    """A change during the project (项目变更), requested by the PI and decided by staff."""

    PI = "pi", _("Change of PI")
    INSTITUTION = "institution", _("Change of institution")
    BUDGET = "budget", _("Budget reallocation between categories")
    EXTENSION = "extension", _("Extension")


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
