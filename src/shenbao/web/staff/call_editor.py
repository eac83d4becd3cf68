"""The call editor (issue 16): program staff edit a call's definition section by section.

Each page edits one part of the definition with a form generated from the schema's models
(``definition_forms``); a save puts the part into the current definition, validates the whole
document with the one schema, and stores it as the next version (audited).  Errors come back
on the fields in the user's language, with everything typed kept; a save based on an old
version is refused.  YAML import and export stay for power users, and every version can be
compared with another.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from pydantic import BaseModel, TypeAdapter, ValidationError

from shenbao.accounts.permissions import user_is_administrator
from shenbao.calls.definition import criteria as rules
from shenbao.calls.definition import schema
from shenbao.calls.definition.load import DefinitionError, DefinitionInvalid, read_document
from shenbao.calls.messages import error_line, error_message
from shenbao.calls.models import Call, Program
from shenbao.calls.queries.roles import officer_programs
from shenbao.calls.queries.versions import definition_yaml, version_diff, versions_of
from shenbao.calls.services.editor import StaleDefinition, create_draft_call, save_edited_definition
from shenbao.core.errors import DomainError
from shenbao.core.text import I18nText, text_get
from shenbao.eligibility.messages import explain_kind
from shenbao.web.common import acting_user, call_for, file_response, int_param
from shenbao.web.staff.definition_forms import DefinitionPartForm, Group, build_group
from shenbao.web.staff.definition_labels import choice_label, field_label


@dataclass(frozen=True)
class Section:
    slug: str
    label: Promise
    model: type[BaseModel]
    #: The definition's key of a list section (one page per item); None for a page of top-level keys.
    key: str | None = None
    keys: tuple[str, ...] = ()
    readonly: frozenset[str] = field(default_factory=frozenset)
    hint: Promise | None = None

    @property
    def is_list(self) -> bool:
        return self.key is not None

    def tree(self, data: dict[str, Any]) -> Group:
        options = code_options(data)
        if self.key is not None:
            return build_group(self.model, "", "", readonly=set(self.readonly), options=options)
        return build_group(self.model, "", "", only=list(self.keys), readonly=set(self.readonly), options=options)


def code_options(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The codes a reference may name, with their names, by the key that names them: chosen, not typed."""
    language = translation.get_language() or "zh-hans"

    def codes(key: str) -> dict[str, str]:
        return {
            str(item["code"]): _item_summary(item, language)
            for item in data.get(key, [])
            if isinstance(item, dict) and item.get("code")
        }

    return {
        "directions": codes("directions"),
        "category": codes("categories"),
        "document": codes("required_documents"),
        "to_stage": codes("review_stages"),
        "stage": codes("review_stages"),
        "kpis": codes("kpi_templates"),
        "field": codes("form"),
    }


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section(
            "general",
            gettext_lazy("General data"),
            schema.CallDefinition,
            keys=(
                "program",
                "call",
                "stated_totals",
                "categories",
                "fields",
                "budget",
                "duration",
                "lead_organisation_types",
                "obligations",
            ),
            readonly=frozenset({"program.code", "call.code", "call.status"}),
            hint=gettext_lazy("The codes are part of web addresses and the status changes through the call's lifecycle."),
        ),
        Section("timeline", gettext_lazy("Timeline"), schema.TimelineItem, key="timeline"),
        Section(
            "directions",
            gettext_lazy("Directions"),
            schema.Direction,
            key="directions",
            hint=gettext_lazy("A long topic list can be imported from a table instead."),
        ),
        Section("eligibility", gettext_lazy("Eligibility rules"), rules.Criterion, key="eligibility"),
        Section("documents", gettext_lazy("Required documents"), schema.RequiredDocument, key="required_documents"),
        Section(
            "form",
            gettext_lazy("Application form"),
            schema.FormField,
            key="form",
            hint=gettext_lazy("Files the applicant uploads are asked for as required documents."),
        ),
        Section("stages", gettext_lazy("Review stages"), schema.ReviewStage, key="review_stages"),
        Section("selection", gettext_lazy("Selection rules"), schema.CallDefinition, keys=("selection", "review_policy")),
        Section("agreement", gettext_lazy("Agreement terms"), schema.CallDefinition, keys=("agreement",)),
        Section("kpis", gettext_lazy("KPI templates"), schema.KpiTemplate, key="kpi_templates"),
        Section("report-reviews", gettext_lazy("Report review"), schema.ReportReviewSettings, key="report_reviews"),
    )
}


