"""A project's dashboard: each target against the latest reported actual."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from shenbao.accounts.permissions import is_authenticated, user_is_administrator
from shenbao.applications.enums import PartnerSide
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.roles import officer_programs
from shenbao.core.countries import country_name
from shenbao.projects.enums import KpiPer, MilestoneKind, ProjectStatus, TrancheStatus
from shenbao.projects.kpis import merge_actuals, read_target
from shenbao.projects.models import Amendment, KpiTarget, Milestone, Project, Report, ReportReview
from shenbao.reviews.algorithms.aggregation import Aggregate, AggregationSettings, Disagreement, Method, aggregate
from shenbao.reviews.algorithms.aggregation import Review as AggregatedReview

SIDE_LABELS = dict(PartnerSide.choices)


@dataclass(frozen=True)
class PartRow:
    key: str
    label: str
    actual: float | None
    met: bool | None


@dataclass(frozen=True)
class TargetRow:
    """A target against its latest actuals: ``actual`` is the total (the sum of the parts reported for a
    split target), ``parts`` one row per side or country, ``status`` one of "met", "not_met",
    "not_reported", "exempt" and "total_only" (a split target reported as one number before the split)."""

    target: KpiTarget
    actual: float | None
    met: bool | None
    parts: tuple[PartRow, ...] = ()
    status: str = "not_reported"

    @property
    def exempt(self) -> bool:
        return self.target.exempt


def part_label(per: str, key: str) -> str:
    """A part in the reader's language: the side, or the country's name."""
    if per == KpiPer.EACH_SIDE:
        return str(SIDE_LABELS.get(key, key))
    return country_name(key, get_language())


def latest_actuals(reports: Iterable[Report]) -> dict[str, Any]:
    return merge_actuals(r.actuals for r in sorted(reports, key=lambda r: (r.submitted_at, r.pk)))


def read_targets(targets: Iterable[KpiTarget], latest: dict[str, Any]) -> list[TargetRow]:
    rows = []
    for t in sorted(targets, key=lambda t: t.code):
        reading = read_target(
            comparator=t.comparator, target=t.target, parts=list(t.parts), exempt=t.exempt, reported=latest.get(t.code)
        )
        parts = tuple(PartRow(p.key, part_label(t.per, p.key), p.actual, p.met) for p in reading.parts)
        rows.append(TargetRow(target=t, actual=reading.actual, met=reading.met, parts=parts, status=reading.status))
    return rows


def target_rows(project: Project) -> list[TargetRow]:
    return read_targets(project.targets.all(), latest_actuals(project.reports.all()))


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    status: str  # "done", "overdue" (not done, due before today), "due_today" or "upcoming"
    days: int  # days overdue for "overdue", days left for "upcoming", else 0

    @property
    def custom(self) -> bool:
        return self.milestone.kind == MilestoneKind.CUSTOM


def milestone_rows(project: Project, today: dt.date) -> list[MilestoneRow]:
    """The project's milestones by due date, each with where it stands on ``today``."""
    rows = []
    for m in project.milestones.select_related("done_by").order_by("due", "pk"):
        if m.done_on is not None:
            rows.append(MilestoneRow(m, "done", 0))
        elif m.due < today:
            rows.append(MilestoneRow(m, "overdue", (today - m.due).days))
        elif m.due == today:
            rows.append(MilestoneRow(m, "due_today", 0))
        else:
            rows.append(MilestoneRow(m, "upcoming", (m.due - today).days))
    return rows


def reports_due(call: Call, *, today: dt.date, within_days: int = 30) -> dict[str, int]:
    """Report milestones of the call's active projects not yet done: overdue, and due within ``within_days``."""
    open_reports = Milestone.objects.filter(
        project__agreement__award__call=call,
        project__status=ProjectStatus.ACTIVE,
        kind__in=(MilestoneKind.MIDTERM, MilestoneKind.FINAL),
        done_on__isnull=True,
    )
    counts = open_reports.aggregate(
        overdue=Count("pk", filter=Q(due__lt=today)),
        soon=Count("pk", filter=Q(due__gte=today, due__lte=today + dt.timedelta(days=within_days))),
    )
    return {"overdue": counts["overdue"] or 0, "soon": counts["soon"] or 0}


