"""Program staff's statistics of a call: applications, formal-check pass rates, awards and money by
direction, lead institution, partner country and prize tier, as bar charts with the numbers, and the
downloads of the same figures, of the awards and of the projects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shenbao.awards.queries.statistics import call_statistics
from shenbao.documents.exports.registry import EXPORTS, may_export
from shenbao.web.common import call_for

#: The downloads offered beside the charts, in this order.
DOWNLOADS = ("statistics", "awards", "projects")


@login_required
def call_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "awards.select")
    exports = [EXPORTS[k] for k in DOWNLOADS if may_export(request.user, EXPORTS[k], call)]
    return render(request, "web/staff/statistics.html", {"call": call, "stats": call_statistics(call), "exports": exports})
