"""A call at a glance for its staff: where it stands, counts by state and direction, and what needs doing
next, each a link to the list that holds it (the application list with a query, or the stage's page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shenbao.agreements.queries import agreement_warnings
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.queries.staff import direction_counts, state_counts
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.querylang import quote
from shenbao.core.text import text_get
from shenbao.projects.queries import reports_due
from shenbao.reviews.queries.application_search import search_applications
from shenbao.reviews.queries.todo import stage_todos
from shenbao.web.common import call_for


@dataclass(frozen=True)
class Todo:
    code: str
    count: int
    label: Any
    url: str


def list_url(code: str, query: str) -> str:
    """The staff application list filtered by ``query`` (the search language), every state included."""
    return reverse("web:formal_check", args=[code]) + "?" + urlencode({"q": query, "state": "all"})


@login_required
def call_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "calls.change_call")
    definition = current_definition(call)
    endorsement = definition.call.institution_endorsement
    states = state_counts(call)
    stages = stage_todos(call)
    agreements = agreement_warnings(call)
    reports = reports_due(call, today=timezone.localdate())
    S = ApplicationState
    check_query = "state:endorsed" if endorsement else "state:submitted OR state:endorsed"
    # Counted with the very query the link opens, so the number and the list cannot disagree.
    searches = [
        ("check", _("Applications to check"), check_query),
        ("judge", _("Of those, with a rule that needs a person's judgement"), f"({check_query}) AND flag:review"),
    ]
    if endorsement:
        searches.append(("endorse", _("Waiting for the institution's endorsement"), "state:submitted"))
    todos = [
        Todo(key, search_applications(Application.objects.filter(call=call), query).count(), label, list_url(call.code, query))
        for key, label, query in searches
    ]
    for todo in stages:
        name = text_get(todo.stage.name, request.LANGUAGE_CODE)
        board = reverse("web:stage_board", args=[todo.stage.pk])
        todos.append(Todo(f"overdue-{todo.stage.code}", todo.overdue, _("Reviews overdue: %(stage)s") % {"stage": name}, board))
        todos.append(
            Todo(
                f"sign-{todo.stage.code}",
                1 if todo.to_sign else 0,
                _("Shortlist to sign: %(stage)s") % {"stage": name},
                reverse("web:stage_ranking", args=[todo.stage.pk]),
            )
        )
    todos += [
        Todo("agreements", agreements["overdue"], _("Agreements overdue"), reverse("web:call_agreements", args=[call.code])),
        Todo("reports-overdue", reports["overdue"], _("Reports overdue"), reverse("web:call_projects", args=[call.code])),
        Todo("reports-soon", reports["soon"], _("Reports due within 30 days"), reverse("web:call_projects", args=[call.code])),
    ]
    current_stage = next((t for t in stages if t.in_review), None)
    context = {
        "call": call,
        "status": call.get_status_display(),
        "current_stage": current_stage,
        "states": [
            {"state": s, "count": states[s.value], "url": list_url(call.code, f"state:{s.value}")}
            for s in ApplicationState
            if s != S.DRAFT
        ],
        "drafts": states[S.DRAFT],
        "directions": [
            {**row, "url": list_url(call.code, f"direction:{quote(row['direction'].code)}")} for row in direction_counts(call)
        ],
        "todos": todos,
        "stages": stages,
    }
    return render(request, "web/staff/call_dashboard.html", context)
