"""The program office's call pages (issue 16): the call's status and the changes open to it with
their checks, cloning into a new edition with a revision checklist, and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shenbao.applications.models import Application
from shenbao.applications.queries.access import get_application_for
from shenbao.calls.enums import CallStatus
from shenbao.calls.models import Call
from shenbao.calls.queries.lifecycle import transition_options
from shenbao.calls.queries.revision import revision_checklist
from shenbao.calls.services.cloning import clone_call, opening_date, replace_year, same_day_in
from shenbao.calls.services.lifecycle import move_call
from shenbao.calls.transitions import CALL_LIFECYCLE
from shenbao.core.audit import describe, describe_change
from shenbao.core.errors import DomainError
from shenbao.core.queries.audit import AuditFilter, actions_on, audit_entries, on_rows
from shenbao.core.text import text_get
from shenbao.web.common import acting_user, call_for
from shenbao.web.widgets import IsoDateField

PAGE_SIZE = 50


def _call(request: HttpRequest, code: str, permission: str = "calls.change_call") -> Call:
    return call_for(request, code, permission)


@login_required
def call_manage(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    context = {
        "call": call,
        "status_label": CALL_LIFECYCLE.label(call.status),
        "options": transition_options(call),
        "may_see_audit": request.user.has_perm("calls.view_audit", call),
        "may_manage_people": request.user.has_perm("calls.manage_people", call),
    }
    return render(request, "web/staff/workspace/call_manage.html", context)


@login_required
@require_POST
def call_transition(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    target = request.POST.get("to", "")
    expected = request.POST.get("expected", "")
    statuses = {s.value for s in CallStatus}
    if target not in statuses or expected not in statuses:
        messages.error(request, _("Choose a status the call can move to."))
        return redirect("web:call_manage", code=call.code)
    try:
        move_call(
            call=call,
            to=target,
            expected=expected,
            actor=acting_user(request),
            acknowledge_reconciliation=bool(request.POST.get("acknowledge")),
            reason=request.POST.get("reason", "").strip()[:500],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:call_manage", code=call.code)
    messages.success(request, _("The call is now “%(status)s”.") % {"status": CALL_LIFECYCLE.label(target)})
    return redirect("web:call_manage", code=call.code)


class CloneForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code of the new call"), max_length=64)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    batch = forms.IntegerField(label=gettext_lazy("Batch"), min_value=1, max_value=99, required=False)
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300, required=False)
    opens_on = IsoDateField(label=gettext_lazy("New opening date"), required=False)
    shift_days = forms.IntegerField(
        label=gettext_lazy("Shift every date of the timeline by (days)"),
        min_value=-3660,
        max_value=3660,
        help_text=gettext_lazy("Computed from the old and the new opening date; you may change it."),
    )


def _clone_initial(call: Call) -> dict[str, Any]:
    year = call.year + 1
    old_open = opening_date(call)
    new_open = same_day_in(old_open, old_open.year + 1) if old_open else None
    code = replace_year(call.code, call.year, year)
    return {
        "code": code if code != call.code else f"{call.code}-{year}",
        "year": year,
        "batch": call.batch,
        "title_zh": replace_year(text_get(call.title, "zh-hans"), call.year, year),
        "title_en": replace_year(call.title.get("en", ""), call.year, year),
        "opens_on": new_open,
        "shift_days": (new_open - old_open).days if old_open and new_open else 0,
    }


@login_required
def call_clone(request: HttpRequest, code: str) -> HttpResponse:
    source = _call(request, code)
    old_open = opening_date(source)
    if request.method != "POST":
        form = CloneForm(initial=_clone_initial(source))
        return render(request, "web/staff/workspace/call_clone.html", {"call": source, "form": form, "old_open": old_open})
    data = request.POST.copy()
    if "compute" in request.POST:
        # Recompute the shift from the opening date and show the form again; nothing is created.
        opens = _day(request.POST.get("opens_on"))
        if opens is not None and old_open is not None:
            data["shift_days"] = str((opens - old_open).days)
        form = CloneForm(data)
        form.is_valid()
        return render(request, "web/staff/workspace/call_clone.html", {"call": source, "form": form, "old_open": old_open})
    form = CloneForm(data)
    if not form.is_valid():
        return render(
            request, "web/staff/workspace/call_clone.html", {"call": source, "form": form, "old_open": old_open}, status=400
        )
    d = form.cleaned_data
    try:
        new = clone_call(
            source=source,
            code=d["code"],
            year=d["year"],
            batch=d["batch"],
            title={"zh-hans": d["title_zh"], "en": d["title_en"]},
            shift_days=d["shift_days"],
            actor=acting_user(request),
            language=request.LANGUAGE_CODE,
        )
    except DomainError as exc:
        form.add_error(None, str(exc))
        return render(
            request, "web/staff/workspace/call_clone.html", {"call": source, "form": form, "old_open": old_open}, status=400
        )
    messages.success(
        request,
        _("The draft call “%(code)s” was created. Work through the checklist below before publishing it.") % {"code": new.code},
    )
    return redirect("web:call_revision", code=new.code)


@login_required
def call_revision(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    checklist = revision_checklist(call, language=request.LANGUAGE_CODE)
    return render(request, "web/staff/workspace/call_revision.html", {"call": call, "checklist": checklist})


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _audit_page(request: HttpRequest, objects: list[Any], also: Q | None = None) -> dict[str, Any]:
    filters = AuditFilter(
        actor=request.GET.get("actor", "").strip()[:100],
        action=request.GET.get("action", "").strip()[:100],
        since=_day(request.GET.get("since")),
        until=_day(request.GET.get("until")),
    )
    page = Paginator(audit_entries(objects, filters=filters, also=also), PAGE_SIZE).get_page(request.GET.get("page"))
    application_type = ContentType.objects.get_for_model(Application).pk
    rows = [
        {
            "entry": e,
            "text": describe(e),
            "change": describe_change(e),
            "reason": str((e.data or {}).get("reason") or ""),
            # Entries on an application (in the call's log with its applications) link to that application's log.
            "application": int(e.object_id) if e.content_type_id == application_type and e.object_id.isdecimal() else None,
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "rows": rows,
        "filters": filters,
        "actions": [(code, _action_label(code)) for code in actions_on(objects, also=also)],
        "query": query.urlencode(),
    }


def _action_label(code: str) -> str:
    from shenbao.core.audit import ACTION_LABELS

    label = ACTION_LABELS.get(code)
    return f"{label} ({code})" if label is not None else code


@login_required
def call_audit(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code, "calls.view_audit")
    with_applications = request.GET.get("scope") == "applications"
    also = on_rows(Application, Application.objects.filter(call=call).values("pk")) if with_applications else None
    context = {"call": call, "subject": call, "with_applications": with_applications, **_audit_page(request, [call], also)}
    return render(request, "web/staff/workspace/audit.html", context)


@login_required
def application_audit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if application is None or not request.user.has_perm("applications.view_audit", application):
        raise Http404(_("No such application."))
    assert isinstance(application, Application)
    context = {
        "call": application.call,
        "application": application,
        "subject": application,
        **_audit_page(request, [application]),
    }
    return render(request, "web/staff/workspace/audit.html", context)
