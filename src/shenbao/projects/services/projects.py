"""Projects start from signed agreements with the call's KPI targets; the PI reports actuals and
registers outputs; staff terminate with a reason or close on the final report."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.budget import approved_table
from shenbao.calls.definition.schema import CallDefinition
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.projects.enums import MilestoneKind, ProjectStatus, ReportKind, ReportStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.kpis import met as met
from shenbao.projects.kpis import split_parts
from shenbao.projects.models import KpiTarget, Milestone, Output, Project, Report
from shenbao.projects.transitions import PROJECT_LIFECYCLE, check_transition


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def project_end(start: dt.date, months: int) -> dt.date:
    """The last day of a project of ``months`` months starting on ``start`` (seed 000: "项目立项启动之日起
    1年止").

    Counted as the Civil Code counts periods (民法典 第二百零一条、第二百零二条): the start day is not
    counted, and a period in years or months ends on the corresponding day of the last month, or on that
    month's last day when it has none. So a one-year project started on 2025-10-15 runs to 2026-10-15
    inclusive, and one started on 2024-02-29 to 2025-02-28. The agreements are contracts under Chinese
    law, so this is the reading a grantee or a court would apply. The end is not moved off a holiday
    (第二百零三条 concerns the last day for doing an act, not the length of a research term)."""
    return add_months(start, months)


def _months(definition: CallDefinition, agreement: Agreement) -> int:
    """The project's length: a term the call fixes exactly (seed 000 "项目合作周期为一年"), else the
    application's duration, else the call's terms, else a year."""
    duration = (definition.agreement.project_duration if definition.agreement else None) or definition.duration
    if duration is not None and duration.qualifier == "exact" and duration.value:
        return _in_months(duration.value, duration.unit)
    months = agreement.award.application.duration_months
    if months:
        return int(months)
    if duration is not None:
        return _in_months(duration.value or duration.max or duration.min or 1, duration.unit)
    return 12


def _in_months(value: float, unit: str) -> int:
    return int(value * 12) if unit == "years" else int(value)


def _partner_countries(agreement: Agreement) -> list[str]:
    return sorted({p.country for p in agreement.award.application.partners.all() if p.side == "foreign" and p.country})


def _targets(definition: CallDefinition, project: Project, codes: list[str]) -> list[KpiTarget]:
    """The project's targets from the call's templates, split into parts and with the exemption decided
    from the application's answers."""
    templates = {k.code: k for k in definition.kpi_templates}
    application = project.agreement.award.application
    direction = next((d for d in definition.directions if application.direction and d.code == application.direction.code), None)
    direction_countries = direction.partner.countries if direction and direction.partner else []
    partner_countries = (
        direction_countries
        if len(direction_countries) == 1 and not direction_countries[0].startswith("@")
        else _partner_countries(project.agreement)
    )
    targets = []
    for code in codes:
        t = templates.get(code)
        if t is None:
            continue
        exempt = False
        if t.exempt_when is not None:
            answer = (application.values or {}).get(t.exempt_when.field)
            answers = set(answer) if isinstance(answer, list) else {answer}
            exempt = bool(answers & set(t.exempt_when.values))
        targets.append(
            KpiTarget(
                project=project,
                code=t.code,
                name=t.name.as_dict(),
                comparator=t.comparator,
                target=t.target,
                unit=t.unit.as_dict(),
                per=t.per,
                parts=split_parts(t.per, countries=t.countries, partner_countries=partner_countries),
                conditions=t.conditions.as_dict() if t.conditions else {},
                exemption=t.exemption.as_dict() if t.exemption else {},
                exempt=exempt,
            )
        )
    return targets


@transaction.atomic
def start_projects(*, call: Call, actor: User, start: dt.date | None = None) -> int:
    """A project for every signed agreement of the call that has none (idempotent), with the KPI
    targets the call sets for its direction (all of the call's when directions name none)."""
    definition = current_definition(call)
    start = start or timezone.localdate()
    per_direction = {d.code: d.kpis for d in definition.directions}
    signed = Agreement.objects.filter(award__call=call, status=AgreementStatus.SIGNED, project__isnull=True).select_related(
        "award__application__direction"
    )
    created = 0
    for agreement in signed:
        application = agreement.award.application
        direction = application.direction.code if application.direction else None
        # Targets follow the direction where the call ties them to directions, else they are call-wide.
        codes = (
            per_direction.get(direction or "", []) if any(per_direction.values()) else [k.code for k in definition.kpi_templates]
        )
        project = Project.objects.create(
            agreement=agreement,
            title=application.title,
            start_date=start,
            end_date=project_end(start, _months(definition, agreement)),
            budget_yuan=agreement.award.amount_yuan,
        )
        KpiTarget.objects.bulk_create(_targets(definition, project, codes))
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


def _spending(project: Project, spending: Mapping[str, int | str]) -> dict[str, int]:
    """Whole yuan spent per category of the approved budget."""
    if not spending:
        return {}
    approved = approved_table(project.agreement)
    if approved is None:
        raise ProjectError(_("Spending is reported against the approved budget, and there is none yet."))
    categories = {r.code for r in approved[1].rows if not r.subline}
    unknown = sorted(set(spending) - categories)
    if unknown:
        raise ProjectError(_("Not a category of the approved budget: %(codes)s."), params={"codes": ", ".join(unknown)})
    out: dict[str, int] = {}
    for code, raw in spending.items():
        text = str(raw).strip().replace(",", "")
        if not text:
            continue
        if not text.isdigit():
            raise ProjectError(
                _("%(code)s: spending is a whole number of yuan, not “%(text)s”."), params={"code": code, "text": str(raw)}
            )
        out[code] = int(text)
    return out


@transaction.atomic
def submit_report(
    *,
    project: Project,
    kind: str,
    actuals: Mapping[str, float | Mapping[str, float]],
    text: str,
    actor: User,
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
    spending: Mapping[str, int | str] | None = None,
) -> Report:
    """The PI reports progress with actual values for the targets (a number, or one per part of a split
    target) and the spending so far against the approved budget by category (category code → yuan);
    one mid-term and one final report."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."))
    if Report.objects.filter(project=locked, kind=kind).exists():
        raise ProjectError(_("This report was already submitted."))
    if not text.strip():
        raise ProjectError(_("Summarise the progress."))
    parts = dict(locked.targets.values_list("code", "parts"))
    unknown = sorted(set(actuals) - set(parts))
    if unknown:
        raise ProjectError(_("Not a target of this project: %(codes)s."), params={"codes": ", ".join(unknown)})
    clean: dict[str, float | dict[str, float]] = {}
    for code, value in actuals.items():
        if not parts[code]:
            if isinstance(value, Mapping):
                raise ProjectError(_("Report %(code)s as one number."), params={"code": code})
            clean[code] = float(value)
            continue
        # A split target is reported part by part: one total cannot show that each side or country
        # reached the target.
        if not isinstance(value, Mapping):
            raise ProjectError(_("Report %(code)s for each part."), params={"code": code})
        extra = sorted(set(value) - set(parts[code]))
        if extra:
            raise ProjectError(_("Not a part of %(code)s: %(parts)s."), params={"code": code, "parts": ", ".join(extra)})
        clean[code] = {k: float(v) for k, v in value.items()}
    spent = _spending(locked, spending or {})
    report = Report(project=locked, kind=ReportKind(kind), actuals=clean, text=text.strip(), submitted_by=actor, spending=spent)
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
    final = Report.objects.filter(project=locked, kind=ReportKind.FINAL).first()
    if not terminate and final is None:
        raise ProjectError(_("A project completes on its final report."))
    if not terminate and final is not None and final.status == ReportStatus.FAILED:
        raise ProjectError(_("The final report failed: the project cannot be closed as completed."), code="final_failed")
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
