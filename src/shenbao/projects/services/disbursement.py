"""The disbursement schedule (拨付计划): staff plan a project's grant in tranches, each due on a
condition (on signing, on the mid-term report passed, on final acceptance, on a date); a due tranche
is approved and paid (staff record the amount, the day and the bank reference, and may split the
payment across the approved budget's categories: by default in proportion to each category's
approved grant still unpaid, ``projects.split``).  A failed or overdue
report withholds the tranches tied to it, with the reason; passing the report makes them due again.

Every change of a tranche's state goes through ``TRANCHE_LIFECYCLE`` and writes an audit entry on
the application.  Who may call these is the web's business (``projects.manage_disbursement``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.services.budget import approved_table, category_grant_yuan
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.notifications.mail import notify
from shenbao.projects.enums import (
    CONDITION_REPORT,
    MilestoneKind,
    ProjectStatus,
    ReportStatus,
    TrancheCondition,
    TrancheStatus,
    WithholdCause,
)
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Milestone, Project, Report, Tranche
from shenbao.projects.split import over_category, proportional_split
from shenbao.projects.transitions import TRANCHE_LIFECYCLE

#: States from which a tranche may still be withheld (not paid, not withheld already).
WITHHOLDABLE = frozenset({TrancheStatus.PLANNED, TrancheStatus.DUE, TrancheStatus.APPROVED})
REFERENCE_MAX = 100


def _locked_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("agreement__award__application").get(pk=project.pk)


def _locked(tranche: Tranche) -> Tranche:
    return (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("project__agreement__award__application")
        .get(pk=tranche.pk)
    )


def _move(
    tranche: Tranche, to: str, *, actor: User | None, data: dict[str, object] | None = None, also: tuple[str, ...] = ()
) -> None:
    transition(
        tranche,
        TRANCHE_LIFECYCLE,
        to,
        actor=actor,
        also_update=also,
        audit_obj=tranche.project.agreement.award.application,
        data={"tranche": tranche.position, "amount_yuan": tranche.amount_yuan, **(data or {})},
    )


def _withhold(tranche: Tranche, *, cause: str, reason: str, actor: User | None) -> None:
    tranche.withheld_cause, tranche.withheld_reason = cause, reason
    _move(tranche, TrancheStatus.WITHHELD, actor=actor, data={"cause": cause}, also=("withheld_cause", "withheld_reason"))
    award = tranche.project.agreement.award
    pi = award.application.applicant
    if pi.email:
        with translation.override(pi.language or "zh-hans"):
            cause_text = str(WithholdCause(cause).label)  # the mail is in the PI's language
        notify(
            to=pi.email,
            language=pi.language,
            template="tranche_withheld",
            context={
                "call_title": award.call.title,
                "project": tranche.project.title,
                "tranche": tranche.position,
                "amount_yuan": tranche.amount_yuan,
                "reason": " · ".join(x for x in (cause_text, reason) if x),
            },
            call=award.call,
            related=tranche.project,
            link=reverse("web:project", args=[tranche.project_id]),
            user=pi,
        )


def _release(tranche: Tranche, *, actor: User | None, data: dict[str, object] | None = None) -> None:
    tranche.withheld_cause, tranche.withheld_reason = "", ""
    _move(tranche, TrancheStatus.DUE, actor=actor, data=data, also=("withheld_cause", "withheld_reason"))


def _report_of(tranche: Tranche) -> Report | None:
    kind = CONDITION_REPORT.get(TrancheCondition(tranche.condition))
    return Report.objects.filter(project_id=tranche.project_id, kind=kind).first() if kind else None


def _overdue_report(tranche: Tranche, today: dt.date) -> Milestone | None:
    """The report milestone the tranche depends on when it is past due without its report."""
    kind = CONDITION_REPORT.get(TrancheCondition(tranche.condition))
    if kind is None:
        return None
    return Milestone.objects.filter(
        project_id=tranche.project_id, kind=MilestoneKind(kind), done_on__isnull=True, due__lt=today
    ).first()


def _settle(tranche: Tranche, *, today: dt.date, actor: User | None) -> None:
    """Move a planned tranche as far as the facts take it: due once its condition is met, withheld
    when its report failed or is overdue."""
    if tranche.status != TrancheStatus.PLANNED:
        return
    condition = TrancheCondition(tranche.condition)
    if condition == TrancheCondition.ON_SIGNING:
        # A project starts from a signed agreement: the condition is met from the start.
        _move(tranche, TrancheStatus.DUE, actor=actor, data={"because": "signed"})
    elif condition == TrancheCondition.ON_DATE:
        if tranche.planned_on <= today:
            _move(tranche, TrancheStatus.DUE, actor=actor, data={"because": "date"})
    else:
        report = _report_of(tranche)
        if report is not None and report.status in (ReportStatus.PASSED, ReportStatus.CONDITIONAL):
            _move(tranche, TrancheStatus.DUE, actor=actor, data={"because": "report_passed"})
        elif report is not None and report.status == ReportStatus.FAILED:
            _withhold(tranche, cause=WithholdCause.REPORT_FAILED, reason=report.decision_reasons, actor=actor)
        elif report is None and (late := _overdue_report(tranche, today)) is not None:
            _withhold(tranche, cause=WithholdCause.REPORT_OVERDUE, reason=late.due.isoformat(), actor=actor)


@transaction.atomic
def plan_tranche(
    *,
    project: Project,
    amount_yuan: int | None,
    condition: str,
    planned_on: dt.date | None,
    actor: User,
    today: dt.date | None = None,
) -> Tranche:
    """A tranche of the project's grant; the planned amounts never add up to more than the budget.
    A tranche whose condition is met already (on signing, a date passed, its report decided) moves
    at once."""
    locked = _locked_project(project)
    if locked.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."), code="project_not_running")
    if condition not in TrancheCondition.values:
        raise ProjectError(_("Choose what makes the tranche due."), code="tranche_condition_required")
    if amount_yuan is None or amount_yuan <= 0:
        raise ProjectError(_("A tranche's amount is a whole number of yuan above zero."), code="tranche_amount_invalid")
    if planned_on is None:
        raise ProjectError(_("Give the tranche's planned date."), code="tranche_date_required")
    planned = locked.tranches.aggregate(total=Sum("amount_yuan"))["total"] or 0
    if locked.budget_yuan is not None and planned + amount_yuan > locked.budget_yuan:
        raise ProjectError(
            _("The tranches would add up to %(total)s yuan, more than the project's budget of %(budget)s yuan."),
            params={"total": f"{planned + amount_yuan:,}", "budget": f"{locked.budget_yuan:,}"},
            code="tranches_over_budget",
        )
    position = (locked.tranches.aggregate(last=Max("position"))["last"] or 0) + 1
    tranche = Tranche.objects.create(
        project=locked, position=position, amount_yuan=amount_yuan, condition=condition, planned_on=planned_on
    )
    log_action(
        action="shenbao.tranche.planned",
        obj=locked.agreement.award.application,
        actor=actor,
        data={"tranche": position, "amount_yuan": amount_yuan, "condition": condition, "planned_on": planned_on.isoformat()},
    )
    _settle(tranche, today=today or timezone.localdate(), actor=actor)
    return tranche


@transaction.atomic
def remove_tranche(*, tranche: Tranche, actor: User) -> None:
    """Only a tranche still planned may be taken out of the schedule."""
    locked = _locked(tranche)
    if locked.status != TrancheStatus.PLANNED:
        raise ProjectError(_("Only a planned tranche can be removed."), code="tranche_not_planned")
    log_action(
        action="shenbao.tranche.removed",
        obj=locked.project.agreement.award.application,
        actor=actor,
        data={"tranche": locked.position, "amount_yuan": locked.amount_yuan},
    )
    locked.delete()


@transaction.atomic
def approve_tranche(*, tranche: Tranche, actor: User, now: dt.datetime | None = None) -> Tranche:
    locked = _locked(tranche)
    locked.approved_by, locked.approved_at = actor, now or timezone.now()
    _move(locked, TrancheStatus.APPROVED, actor=actor, also=("approved_by", "approved_at"))
    return locked


def approved_by_category(project: Project) -> dict[str, int]:
    """The approved grant of each budget category, in yuan, in the table's order (empty before staff
    approved a budget)."""
    approved = approved_table(project.agreement)
    return category_grant_yuan(approved[1]) if approved is not None else {}


def paid_by_category(project: Project, *, exclude: Tranche | None = None) -> dict[str, int]:
    """What the recorded payments split to each category so far, in yuan."""
    paid: dict[str, int] = {}
    tranches = Tranche.objects.filter(project_id=project.pk, status=TrancheStatus.PAID)
    if exclude is not None:
        tranches = tranches.exclude(pk=exclude.pk)
    for split in tranches.values_list("paid_by_category", flat=True):
        for code, part in (split or {}).items():
            paid[code] = paid.get(code, 0) + int(part)
    return paid


def _unpaid(project: Project, exclude: Tranche | None = None) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Each category's approved grant, what was paid to it, and what is left of it."""
    approved = approved_by_category(project)
    paid = paid_by_category(project, exclude=exclude)
    return approved, paid, {code: approved[code] - paid.get(code, 0) for code in approved}


