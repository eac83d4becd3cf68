"""Post-award money and report review pages (issue 19): a project's disbursement schedule (the PI reads
it, staff plan, approve, withhold, release and record payments), the call's committed-against-paid
view, and the project's reports with the experts' reviews and the staff decision."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shenbao.accounts.models import User
from shenbao.agreements.services.budget import approved_table
from shenbao.calls.definition.schema import ReviewCriterion
from shenbao.core.errors import DomainError
from shenbao.documents.exports.registry import EXPORTS, may_export
from shenbao.projects.enums import ReportStatus, TrancheCondition
from shenbao.projects.models import Project, ReportReview, Tranche
from shenbao.projects.queries import call_money, project_money, report_result
from shenbao.projects.services.disbursement import (
    approve_tranche,
    approved_by_category,
    default_split,
    paid_by_category,
    plan_tranche,
    record_payment,
    release_tranche,
    remove_tranche,
    withhold_tranche,
)
from shenbao.projects.services.report_reviews import (
    assign_report_expert,
    decide_report,
    report_review_settings,
    submit_report_review,
)
from shenbao.web.common import acting_user, call_for, int_param


class _BadInput(Exception):
    """A malformed number or date in the form: refused with a translated message, nothing saved."""


def _project(request: HttpRequest, pk: int, permission: str) -> Project:
    project = (
        Project.objects.select_related("agreement__award__application", "agreement__award__call__program").filter(pk=pk).first()
    )
    if project is None or not request.user.has_perm(permission, project):
        raise Http404(_("No such project."))
    return project


def _int(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "").strip().replace(",", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 15:
        raise _BadInput(_("“%(value)s” is not a whole number.") % {"value": raw[:30]})
    return int(raw)


def _date(request: HttpRequest, name: str) -> dt.date | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise _BadInput(_("Enter the date as YYYY-MM-DD.")) from None


def _tranche(request: HttpRequest, project: Project) -> Tranche:
    raw = request.POST.get("tranche", "")
    tranche = project.tranches.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 18 else None
    if tranche is None:
        raise Http404(_("No such tranche."))
    return tranche


@login_required
def project_disbursement(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "projects.view_disbursement")
    may_manage = request.user.has_perm("projects.manage_disbursement", project)
    if request.method == "POST":
        if not may_manage:
            raise Http404(_("No such project."))
        return _disbursement_action(request, project)
    tranches = list(project.tranches.select_related("paid_recorded_by", "approved_by"))
    categories = _categories(project)
    context = {
        "project": project,
        "tranches": tranches,
        "categories": categories,
        "category_labels": {code: label for code, label, *_rest in categories},
        "splits": {
            t.pk: [
                (code, label, part)
                for (code, label, *_rest), part in zip(categories, default_split(project, t.amount_yuan).values(), strict=True)
            ]
            for t in tranches
            if t.status == "approved" and categories
        },
        "money": project_money(project),
        "may_manage": may_manage,
        "conditions": TrancheCondition.choices,
        "today": timezone.localdate(),
    }
    return render(request, "web/projects/disbursement.html", context)


def _categories(project: Project) -> list[tuple[str, str, int, int, int]]:
    """The approved budget's categories with their approved grant, what was paid to them and what is
    left, in yuan, labelled in the reader's language (none before staff approved a budget)."""
    approved = approved_by_category(project)
    table = approved_table(project.agreement)
    if not approved or table is None:
        return []
    language = translation.get_language() or "zh-hans"
    labels = {r.code: r.label.get(language) for r in table[1].rows if not r.subline}
    paid = paid_by_category(project)
    return [
        (code, labels.get(code, code), amount, paid.get(code, 0), amount - paid.get(code, 0)) for code, amount in approved.items()
    ]


def _split(request: HttpRequest, project: Project) -> dict[str, int | None]:
    """The shares posted with a payment (``split-<category>``); all left empty, the default split applies."""
    return {code: _int(request, f"split-{code}") for code in approved_by_category(project)}


