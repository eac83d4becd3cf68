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

from shenbao.calls.definition.load import DefinitionError
from shenbao.calls.messages import error_line, error_message
from shenbao.core import present
from shenbao.core.errors import DomainError
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.errors import DirectionsChanged, DraftInvalid, import_failure_text
from shenbao.guides.messages import PROGRESS_STEPS, warning_text
from shenbao.guides.models import GuideImport
from shenbao.guides.parser.reading import MAX_BYTES
from shenbao.guides.queries import get_guide_import_for, get_guide_import_progress_for, guide_imports_for
from shenbao.guides.services import (
    direction_codes,
    draft_reconciliation,
    draft_yaml,
    save_guide_as_draft_call,
    start_guide_import,
    update_guide_directions,
    update_guide_draft,
)
from shenbao.web.common import acting_user
from shenbao.web.staff.guide_forms import (
    DirectionForm,
    NewDirectionForm,
    apply_direction,
    direction_initial,
    error_field,
    next_code,
)

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
        if span.get("suggested"):
            level = "suggested"  # a name offered beside the draft, not a value read into it
        else:
            level = "high" if span["confidence"] >= 0.85 else "medium" if span["confidence"] >= 0.7 else "low"
        out.append({"text": text[start:end], "span": span, "id": f"span-{n}", "level": level})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