def default_split(project: Project, amount_yuan: int, *, exclude: Tranche | None = None) -> dict[str, int]:
    """The split staff see before saving: proportional to the approved grant each category has left
    (for the first payment, the approved grant column itself), so the last tranche is split into
    exactly what is left rather than rounding past a category's grant."""
    _approved, _paid, left = _unpaid(project, exclude)
    return proportional_split(amount_yuan, {code: max(rest, 0) for code, rest in left.items()})


def _clean_split(project: Project, tranche: Tranche, amount_yuan: int, split: Mapping[str, int | None] | None) -> dict[str, int]:
    approved, paid, available = _unpaid(project, tranche)
    if not approved:
        return {}  # no approved budget: the payment is recorded as a whole
    given = {code: part for code, part in (split or {}).items() if part is not None}
    if not given:
        cleaned = default_split(project, amount_yuan, exclude=tranche)
    else:
        unknown = sorted(set(given) - set(approved))
        if unknown:
            raise ProjectError(
                _("These are not categories of the approved budget: %(codes)s."),
                params={"codes": ", ".join(unknown)},
                code="split_unknown_category",
            )
        if any(part < 0 for part in given.values()):
            raise ProjectError(_("A category's share of the payment cannot be below zero."), code="split_negative")
        cleaned = {code: int(given.get(code, 0)) for code in approved}
        if sum(cleaned.values()) != amount_yuan:
            raise ProjectError(
                _("The shares of the categories add up to %(sum)s yuan, not to the %(amount)s yuan paid."),
                params={"sum": f"{sum(cleaned.values()):,}", "amount": f"{amount_yuan:,}"},
                code="split_sum",
            )
    over = over_category(cleaned, available)
    if over:
        code = over[0]
        raise ProjectError(
            _(
                "%(amount)s yuan to category %(code)s is more than what is left of its approved grant "
                "(%(approved)s yuan approved, %(paid)s yuan paid already)."
            ),
            params={
                "amount": f"{cleaned[code]:,}",
                "code": code,
                "approved": f"{approved[code]:,}",
                "paid": f"{paid.get(code, 0):,}",
            },
            code="split_over_category",
        )
    return cleaned