def _call(request: HttpRequest, code: str) -> Call:
    return call_for(request, code, "calls.change_call")


def _section(slug: str) -> Section:
    section = SECTIONS.get(slug)
    if section is None:
        raise Http404(_("No such section."))
    return section


def _data(call: Call) -> dict[str, Any]:
    return copy.deepcopy(call.definition)


def _item_summary(item: dict[str, Any], language: str) -> str:
    for key in ("title", "name", "label", "text"):
        value = item.get(key)
        if isinstance(value, dict):
            return I18nText.model_validate(value).get(language)
    kind = item.get("kind")
    return choice_label("kind", str(kind)) if kind else ""


def _item_detail(section: Section, item: dict[str, Any]) -> str:
    if section.slug == "eligibility":
        return choice_label("rule_kind", str(item.get("rule", {}).get("kind", "")))
    if section.slug == "form":
        return str(item.get("type", ""))
    if section.slug == "timeline":
        return str(item.get("at") or f"{item.get('start') or ''} – {item.get('end') or ''}")
    if section.slug == "stages":
        return f"{item.get('kind', '')} · {len(item.get('criteria', []))}"
    return ""


def _sections_nav(call: Call) -> list[dict[str, Any]]:
    data = call.definition
    return [{"slug": s.slug, "label": s.label, "count": len(data.get(s.key, [])) if s.key else None} for s in SECTIONS.values()]


def _base(request: HttpRequest, call: Call) -> dict[str, Any]:
    return {"call": call, "sections": _sections_nav(call), "version": call.version}


