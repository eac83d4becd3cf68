"""Post-award money and report review pages (issue 19): a project's disbursement schedule (the PI reads
it, staff plan, approve, withhold, release and record payments), the call's committed-against-paid
view, and the project's reports with the experts' reviews and the staff decision."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shenbao.accounts.models import User
from shenbao.agreements.services.budget import approved_table
from shenbao.core.errors import DomainError
from shenbao.documents.exports.registry import EXPORTS, may_export
from shenbao.projects.enums import ReportStatus, TrancheCondition
from shenbao.projects.models import Project, ReportReview, Tranche
from shenbao.projects.queries import call_money, project_money
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
from shenbao.projects.services.report_reviews import assign_report_expert, decide_report, submit_report_review
from shenbao.web.common import acting_user, call_for


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
    return list(ReportReview.objects.filter(report__project=project, expert=user).select_related("report"))


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
    if request.method == "POST":
        return _report_action(request, project, may_decide=may_decide, own_reviews=own_reviews)
    reports = list(project.reports.prefetch_related("reviews__expert")) if may_view else []
    context = {
        "project": project,
        "reports": reports,
        "own_reviews": own_reviews,
        "may_view": may_view,
        "may_decide": may_decide,
        "decisions": [(s.value, s.label) for s in ReportStatus if s != ReportStatus.SUBMITTED],
    }
    return render(request, "web/projects/reports.html", context)


def _report_action(request: HttpRequest, project: Project, *, may_decide: bool, own_reviews: list[ReportReview]) -> HttpResponse:
    action = request.POST.get("action", "")
    actor = acting_user(request)
    raw = request.POST.get("report" if action != "review" else "review", "")
    pk = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 18 else None
    try:
        if action == "review" and own_reviews:
            review = next((r for r in own_reviews if r.pk == pk), None)
            if review is None or not request.user.has_perm("projects.review_report", review):
                raise Http404
            submit_report_review(
                review=review, score=_int(request, "score"), opinion=request.POST.get("opinion", ""), actor=actor
            )
        elif action in ("assign", "decide") and may_decide:
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