@transaction.atomic
def record_payment(
    *,
    tranche: Tranche,
    amount_yuan: int | None,
    paid_on: dt.date | None,
    reference: str,
    actor: User,
    today: dt.date | None = None,
    split: Mapping[str, int | None] | None = None,
) -> Tranche:
    """Staff record the payment of an approved tranche: the amount paid (at most the tranche's), the day
    (not in the future) and the bank or treasury reference.  Once the project has an approved budget the
    payment is split across its categories (``split``: category code → yuan, adding up to the amount;
    none given, ``default_split``), and no category gets more than its approved grant minus what was
    paid to it already."""
    locked = _locked(tranche)
    reference = reference.strip()
    if locked.status != TrancheStatus.APPROVED:
        raise ProjectError(_("A tranche is paid once it is approved."), code="tranche_not_approved")
    if amount_yuan is None or not 0 < amount_yuan <= locked.amount_yuan:
        raise ProjectError(
            _("The amount paid is above zero and at most the tranche's %(amount)s yuan."),
            params={"amount": f"{locked.amount_yuan:,}"},
            code="payment_amount_invalid",
        )
    if paid_on is None or paid_on > (today or timezone.localdate()):
        raise ProjectError(_("Give the day of the payment; it cannot be in the future."), code="payment_date_invalid")
    if not reference or len(reference) > REFERENCE_MAX:
        raise ProjectError(
            _("Give the payment's reference (at most %(max)s characters)."),
            params={"max": REFERENCE_MAX},
            code="payment_reference_required",
        )
    _locked_project(locked.project)  # two payments of one project must not both spend a category's rest
    by_category = _clean_split(locked.project, locked, amount_yuan, split)
    locked.paid_amount_yuan, locked.paid_on, locked.payment_reference, locked.paid_recorded_by = (
        amount_yuan,
        paid_on,
        reference,
        actor,
    )
    locked.paid_by_category = by_category
    _move(
        locked,
        TrancheStatus.PAID,
        actor=actor,
        data={
            "paid_yuan": amount_yuan,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            **({"by_category": by_category} if by_category else {}),
        },
        also=("paid_amount_yuan", "paid_on", "payment_reference", "paid_recorded_by", "paid_by_category"),
    )
    return locked


