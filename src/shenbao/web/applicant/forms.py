"""Forms of the applicant side; the application form is generated from the call definition."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import OrgType
from shenbao.accounts.labels import EMPLOYMENT_LABELS, ORG_TYPE_LABELS, POSITION_LABELS, choices
from shenbao.accounts.models import Organisation
from shenbao.accounts.validators import time_zones, validate_birth_date
from shenbao.applications.enums import PartnerSide
from shenbao.applications.models import Application
from shenbao.calls.definition import criteria as c
from shenbao.calls.definition.schema import CallDefinition, FieldType, ProgramKind
from shenbao.calls.definition.schema import FormField as FieldDef
from shenbao.core.countries import country_choices, is_country_code
from shenbao.core.text import text_get
from shenbao.web.applicant.budget import BudgetField
from shenbao.web.widgets import IsoDateField


class _NotAnsweredYesNo(forms.NullBooleanSelect):
    """Yes / no, with "not answered" (None) in place of Django's "unknown"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("— not answered —")), ("true", _("Yes")), ("false", _("No"))]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=150, required=False)
    birth_date = IsoDateField(label=_("Date of birth"), required=False, validators=[validate_birth_date])
    position = forms.ChoiceField(label=_("Position"), choices=choices(POSITION_LABELS))
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    employment_type = forms.ChoiceField(label=_("Employment type"), choices=choices(EMPLOYMENT_LABELS))
    in_station_postdoc = forms.BooleanField(label=_("I am an in-station postdoc"), required=False)
    # Three answers, so that "not answered" is never read as "no" (seed 000 asks for a declaration).
    overseas_employment = forms.NullBooleanField(
        label=_("Formally employed by an organisation outside China"),
        required=False,
        widget=_NotAnsweredYesNo(),
    )
    expertise_keywords = forms.CharField(
        label=_("Expertise keywords"), required=False, help_text=_("Separate keywords with commas.")
    )
    expertise_text = forms.CharField(
        label=_("Expertise and research interests"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For reviewers: what you work on, in a few sentences; applications are matched against it."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Employer"), queryset=Organisation.objects.order_by("id"), required=False, empty_label=_("— not listed —")
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        required=False,
        choices=lambda: [("", _("Beijing time only"))] + [(name, name) for name in time_zones()],
        help_text=_("Deadlines are shown in Beijing time and, if you choose one, in your own time zone."),
    )


