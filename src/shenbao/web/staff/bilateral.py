"""The partner agency's list of a bilateral call (seed 003): upload it, read the comparison with
every application, reopen it later, compare again, export it."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from shenbao.applications.labels import MATCH_STATUS_LABELS, MISMATCH_LABELS, match_status
from shenbao.applications.queries.bilateral import partner_list_of
from shenbao.applications.services.bilateral import compare_again, import_partner_list, parse_partner_rows
from shenbao.calls.definition.tables import TableUnreadable
from shenbao.calls.messages import problem_line, unreadable
from shenbao.core.errors import DomainError
from shenbao.documents.exports.registry import EXPORTS
from shenbao.web.common import acting_user, call_for
from shenbao.web.staff.imports import MAX_TABLE_MB, table_rows

MB = 1024 * 1024
PERMISSION = "applications.compare_partner_list"


def _report_context(report: dict[str, Any]) -> dict[str, Any]:
    entries = []
    for entry in report.get("applications", []):
        status = match_status(entry)
        entries.append(
            {
                **entry,
                "status": status,
                "status_label": MATCH_STATUS_LABELS[status],
                "differences": [
                    {"field": name, "label": MISMATCH_LABELS.get(name, name), "ours": ours, "theirs": theirs}
                    for name in entry.get("fields", [])
                    for ours, theirs in [entry["details"].get(name, ["", ""])]
                ],
            }
        )
    return {
        "entries": entries,
        "differing": [e for e in entries if e["status"] == "differs"],
        "missing": [e for e in entries if e["status"] == "missing"],
        "matched": [e for e in entries if e["status"] == "matched"],
        "unclaimed": report.get("unclaimed", []),
    }


@login_required
def partner_list(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, PERMISSION)
    if request.method == "POST":
        if request.POST.get("again"):
            stored = partner_list_of(call)
            if stored is None:
                messages.error(request, _("No partner list has been imported for this call yet."))
            else:
                compare_again(partner_list=stored, actor=acting_user(request))
                messages.success(request, _("Compared again with the list kept from %(name)s.") % {"name": stored.source})
            return redirect("web:partner_list", code=call.code)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a .xlsx or .csv file."))
            return redirect("web:partner_list", code=call.code)
        if (upload.size or 0) > MAX_TABLE_MB * MB:
            messages.error(
                request,
                _("The file is %(size)s MB; at most %(limit)s MB is allowed.")
                % {"size": round((upload.size or 0) / MB, 1), "limit": MAX_TABLE_MB},
            )
            return redirect("web:partner_list", code=call.code)
        try:
            rows = table_rows(cast(BinaryIO, upload), upload.size or 0)
        except TableUnreadable as exc:
            messages.error(request, unreadable(exc))
            return redirect("web:partner_list", code=call.code)
        theirs, problems = parse_partner_rows(rows)
        if problems:
            language = translation.get_language() or "zh-hans"
            lines = [problem_line(p, language) for p in problems]
            messages.error(
                request,
                _("The list was not imported; the list kept before is unchanged. %(problems)s") % {"problems": " ".join(lines)},
            )
            return redirect("web:partner_list", code=call.code)
        try:
            stored = import_partner_list(call=call, rows=theirs, actor=acting_user(request), source=upload.name or "")
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("web:partner_list", code=call.code)
        messages.success(
            request,
            _("Imported %(rows)s partner rows: %(compared)s applications compared, %(matched)s with a counterpart.")
            % {"rows": len(theirs), "compared": stored.report["compared"], "matched": stored.report["matched"]},
        )
        return redirect("web:partner_list", code=call.code)
    stored = partner_list_of(call)
    context: dict[str, Any] = {
        "call": call,
        "stored": stored,
        "limit": MAX_TABLE_MB,
        "export": EXPORTS["bilateral"],
        **(_report_context(stored.report) if stored is not None else {}),
    }
    return render(request, "web/staff/partner_list.html", context)
