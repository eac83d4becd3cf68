"""Guide import pages: upload a call document, review the extraction beside the source, edit, save as a draft call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.calls.messages import error_line
from shenbao.core import present
from shenbao.core.errors import DomainError
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.errors import DraftInvalid, import_failure_text
from shenbao.guides.messages import PROGRESS_STEPS, warning_text
from shenbao.guides.models import GuideImport
from shenbao.guides.parser.reading import MAX_BYTES
from shenbao.guides.queries import get_guide_import_for, guide_imports_for
from shenbao.guides.services import draft_yaml, save_guide_as_draft_call, start_guide_import, update_guide_draft
from shenbao.web.common import acting_user

MAX_MB = MAX_BYTES // (1024 * 1024)


def _require_import(request: HttpRequest) -> None:
    if not request.user.has_perm("guides.import_guide"):
        raise PermissionDenied(_("Only program officers may import guides."))


def _guide(request: HttpRequest, pk: int) -> GuideImport:
    guide = get_guide_import_for(request.user, pk)
    if guide is None:
        raise Http404(_("No such guide import."))
    return guide


@login_required
def guide_list(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    return render(request, "web/staff/guides.html", {"imports": guide_imports_for(request.user)[:50], "max_mb": MAX_MB})


@login_required
@require_POST
def guide_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    upload = request.FILES.get("document")
    pasted = request.POST.get("text", "").strip()
    if upload is not None:
        if upload.size is not None and upload.size > MAX_BYTES:
            messages.error(request, _("The file is larger than %(limit)s MB.") % {"limit": MAX_MB})
            return redirect("web:guide_list")
        data, filename = upload.read(), upload.name or "upload"
    elif pasted:
        data, filename = pasted.encode("utf-8"), _("pasted text")
    else:
        messages.error(request, _("Choose a file or paste the text of the guide."))
        return redirect("web:guide_list")
    try:
        # A large document is queued: the detail page then shows its progress until the draft is ready.
        guide = start_guide_import(data=data, filename=filename, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:guide_list")
    return redirect("web:guide_detail", pk=guide.pk)


def _segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The source text cut into plain and highlighted pieces (overlapping spans: the first wins)."""
    chosen = sorted(
        (s for s in spans if s.get("source_end", 0) > s.get("source_start", 0)),
        key=lambda s: (s["source_start"], -(s["source_end"] - s["source_start"])),
    )
    out: list[dict[str, Any]] = []
    pos = 0
    for n, span in enumerate(chosen):
        start, end = span["source_start"], span["source_end"]
        if start < pos:
            continue
        if start > pos:
            out.append({"text": text[pos:start]})
        level = "high" if span["confidence"] >= 0.85 else "medium" if span["confidence"] >= 0.7 else "low"
        out.append({"text": text[start:end], "span": span, "id": f"span-{n}", "level": level})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


def _anchor(segments: list[dict[str, Any]], path: str) -> str:
    for segment in segments:
        span = segment.get("span")
        if span and (span["path"] == path or span["path"].startswith(path + ".")):
            return str(segment["id"])
    return ""


def _direction_rows(draft: dict[str, Any], segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, d in enumerate(draft.get("directions", [])):
        q = d.get("quota")
        budget = d.get("budget") or {}
        rows.append(
            {
                "code": d.get("code"),
                "title": d.get("title"),
                "category": d.get("category", ""),
                "quota": present.quota(
                    q.get("qualifier", "exact"), q.get("value"), q.get("min"), q.get("max"), q.get("in_principle", False)
                )
                if q
                else "",
                "budget": present.money_definition(budget.get("total")),
                "per_project": present.money_definition(budget.get("per_project")),
                "duration": present.duration(d.get("duration")),
                "countries": (d.get("partner") or {}).get("countries", []),
                "fields": len(d.get("fields", [])),
                "requirements": len(d.get("requirements", [])),
                "anchor": _anchor(segments, f"directions.{i}"),
            }
        )
    return rows


def _context(guide: GuideImport, *, yaml_text: str | None = None, errors: list[str] | None = None) -> dict[str, Any]:
    segments = _segments(guide.source_text, guide.spans)
    return {
        "guide": guide,
        "segments": segments,
        "rows": _direction_rows(guide.draft, segments),
        "draft": guide.draft,
        "reconciliation": guide.reconciliation,
        "warnings": [warning_text(w["code"], w.get("params", {})) for w in guide.warnings],
        "yaml": yaml_text if yaml_text is not None else draft_yaml(guide),
        "errors": errors or [],
    }


_NOT_READY = (GuideImportStatus.QUEUED, GuideImportStatus.FAILED)


def _progress_context(guide: GuideImport) -> dict[str, Any]:
    return {
        "guide": guide,
        "step": PROGRESS_STEPS.get(guide.progress_step, ""),
        "error": import_failure_text(guide.error_code, guide.error_params) if guide.status == GuideImportStatus.FAILED else "",
    }


@login_required
def guide_detail(request: HttpRequest, pk: int) -> HttpResponse:
    guide = _guide(request, pk)
    if guide.status in _NOT_READY:
        return render(request, "web/staff/guide_progress.html", _progress_context(guide))
    return render(request, "web/staff/guide.html", _context(guide))


@login_required
def guide_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel of a queued import (polled by htmx until the draft is ready or it failed)."""
    guide = _guide(request, pk)
    return render(request, "web/staff/_guide_progress.html", _progress_context(guide))


def _ready_guide(request: HttpRequest, pk: int) -> GuideImport:
    guide = _guide(request, pk)
    if guide.status in _NOT_READY:
        raise Http404(_("This import has no draft yet."))
    return guide


@login_required
@require_POST
def guide_edit(request: HttpRequest, pk: int) -> HttpResponse:
    guide = _ready_guide(request, pk)
    text = request.POST.get("definition", "")
    errors: list[str] = []
    try:
        guide = update_guide_draft(guide=guide, text=text, actor=acting_user(request))
    except DraftInvalid as exc:
        language = request.LANGUAGE_CODE
        errors = [str(exc), *(error_line(e, language) for e in exc.errors)]
    context = _context(guide, yaml_text=text if errors else None, errors=errors)
    if not errors:
        context["saved"] = True
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/staff/_guide_draft.html", context)
    if errors:
        return render(request, "web/staff/guide.html", context, status=400)
    messages.success(request, _("The draft was saved."))
    return redirect("web:guide_detail", pk=guide.pk)


@login_required
@require_POST
def guide_save_call(request: HttpRequest, pk: int) -> HttpResponse:
    guide = _ready_guide(request, pk)
    try:
        call = save_guide_as_draft_call(guide=guide, actor=acting_user(request))
    except DraftInvalid as exc:
        language = request.LANGUAGE_CODE
        messages.error(request, " ".join([str(exc), *(error_line(e, language) for e in exc.errors)]))
        return redirect("web:guide_detail", pk=guide.pk)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:guide_detail", pk=guide.pk)
    messages.success(request, _("The draft call “%(code)s” was saved. It is not published.") % {"code": call.code})
    return redirect(reverse("web:guide_detail", args=[guide.pk]))