class OrganisationForm(forms.Form):
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=choices(ORG_TYPE_LABELS))
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, initial="CN")
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)

    def clean_country(self) -> str:
        code = str(self.cleaned_data["country"]).strip().upper()
        if not is_country_code(code):
            raise forms.ValidationError(_("Enter a two-letter ISO 3166 country code, e.g. CN or EG."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name_zh") and not data.get("name_en"):
            raise forms.ValidationError(_("Give the organisation's name in at least one language."))
        return data


def _country_choices() -> list[tuple[str, str]]:
    return country_choices(translation.get_language())


class PartnerForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=PartnerSide.choices, initial=PartnerSide.FOREIGN)
    name = forms.CharField(label=_("Organisation"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=choices(ORG_TYPE_LABELS), initial=OrgType.UNIVERSITY.value)
    country = forms.ChoiceField(label=_("Country"), choices=())
    legal_person = forms.BooleanField(label=_("Has independent legal personality"), required=False)
    registered_on = IsoDateField(label=_("Registration date"), required=False)
    matching_funds_yuan = forms.IntegerField(label=_("Matching funds (yuan)"), min_value=0, max_value=10**13, required=False)
    networks = forms.MultipleChoiceField(label=_("Member of"), choices=(), widget=forms.CheckboxSelectMultiple, required=False)
    affiliation_valid_until = IsoDateField(label=_("Affiliation proof valid until"), required=False)
    external_affiliation = forms.NullBooleanField(
        label=_("Its researchers belong to the network as external persons (not staff)"),
        required=False,
        widget=_NotAnsweredYesNo(),
    )

    def __init__(self, *args: Any, networks: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()  # type: ignore[attr-defined]
        if networks:
            self.fields["networks"].choices = networks  # type: ignore[attr-defined]
        else:
            del self.fields["networks"]
            del self.fields["affiliation_valid_until"]
            del self.fields["external_affiliation"]


def partner_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A valid PartnerForm's data as the partner services take it (web and API alike)."""
    return {
        "side": data["side"],
        "name": data["name"],
        "type": data["type"],
        "country": data["country"],
        "legal_person": data["legal_person"],
        "registered_on": data["registered_on"],
        "matching_funds_yuan": data["matching_funds_yuan"] or 0,
        "networks": data.get("networks", []),
        "affiliation_valid_until": data.get("affiliation_valid_until"),
        "external_affiliation": data.get("external_affiliation"),
    }


def partner_initial(partner: Any) -> dict[str, Any]:
    """A partner's values as PartnerForm data (to lay an edit over them)."""
    return {
        "side": partner.side,
        "name": partner.name,
        "type": partner.type,
        "country": partner.country,
        "legal_person": bool(partner.legal_person),
        "registered_on": partner.registered_on.isoformat() if partner.registered_on else "",
        "matching_funds_yuan": partner.matching_funds_yuan,
        "networks": list(partner.networks),
        "affiliation_valid_until": partner.affiliation_valid_until.isoformat() if partner.affiliation_valid_until else "",
        "external_affiliation": partner.external_affiliation,
    }


def partner_networks(definition: CallDefinition, direction: str | None) -> list[tuple[str, str]]:
    """The networks the call's rules ask partners to belong to (e.g. CNR, the Russian Academy of Sciences)."""
    language = translation.get_language() or "zh-hans"
    found: dict[str, str] = {}
    for _criterion, rule in _rules(definition, direction):
        if rule.kind in ("partner_organisation", "partner_affiliation"):
            found[rule.network] = rule.network_name.get(language)
    return sorted(found.items())


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (c.TeamRole.FACULTY.value, _("Faculty member")),
            (c.TeamRole.STUDENT.value, _("Student")),
            (c.TeamRole.ENTERPRISE_EXPERT.value, _("Enterprise expert")),
            (c.TeamRole.MEMBER.value, _("Member")),
        ],
    )
    presenter = forms.BooleanField(label=_("Presents at the defence"), required=False)


class AttachmentDetailsForm(forms.Form):
    """What some documents need besides the file: the signing date, the document's number."""

    signed_on = IsoDateField(label=_("Signed on"), required=False)
    key = forms.CharField(label=_("Document number"), max_length=100, required=False)


class LinkForm(forms.Form):
    document = forms.CharField(widget=forms.HiddenInput)
    url = forms.URLField(label=_("Share link"), max_length=1000, assume_scheme="https")


def _rules(definition: CallDefinition, direction: str | None) -> list[tuple[c.Criterion, Any]]:
    """(criterion, rule) for every rule, nested ones included, that applies to the direction."""
    return [
        (criterion, rule)
        for criterion in definition.eligibility
        if not criterion.directions or direction in criterion.directions
        for rule in c.walk_rules(criterion.rule)
    ]


def _definition_field(field: FieldDef, language: str) -> forms.Field:
    label = field.label.get(language)
    help_text = field.help.get(language) if field.help else ""
    common: dict[str, Any] = {"label": label, "required": False, "help_text": help_text}
    if field.type == FieldType.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=field.max_length or 20_000, **common)
    if field.type in (FieldType.NUMBER, FieldType.MONEY):
        return forms.DecimalField(min_value=field.min_value, max_value=field.max_value or 10**13, **common)
    if field.type == FieldType.DATE:
        return IsoDateField(**common)
    if field.type == FieldType.BUDGET:
        return BudgetField(field.budget_spec, **common)
    if field.type == FieldType.EMAIL:
        return forms.EmailField(**common)
    if field.type == FieldType.URL:
        return forms.URLField(assume_scheme="https", **common)
    if field.type == FieldType.BOOLEAN:
        return forms.BooleanField(**common)
    if field.type == FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *[(ch.value, ch.label.get(language)) for ch in field.choices]], **common)
    if field.type == FieldType.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(ch.value, ch.label.get(language)) for ch in field.choices], widget=forms.CheckboxSelectMultiple, **common
        )
    if field.type == FieldType.COUNTRY:
        return forms.ChoiceField(choices=[("", "—"), *_country_choices()], **common)
    return forms.CharField(max_length=field.max_length or 1000, **common)


