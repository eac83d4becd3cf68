"""Staff imports of a call's topic list and of applications (.xlsx/.csv): a dry run lists every
row's problems and what would change; only then can the import be confirmed."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from shenbao.applications.files import sniff
from shenbao.calls.definition.tables import TableUnreadable, read_rows
from shenbao.calls.messages import problem_line, unreadable
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.services.directions import DirectionImportInvalid, import_directions, plan_direction_import
from shenbao.core.errors import DomainError
from shenbao.documents.describe import form_spec
from shenbao.documents.messages import import_problem_line
from shenbao.documents.services.imports import ApplicationImportInvalid, import_applications, plan_application_import
from shenbao.web.common import acting_user

#: A topic list is a small table; larger uploads are refused before they are read (web.middleware).
MAX_TABLE_MB = 10


def _call(request: HttpRequest, code: str) -> Call:
    call = Call.objects.select_related("program").filter(code=code).first()
    if call is None or not request.user.has_perm("calls.change_call", call):
        raise Http404(_("No such call."))
    return call


def _session_key(call: Call) -> str:
    return f"shenbao.topic-import.{call.pk}"


def table_rows(upload: BinaryIO, size: int) -> list[dict[str, str]]:
    """The rows of an uploaded .xlsx or .csv, recognised by content (anything else is refused)."""
    verdict = sniff(upload, size)
    if verdict.problem is not None or verdict.format not in (None, "xlsx"):
        raise TableUnreadable("format")
    suffix = ".xlsx" if verdict.format == "xlsx" else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"topics{suffix}"
        path.write_bytes(upload.read())
        return read_rows(path)


@login_required
def topic_import(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    key = _session_key(call)
    context: dict[str, object] = {"call": call, "limit": MAX_TABLE_MB}
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.pop(key, None)
        if stored is None:
            messages.error(request, _("Check the file again first: nothing was waiting to be imported."))
            return redirect("web:topic_import", code=call.code)
        try:
            plan, result = import_directions(
                call=call,
                rows=stored["rows"],
                actor=acting_user(request),
                example=stored["example"],
                replace=stored["replace"],
                source=stored["name"],
            )
        except DirectionImportInvalid as exc:
            messages.error(request, " ".join(problem_line(p, translation.get_language() or "zh-hans") for p in exc.problems))
            return redirect("web:topic_import", code=call.code)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("web:topic_import", code=call.code)
        messages.success(
            request,
            _("Imported: %(added)s added, %(updated)s changed, %(removed)s removed; the call is now at version %(version)s.")
            % {"added": len(plan.added), "updated": len(plan.updated), "removed": len(plan.removed), "version": result.version},
        )
        return redirect("web:topic_import", code=call.code)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a .xlsx or .csv file."))
            return redirect("web:topic_import", code=call.code)
        example, replace = bool(request.POST.get("example")), bool(request.POST.get("replace"))
        try:
            rows = table_rows(cast(BinaryIO, upload), upload.size or 0)
        except TableUnreadable as exc:
            messages.error(request, unreadable(exc))
            return redirect("web:topic_import", code=call.code)
        plan = plan_direction_import(call=call, rows=rows, example=example, replace=replace)
        language = translation.get_language() or "zh-hans"
        context.update({"plan": plan, "name": upload.name, "problems": [problem_line(p, language) for p in plan.problems]})
        if plan.ok:
            request.session[key] = {"rows": rows, "example": example, "replace": replace, "name": upload.name or ""}
        else:
            request.session.pop(key, None)
    return render(request, "web/staff/topic_import.html", context)


def _applications_key(call: Call) -> str:
    return f"shenbao.application-import.{call.pk}"


@login_required
def application_import(request: HttpRequest, code: str) -> HttpResponse:
    """Applications gathered outside the platform (e.g. forms sent by e-mail) as drafts of their applicants."""
    call = _call(request, code)
    key = _applications_key(call)
    language = translation.get_language() or "zh-hans"
    context: dict[str, object] = {"call": call, "limit": MAX_TABLE_MB, "fields": _field_columns(call, language)}
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.pop(key, None)
        if stored is None:
            messages.error(request, _("Check the file again first: nothing was waiting to be imported."))
            return redirect("web:application_import", code=call.code)
        try:
            created = import_applications(
                call=call, rows=stored["rows"], actor=acting_user(request), language=language, source=stored["name"]
            )
        except ApplicationImportInvalid as exc:
            messages.error(request, " ".join(import_problem_line(p) for p in exc.problems))
            return redirect("web:application_import", code=call.code)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("web:application_import", code=call.code)
        messages.success(request, _("%(count)s application(s) imported as drafts.") % {"count": len(created)})
        return redirect("web:application_import", code=call.code)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a .xlsx or .csv file."))
            return redirect("web:application_import", code=call.code)
        try:
            rows = table_rows(cast(BinaryIO, upload), upload.size or 0)
        except TableUnreadable as exc:
            messages.error(request, unreadable(exc))
            return redirect("web:application_import", code=call.code)
        plan = plan_application_import(call=call, rows=rows, language=language)
        context.update({"plan": plan, "name": upload.name, "problems": [import_problem_line(p) for p in plan.problems]})
        if plan.ok:
            request.session[key] = {"rows": rows, "name": upload.name or ""}
        else:
            request.session.pop(key, None)
    return render(request, "web/staff/application_import.html", context)


def _field_columns(call: Call, language: str) -> list[tuple[str, str]]:
    """(column, label) of the form's fields, for the page's description of the table."""
    definition = current_definition(call)
    seen: dict[str, str] = {}
    for direction in [None, *call.directions.order_by("position")]:
        spec = form_spec(call=call, definition=definition, direction=direction, language=language, application=None)
        for f in spec.fields:
            seen.setdefault(f.code, f.label)
    return list(seen.items())