def _anchors(segments: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The first highlighted segment of each path and of each path above it ("directions.0.quota" →
    also "directions.0" and "directions"), found in one pass over the segments."""
    out: dict[str, dict[str, str]] = {}
    for segment in segments:
        span = segment.get("span")
        if not span:
            continue
        parts = str(span["path"]).split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in out:
                break  # the paths above it were found at an earlier segment too
            out[key] = {"id": str(segment["id"]), "level": str(segment["level"])}
    return out


def _anchor(anchors: dict[str, dict[str, str]], path: str) -> str:
    return anchors.get(path, {}).get("id", "")


#: Which span a form field is read from, below ``directions.<i>``.
_FIELD_PATHS = {
    "code": "code",
    "title": "title",
    "quota_qualifier": "quota",
    "budget": "budget.total",
    "per_project": "budget.per_project",
    "duration_qualifier": "duration",
    "countries": "partner",
}


def _direction_forms(
    draft: dict[str, Any], anchors: dict[str, dict[str, str]], bound: list[DirectionForm] | None = None
) -> list[dict[str, Any]]:
    out = []
    for i, d in enumerate(draft.get("directions", [])):
        form = bound[i] if bound is not None else DirectionForm(initial=direction_initial(d), prefix=f"d{i}")
        sources = {field: anchors.get(f"directions.{i}.{path}") for field, path in _FIELD_PATHS.items()}
        out.append(
            {"form": form, "index": i, "code": d.get("code"), "anchor": _anchor(anchors, f"directions.{i}"), "sources": sources}
        )
    return out


def _direction_rows(draft: dict[str, Any], anchors: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
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
                "anchor": _anchor(anchors, f"directions.{i}"),
            }
        )
    return rows


def _title_key(title: Any) -> str:
    text = title.get("zh-hans") or title.get("en") or "" if isinstance(title, dict) else str(title or "")
    return "".join(str(text).split())


def _open_suggestions(guide: GuideImport) -> list[dict[str, Any]]:
    """The names the importer was unsure of, with their index, but not those the draft already holds."""
    held = {_title_key(d.get("title")) for d in guide.draft.get("directions", [])}
    return [{"index": i, **s} for i, s in enumerate(guide.suggestions) if _title_key(s["title"]) not in held]


def _suggested(request: HttpRequest, guide: GuideImport, directions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The direction of the suggestion whose "Add" button sent the form, numbered after ``directions``."""
    raw = request.POST.get("add_suggestion")
    if raw is None or not raw.isdigit() or int(raw) >= len(guide.suggestions):
        return None
    return {"code": next_code(directions), "title": {"zh-hans": guide.suggestions[int(raw)]["title"]}}


def _directions_seen(draft: dict[str, Any]) -> str:
    """The draft's direction codes in order, as the page was drawn: a save made from an older page is refused."""
    return "\n".join(direction_codes(draft))


def _context(
    guide: GuideImport,
    *,
    yaml_text: str | None = None,
    errors: list[str] | None = None,
    forms: list[DirectionForm] | None = None,
    new_form: NewDirectionForm | None = None,
    form_errors: list[str] | None = None,
) -> dict[str, Any]:
    suggestions = _open_suggestions(guide)
    offered = [
        {"path": f"suggestions.{s['index']}", "source_start": s["source_start"], "source_end": s["source_end"], "suggested": True}
        for s in suggestions
    ]
    segments = _segments(guide.source_text, [*guide.spans, *offered])
    anchors = _anchors(segments)
    for s in suggestions:
        s["anchor"] = _anchor(anchors, f"suggestions.{s['index']}")
    return {
        "guide": guide,
        "segments": segments,
        "rows": _direction_rows(guide.draft, anchors),
        "direction_forms": _direction_forms(guide.draft, anchors, forms),
        "new_form": new_form if new_form is not None else NewDirectionForm(prefix="new"),
        "suggestions": suggestions,
        "directions_seen": _directions_seen(guide.draft),
        "form_errors": form_errors or [],
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
    guide = get_guide_import_progress_for(request.user, pk)
    if guide is None:
        raise Http404(_("No such guide import."))
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


def _bound_forms(request: HttpRequest, guide: GuideImport) -> tuple[list[DirectionForm], NewDirectionForm]:
    forms = [DirectionForm(request.POST, prefix=f"d{i}") for i in range(len(guide.draft.get("directions", [])))]
    return forms, NewDirectionForm(request.POST, prefix="new")


def _removed(form: DirectionForm) -> bool:
    return bool(form["remove"].value())


def _forms_valid(forms: list[DirectionForm], new_form: NewDirectionForm) -> bool:
    """Every kept direction's values and the new direction's (a direction being removed is not checked)."""
    kept = [form.is_valid() for form in forms if not _removed(form)]
    return all(kept) and new_form.is_valid()


def _edited_directions(
    guide: GuideImport, forms: list[DirectionForm], new_form: NewDirectionForm
) -> tuple[list[dict[str, Any]], list[DirectionForm]]:
    """The draft's directions with the values of each valid form in them (an invalid form changes nothing),
    without those marked for removal, then the new one if staff filled it in; beside them, the form of each."""
    directions: list[dict[str, Any]] = []
    shown: list[DirectionForm] = []
    for d, form in zip(guide.draft.get("directions", []), forms, strict=True):
        if _removed(form):
            continue
        directions.append(apply_direction(d, form.cleaned_data) if form.is_valid() else d)
        shown.append(form)
    if not new_form.is_empty() and new_form.is_valid():
        directions.append(apply_direction({"code": next_code(directions)}, new_form.cleaned_data))
        shown.append(new_form)
    return directions, shown


def _place_errors(forms: list[DirectionForm], errors: list[DefinitionError], language: str) -> list[str]:
    """Each schema error beside the field it concerns (``forms`` in the order of the saved directions);
    those no field shows are returned as lines."""
    rest: list[str] = []
    for error in errors:
        where = error_field(error.path)
        if where is not None and where[0] < len(forms):
            forms[where[0]].add_error(where[1], error_message(error))
        else:
            rest.append(error_line(error, language))
    return rest


def _changed_elsewhere(request: HttpRequest, guide: GuideImport) -> bool:
    """The page was drawn from other directions than the draft now holds (a second tab, a colleague's save)."""
    seen = request.POST.get("directions_seen")
    return seen is not None and seen.replace("\r\n", "\n") != _directions_seen(guide.draft)


@login_required
@require_POST
def guide_directions(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the per-direction review form into the draft; errors are shown beside their fields."""
    guide = _ready_guide(request, pk)
    if _changed_elsewhere(request, guide):
        # The forms are matched to directions by position: saving them over other directions would
        # change or remove the wrong ones. Nothing is saved; the page is drawn again from the draft.
        return render(request, "web/staff/guide.html", _context(guide, form_errors=[str(DirectionsChanged())]), status=409)
    forms, new_form = _bound_forms(request, guide)
    form_errors: list[str] = []
    if _forms_valid(forms, new_form):
        directions, shown = _edited_directions(guide, forms, new_form)
        if (suggested := _suggested(request, guide, directions)) is not None:
            directions.append(suggested)  # its errors, if any, are listed above the form
        try:
            update_guide_directions(
                guide=guide, directions=directions, actor=acting_user(request), seen=direction_codes(guide.draft)
            )
        except DirectionsChanged as exc:  # saved elsewhere between reading the draft and locking it
            guide.refresh_from_db()
            return render(request, "web/staff/guide.html", _context(guide, form_errors=[str(exc)]), status=409)
        except DraftInvalid as exc:
            form_errors = [str(exc), *_place_errors(shown, exc.errors, request.LANGUAGE_CODE)]
        else:
            messages.success(request, _("The directions were saved into the draft."))
            return redirect(reverse("web:guide_detail", args=[guide.pk]) + "#directions-form")
    else:
        form_errors = [_("Some values are not valid: correct the fields marked below.")]
    context = _context(guide, forms=forms, new_form=new_form, form_errors=form_errors)
    return render(request, "web/staff/guide.html", context, status=400)


@login_required
@require_POST
def guide_directions_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The reconciliation with the values now in the form, not saved (htmx, on each change)."""
    guide = _ready_guide(request, pk)
    forms, new_form = _bound_forms(request, guide)
    directions, _shown = _edited_directions(guide, forms, new_form)
    invalid = not _forms_valid(forms, new_form) or _changed_elsewhere(request, guide)
    try:
        rows = draft_reconciliation(guide, directions)
    except DraftInvalid:
        rows, invalid = guide.reconciliation, True
    context = {
        "reconciliation": rows,
        "preview": directions != guide.draft.get("directions", []),
        "invalid": invalid,
    }
    return render(request, "web/staff/_guide_reconciliation.html", context)


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