_BOUND_NAMES = {
    "title": "title",
    "english_title": "english_title",
    "duration_months": "duration_months",
    "requested_yuan": "requested_yuan",
    "fields": "fields",
    "subtopics": "subtopics",
    "trl": "trl",
    "lead_matching_funds_yuan": "value__lead_matching_funds_yuan",
    "funder_grant_share_yuan": "value__funder_grant_share_yuan",
    "external_project_id": "external__project_id",
    "external_call_year": "external__call_year",
    "external_budget_yuan": "external__budget_yuan",
}


def _bound_field(target: str) -> forms.Field:
    if target in ("title", "english_title", "external_project_id"):
        return forms.CharField(max_length=300, required=False)
    if target == "fields":
        return forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple, required=False)
    if target == "trl":
        return forms.IntegerField(min_value=1, max_value=9, required=False)
    return forms.IntegerField(min_value=0, max_value=10**13, required=False)


def application_form(definition: CallDefinition, application: Application, data: Any = None) -> forms.Form:
    """The application's form: common fields, the call's own fields, declarations and what its rules ask about.

    Every field is optional while drafting (autosave keeps half-filled forms); the
    eligibility panel and the submit step say what is still missing.
    """
    language = translation.get_language() or "zh-hans"
    direction = application.direction.code if application.direction else None
    rules = _rules(definition, direction)
    kinds = {rule.kind for _, rule in rules}
    kind = definition.program.kind
    form = forms.Form(data=data)
    f = form.fields
    f["title"] = forms.CharField(label=_("Project name"), max_length=300, required=False)
    if kind == ProgramKind.GOVERNMENT_GRANT or "bilateral_submission" in kinds:
        f["english_title"] = forms.CharField(label=_("English title"), max_length=300, required=False)
    if kind in (ProgramKind.GOVERNMENT_GRANT,) or "duration" in kinds:
        f["duration_months"] = forms.IntegerField(label=_("Duration (months)"), min_value=1, max_value=1200, required=False)
    if kind == ProgramKind.GOVERNMENT_GRANT or "matching_funds" in kinds or "external_programme" in kinds:
        f["requested_yuan"] = forms.IntegerField(label=_("Requested grant (yuan)"), min_value=0, max_value=10**13, required=False)
    if "matching_funds" in kinds:
        f["value__lead_matching_funds_yuan"] = forms.IntegerField(
            label=_("Matching funds of the lead organisation (yuan)"), min_value=0, max_value=10**13, required=False
        )
    if any(r.kind == "matching_funds" and r.compare_with == "funder_share" for _, r in rules):
        f["value__funder_grant_share_yuan"] = forms.IntegerField(
            label=_("Part of the grant the matching funders receive (yuan)"), min_value=0, max_value=10**13, required=False
        )
    if application.direction is not None and application.direction.fields:
        f["fields"] = forms.MultipleChoiceField(
            label=_("Fields"),
            choices=[(text_get(x, "zh-hans"), text_get(x, language)) for x in application.direction.fields],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    if "subtopics" in kinds and any(getattr(r, "max", 0) for _, r in rules if r.kind == "subtopics"):
        f["subtopics"] = forms.IntegerField(label=_("Number of sub-topics"), min_value=0, max_value=100, required=False)
    if "trl" in kinds:
        f["trl"] = forms.IntegerField(label=_("Technology readiness level (TRL)"), min_value=1, max_value=9, required=False)
    for field in definition.form:
        if field.directions and direction not in field.directions:
            continue
        if field.binds is not None:
            # The call names (and explains) one of the application's own attributes.
            name = _BOUND_NAMES[field.binds]
            if name not in f and field.binds == "fields":
                continue  # the direction offers no fields to choose from
            if name not in f:
                f[name] = _bound_field(field.binds)
            f[name].label = field.label.get(language)
            if field.help:
                f[name].help_text = field.help.get(language)
            continue
        if field.type == FieldType.FILE:
            continue  # uploaded on its own (file_fields), kept as an attachment under its code
        f[f"value__{field.code}"] = _definition_field(field, language)
    if "external_programme" in kinds:
        f["external__project_id"] = forms.CharField(label=_("External project number"), max_length=100, required=False)
        f["external__call_year"] = forms.IntegerField(
            label=_("External call year"), min_value=2000, max_value=2100, required=False
        )
        f["external__budget_yuan"] = forms.IntegerField(
            label=_("Chinese partner's budget in the external project (yuan)"), min_value=0, max_value=10**13, required=False
        )
        f["external__associated_partner"] = forms.BooleanField(label=_("Listed as associated partner"), required=False)
    if "nomination" in kinds:
        routes = next(r.routes for _, r in rules if r.kind == "nomination")
        labels = {
            "self": _("Self-nomination"),
            "expert_recommendation": _("Expert recommendation"),
            "institution_recommendation": _("Institution recommendation"),
        }
        f["nomination_route"] = forms.ChoiceField(
            label=_("Nomination route"), choices=[("", "—"), *[(r, labels[r]) for r in routes]], required=False
        )
    if "entry_language" in kinds:
        f["entry_language"] = forms.ChoiceField(
            label=_("Language of the entry"), choices=[("", "—"), ("zh-hans", _("Chinese")), ("en", _("English"))], required=False
        )
        f["foreign_entry"] = forms.BooleanField(label=_("The entrant is from outside China"), required=False)
    if "negative_event" in kinds:
        years = next(r.years for _, r in rules if r.kind == "negative_event")
        f["negative_event"] = forms.TypedChoiceField(
            label=_("Serious negative events in the last %(years)s years") % {"years": years},
            choices=[("", "—"), ("false", _("None")), ("true", _("Yes, there was one"))],
            coerce=lambda v: v == "true",
            empty_value=None,
            required=False,
        )
    for criterion, rule in rules:
        if rule.kind == "declaration":
            f[f"declare__{criterion.code}"] = forms.BooleanField(label=rule.statement.get(language), required=False)
        if rule.kind == "field_choice" and rule.cover_all_content:
            # Bound to the field chosen (seed 003 2.9): saved as "<criterion>=<field>", so choosing
            # another field later needs the declaration again.
            chosen = list(application.fields)
            named = _field_label(application, chosen[0], language) if len(chosen) == 1 else str(_("the chosen field"))
            f[f"declare__{criterion.code}"] = forms.BooleanField(
                label=_("The project covers all the research content of %(field)s.") % {"field": named}, required=False
            )
    if data is None:
        form.initial = initial_values(application)
    return form


def file_fields(definition: CallDefinition, application: Application, attachments: list[Any]) -> list[dict[str, Any]]:
    """The call's file fields for the application's direction, each with its limits and what is uploaded."""
    language = translation.get_language() or "zh-hans"
    direction = application.direction.code if application.direction else None
    rows = []
    for field in definition.form:
        if field.type != FieldType.FILE or (field.directions and direction not in field.directions):
            continue
        formats = [f.value for f in field.formats] or ["pdf"]
        rows.append(
            {
                "code": field.code,
                "label": field.label.get(language),
                "help": field.help.get(language) if field.help else "",
                "section": field.section.get(language) if field.section else "",
                "required": field.required,
                "formats": formats,
                "accept": ",".join(f".{f}" for f in formats),
                "max_size_mb": field.max_size_mb or 20,
                "attachments": [a for a in attachments if a.document_code == field.code],
            }
        )
    return rows


def _field_label(application: Application, chosen: str, language: str) -> str:
    for name in application.direction.fields if application.direction is not None else []:
        if text_get(name, "zh-hans") == chosen:
            return f"“{text_get(name, language)}”"
    return f"“{chosen}”"


def _coverage_codes(definition: CallDefinition) -> set[str]:
    """Criteria whose declaration is bound to the chosen field."""
    return {
        x.code
        for x in definition.eligibility
        for r in c.walk_rules(x.rule)
        if isinstance(r, c.FieldChoiceRule) and r.cover_all_content
    }


def initial_values(application: Application) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": application.title,
        "english_title": application.english_title,
        "duration_months": application.duration_months,
        "requested_yuan": application.requested_yuan,
        "fields": application.fields,
        "subtopics": application.subtopics,
        "trl": application.trl,
        "nomination_route": application.nomination_route,
        "entry_language": application.entry_language,
        "foreign_entry": application.foreign_entry,
        "negative_event": "" if application.negative_event is None else str(application.negative_event).lower(),
    }
    for key, value in application.values.items():
        initial[f"value__{key}"] = value
    for code in application.declarations:
        code, _sep, field = code.partition("=")
        # A field-bound declaration holds only while that field is still the one chosen.
        initial[f"declare__{code}"] = not _sep or list(application.fields) == [field]
    for entry in application.external:
        initial["external__project_id"] = entry.get("project_id")
        initial["external__call_year"] = entry.get("call_year")
        initial["external__budget_yuan"] = entry.get("budget_yuan")
        initial["external__associated_partner"] = entry.get("role") == "associated_partner"
    return initial