@login_required
def editor_home(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    context = _base(request, call)
    context["recent"] = list(versions_of(call)[:5])
    return render(request, "web/staff/call_editor/home.html", context)


@login_required
def editor_section(request: HttpRequest, code: str, section: str) -> HttpResponse:
    call = _call(request, code)
    part = _section(section)
    if not part.is_list:
        return _edit(request, call, part, None)
    assert part.key is not None
    language = translation.get_language() or "zh-hans"
    items = [
        {"index": i, "code": item.get("code", ""), "summary": _item_summary(item, language), "detail": _item_detail(part, item)}
        for i, item in enumerate(call.definition.get(part.key, []))
    ]
    context = {**_base(request, call), "section": part, "items": items}
    if part.slug == "form":
        # Files the applicant uploads are required documents (the schema's one place for them).
        context["uploads"] = [
            {"index": i, "code": d.get("code", ""), "summary": _item_summary(d, language), "formats": d.get("formats", ["pdf"])}
            for i, d in enumerate(call.definition.get("required_documents", []))
        ]
    return render(request, "web/staff/call_editor/list.html", context)


@login_required
def editor_item(request: HttpRequest, code: str, section: str, index: int) -> HttpResponse:
    call = _call(request, code)
    part = _section(section)
    if not part.is_list:
        raise Http404(_("No such section."))
    assert part.key is not None
    if index >= len(call.definition.get(part.key, [])):
        raise Http404(_("No such item."))
    return _edit(request, call, part, index)


@login_required
def editor_item_new(request: HttpRequest, code: str, section: str) -> HttpResponse:
    call = _call(request, code)
    part = _section(section)
    if not part.is_list:
        raise Http404(_("No such section."))
    return _edit(request, call, part, -1)


def _part_value(part: Section, data: dict[str, Any], index: int | None) -> Any:
    if part.key is None:
        return {k: data[k] for k in part.keys if k in data}
    items = data.get(part.key, [])
    return items[index] if index is not None and 0 <= index < len(items) else None


def _put_part(part: Section, data: dict[str, Any], index: int | None, value: dict[str, Any]) -> int | None:
    """Put the edited part into ``data``; the index of the item (a new one is appended)."""
    if part.key is None:
        for k in part.keys:
            if k in value:
                data[k] = value[k]
            else:
                data.pop(k, None)
        return None
    items = list(data.get(part.key, []))
    if index is None or index < 0 or index >= len(items):
        items.append(value)
        index = len(items) - 1
    else:
        items[index] = value
    data[part.key] = items
    return index


def _place_errors(form: DefinitionPartForm, part: Section, index: int | None, errors: list[DefinitionError]) -> list[str]:
    """Put each error on its field; return the lines of those no field of this page shows."""
    rest: list[str] = []
    language = translation.get_language() or "zh-hans"
    for error in errors:
        path = error.path.split(".") if error.path else []
        if part.key is not None:
            if len(path) >= 2 and path[0] == part.key and path[1] == str(index):
                path = path[2:]
            else:
                rest.append(error_line(error, language))
                continue
        if not path:
            form.add_error(None, error_message(error))
        elif not form.put_error(path, error_message(error)):
            rest.append(error_line(error, language))
    return rest


def _relocate(part: Section, data: dict[str, Any], index: int | None, code: str | None) -> int | None:
    """The item's index now: the page was opened on the item with ``code``; if others moved or removed
    items since, the item is found by its code (a removed one is added back as a new item)."""
    if part.key is None or index is None or index < 0 or code is None:
        return index
    items = data.get(part.key, [])
    if index < len(items) and items[index].get("code") == code:
        return index
    return next((i for i, item in enumerate(items) if item.get("code") == code), -1)


def _edit(request: HttpRequest, call: Call, part: Section, index: int | None) -> HttpResponse:
    data = _data(call)
    if request.method == "POST":
        index = _relocate(part, data, index, request.POST.get("item_code"))
    value = _part_value(part, data, index)
    tree = part.tree(data)
    stale: StaleDefinition | None = None
    other_errors: list[str] = []
    base_version = call.version
    if request.method == "POST":
        base_version = int_param(request.POST.get("base_version")) or 0
        form = DefinitionPartForm(request.POST, tree=tree, value=value)
        if form.is_valid():
            posted = form.read()
            if form.is_valid():  # reading may add errors (a YAML box that does not parse)
                new_index = _put_part(part, data, index, posted)
                try:
                    result = save_edited_definition(
                        call=call,
                        data=data,
                        base_version=base_version,
                        actor=acting_user(request),
                        section=part.slug,
                        comment=request.POST.get("comment", ""),
                    )
                except StaleDefinition as exc:
                    stale = exc
                except DefinitionInvalid as exc:
                    other_errors = _place_errors(form, part, new_index, exc.errors)
                except DomainError as exc:
                    form.add_error(None, str(exc))
                else:
                    if result.changed:
                        messages.success(
                            request, _("Saved as version %(version)s of the definition.") % {"version": result.version}
                        )
                    else:
                        messages.info(request, _("Nothing was changed; no new version was made."))
                    if part.key is None:
                        return redirect("web:call_editor_section", code=call.code, section=part.slug)
                    return redirect("web:call_editor_item", code=call.code, section=part.slug, index=new_index)
        if stale is not None:
            call.refresh_from_db()
    else:
        form = DefinitionPartForm(tree=tree, value=value)
    context = {
        **_base(request, call),
        "section": part,
        "index": index,
        "item_code": (value or {}).get("code") if part.key is not None else None,
        "form": form,
        "fields_html": form.render_tree(),
        "base_version": call.version if stale is not None else base_version,
        "stale": stale,
        "other_errors": other_errors,
        "comment": request.POST.get("comment", "") if request.method == "POST" else "",
        "explanation": _explanation(form, value) if part.slug == "eligibility" else None,
    }
    status = 409 if stale is not None else (400 if request.method == "POST" else 200)
    return render(request, "web/staff/call_editor/edit.html", context, status=status)


@login_required
@require_POST
def editor_move(request: HttpRequest, code: str, section: str) -> HttpResponse:
    """Move an item of a list section up or down, or delete it: a new version like any save."""
    call = _call(request, code)
    part = _section(section)
    if part.key is None:
        raise Http404(_("No such section."))
    data = _data(call)
    items = list(data.get(part.key, []))
    index = int_param(request.POST.get("index"))
    action = request.POST.get("action", "")
    back = redirect("web:call_editor_section", code=call.code, section=part.slug)
    if index is None or index >= len(items) or action not in ("up", "down", "delete"):
        messages.error(request, _("Choose an item and an action."))
        return back
    if action == "delete":
        items.pop(index)
    else:
        other = index - 1 if action == "up" else index + 1
        if not 0 <= other < len(items):
            return back
        items[index], items[other] = items[other], items[index]
    data[part.key] = items
    try:
        result = save_edited_definition(
            call=call,
            data=data,
            base_version=int_param(request.POST.get("base_version")) or 0,
            actor=acting_user(request),
            section=part.slug,
        )
    except DefinitionInvalid as exc:
        language = translation.get_language() or "zh-hans"
        messages.error(
            request,
            " ".join([_("Not changed: the definition would not be valid."), *(error_line(e, language) for e in exc.errors)]),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved as version %(version)s of the definition.") % {"version": result.version})
    return back


def _explanation(form: DefinitionPartForm, value: Any) -> dict[str, Any]:
    """What the criterion's rule checks, in Chinese and English, from the form's current values."""
    kind = ""
    params: dict[str, Any] = {}
    rule: Any = None
    if form.is_bound:
        rule_node = next((c for c in form.tree.children if c.key == "rule"), None)
        kind = str(form.data.get("rule.kind") or "")
        if rule_node is not None and form.is_valid():
            raw = rule_node.read(form, (value or {}).get("rule"))
            rule = raw if isinstance(raw, dict) else None
    else:
        rule = (value or {}).get("rule")
        kind = str((rule or {}).get("kind", ""))
    problem = ""
    if isinstance(rule, dict):
        try:
            model = TypeAdapter(rules.Rule).validate_python(rule)
        except ValidationError:
            problem = _("The parameters are not complete yet.")
        else:
            params = model.model_dump(mode="json", exclude_defaults=True, exclude={"kind"})
    texts = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts[language] = {
                "kind": choice_label("rule_kind", kind) if kind else "",
                "explanation": explain_kind(kind) if kind else _("Choose a kind of rule."),
                "params": [(field_label(k), _param_text(v, language)) for k, v in params.items()],
            }
    return {"texts": texts, "problem": problem}


def _param_text(value: Any, language: str) -> str:
    if isinstance(value, dict) and set(value) <= {"zh-hans", "en"} and value:
        return I18nText.model_validate(value).get(language)
    if isinstance(value, list):
        return (
            "、".join(_param_text(v, language) for v in value)
            if language == "zh-hans"
            else ", ".join(_param_text(v, language) for v in value)
        )
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_param_text(v, language)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@login_required
@require_POST
def editor_explain(request: HttpRequest, code: str) -> HttpResponse:
    """The live explanation of the rule being edited (htmx posts the criterion's form on each change)."""
    call = _call(request, code)
    part = SECTIONS["eligibility"]
    index = int_param(request.POST.get("index"))
    items = call.definition.get("eligibility", [])
    value = items[index] if index is not None and index < len(items) else None
    form = DefinitionPartForm(request.POST, tree=part.tree(call.definition), value=value)
    return render(request, "web/staff/call_editor/_explanation.html", {"explanation": _explanation(form, value)})


@login_required
def editor_versions(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    context = {**_base(request, call), "versions": list(versions_of(call))}
    return render(request, "web/staff/call_editor/versions.html", context)


@login_required
def editor_diff(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    versions = {v.version: v for v in versions_of(call)}
    old_number = int_param(request.GET.get("from"))
    new_number = int_param(request.GET.get("to"))
    if new_number is None:
        new_number = call.version
    if old_number is None:
        old_number = max(1, new_number - 1)
    old, new = versions.get(old_number), versions.get(new_number)
    if old is None or new is None:
        raise Http404(_("No such version."))
    context = {
        **_base(request, call),
        "old": old,
        "new": new,
        "lines": version_diff(old.definition, new.definition),
        "numbers": sorted(versions, reverse=True),
    }
    return render(request, "web/staff/call_editor/diff.html", context)


@login_required
@require_POST
def editor_restore(request: HttpRequest, code: str) -> HttpResponse:
    """Make an earlier version the current one again: a new version with its content."""
    call = _call(request, code)
    number = int_param(request.POST.get("version"))
    version = versions_of(call).filter(version=number).first() if number is not None else None
    if version is None:
        raise Http404(_("No such version."))
    try:
        result = save_edited_definition(
            call=call,
            data=copy.deepcopy(version.definition),
            base_version=int_param(request.POST.get("base_version")) or 0,
            actor=acting_user(request),
            section="restore",
            comment=_("Restored version %(version)s.") % {"version": version.version},
        )
    except DefinitionInvalid as exc:
        language = translation.get_language() or "zh-hans"
        messages.error(request, " ".join(error_line(e, language) for e in exc.errors))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved as version %(version)s of the definition.") % {"version": result.version})
    return redirect("web:call_editor_versions", code=call.code)


@login_required
def editor_export(request: HttpRequest, code: str) -> HttpResponse:
    """The definition as YAML (the current version, or ``?version=N``)."""
    call = _call(request, code)
    number = int_param(request.GET.get("version"))
    data = call.definition
    if number is not None and number != call.version:
        version = versions_of(call).filter(version=number).first()
        if version is None:
            raise Http404(_("No such version."))
        data = version.definition
        suffix = f"-v{number}"
    else:
        suffix = ""
    return file_response(definition_yaml(data).encode("utf-8"), "application/yaml; charset=utf-8", f"{call.code}{suffix}.yaml")


@login_required
def editor_import(request: HttpRequest, code: str) -> HttpResponse:
    """Replace the whole definition with posted YAML (or JSON): validated and versioned like any save."""
    call = _call(request, code)
    errors: list[str] = []
    text = definition_yaml(call.definition)
    base_version = call.version
    if request.method == "POST":
        base_version = int_param(request.POST.get("base_version")) or 0
        upload = request.FILES.get("file")
        if upload is not None:
            try:
                text = upload.read(5 * 1024 * 1024 + 1).decode("utf-8")
            except UnicodeDecodeError:
                text = ""
                errors.append(_("The file is not UTF-8 text."))
        else:
            text = request.POST.get("definition", "").replace("\r\n", "\n")
        if not errors:
            language = translation.get_language() or "zh-hans"
            try:
                data = read_document(text, source="editor")
                result = save_edited_definition(
                    call=call,
                    data=data,
                    base_version=base_version,
                    actor=acting_user(request),
                    section="yaml",
                    comment=request.POST.get("comment", ""),
                )
            except DefinitionInvalid as exc:
                errors = [error_line(e, language) for e in exc.errors]
            except StaleDefinition as exc:
                errors = [str(exc)]
                call.refresh_from_db()
                base_version = call.version
            except DomainError as exc:
                errors = [str(exc)]
            else:
                if result.changed:
                    messages.success(request, _("Saved as version %(version)s of the definition.") % {"version": result.version})
                else:
                    messages.info(request, _("Nothing was changed; no new version was made."))
                return redirect("web:call_editor", code=call.code)
    context = {**_base(request, call), "text": text, "errors": errors, "base_version": base_version}
    return render(request, "web/staff/call_editor/yaml.html", context, status=400 if errors else 200)


def editor_url(call: Call) -> str:
    return reverse("web:call_editor", args=[call.code])


class ProgramChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{text_get(obj.name, translation.get_language())} ({obj.code})"


class NewCallForm(forms.Form):
    program = ProgramChoiceField(queryset=Program.objects.none(), label=gettext_lazy("Program"))
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy("Lower-case letters, digits and '-'; part of the call's web addresses."),
    )
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), required=False)
    year = forms.CharField(label=gettext_lazy("Year"), max_length=4)
    direction_label_zh = forms.CharField(label=gettext_lazy("Word for a direction (Chinese)"), required=False, initial="方向")
    direction_label_en = forms.CharField(
        label=gettext_lazy("Word for a direction (English)"), required=False, initial="Direction"
    )
    deadline = forms.CharField(
        label=gettext_lazy("Deadline (the call's local time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    #: Where the schema's errors go on this form.
    PATHS = {
        "call.code": "code",
        "call.title": "title_zh",
        "call.year": "year",
        "call.direction_label": "direction_label_zh",
        "timeline.0.at": "deadline",
        "timeline.0": "deadline",
    }

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs


def _texts(zh: str, en: str) -> dict[str, str]:
    return {k: v.strip() for k, v in (("zh-hans", zh), ("en", en)) if v.strip()}


@login_required
def editor_new_call(request: HttpRequest) -> HttpResponse:
    """A new draft call of a program the user runs, with a code, a title, a year and a deadline."""
    user = acting_user(request)
    if not request.user.has_perm("calls.create_call"):
        raise PermissionDenied(_("Only a program's officers create its calls."))
    programs = Program.objects.all() if user_is_administrator(user) else Program.objects.filter(pk__in=officer_programs(user))
    if not programs.exists():
        raise Http404(_("You run no program."))
    form = NewCallForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            result = create_draft_call(
                program=values["program"],
                code=values["code"].strip(),
                title=_texts(values["title_zh"], values["title_en"]),
                year=values["year"].strip(),
                direction_label=_texts(values["direction_label_zh"], values["direction_label_en"]),
                deadline=values["deadline"].strip(),
                actor=user,
            )
        except DefinitionInvalid as exc:
            for error in exc.errors:
                target = NewCallForm.PATHS.get(error.path)
                form.add_error(target, error_message(error) if target else error_line(error, translation.get_language() or ""))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The draft call was created. It is not published."))
            return redirect("web:call_editor", code=result.call.code)
    status = 400 if form.errors else 200
    return render(request, "web/staff/call_editor/new_call.html", {"form": form}, status=status)
