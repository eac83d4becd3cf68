"""Django forms generated from the call-definition models: the call editor edits the one schema.

Every field of a pydantic definition model becomes one or more form fields: text and numbers
as inputs, bilingual text as a Chinese and an English box, enumerations as selects or
checkboxes, nested models as fieldsets, lists of small models as table rows, the typed
eligibility rule as a kind with each kind's parameters, and whatever has no form shape
(a list of nested rules) as a YAML box.  The form only shapes plain data: every check is
the schema's, run on the whole definition when it is saved, and its errors are put back on
the field they concern.
"""

from __future__ import annotations

import inspect
import types
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from shenbao.calls.definition.load import DefinitionInvalid, read_document
from shenbao.core.text import I18nText
from shenbao.web.staff.definition_labels import choice_label, field_label

#: Blank rows offered under a list of small models (criteria, choices …) to add new ones.
EXTRA_ROWS = 2
#: The most rows a posted form may ask for (a list longer than this is edited as YAML).
MAX_ROWS = 300
#: Free-text fields shown as a text area.
LONG_TEXT = {"expression", "pattern", "description", "text", "note", "statement", "question", "message"}
EMPTY: tuple[Any, ...] = (None, "", [], {})


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without Annotated and Optional; whether None is allowed."""
    optional = False
    t = annotation
    while True:
        origin = get_origin(t)
        if origin is Annotated:
            t = get_args(t)[0]
            continue
        if origin in (Union, types.UnionType):
            args = get_args(t)
            rest = [a for a in args if a is not type(None)]
            if len(rest) < len(args):
                optional = True
            if len(rest) == 1:
                t = rest[0]
                continue
            return Union[tuple(rest)], optional  # noqa: UP007 - a runtime union of the remaining types
        return t, optional


def _is_model(t: Any) -> bool:
    return inspect.isclass(t) and issubclass(t, BaseModel) and t is not I18nText


def _enum_values(t: Any) -> list[str] | None:
    if get_origin(t) is Literal:
        values = get_args(t)
        return [str(v) for v in values] if all(isinstance(v, str) for v in values) else None
    if inspect.isclass(t) and issubclass(t, Enum):
        return [str(m.value) for m in t]
    return None


def _default(info: FieldInfo) -> Any:
    if info.default is not PydanticUndefined:
        value = info.default
    elif info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    else:
        return PydanticUndefined
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [v.value if isinstance(v, Enum) else v for v in value]
    return value


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


@dataclass
class Node:
    """One schema field in the form: ``name`` is the form field's name, ``key`` its key in the data."""

    name: str
    key: str
    label: str
    help: str
    optional: bool
    default: Any

    def add_fields(self, form: forms.Form, value: Any) -> None:
        raise NotImplementedError

    def read(self, form: forms.Form, orig: Any) -> Any:
        """The posted value as plain data; PydanticUndefined leaves the key out."""
        raise NotImplementedError

    def field_names(self) -> list[str]:
        raise NotImplementedError

    def error_target(self, path: list[str], form: forms.Form) -> str | None:
        """The form field that shows an error at ``path`` (relative to this node)."""
        names = self.field_names()
        return names[0] if names else None

    def render(self, form: forms.Form) -> SafeString:
        raise NotImplementedError


def _field_errors(form: forms.Form, name: str) -> SafeString:
    errors = form.errors.get(name)
    if not errors:
        return mark_safe("")
    return format_html(
        '<ul class="errorlist" id="{}-errors">{}</ul>', name, format_html_join("", "<li>{}</li>", ((e,) for e in errors))
    )


def _described(form: forms.Form, name: str) -> None:
    widget = form.fields[name].widget
    widget.attrs.setdefault("id", "f-" + name)
    if form.errors.get(name):
        widget.attrs["aria-invalid"] = "true"
        widget.attrs["aria-describedby"] = f"{name}-errors"


