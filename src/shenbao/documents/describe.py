"""The 申报表 of a call as a plain ``FormSpec`` (every word translated), and the mapping between
its field codes and what an application stores.  The docx layout itself is pure (``layout``)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from shenbao.accounts.labels import ORG_TYPE_LABELS
from shenbao.applications.enums import PartnerSide
from shenbao.applications.models import Application
from shenbao.calls.definition import criteria as c
from shenbao.calls.definition.budget import source_label, unit_label
from shenbao.calls.definition.schema import CallDefinition, FieldType, FormField, ProgramKind
from shenbao.calls.models import Call, Direction
from shenbao.core.countries import country_choices, country_name
from shenbao.core.text import text_get
from shenbao.documents.layout.spec import (
    BudgetGrid,
    Choice,
    FieldSpec,
    FormSpec,
    GridColumn,
    GridLine,
    Kind,
    TableSpec,
    Value,
    Words,
)

IDENTIFIER_PREFIX = "shenbao:"

#: Bound attributes that hold whole numbers, and those that are money (printed in the budget section).
_INTEGER_TARGETS = {
    "duration_months",
    "requested_yuan",
    "subtopics",
    "trl",
    "lead_matching_funds_yuan",
    "funder_grant_share_yuan",
    "external_call_year",
    "external_budget_yuan",
}
_MONEY_TARGETS = {"requested_yuan", "lead_matching_funds_yuan", "funder_grant_share_yuan", "external_budget_yuan"}
_KINDS = {
    FieldType.TEXT: Kind.TEXT,
    FieldType.TEXTAREA: Kind.TEXTAREA,
    FieldType.NUMBER: Kind.NUMBER,
    FieldType.MONEY: Kind.NUMBER,
    FieldType.DATE: Kind.DATE,
    FieldType.EMAIL: Kind.EMAIL,
    FieldType.URL: Kind.URL,
    FieldType.BOOLEAN: Kind.BOOLEAN,
    FieldType.CHOICE: Kind.CHOICE,
    FieldType.MULTI_CHOICE: Kind.MULTI_CHOICE,
    FieldType.COUNTRY: Kind.CHOICE,
    FieldType.DIRECTION_FIELD: Kind.MULTI_CHOICE,
}


def _other(language: str) -> str:
    return "en" if language == "zh-hans" else "zh-hans"


def _words() -> Words:
    chinese = translation.get_language() == "zh-hans"
    return Words(
        yes=_("Yes"),
        no=_("No"),
        numbering=("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
        if chinese
        else tuple(str(i) for i in range(1, 21)),
        number_sep="、" if chinese else ". ",
        declarations=_("Declarations and signatures"),
        date=_("Date:"),
        tick_hint=_("(tick your choice with ☑)"),
    )


def _direction_choices(direction: Direction | None, language: str) -> tuple[Choice, ...]:
    if direction is None:
        return ()
    return tuple(
        Choice(text_get(x, "zh-hans"), text_get(x, language), (text_get(x, _other(language)),)) for x in direction.fields
    )


def _field(field: FormField, language: str, direction: Direction | None) -> FieldSpec | None:
    aliases = tuple(x for x in (field.label.get(_other(language)), *field.template_labels) if x)
    common: dict[str, Any] = {
        "code": field.code,
        "label": field.label.get(language),
        "aliases": aliases,
        "help": field.help.get(language) if field.help else "",
        "required": field.required,
        "max_length": field.max_length,
        "min_value": field.min_value,
        "max_value": field.max_value,
        "section": field.section.get(language) if field.section else "",
    }
    if field.binds is not None:
        if field.binds == "fields":
            choices = _direction_choices(direction, language)
            return FieldSpec(kind=Kind.MULTI_CHOICE, choices=choices, **common) if choices else None
        kind = Kind.NUMBER if field.binds in _INTEGER_TARGETS else Kind.TEXT
        if field.binds in _MONEY_TARGETS and not common["section"]:
            common["section"] = _("Budget")
        if kind == Kind.TEXT:
            common["max_length"] = min(field.max_length or 300, 300)
        return FieldSpec(kind=kind, integer=kind == Kind.NUMBER, **common)
    if field.type == FieldType.FILE:
        return None  # uploaded on the site, not written into the Word form
    if field.type == FieldType.BUDGET:
        return FieldSpec(
            kind=Kind.BUDGET, budget=budget_grid(field, language), **{**common, "section": common["section"] or _("Budget")}
        )
    kind = _KINDS[field.type]
    if field.type == FieldType.MONEY and not common["section"]:
        common["section"] = _("Budget")
    if field.type == FieldType.COUNTRY:
        other = dict(country_choices(_other(language)))
        choices = tuple(Choice(code, name, (code, other.get(code, code))) for code, name in country_choices(language))
    elif field.type == FieldType.DIRECTION_FIELD:
        choices = _direction_choices(direction, language)
    else:
        choices = tuple(Choice(ch.value, ch.label.get(language), (ch.label.get(_other(language)),)) for ch in field.choices)
    return FieldSpec(kind=kind, choices=choices, **common)


def budget_grid(field: FormField, language: str) -> BudgetGrid:
    """A budget field's table in ``language``, the other language's words as aliases."""
    spec = field.budget_spec
    other = _other(language)
    lines: list[GridLine] = []
    for category in spec.categories:
        lines.append(
            GridLine(category.code, category.label.get(language), (category.label.get(other),), entered=not category.lines)
        )
        lines.extend(GridLine(s.code, s.label.get(language), (s.label.get(other),), parent=category.code) for s in category.lines)
    columns = tuple(GridColumn(s.value, source_label(s.value, language), (source_label(s.value, other),)) for s in spec.sources)
    with translation.override(other):
        aliases = (_("Budget category"), _("Total"), _("Justification"))
    return BudgetGrid(
        lines=tuple(lines),
        columns=columns,
        unit=_("Unit: %(unit)s") % {"unit": unit_label(spec.unit, language)},
        decimals=spec.decimals,
        category=_("Budget category"),
        total=_("Total"),
        justification=_("Justification") if spec.justification else "",
        aliases=aliases,
    )


def _fields(definition: CallDefinition, direction: Direction | None, language: str) -> list[FieldSpec]:
    code = direction.code if direction else None
    basics = _("Basic information")
    fields: list[FieldSpec] = []
    if not any(f.binds == "title" for f in definition.form):
        with translation.override(_other(language)):
            other = _("Project name")
        fields.append(
            FieldSpec(code="title", label=_("Project name"), kind=Kind.TEXT, max_length=300, required=True, aliases=(other,))
        )
    for field in definition.form:
        if field.directions and code not in field.directions:
            continue
        spec = _field(field, language, direction)
        if spec is not None:
            fields.append(spec)
    # Short fields without a section open the form; long texts follow, each its own section.
    out = []
    for spec in fields:
        section = spec.section or (spec.label if spec.kind == Kind.TEXTAREA else basics)
        out.append(FieldSpec(**{**spec.__dict__, "section": section}))
    order = {s: i for i, s in enumerate(dict.fromkeys([basics, *(f.section for f in out)]))}
    return sorted(out, key=lambda f: order[f.section])


def _tables(definition: CallDefinition, application: Application | None, language: str) -> list[TableSpec]:
    team_rows: tuple[tuple[str, ...], ...] = ()
    partner_rows: tuple[tuple[str, ...], ...] = ()
    if application is not None:
        team_rows = tuple((m.name, m.role, m.email) for m in application.team.order_by("pk"))
        partner_rows = tuple(
            (p.name, country_name(p.country, language), str(ORG_TYPE_LABELS.get(p.type, p.type)), str(PartnerSide(p.side).label))  # type: ignore[call-overload]
            for p in application.partners.order_by("pk")
        )
    tables = [
        TableSpec(_("Team"), (_("Name"), _("Role"), _("E-mail address")), team_rows, blank_rows=0 if team_rows else 3),
    ]
    if definition.program.kind == ProgramKind.GOVERNMENT_GRANT or partner_rows:
        tables.append(
            TableSpec(
                _("Partners"),
                (_("Organisation"), _("Country"), _("Type"), _("Side")),
                partner_rows,
                blank_rows=0 if partner_rows else 2,
            )
        )
    if definition.duration is not None or any(f.binds == "duration_months" for f in definition.form):
        tables.append(TableSpec(_("Schedule"), (_("Period"), _("Work"), _("Outputs")), blank_rows=4))
    return tables


def form_spec(
    *, call: Call, definition: CallDefinition, direction: Direction | None, language: str, application: Application | None
) -> FormSpec:
    """The call's 申报表 in ``language``; with ``application``, its receipt number and team."""
    with translation.override(language):
        direction_code = direction.code if direction else None
        header = [(_("Call"), text_get(call.title, language))]
        if direction is not None:
            header.append(
                (str(definition.call.direction_label.get(language)), f"{direction.code} {text_get(direction.title, language)}")
            )
        if application is not None and application.receipt_number:
            header.append((_("Receipt number"), application.receipt_number))
        person = getattr(application.applicant, "person", None) if application is not None else None
        header.append((_("Applicant"), getattr(person, "name", "") or ""))
        declarations = [
            rule.statement.get(language)
            for criterion in definition.eligibility
            if not criterion.directions or direction_code in criterion.directions
            for rule in c.walk_rules(criterion.rule)
            if isinstance(rule, c.DeclarationRule)
        ]
        signatures = [_("Applicant (signature)"), _("Host institution (stamp)")]
        return FormSpec(
            identifier=f"{IDENTIFIER_PREFIX}{call.code}",
            language=language,
            title=_("%(call)s — application form") % {"call": text_get(call.title, language)},
            subtitle=definition.program.funder.get(language),
            header=tuple(header),
            fields=tuple(_fields(definition, direction, language)),
            tables=tuple(_tables(definition, application, language)),
            declarations=tuple(declarations),
            signatures=tuple(signatures),
            words=_words(),
            footer=_("Generated by Shenbao for %(call)s") % {"call": call.code},
        )