def changes_from(form: forms.Form, definition: CallDefinition) -> dict[str, Any]:
    """The cleaned form as the ``changes`` save_draft takes."""
    data = form.cleaned_data
    changes: dict[str, Any] = {}
    values: dict[str, Any] = {}
    declarations: list[str] = []
    external: dict[str, Any] = {}
    for name, value in data.items():
        if name.startswith("value__"):
            values[name.removeprefix("value__")] = str(value) if hasattr(value, "as_tuple") else value
        elif name.startswith("declare__"):
            code = name.removeprefix("declare__")
            if value and code in _coverage_codes(definition):
                chosen = data.get("fields") or []
                if len(chosen) == 1:
                    declarations.append(f"{code}={chosen[0]}")
            elif value:
                declarations.append(code)
        elif name.startswith("external__"):
            external[name.removeprefix("external__")] = value
        elif name in ("title", "english_title", "nomination_route", "entry_language"):
            changes[name] = value or ""
        else:
            changes[name] = value
    if any(name.startswith("value__") for name in data):
        changes["values"] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
    changes["declarations"] = declarations
    if external:
        rule = next((r for x in definition.eligibility for r in [x.rule] if r.kind == "external_programme"), None)
        changes["external"] = [
            {
                "programme": rule.programme if rule else "external",
                "project_id": external.get("project_id") or None,
                "call_year": external.get("call_year"),
                "budget_yuan": external.get("budget_yuan"),
                "role": "associated_partner" if external.get("associated_partner") else None,
            }
        ]
    return changes


