"""A project, its KPI targets from the call, milestones, reports with actuals, and its outputs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Organisation
from shenbao.agreements.models import Agreement
from shenbao.applications.files import stored_name
from shenbao.projects.enums import (
    ChangeKind,
    ChangeStatus,
    KpiPer,
    MilestoneKind,
    OutputKind,
    ProjectStatus,
    ReportKind,
    ReportStatus,
    TrancheCondition,
    TrancheStatus,
    WithholdCause,
)


class Project(models.Model):
    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="project", verbose_name=_("agreement"))
    title = models.CharField(_("project name"), max_length=300)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    budget_yuan = models.BigIntegerField(_("budget (yuan)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ("start_date", "pk")

    def __str__(self) -> str:
        return self.title


class KpiTarget(models.Model):
    """A target copied from the call's KPI template when the project starts (考核指标).

    A target split by side or by country lists its parts (``"chinese"``/``"foreign"``, or ISO country codes);
    each part must reach ``target`` on its own, and a report gives one actual per part. The template's
    conditions and exemption text travel with the target; ``exempt`` says the exemption applies to this
    project (decided from the application's answer when the project starts)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets", verbose_name=_("project"))
    code = models.CharField(_("code"), max_length=64)
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    comparator = models.CharField(_("comparator"), max_length=2)
    target = models.FloatField(_("target"))
    unit: models.JSONField[dict[str, str]] = models.JSONField(_("unit"))
    per = models.CharField(_("applies to"), max_length=20, choices=KpiPer.choices, default=KpiPer.PROJECT)
    parts: models.JSONField[list[str]] = models.JSONField(_("parts"), default=list, blank=True)
    conditions: models.JSONField[dict[str, str]] = models.JSONField(_("conditions"), default=dict, blank=True)
    exemption: models.JSONField[dict[str, str]] = models.JSONField(_("exemption"), default=dict, blank=True)
    exempt = models.BooleanField(_("exempt"), default=False)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="projects_target_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.comparator} {self.target}"


class Milestone(models.Model):
    """A dated obligation of the project: the mid-term and final reports (completed by submitting the
    report) and custom milestones staff add (marked done by the PI or staff with a note)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.CUSTOM)
    title = models.CharField(_("milestone"), max_length=200, blank=True, help_text=_("Custom milestones only."))
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("what was delivered"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("done by")
    )
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ("due", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"], condition=~models.Q(kind="custom"), name="projects_one_report_milestone_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The report milestones' label in the active language; a custom milestone's own title."""
        return self.title if self.kind == MilestoneKind.CUSTOM else str(MilestoneKind(self.kind).label)


class Report(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    actuals: models.JSONField[dict[str, Any]] = models.JSONField(_("actuals"), default=dict)
    text = models.TextField(_("summary of progress"))
    evidence = models.FileField(_("evidence"), upload_to="reports/%Y/", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The staff decision after expert review (中期检查 / 结题验收): pass, pass with conditions, fail.
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    decision_reasons = models.TextField(_("reasons and conditions"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Actual spending against the approved budget by category: category code → yuan spent so far.
    spending: models.JSONField[dict[str, int]] = models.JSONField(_("spending by category"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("submitted_at", "pk")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="projects_one_report_per_kind")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.kind}"


class Output(models.Model):
    """A result registered for IP and for the funder's library (seed 000)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference (DOI, patent number, repository)"), max_length=300, blank=True)
    on = models.DateField(_("date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        ordering = ("kind", "pk")

    def __str__(self) -> str:
        return self.title


class ReportReview(models.Model):
    """An expert of the call's reviewer pool named by staff (by hand or through the assignment solver) to
    review a report: a score per criterion where the call declares the report review's criteria (their
    total on 0–100 in ``total``), otherwise one score out of 100; and an opinion, which the decision page
    shows."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("report"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    # Criterion code → score on the criterion's scale (None: not applicable), where the call declares criteria.
    scores = models.JSONField(_("scores by criterion"), default=dict, blank=True)
    total = models.FloatField(_("total (0–100)"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("assigned by")
    )
    # Set when the assignment solver named the expert (its match with the report; 0 for a random draw).
    affinity = models.FloatField(_("match"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    # The end of the due day in the call's time zone, where the call gives its report review ``due_days``.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # The day (in the call's time zone) the expert was last reminded of it: at most one reminder a day.
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report review")
        verbose_name_plural = _("report reviews")
        ordering = ("assigned_at", "pk")
        constraints = [models.UniqueConstraint(fields=["report", "expert"], name="projects_one_review_per_expert")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.expert_id}"

    @property
    def overdue(self) -> bool:
        """Not submitted and past its due date (a review without one is never overdue)."""
        return self.submitted_at is None and self.due_at is not None and timezone.now() >= self.due_at


class Tranche(models.Model):
    """A part of the grant paid on a condition (拨付计划): on signing, on the mid-term report passed, on
    final acceptance or on a date; planned → due → approved → paid, or withheld with a reason."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("project"))
    position = models.PositiveSmallIntegerField(_("number"))
    amount_yuan = models.BigIntegerField(_("amount (yuan)"))
    condition = models.CharField(_("condition"), max_length=20, choices=TrancheCondition.choices)
    planned_on = models.DateField(_("planned date"))
    status = models.CharField(_("status"), max_length=20, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED)
    withheld_cause = models.CharField(_("why withheld"), max_length=20, choices=WithholdCause.choices, blank=True)
    withheld_reason = models.TextField(_("reason for withholding"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_amount_yuan = models.BigIntegerField(_("amount paid (yuan)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("payment recorded by"),
    )
    # The payment split across the approved budget's categories: category code → yuan; sums to the amount
    # paid (empty for a tranche paid before the approved budget existed).
    paid_by_category: models.JSONField[dict[str, int]] = models.JSONField(_("paid by category"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ("project", "position")
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="projects_tranche_position_unique"),
            models.CheckConstraint(condition=models.Q(amount_yuan__gt=0), name="projects_tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.position}: {self.amount_yuan}"


class ChangeRequest(models.Model):
    """A change during the project (项目变更): the PI asks with the reason, staff approve or reject it with
    a note; an approved extension moves the project's end and its final report's due day, an approved
    change of PI or of institution makes ``new_pi`` the application's applicant or ``new_institution``
    its lead organisation (the agreement's parties)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    reason = models.TextField(_("what changes and why"))
    new_end_date = models.DateField(_("new end"), null=True, blank=True)
    # A budget reallocation's proposed approved table (the budget field's value); approving it replaces
    # the agreement's approved budget.
    new_budget: models.JSONField[dict[str, Any]] = models.JSONField(_("proposed budget"), default=dict, blank=True)
    new_pi = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("new PI")
    )
    new_institution = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("new institution")
    )
    status = models.CharField(_("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project change")
        verbose_name_plural = _("project changes")
        ordering = ("requested_at", "pk")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.kind}"


def amendment_path(instance: models.Model, filename: str) -> str:
    return stored_name(f"amendments/{timezone.now():%Y}", "docx")


class Amendment(models.Model):
    """The change approval record (变更批复) of an approved project change: a Word document generated when
    the change takes effect, with the before and after, the PI's reason and the decision, numbered 1, 2,
    3 … per agreement.  The agreement's text is fixed once confirmed; its amendments are what documents
    a later change of its parties, budget or term.  Kept with its SHA-256, like the text."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("agreement"))
    change = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="amendment", verbose_name=_("project change")
    )
    number = models.PositiveIntegerField(_("number"))
    file = models.FileField(_("document"), upload_to=amendment_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ("agreement", "number")
        constraints = [models.UniqueConstraint(fields=("agreement", "number"), name="amendment_number_per_agreement")]

    def __str__(self) -> str:
        return f"{self.agreement_id}#{self.number}"