def _external(application: Application) -> dict[str, Any]:
    return dict(application.external[0]) if application.external else {}


def content_values(content: dict[str, Any], definition: CallDefinition) -> dict[str, Value]:
    """Each field code's value in an application's content (a revision snapshot or the live draft)."""
    values: dict[str, Value] = dict(content.get("values") or {})
    values["title"] = content.get("title") or None
    external = (content.get("external") or [{}])[0]
    for field in definition.form:
        if field.binds is None:
            continue
        if field.binds in ("lead_matching_funds_yuan", "funder_grant_share_yuan"):
            values[field.code] = values.get(field.binds)
        elif field.binds.startswith("external_"):
            values[field.code] = external.get(field.binds.removeprefix("external_"))
        else:
            value = content.get(field.binds)
            values[field.code] = value if value not in ("", []) else None
    return values


def stored_values(application: Application, definition: CallDefinition) -> dict[str, Value]:
    """What the application holds for each field code of its 申报表."""
    content: dict[str, Any] = {
        f.binds: getattr(application, f.binds) for f in definition.form if f.binds and hasattr(application, f.binds)
    }
    content.update({"title": application.title, "values": application.values, "external": application.external})
    return content_values(content, definition)


def changes_for(application: Application, definition: CallDefinition, read: dict[str, Value]) -> dict[str, Any]:
    """The ``save_draft`` changes that store ``read`` (field code → value) on the application."""
    binds = {f.code: f.binds for f in definition.form}
    changes: dict[str, Any] = {}
    values = dict(application.values)
    external = _external(application)
    for code, value in read.items():
        target = binds.get(code, "title" if code == "title" else None)
        if target is None:
            values[code] = value
        elif target in ("lead_matching_funds_yuan", "funder_grant_share_yuan"):
            values[target] = value
        elif target.startswith("external_"):
            external[target.removeprefix("external_")] = value
        elif target in ("title", "english_title", "external_project_id"):
            changes[target] = value or ""
        else:
            changes[target] = value if value is not None else ([] if target == "fields" else None)
    if values != application.values:
        changes["values"] = values
    if external and (not application.external or external != application.external[0]):
        rule = next((r for x in definition.eligibility for r in c.walk_rules(x.rule) if r.kind == "external_programme"), None)
        external.setdefault("programme", getattr(rule, "programme", "external"))
        changes["external"] = [external]
    return changes
