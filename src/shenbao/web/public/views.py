"""Public pages: the program and call list, and a call's page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shenbao.applications.queries.obligations import call_obligations
from shenbao.applications.queries.window import submission_window
from shenbao.awards.queries.results import has_published_results
from shenbao.calls.enums import Phase
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.public import call_phase, get_call_for_viewing, programs_with_public_calls
from shenbao.calls.queries.reconciliation import reconciliation_summary
from shenbao.core import present


def call_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    programs = programs_with_public_calls()
    rows = []
    for program in programs:
        for call in program.public_calls:  # type: ignore[attr-defined]
            rows.append({"program": program, "call": call, "phase": call_phase(call, now)})
    order = {Phase.OPEN: 0, Phase.UPCOMING: 1, Phase.CLOSED: 2}
    rows.sort(key=lambda r: (order[r["phase"]], -r["call"].deadline.timestamp()))
    return render(request, "web/public/call_list.html", {"rows": rows, "now": now})


def call_detail(request: HttpRequest, code: str) -> HttpResponse:
    call = get_call_for_viewing(request.user, code)
    if call is None:
        raise Http404(_("No such call."))
    directions = list(call.directions.all())
    categories = list(call.categories.all())
    groups: list[dict[str, Any]] = []
    if categories:
        for category in categories:
            groups.append({"category": category, "directions": [d for d in directions if d.category_id == category.pk]})
    else:
        groups.append({"category": None, "directions": directions})
    definition = call.definition
    parsed = current_definition(call)
    stated = parsed.stated_totals
    stated_projects = ""
    if stated is not None and stated.projects is not None:
        p = stated.projects
        stated_projects = present.quota(p.qualifier.value, p.value, p.min, p.max, p.in_principle)
    context = {
        "call": call,
        "has_results": has_published_results(call),
        "program": call.program,
        "phase": call_phase(call),
        "window": submission_window(call, request.user),
        "groups": groups,
        "direction_count": len(directions),
        "timeline": list(call.timeline.all()),
        "criteria": list(call.criteria.all()),
        "documents": list(call.documents.all()),
        "stages": list(call.stages.all()),
        "kpis": list(call.kpi_templates.all()),
        "reconciliation": reconciliation_summary(parsed),
        "call_fields": definition.get("fields", []),
        "selection": definition.get("selection", {}),
        "agreement": definition.get("agreement", {}),
        "call_duration": definition.get("duration"),
        "stated_projects": stated_projects,
        "benefits": definition["call"].get("benefits", []),
        "contacts": definition["call"].get("contacts", []),
        "obligations": call_obligations(call),
    }
    return render(request, "web/public/call_detail.html", context)