def _disbursement_action(request: HttpRequest, project: Project) -> HttpResponse:
    action = request.POST.get("action", "")
    actor = acting_user(request)
    reason = request.POST.get("reason", "")
    try:
        if action == "plan":
            plan_tranche(
                project=project,
                amount_yuan=_int(request, "amount_yuan"),
                condition=request.POST.get("condition", ""),
                planned_on=_date(request, "planned_on"),
                actor=actor,
            )
        elif action == "remove":
            remove_tranche(tranche=_tranche(request, project), actor=actor)
        elif action == "approve":
            approve_tranche(tranche=_tranche(request, project), actor=actor)
        elif action == "pay":
            tranche = _tranche(request, project)
            record_payment(
                tranche=tranche,
                amount_yuan=_int(request, "paid_yuan"),
                paid_on=_date(request, "paid_on"),
                reference=request.POST.get("reference", ""),
                actor=actor,
                split=_split(request, project),
            )
        elif action == "withhold":
            withhold_tranche(tranche=_tranche(request, project), reason=reason, actor=actor)
        elif action == "release":
            release_tranche(tranche=_tranche(request, project), reason=reason, actor=actor)
        else:
            raise Http404
    except (DomainError, _BadInput) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    return redirect("web:project_disbursement", pk=project.pk)


@login_required
def call_disbursement(request: HttpRequest, code: str) -> HttpResponse:
    """Committed against paid for every project of the call, with the totals and the export."""
    call = call_for(request, code, "awards.select")
    rows, total = call_money(call)
    export = EXPORTS["disbursement"]
    context = {"call": call, "rows": rows, "total": total, "export": export if may_export(request.user, export, call) else None}
    return render(request, "web/projects/call_disbursement.html", context)


def _reviews_of(user: User, project: Project) -> list[ReportReview]:
    return list(
        ReportReview.objects.filter(report__project=project, expert=user).select_related(
            "report__project__agreement__award__call"
        )
    )


_SCORE = re.compile(r"-?\d{1,6}(\.\d{1,4})?")


@dataclass
class CriterionInput:
    criterion: ReviewCriterion
    value: str  # as typed (or stored), so nothing typed is lost on a refusal
    not_applicable: bool

    @property
    def name(self) -> str:
        return self.criterion.name.get(get_language())

    @property
    def description(self) -> str:
        return self.criterion.description.get(get_language()) if self.criterion.description else ""


@dataclass
class OwnReview:
    """A named expert's review of a report with the form it shows: one row per criterion where the call
    declares the report review's criteria, otherwise one overall score."""

    review: ReportReview
    criteria: list[CriterionInput] = field(default_factory=list)
    score: str = ""
    opinion: str = ""
    error: str = ""


def _own_review(review: ReportReview, posted: QueryDict | None = None) -> OwnReview:
    settings = report_review_settings(review.report)
    if posted is not None:
        criteria = [
            CriterionInput(c, posted.get(f"score-{c.code}", "").strip()[:30], posted.get(f"na-{c.code}") == "on")
            for c in (settings.criteria if settings else [])
        ]
        return OwnReview(review, criteria, posted.get("score", "").strip()[:30], posted.get("opinion", ""))
    stored = review.scores or {}
    criteria = [
        CriterionInput(
            c,
            "" if stored.get(c.code) is None else f"{stored[c.code]:g}",
            c.code in stored and stored[c.code] is None,
        )
        for c in (settings.criteria if settings else [])
    ]
    score = "" if review.score is None else str(review.score)
    return OwnReview(review, criteria, score, review.opinion)


def _cell(scores: dict[str, float | None], code: str) -> str:
    if code not in scores:
        return "—"
    value = scores[code]
    return _("n/a") if value is None else f"{value:g}"