@dataclass
class Scalar(Node):
    kind: str = "text"  # text | long | number | bool | choice | multi | codes | lines | date | datetime | yaml
    choices: list[str] = field(default_factory=list)
    #: Labels of codes the call defines (a direction's title beside its code).
    named: dict[str, str] = field(default_factory=dict)
    readonly: bool = False

    def field_names(self) -> list[str]:
        return [self.name]

    def _label(self, value: str) -> str:
        name = self.named.get(value)
        return f"{value} · {name}" if name else choice_label(self.key, value)

    def _initial(self, value: Any) -> Any:
        if value is None:
            value = None if self.default is PydanticUndefined else self.default
        if self.kind == "bool":
            return bool(value)
        if self.kind == "multi":
            return list(value or [])
        if self.kind == "codes":
            return ", ".join(str(v) for v in value or [])
        if self.kind == "lines":
            return "\n".join(str(v) for v in value or [])
        if self.kind == "yaml":
            return "" if value in EMPTY else yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)
        if value is None:
            return ""
        if self.kind == "datetime" and isinstance(value, str):
            return value[:16] if value.endswith(":00") and len(value) == 19 else value
        return value

    def add_fields(self, form: forms.Form, value: Any) -> None:
        initial = self._initial(value)
        attrs: dict[str, Any] = {}
        f: forms.Field
        if self.kind == "bool":
            f = forms.BooleanField(required=False, initial=initial)
        elif self.kind == "choice":
            blank = [("", "—")] if self.optional or self.default is PydanticUndefined else []
            f = forms.ChoiceField(required=False, initial=initial, choices=blank + [(c, self._label(c)) for c in self.choices])
        elif self.kind == "multi":
            f = forms.MultipleChoiceField(
                required=False,
                initial=initial,
                choices=[(c, self._label(c)) for c in self.choices],
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            widget: forms.Widget
            if self.kind in ("lines", "yaml", "long") or (isinstance(initial, str) and "\n" in initial):
                rows = 3 if self.kind != "yaml" else max(3, min(20, str(initial).count("\n") + 1))
                widget = forms.Textarea(attrs={"rows": rows, "class": "code" if self.kind == "yaml" else ""})
            elif self.kind == "number":
                widget = forms.NumberInput(attrs={"step": "any"})
            elif self.kind == "date":
                widget = forms.DateInput(attrs={"type": "date"})
            elif self.kind == "datetime":
                widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
            else:
                widget = forms.TextInput()
            f = forms.CharField(required=False, strip=False, initial=initial, widget=widget)
        if self.readonly:
            f.disabled = True
        f.widget.attrs.update(attrs)
        form.fields[self.name] = f

    def read(self, form: forms.Form, orig: Any) -> Any:
        if self.readonly:
            return PydanticUndefined if orig is None else orig
        raw = form.cleaned_data.get(self.name)
        if self.kind == "bool":
            return bool(raw)
        if self.kind == "multi":
            chosen = [str(v) for v in raw or []]
            before = [v for v in orig or [] if v in chosen] if isinstance(orig, list) else []
            return before + [c for c in self.choices if c in chosen and c not in before]
        text = (raw or "").replace("\r\n", "\n") if isinstance(raw, str) else raw
        if self.kind == "codes":
            parts = [p for p in str(text or "").replace("，", ",").replace("、", ",").replace(",", " ").split() if p]
            return parts
        if self.kind == "lines":
            return [line for line in str(text or "").split("\n") if line.strip()]
        if self.kind == "yaml":
            if not str(text or "").strip():
                return None if self.optional else PydanticUndefined
            try:
                return read_document(str(text), source=self.name)
            except DefinitionInvalid as exc:
                form.add_error(
                    self.name, _("Not valid YAML: %(problem)s") % {"problem": exc.errors[0].context.get("problem", "")}
                )
                return PydanticUndefined
        if text in (None, ""):
            return None if self.optional else PydanticUndefined
        return text

    def render(self, form: forms.Form) -> SafeString:
        _described(form, self.name)
        bound = form[self.name]
        classes = ["field", f"kind-{self.kind}"]
        if self.kind == "bool":
            classes.append("check")
        if form.errors.get(self.name):
            classes.append("has-error")
        help_html = format_html('<small class="help">{}</small>', self.help) if self.help else ""
        label = format_html('<label for="{}">{} <code>{}</code></label>', "f-" + self.name, self.label, self.key)
        if self.kind == "multi":
            label = format_html("<legend>{} <code>{}</code></legend>", self.label, self.key)
            return format_html(
                '<fieldset class="{}" data-name="{}">{}{}{}{}</fieldset>',
                " ".join(classes),
                self.name,
                label,
                bound,
                help_html,
                _field_errors(form, self.name),
            )
        if self.kind == "bool":
            return format_html(
                '<div class="{}" data-name="{}">{}{}{}{}</div>',
                " ".join(classes),
                self.name,
                bound,
                label,
                help_html,
                _field_errors(form, self.name),
            )
        return format_html(
            '<div class="{}" data-name="{}">{}{}{}{}</div>',
            " ".join(classes),
            self.name,
            label,
            bound,
            help_html,
            _field_errors(form, self.name),
        )


@dataclass
class Text(Node):
    """Bilingual text (I18nText): a Chinese and an English box."""

    long: bool = False

    def field_names(self) -> list[str]:
        return [f"{self.name}.zh-hans", f"{self.name}.en"]

    def add_fields(self, form: forms.Form, value: Any) -> None:
        value = value if isinstance(value, dict) else ({"zh-hans": value} if isinstance(value, str) else {})
        for language in ("zh-hans", "en"):
            initial = value.get(language) or ""
            rows = 3 if self.long or "\n" in initial or len(initial) > 80 else 1
            form.fields[f"{self.name}.{language}"] = forms.CharField(
                required=False, strip=False, initial=initial, widget=forms.Textarea(attrs={"rows": rows, "class": "i18n"})
            )

    def read(self, form: forms.Form, orig: Any) -> Any:
        out = {}
        for language in ("zh-hans", "en"):
            text = (form.cleaned_data.get(f"{self.name}.{language}") or "").replace("\r\n", "\n")
            if text.strip():
                out[language] = text
        if not out:
            return None if self.optional else PydanticUndefined
        return out

    def render(self, form: forms.Form) -> SafeString:
        boxes = []
        has_error = False
        for language, word in (("zh-hans", _("Chinese")), ("en", _("English"))):
            name = f"{self.name}.{language}"
            _described(form, name)
            has_error = has_error or bool(form.errors.get(name))
            boxes.append(
                format_html(
                    '<label class="lang" for="{}"><span>{}</span>{}</label>{}',
                    "f-" + name,
                    word,
                    form[name],
                    _field_errors(form, name),
                )
            )
        help_html = format_html('<small class="help">{}</small>', self.help) if self.help else ""
        return format_html(
            '<fieldset class="field i18n{}" data-name="{}"><legend>{} <code>{}</code></legend>{}{}</fieldset>',
            " has-error" if has_error else "",
            self.name,
            self.label,
            self.key,
            mark_safe("".join(boxes)),  # noqa: S308 - each part built with format_html
            help_html,
        )


@dataclass
class Group(Node):
    """A nested model: its fields in a fieldset (a top-level item is a group without a frame)."""

    children: list[Node] = field(default_factory=list)
    framed: bool = True

    def field_names(self) -> list[str]:
        return [n for c in self.children for n in c.field_names()]

    def add_fields(self, form: forms.Form, value: Any) -> None:
        for child in self.children:
            child.add_fields(form, _get(value, child.key))

    def read(self, form: forms.Form, orig: Any) -> Any:
        out: dict[str, Any] = {}
        for child in self.children:
            value = child.read(form, _get(orig, child.key))
            if value is not PydanticUndefined:
                out[child.key] = value
        if self.optional and _all_default(out, self.children):
            # Left (or made) empty: no value; a part stored empty on purpose stays ("agreement: {}").
            return {} if orig == {} else None
        return out

    def error_target(self, path: list[str], form: forms.Form) -> str | None:
        if path:
            for child in self.children:
                if child.key == path[0]:
                    return child.error_target(path[1:], form)
        return super().error_target(path, form)

    def render(self, form: forms.Form) -> SafeString:
        inner = mark_safe("".join(c.render(form) for c in self.children))  # noqa: S308 - rendered with format_html
        if not self.framed:
            return inner
        help_html = format_html('<small class="help">{}</small>', self.help) if self.help else ""
        return format_html(
            '<fieldset class="group" data-name="{}"><legend>{} <code>{}</code></legend>{}{}</fieldset>',
            self.name,
            self.label,
            self.key,
            help_html,
            inner,
        )


def _same(value: Any, default: Any) -> bool:
    """Whether a posted value (text for numbers) is the default."""
    if default is PydanticUndefined:
        return False
    if value == default:
        return True
    if isinstance(value, str) and isinstance(default, int | float) and not isinstance(default, bool):
        try:
            return float(value) == float(default)
        except ValueError:
            return False
    return False


def _all_default(out: dict[str, Any], children: list[Node]) -> bool:
    for child in children:
        value = out.get(child.key, PydanticUndefined)
        if value is PydanticUndefined or value in EMPTY or value is False:
            continue
        if _same(value, child.default):
            continue
        if isinstance(child, Group) and isinstance(value, dict) and _all_default(value, child.children):
            continue
        return False
    return True


@dataclass
class Rows(Node):
    """A list of small models as table rows; a row left empty is dropped, blank rows add new ones."""

    model: type[BaseModel] | None = None
    rows: list[Group] = field(default_factory=list)
    options: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def count_name(self) -> str:
        return f"{self.name}#rows"

    def field_names(self) -> list[str]:
        return [n for r in self.rows for n in r.field_names()]

    def add_fields(self, form: forms.Form, value: Any) -> None:
        items = value if isinstance(value, list) else []
        count = len(items) + EXTRA_ROWS
        posted = form.data.get(self.count_name) if form.is_bound else None
        if posted is not None and str(posted).isdecimal():
            count = min(int(posted), MAX_ROWS)
        form.fields[self.count_name] = forms.IntegerField(required=False, initial=count, widget=forms.HiddenInput)
        assert self.model is not None
        self.rows = [build_group(self.model, f"{self.name}.{i}", str(i), in_row=True, options=self.options) for i in range(count)]
        for i, row in enumerate(self.rows):
            row.add_fields(form, items[i] if i < len(items) else None)

    def read(self, form: forms.Form, orig: Any) -> Any:
        items = orig if isinstance(orig, list) else []
        out = []
        for i, row in enumerate(self.rows):
            value = row.read(form, items[i] if i < len(items) else None)
            if isinstance(value, dict) and _all_default(value, row.children):
                continue  # a blank row, or one emptied to remove it
            out.append(value)
        if not out:
            return None if self.optional else []
        return out

    def error_target(self, path: list[str], form: forms.Form) -> str | None:
        if path and path[0].isdecimal() and int(path[0]) < len(self.rows):
            return self.rows[int(path[0])].error_target(path[1:], form)
        return super().error_target(path, form)

    def render(self, form: forms.Form) -> SafeString:
        head = (
            format_html_join("", '<th scope="col">{} <code>{}</code></th>', ((c.label, c.key) for c in self.rows[0].children))
            if self.rows
            else ""
        )
        body = []
        for i, row in enumerate(self.rows):
            cells = mark_safe("".join(format_html("<td>{}</td>", c.render(form)) for c in row.children))  # noqa: S308
            body.append(format_html('<tr data-row="{}">{}</tr>', i, cells))
        help_html = format_html('<small class="help">{}</small>', self.help) if self.help else ""
        return format_html(
            '<fieldset class="rows" data-name="{}"><legend>{} <code>{}</code></legend>{}'
            '<p class="help">{}</p><div class="table-scroll"><table class="rows-table"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table></div>{}</fieldset>",
            self.name,
            self.label,
            self.key,
            help_html,
            _("Empty a row to remove it; fill a blank row to add one (saving offers new blank rows)."),
            head,
            mark_safe("".join(body)),  # noqa: S308 - each row built with format_html
            form[self.count_name],
        )


@dataclass
class Choice(Node):
    """A tagged union (the eligibility rule): a kind and each kind's parameters."""

    variants: dict[str, Group] = field(default_factory=dict)

    @property
    def kind_name(self) -> str:
        return f"{self.name}.kind"

    def field_names(self) -> list[str]:
        return [self.kind_name]

    def add_fields(self, form: forms.Form, value: Any) -> None:
        current = _get(value, "kind") or ""
        form.fields[self.kind_name] = forms.ChoiceField(
            required=False,
            initial=current,
            choices=[("", "—")] + [(k, choice_label("rule_kind", k)) for k in self.variants],
            widget=forms.Select(attrs={"data-rule-kind": "1"}),
        )
        for kind, group in self.variants.items():
            group.add_fields(form, value if kind == current else None)

    def selected(self, form: forms.Form) -> str:
        if form.is_bound:
            return str(form.data.get(self.kind_name) or "")
        return str(form.fields[self.kind_name].initial or "")

    def read(self, form: forms.Form, orig: Any) -> Any:
        kind = form.cleaned_data.get(self.kind_name) or ""
        if kind not in self.variants:
            return None if self.optional else PydanticUndefined
        same = _get(orig, "kind") == kind
        data = self.variants[kind].read(form, orig if same else None)
        return {"kind": kind, **(data or {})}

    def error_target(self, path: list[str], form: forms.Form) -> str | None:
        kind = self.selected(form)
        if kind in self.variants and path:
            return self.variants[kind].error_target(path, form)
        return self.kind_name

    def render(self, form: forms.Form) -> SafeString:
        _described(form, self.kind_name)
        current = self.selected(form)
        parts = [
            format_html(
                '<div class="field{}" data-name="{}"><label for="f-{}">{} <code>kind</code></label>{}{}</div>',
                " has-error" if form.errors.get(self.kind_name) else "",
                self.kind_name,
                self.kind_name,
                self.label,
                form[self.kind_name],
                _field_errors(form, self.kind_name),
            )
        ]
        for kind, group in self.variants.items():
            inner = mark_safe("".join(c.render(form) for c in group.children))  # noqa: S308
            parts.append(
                format_html(
                    '<fieldset class="group rule-params" data-rule-params="{}"{}><legend>{}</legend>{}</fieldset>',
                    kind,
                    mark_safe(" hidden") if kind != current and current else "",
                    choice_label("rule_kind", kind),
                    inner if group.children else _("This kind has no parameters."),
                )
            )
        return mark_safe("".join(parts))  # noqa: S308 - each part built with format_html


def _node(info: FieldInfo, key: str, name: str, *, in_row: bool, readonly: set[str], options: dict[str, dict[str, str]]) -> Node:
    t, optional = _unwrap(info.annotation)
    common = {
        "name": name,
        "key": key,
        "label": field_label(key),
        "help": info.description or "",
        "optional": optional,
        "default": _default(info),
    }
    if t is I18nText:
        return Text(**common, long=key in LONG_TEXT)
    if get_origin(t) in (Union, types.UnionType):
        members = get_args(t)
        if all(_is_model(m) and "kind" in m.model_fields for m in members) and not in_row:
            variants = {}
            for m in members:
                tag = get_args(m.model_fields["kind"].annotation)[0]
                variants[tag] = build_group(
                    m, f"{name}@{tag}", key, skip={"kind"}, in_row=True, readonly=readonly, options=options
                )
            return Choice(**common, variants=variants)
        return Scalar(**common, kind="yaml")
    if _is_model(t):
        group = build_group(t, name, key, in_row=in_row, readonly=readonly, options=options)
        group.label, group.help, group.optional, group.default = common["label"], common["help"], optional, common["default"]
        return group
    if get_origin(t) is list:
        (item,) = get_args(t)
        inner, _opt = _unwrap(item)
        values = _enum_values(inner)
        if values is not None:
            return Scalar(**common, kind="multi", choices=values)
        if inner is I18nText:
            return Scalar(**common, kind="yaml")
        if _is_model(inner):
            if in_row:
                return Scalar(**common, kind="yaml")
            return Rows(**common, model=inner, options=options)
        if get_origin(inner) in (Union, types.UnionType):
            return Scalar(**common, kind="yaml")
        annotated = get_origin(item) is Annotated or inner in (int, float)
        if key in options and get_origin(item) is Annotated:
            return Scalar(**common, kind="multi", choices=list(options[key]), named=options[key])
        return Scalar(**common, kind="codes" if annotated else "lines")
    values = _enum_values(t)
    if values is not None:
        return Scalar(**common, kind="choice", choices=values, readonly=name in readonly)
    if t is bool:
        return Scalar(**common, kind="bool")
    if t in (int, float):
        return Scalar(**common, kind="number")
    import datetime as dt

    if t is dt.datetime:
        return Scalar(**common, kind="datetime")
    if t is dt.date:
        return Scalar(**common, kind="date")
    if t is str:
        if key in options and name not in readonly:
            return Scalar(**common, kind="choice", choices=list(options[key]), named=options[key])
        return Scalar(**common, kind="long" if key in LONG_TEXT else "text", readonly=name in readonly)
    return Scalar(**common, kind="yaml")


def build_group(
    model: type[BaseModel],
    name: str,
    key: str,
    *,
    only: list[str] | None = None,
    skip: set[str] | None = None,
    readonly: set[str] | None = None,
    options: dict[str, dict[str, str]] | None = None,
    in_row: bool = False,
) -> Group:
    """The form tree of ``model``'s fields (``only`` those, in that order, when given)."""
    fields = model.model_fields
    keys = [k for k in (only or list(fields)) if k not in (skip or set())]
    children = []
    for k in keys:
        info = fields[k]
        data_key = info.alias or k
        child_name = f"{name}.{data_key}" if name else data_key
        children.append(_node(info, data_key, child_name, in_row=in_row, readonly=readonly or set(), options=options or {}))
    return Group(name=name, key=key, label="", help="", optional=False, default=PydanticUndefined, children=children)


class DefinitionPartForm(forms.Form):
    """A form over one part of the definition (an item of a list, or some top-level keys).

    ``value`` is the part's current data; ``read()`` returns the posted part as data (keys the
    form leaves out are not in it), ``put_errors()`` places the schema's errors on the fields.
    """

    def __init__(self, *args: Any, tree: Group, value: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.value = value
        tree.add_fields(self, value)

    def read(self) -> dict[str, Any]:
        data = self.tree.read(self, self.value)
        return data if isinstance(data, dict) else {}

    def put_error(self, path: list[str], message: str | Promise) -> bool:
        """Attach ``message`` to the field at ``path``; False when no field of the form holds it."""
        if path and path[0] not in {c.key for c in self.tree.children}:
            return False
        target = self.tree.error_target(path, self)
        if target is None or target not in self.fields:
            return False
        self.add_error(target, str(message))
        return True

    def render_tree(self) -> SafeString:
        return self.tree.render(self)
