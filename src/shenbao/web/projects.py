"""Project pages: targets against actuals, milestones, reports, outputs; staff start, close, terminate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shenbao.agreements.services.budget import approved_table
from shenbao.calls.definition.budget import FundingSource, budget_table, clean_budget, format_amount
from shenbao.core.errors import DomainError
from shenbao.projects.enums import ChangeKind, OutputKind, ProjectStatus, ReportKind
from shenbao.projects.models import Milestone, Project
from shenbao.projects.queries import agreement_amendments, call_project_list, milestone_rows, target_rows
from shenbao.projects.services.changes import decide_change, request_change
from shenbao.projects.services.milestones import add_milestone, complete_milestone, remove_milestone
from shenbao.projects.services.projects import add_output, end_project, start_projects, submit_report
from shenbao.web.applicant.budget import BudgetWidget
from shenbao.web.common import acting_user, call_for
from shenbao.web.lists import paginate, sort_columns, sorted_query


def _project(request: HttpRequest, pk: int) -> Project:
    project = (
        Project.objects.select_related("agreement__award__application", "agreement__award__call__program").filter(pk=pk).first()
    )
    if project is None or not request.user.has_perm("projects.view_project", project):
        raise Http404(_("No such project."))
    return project


def _milestone(request: HttpRequest, project: Project) -> Milestone:
    raw = request.POST.get("milestone", "")
    milestone = project.milestones.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if milestone is None:
        raise Http404(_("No such milestone."))
    return milestone


def _date(request: HttpRequest, name: str) -> dt.date | None:
    """A date field; empty is None (the service says what is missing), a malformed one a ValueError."""
    raw = request.POST.get(name, "").strip()
    return dt.date.fromisoformat(raw) if raw else None


class _NotANumber(Exception):
    def __init__(self, raw: str) -> None:
        self.raw = raw


def _number(request: HttpRequest, name: str) -> float | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise _NotANumber(raw) from None


def _actuals(request: HttpRequest, project: Project) -> dict[str, float | dict[str, float]]:
    """The report's actuals: one number per target, or one per part of a split target (parts left
    empty are not reported)."""
    actuals: dict[str, float | dict[str, float]] = {}
    for target in project.targets.all():
        if target.parts:
            parts = {k: v for k in target.parts if (v := _number(request, f"actual-{target.code}-{k}")) is not None}
            if parts:
                actuals[target.code] = parts
        elif (value := _number(request, f"actual-{target.code}")) is not None:
            actuals[target.code] = value
    return actuals


#: The form name of the proposed table's cells (``new_budget__<line>__<source>``).
REALLOCATION = "new_budget"


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _project(request, pk))


#: The project page's forms, by their ``action``, with the typed fields a refusal gives back.
KEPT_FIELDS = {
    "report": ("kind", "text"),
    "output": ("kind", "title", "reference", "on"),
    "milestone_add": ("title", "due"),
    "change_request": ("kind", "reason", "new_end_date", "new_pi_email", "new_institution"),
}


def _kept(request: HttpRequest, action: str) -> dict[str, str]:
    """The refused form's typed values (the report's actual and spending cells too), to fill it again."""
    values = {name: request.POST.get(name, "") for name in KEPT_FIELDS.get(action, ())}
    if action == "report":
        values |= {k: str(request.POST.get(k, "")) for k in request.POST if k.startswith(("actual-", "spent-"))}
    return values


def _project_page(
    request: HttpRequest, project: Project, *, refused: str = "", kept: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """The project page; after a refusal (``refused`` is the form's action) with what was typed kept in its form."""
    reported = set(project.reports.values_list("kind", flat=True))
    today = timezone.localdate()
    changes = list(project.changes.select_related("requested_by", "decided_by", "new_pi", "new_institution"))
    context = {
        "project": project,
        "rows": target_rows(project),
        "milestones": milestone_rows(project, today),
        "today": today,
        "may_complete_milestones": request.user.has_perm("projects.complete_milestone", project) and project.status == "active",
        "reports": list(project.reports.all()),
        "outputs": list(project.outputs.all()),
        "may_report": request.user.has_perm("projects.report", project) and project.status == "active",
        "report_kinds": [(k.value, k.label) for k in ReportKind if k.value not in reported],
        "output_kinds": OutputKind.choices,
        "may_manage": request.user.has_perm("projects.manage_project", project),
        "changes": changes,
        "change_kinds": ChangeKind.choices,
        "spending_categories": _spending_categories(project),
        "reallocation": _reallocation_widget(project),
        "proposed": {c.pk: _grant_rows(project, c.new_budget) for c in changes if c.kind == ChangeKind.BUDGET and c.new_budget},
        "amendments": list(agreement_amendments(project.agreement_id)),
        "refused": refused,
        "kept": kept or {},
    }
    if refused == "change_request":
        context["reallocation"] = _reallocation_widget(project, _kept_budget(request, project))
    return render(request, "web/projects/project.html", context, status=status)


def _kept_budget(request: HttpRequest, project: Project) -> dict[str, Any] | None:
    """The reallocation table as the PI typed it, when it reads as one."""
    try:
        typed: dict[str, Any] | None = _proposed_budget(request, project)
        return typed
    except (DomainError, ValueError):
        return None


def _reallocation_widget(project: Project, typed: dict[str, Any] | None = None) -> str:
    """The approved table (or the one the PI typed, after a refusal) as editable cells for a budget
    reallocation request (empty before one is approved)."""
    approved = approved_table(project.agreement)
    if approved is None:
        return ""
    field, _table = approved
    value = typed or project.agreement.approved_budget
    return BudgetWidget(field.budget_spec).render(REALLOCATION, value, {"id": "c-budget"})


def _grant_rows(project: Project, value: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """A proposed table's grant per line (label, amount, is a sub-line), in the reader's language."""
    approved = approved_table(project.agreement)
    if approved is None:
        return []
    field, _table = approved
    table = budget_table(field.budget_spec, value)
    language = translation.get_language() or "zh-hans"
    grant = FundingSource.GRANT.value
    return [
        (r.label.get(language), format_amount(r.amounts.get(grant, Decimal(0)), field.budget_spec.decimals), r.subline)
        for r in table.rows
    ]


def _proposed_budget(request: HttpRequest, project: Project) -> Any:
    """The reallocation table posted with a budget change request; ``None`` where the cells were left as approved."""
    approved = approved_table(project.agreement)
    if approved is None or request.POST.get("kind") != ChangeKind.BUDGET:
        return None
    field, _table = approved
    raw = BudgetWidget(field.budget_spec).value_from_datadict(request.POST, None, REALLOCATION)
    cleaned, errors = clean_budget(field.budget_spec, raw)
    if not errors and cleaned == project.agreement.approved_budget:
        return None  # a request in words only
    return raw


def _spending_categories(project: Project) -> list[tuple[str, str]]:
    """The approved budget's categories a report gives spending for, labelled in the reader's language."""
    approved = approved_table(project.agreement)
    if approved is None:
        return []
    language = translation.get_language() or "zh-hans"
    return [(r.code, r.label.get(language)) for r in approved[1].rows if not r.subline]


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    action = request.POST.get("action", "")
    actor = acting_user(request)
    try:
        if action == "report" and request.user.has_perm("projects.report", project):
            try:
                actuals = _actuals(request, project)
            except _NotANumber as exc:
                messages.error(request, _("“%(value)s” is not a number.") % {"value": exc.raw})
                return _project_page(request, project, refused=action, kept=_kept(request, action), status=400)
            upload = request.FILES.get("evidence")
            submit_report(
                project=project,
                kind=request.POST.get("kind", ""),
                actuals=actuals,
                text=request.POST.get("text", ""),
                actor=actor,
                evidence=upload.file if upload is not None and upload.file is not None else None,
                evidence_name=(upload.name or "") if upload else "",
                spending={
                    code: request.POST.get(f"spent-{code}", "")
                    for code, _label in _spending_categories(project)
                    if request.POST.get(f"spent-{code}", "").strip()
                },
            )
        elif action == "output" and request.user.has_perm("projects.report", project):
            on = request.POST.get("on", "")
            add_output(
                project=project,
                kind=request.POST.get("kind", OutputKind.OTHER),
                title=request.POST.get("title", ""),
                reference=request.POST.get("reference", ""),
                on=dt.date.fromisoformat(on) if on else None,
                actor=actor,
            )
        elif action == "milestone_add" and request.user.has_perm("projects.manage_project", project):
            add_milestone(project=project, title=request.POST.get("title", ""), due=_date(request, "due"), actor=actor)
        elif action == "milestone_remove" and request.user.has_perm("projects.manage_project", project):
            remove_milestone(milestone=_milestone(request, project), actor=actor)
        elif action == "milestone_done" and request.user.has_perm("projects.complete_milestone", project):
            complete_milestone(
                milestone=_milestone(request, project),
                on=_date(request, "done_on"),
                note=request.POST.get("note", ""),
                actor=actor,
            )
        elif action == "change_request" and request.user.has_perm("projects.report", project):
            request_change(
                project=project,
                kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
                new_end_date=_date(request, "new_end_date"),
                actor=actor,
                new_budget=_proposed_budget(request, project),
                new_pi_email=request.POST.get("new_pi_email", "") if request.POST.get("kind") == ChangeKind.PI else "",
                new_institution=(
                    request.POST.get("new_institution", "") if request.POST.get("kind") == ChangeKind.INSTITUTION else ""
                ),
            )
        elif action == "change_decide" and request.user.has_perm("projects.manage_project", project):
            raw = request.POST.get("change", "")
            change = project.changes.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 18 else None
            if change is None:
                raise Http404
            decide_change(
                change=change,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
                actor=actor,
                new_pi_email=request.POST.get("new_pi_email", ""),
                new_institution=request.POST.get("new_institution", ""),
            )
        elif action in ("complete", "terminate") and request.user.has_perm("projects.manage_project", project):
            end_project(project=project, actor=actor, terminate=action == "terminate", reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except (DomainError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, DomainError) else _("Enter the date as YYYY-MM-DD."))
        if action in KEPT_FIELDS:  # the page again, with what was typed still in the form
            return _project_page(request, project, refused=action, kept=_kept(request, action), status=400)
    else:
        messages.success(request, _("Recorded."))
    return redirect("web:project", pk=project.pk)


@login_required
def call_projects(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "awards.select")
    if request.method == "POST":
        started = start_projects(call=call, actor=acting_user(request))
        messages.success(request, _("%(count)s project(s) started.") % {"count": started})
        return redirect("web:call_projects", code=call.code)
    status = request.GET.get("status") or None
    status = status if status in ProjectStatus.values else None
    search = request.GET.get("q", "").strip()[:200]
    rows, sort = sorted_query(request, call_project_list(call, status=status, search=search), PROJECT_SORTS, "receipt")
    context = {
        "call": call,
        "paging": paginate(request, rows),
        "sort": sort,
        "columns": sort_columns(request, sort, PROJECT_SORT_LABELS),
        "filters": {"status": status or "", "q": search},
        "statuses": ProjectStatus.choices,
    }
    return render(request, "web/projects/call_projects.html", context)


PROJECT_SORTS: dict[str, tuple[str, ...]] = {
    "receipt": ("agreement__award__application__receipt_number",),
    "title": ("title",),
    "start": ("start_date",),
    "end": ("end_date",),
    "budget": ("budget_yuan",),
    "status": ("status",),
}
PROJECT_SORT_LABELS = {
    "receipt": gettext_lazy("Receipt number"),
    "title": gettext_lazy("Project name"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("End"),
    "budget": gettext_lazy("Budget (yuan)"),
    "status": gettext_lazy("Status"),
}
