"""Projects start from signed agreements with the call's KPI targets; the PI reports actuals and
registers outputs; staff terminate with a reason or close on the final report."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.projects.enums import MilestoneKind, ProjectStatus, ReportKind
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import KpiTarget, Milestone, Output, Project, Report
from shenbao.projects.transitions import PROJECT_LIFECYCLE, check_transition


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _months(definition: CallDefinition, agreement: Agreement) -> int:
    """The project's length: the application's duration, else the call's terms, else a year."""
    months = agreement.award.application.duration_months
    if months:
        return int(months)
    duration = (definition.agreement.project_duration if definition.agreement else None) or definition.duration
    if duration is not None:
        value = duration.value or duration.max or duration.min or 1
        return int(value * 12) if duration.unit == "years" else int(value)
    return 12


@transaction.atomic
def start_projects(*, call: Call, actor: User, start: dt.date | None = None) -> int:
    """A project for every signed agreement of the call that has none (idempotent), with the KPI
    targets the call sets for its direction (all of the call's when directions name none)."""
    definition = current_definition(call)
    start = start or timezone.localdate()
    templates = {k.code: k for k in definition.kpi_templates}
    per_direction = {d.code: d.kpis for d in definition.directions}
    signed = Agreement.objects.filter(award__call=call, status=AgreementStatus.SIGNED, project__isnull=True).select_related(
        "award__application__direction"
    )
    created = 0
    for agreement in signed:
        application = agreement.award.application
        direction = application.direction.code if application.direction else None
        # Targets follow the direction where the call ties them to directions, else they are call-wide.
        codes = per_direction.get(direction or "", []) if any(per_direction.values()) else list(templates)
        project = Project.objects.create(
            agreement=agreement,
            title=application.title,
            start_date=start,
            end_date=add_months(start, _months(definition, agreement)),
            budget_yuan=agreement.award.amount_yuan,
        )
        KpiTarget.objects.bulk_create(
            [
                KpiTarget(
                    project=project,
                    code=t.code,
                    name=t.name.as_dict(),
                    comparator=t.comparator,
                    target=t.target,
                    unit=t.unit.as_dict(),
                )
                for code in codes
                if (t := templates.get(code)) is not None
            ]
        )
        middle = start + (project.end_date - start) / 2
        Milestone.objects.bulk_create(
            [
                Milestone(project=project, kind=MilestoneKind.MIDTERM, due=middle),
                Milestone(project=project, kind=MilestoneKind.FINAL, due=project.end_date),
            ]
        )
        log_action(action="shenbao.project.started", obj=application, actor=actor, data={"project": project.pk})
        created += 1
    return created


@transaction.atomic
def submit_report(
    *,
    project: Project,
    kind: str,
    actuals: dict[str, float],
    text: str,
    actor: User,
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
) -> Report:
    """The PI reports progress with actual values for the targets; one mid-term and one final report."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."))
    if Report.objects.filter(project=locked, kind=kind).exists():
        raise ProjectError(_("This report was already submitted."))
    if not text.strip():
        raise ProjectError(_("Summarise the progress."))
    codes = set(locked.targets.values_list("code", flat=True))
    unknown = sorted(set(actuals) - codes)
    if unknown:
        raise ProjectError(_("Not a target of this project: %(codes)s."), params={"codes": ", ".join(unknown)})
    report = Report(project=locked, kind=ReportKind(kind), actuals=dict(actuals), text=text.strip(), submitted_by=actor)
    if evidence is not None:
        report.evidence.save(evidence_name or "evidence", File(evidence), save=False)
    report.save()
    Milestone.objects.filter(project=locked, kind=MilestoneKind(kind), done_on__isnull=True).update(
        done_on=timezone.localdate(), done_by=actor
    )
    log_action(action="shenbao.project.reported", obj=locked.agreement.award.application, actor=actor, data={"kind": kind})
    return report


@transaction.atomic
def add_output(*, project: Project, kind: str, title: str, reference: str, on: dt.date | None, actor: User) -> Output:
    if not title.strip():
        raise ProjectError(_("Give the output's title."))
    output = Output.objects.create(project=project, kind=kind, title=title.strip(), reference=reference.strip(), on=on)
    log_action(action="shenbao.project.output_added", obj=project.agreement.award.application, actor=actor, data={"kind": kind})
    return output


@transaction.atomic
def end_project(*, project: Project, actor: User, terminate: bool, reason: str = "") -> Project:
    """Staff close a project on its final report, or terminate it with a reason."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    target = ProjectStatus.TERMINATED if terminate else ProjectStatus.COMPLETED
    check_transition(locked.status, target)
    if terminate and not reason.strip():
        raise ProjectError(_("Give the reason for the termination."))
    if not terminate and not Report.objects.filter(project=locked, kind=ReportKind.FINAL).exists():
        raise ProjectError(_("A project completes on its final report."))
    locked.termination_reason = reason.strip()
    transition(
        locked,
        PROJECT_LIFECYCLE,
        target,
        actor=actor,
        data={"reason": locked.termination_reason},
        also_update=("termination_reason",),
        audit_obj=locked.agreement.award.application,
    )
    return locked


def met(comparator: str, target: float, actual: Any) -> bool | None:
    """Whether an actual value meets its target; None while nothing is reported."""
    if actual is None:
        return None
    value = float(actual)
    return {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
        "=": value == target,
    }[comparator]