@transaction.atomic
def withhold_tranche(*, tranche: Tranche, reason: str, actor: User) -> Tranche:
    """Staff withhold a tranche not yet paid, with the reason."""
    locked = _locked(tranche)
    if not reason.strip():
        raise ProjectError(_("Give the reason for withholding the tranche."), code="withhold_reason_required")
    _withhold(locked, cause=WithholdCause.STAFF, reason=reason.strip(), actor=actor)
    return locked


@transaction.atomic
def release_tranche(*, tranche: Tranche, reason: str, actor: User) -> Tranche:
    """Staff lift a withholding (the report came in late, the matter was settled): the tranche is due."""
    locked = _locked(tranche)
    if not reason.strip():
        raise ProjectError(_("Give the reason for releasing the tranche."), code="release_reason_required")
    _release(locked, actor=actor, data={"reason": reason.strip()})
    return locked


def follow_report_decision(report: Report, *, actor: User | None) -> list[Tranche]:
    """After a report's decision (inside its transaction): passing makes the tranches tied to the report
    due (withheld ones too); failing withholds those not yet paid, with the decision's reasons."""
    conditions = [c for c, kind in CONDITION_REPORT.items() if kind == report.kind]
    moved = []
    tied = Tranche.objects.select_for_update(of=("self",)).filter(project_id=report.project_id, condition__in=conditions)
    for tranche in tied.select_related("project__agreement__award__application"):
        if report.status in (ReportStatus.PASSED, ReportStatus.CONDITIONAL):
            if tranche.status == TrancheStatus.PLANNED:
                _move(tranche, TrancheStatus.DUE, actor=actor, data={"because": "report_passed"})
            elif tranche.status == TrancheStatus.WITHHELD and tranche.withheld_cause != WithholdCause.STAFF:
                _release(tranche, actor=actor, data={"because": "report_passed"})
            else:
                continue
        elif report.status == ReportStatus.FAILED and tranche.status in WITHHOLDABLE:
            _withhold(tranche, cause=WithholdCause.REPORT_FAILED, reason=report.decision_reasons, actor=actor)
        else:
            continue
        moved.append(tranche)
    return moved


@dataclass
class TrancheRun:
    due: list[Tranche]
    withheld: list[Tranche]


@transaction.atomic
def update_tranches(*, today: dt.date | None = None) -> TrancheRun:
    """Run daily (``update_tranches``): planned tranches of running projects become due on their date
    (or at once on signing), and those whose report is overdue are withheld."""
    today = today or timezone.localdate()
    run = TrancheRun(due=[], withheld=[])
    planned = Tranche.objects.select_for_update(of=("self",)).filter(
        status__in=(TrancheStatus.PLANNED, TrancheStatus.DUE, TrancheStatus.APPROVED), project__status=ProjectStatus.ACTIVE
    )
    for tranche in planned.select_related("project__agreement__award__application").order_by("project_id", "position"):
        if tranche.status != TrancheStatus.PLANNED:
            # A due or approved tranche tied to a report is withheld too once that report is overdue.
            late = _overdue_report(tranche, today)
            if late is not None:
                _withhold(tranche, cause=WithholdCause.REPORT_OVERDUE, reason=late.due.isoformat(), actor=None)
                run.withheld.append(tranche)
            continue
        _settle(tranche, today=today, actor=None)
        if tranche.status == TrancheStatus.DUE:
            run.due.append(tranche)
        elif tranche.status == TrancheStatus.WITHHELD:
            run.withheld.append(tranche)
    return run