def call_project_list(call: Call, *, status: str | None = None, search: str = "") -> QuerySet[Project]:
    """The call's projects for the staff list: of one status if named, whose name or receipt number
    contains ``search``; one query with the application joined, however many rows."""
    rows = Project.objects.filter(agreement__award__call=call).select_related("agreement__award__application")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(agreement__award__application__receipt_number__icontains=search))
    return rows


@dataclass(frozen=True)
class MoneyLine:
    """Committed (the project's budget, the grant) against the tranches: planned in all, paid, and
    withheld; ``open`` is what is committed and not yet paid."""

    committed: int
    scheduled: int
    paid: int
    withheld: int

    @property
    def open(self) -> int:
        return self.committed - self.paid


def _money(rows: QuerySet[Project]) -> QuerySet[Any]:
    annotated: QuerySet[Any] = rows.annotate(
        scheduled=Coalesce(Sum("tranches__amount_yuan"), 0),
        paid=Coalesce(Sum("tranches__paid_amount_yuan", filter=Q(tranches__status=TrancheStatus.PAID)), 0),
        withheld=Coalesce(Sum("tranches__amount_yuan", filter=Q(tranches__status=TrancheStatus.WITHHELD)), 0),
    )
    return annotated


def project_money(project: Project) -> MoneyLine:
    row = _money(Project.objects.filter(pk=project.pk)).values("budget_yuan", "scheduled", "paid", "withheld").get()
    return MoneyLine(row["budget_yuan"] or 0, row["scheduled"], row["paid"], row["withheld"])


def call_money(call: Call) -> tuple[list[tuple[Project, MoneyLine]], MoneyLine]:
    """Every project of the call with its committed, scheduled, paid and withheld amounts, and the
    call's totals; one query however many projects."""
    projects = _money(
        Project.objects.filter(agreement__award__call=call).select_related("agreement__award__application")
    ).order_by("agreement__award__application__receipt_number", "pk")
    rows = [(p, MoneyLine(p.budget_yuan or 0, p.scheduled, p.paid, p.withheld)) for p in projects]
    total = MoneyLine(*(sum(getattr(line, f) for _p, line in rows) for f in ("committed", "scheduled", "paid", "withheld")))
    return rows, total


def report_result(report: Report, reviews: Iterable[ReportReview] | None = None) -> Aggregate:
    """The report's result from its submitted reviews, aggregated as a review stage aggregates its
    applications (``reviews.algorithms.aggregation``): by the method the call declares for the review
    of reports of this kind (the mean where it declares none), with the disagreement flag."""
    settings = current_definition(report.project.agreement.award.call).report_review(report.kind)
    items = []
    for r in report.reviews.all() if reviews is None else reviews:
        total = r.total if r.total is not None else (None if r.score is None else float(r.score))
        if r.submitted_at is not None and total is not None:
            items.append(AggregatedReview(application=report.pk, reviewer=r.expert_id, total=total))
    method = Method(settings.aggregation) if settings is not None else Method.MEAN
    spread = settings.disagreement_spread if settings is not None else None
    aggregation = AggregationSettings(method=method, disagreement=Disagreement(max_spread=spread) if spread is not None else None)
    return aggregate(items, aggregation, applications=[report.pk]).aggregates[report.pk]


def report_reviews_of(user: Any) -> QuerySet[ReportReview]:
    """The report reviews the user is named for (中期检查 / 结题验收), newest first, with their report and
    project: one query however many."""
    if not is_authenticated(user):
        return ReportReview.objects.none()
    return (
        ReportReview.objects.filter(expert=user)
        .select_related("report__project__agreement__award__call")
        .order_by("-assigned_at", "-pk")
    )


def projects_visible_to(user: Any) -> QuerySet[Project]:
    """The projects ``projects.view_project`` lets the user see, as one query: every project for an
    administrator, the projects of their programs for a program officer, their own as the PI."""
    projects = Project.objects.select_related("agreement__award__application", "agreement__award__call")
    if user_is_administrator(user):
        return projects.order_by("pk")
    if not is_authenticated(user):
        return projects.none()
    return projects.filter(
        Q(agreement__award__application__applicant=user) | Q(agreement__award__call__program_id__in=officer_programs(user))
    ).order_by("pk")


def agreement_amendments(agreement_id: int) -> QuerySet[Amendment]:
    """The agreement's change approval records (变更批复) in their order, each with its change (for the
    kind): one query however many."""
    return Amendment.objects.filter(agreement_id=agreement_id).select_related("change").order_by("number")