def _criterion_scores(form: OwnReview) -> dict[str, float | None]:
    """The typed scores by criterion (None: marked not applicable; left out: not scored)."""
    scores: dict[str, float | None] = {}
    for row in form.criteria:
        if row.not_applicable:
            scores[row.criterion.code] = None
        elif row.value:
            if not _SCORE.fullmatch(row.value):
                name = row.criterion.name.get(get_language())
                raise _BadInput(_("The score for “%(criterion)s” is not a number.") % {"criterion": name})
            scores[row.criterion.code] = float(row.value)
    return scores


@login_required
def project_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's reports: the PI and staff see each with its decision; staff name experts, read their
    reviews and decide; a named expert reads the report and submits their review (and sees nothing else)."""
    project = (
        Project.objects.select_related("agreement__award__application", "agreement__award__call__program").filter(pk=pk).first()
    )
    if project is None:
        raise Http404(_("No such project."))
    user = request.user
    may_view = user.has_perm("projects.view_project", project)
    own_reviews = _reviews_of(acting_user(request), project) if user.is_authenticated else []
    if not may_view and not own_reviews:
        raise Http404(_("No such project."))
    may_decide = user.has_perm("projects.decide_report", project)
    forms = [_own_review(r) for r in own_reviews]
    if request.method == "POST":
        if request.POST.get("action") == "review":
            refused = _submit_review(request, own_reviews)
            if refused is None:
                return redirect("web:project_reports", pk=project.pk)
            # Refused: the page again with what the expert typed, and why.
            forms = [refused if f.review.pk == refused.review.pk else f for f in forms]
        else:
            return _report_action(request, project, may_decide=may_decide)
    reports = list(project.reports.prefetch_related("reviews__expert")) if may_view else []
    if may_decide:
        for report in reports:
            report.result = report_result(report)  # type: ignore[attr-defined]
            settings = report_review_settings(report)
            codes = [c.code for c in settings.criteria] if settings else []
            report.criteria_names = [c.name.get(get_language()) for c in settings.criteria] if settings else []  # type: ignore[attr-defined]
            for review in report.reviews.all():
                review.cells = [_cell(review.scores, code) for code in codes]  # type: ignore[attr-defined]
    context = {
        "project": project,
        "reports": reports,
        "own_reviews": forms,
        "may_view": may_view,
        "may_decide": may_decide,
        "decisions": [(s.value, s.label) for s in ReportStatus if s != ReportStatus.SUBMITTED],
    }
    return render(request, "web/projects/reports.html", context)


def _submit_review(request: HttpRequest, own_reviews: list[ReportReview]) -> OwnReview | None:
    """The expert's review saved (None), or the form as typed with the translated reason it was refused."""
    pk = int_param(request.POST.get("review"))
    review = next((r for r in own_reviews if r.pk == pk), None)
    if review is None or not request.user.has_perm("projects.review_report", review):
        raise Http404(_("No such review."))
    form = _own_review(review, request.POST)
    try:
        if form.criteria:
            submit_report_review(review=review, scores=_criterion_scores(form), opinion=form.opinion, actor=acting_user(request))
        else:
            submit_report_review(review=review, score=_int(request, "score"), opinion=form.opinion, actor=acting_user(request))
    except (DomainError, _BadInput) as exc:
        form.error = str(exc)
        return form
    messages.success(request, _("Recorded."))
    return None


def _report_action(request: HttpRequest, project: Project, *, may_decide: bool) -> HttpResponse:
    action = request.POST.get("action", "")
    actor = acting_user(request)
    pk = int_param(request.POST.get("report"))
    try:
        if action in ("assign", "decide") and may_decide:
            report = project.reports.filter(pk=pk).first() if pk is not None else None
            if report is None:
                raise Http404(_("No such report."))
            if action == "assign":
                email = request.POST.get("expert", "").strip()
                expert = User.objects.filter(email__iexact=email).first() if email else None
                assign_report_expert(report=report, expert=expert, actor=actor)
            else:
                decide_report(
                    report=report, decision=request.POST.get("decision", ""), reasons=request.POST.get("reasons", ""), actor=actor
                )
        else:
            raise Http404
    except (DomainError, _BadInput) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    return redirect("web:project_reports", pk=project.pk)