def _as_form_values(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [json.dumps(value, ensure_ascii=False)]  # a budget table, read back by its widget
    if isinstance(value, bool):
        if name == "negative_event":
            return [str(value).lower()]
        return ["on"] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def form_data_for(application: Application, changes: dict[str, Any]) -> QueryDict:
    """The application's current values with ``changes`` laid over them, as form data.

    The API takes changes as attributes (``title``, ``values``, ``declarations`` …); they go
    through the same form as the web page, so both validate alike.  Unknown keys raise KeyError.
    """
    allowed = {"title", "english_title", "duration_months", "requested_yuan", "fields", "subtopics", "trl", "values"}
    allowed |= {"declarations", "negative_event", "nomination_route", "entry_language", "foreign_entry", "external"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise KeyError(", ".join(unknown))
    merged: dict[str, Any] = dict(initial_values(application))
    for key, value in changes.items():
        if key == "values":
            if not isinstance(value, dict):
                raise TypeError("values")
            merged.update({f"value__{k}": v for k, v in value.items()})
        elif key == "declarations":
            if not isinstance(value, list):
                raise TypeError("declarations")
            merged = {k: v for k, v in merged.items() if not k.startswith("declare__")}
            merged.update({f"declare__{str(code).partition('=')[0]}": True for code in value})
        elif key == "external":
            if not isinstance(value, dict):
                raise TypeError("external")
            merged.update({f"external__{k}": v for k, v in value.items()})
        else:
            merged[key] = value
    data = QueryDict(mutable=True)
    for name, value in merged.items():
        if name == "negative_event" and value in ("true", "false", ""):
            data.setlist(name, [value] if value else [])
            continue
        data.setlist(name, _as_form_values(name, value))
    return data


def implied_form_fields(changes: dict[str, Any]) -> set[str]:
    """The form fields a set of API changes touches (to refuse what the call's form lacks)."""
    names: set[str] = set()
    for key, value in changes.items():
        if key == "values" and isinstance(value, dict):
            names |= {f"value__{k}" for k in value}
        elif key == "declarations" and isinstance(value, list):
            names |= {f"declare__{str(code).partition('=')[0]}" for code in value}
        elif key == "external" and isinstance(value, dict):
            names |= {f"external__{k}" for k in value}
        else:
            names.add(key)
    return names
