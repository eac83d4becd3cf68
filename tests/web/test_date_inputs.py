"""Dates round-trip through every web form in both languages (issue 13.7) and the profile page
opens for an account without a person record (issue 13.8)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

import shenbao.web
from shenbao.accounts.models import Organisation, Person, User
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.calls.queries.definitions import current_definition
from shenbao.web.applicant.forms import AttachmentDetailsForm, PartnerForm, ProfileForm, application_form
from shenbao.web.widgets import IsoDateInput, IsoDateTimeInput
from tests.applications.fixtures import open_call

pytestmark = pytest.mark.django_db
LANGUAGES = ["zh-hans", "en"]
BIRTH = dt.date(1988, 6, 1)

#: A call definition's form field of type date (seed 000 has none of its own).
DATE_FIELD = {"code": "founded", "label": {"zh-hans": "成立日期", "en": "Founded on"}, "type": "date"}


def _with_date_field(data: dict[str, Any]) -> None:
    data["form"].append(DATE_FIELD)


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    assert chosen is not None, name
    return chosen.group(1)


def _value_of(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag is not None, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_widgets_render_iso_in_every_language(language: str) -> None:
    partner = PartnerForm(networks=[("ras", "RAS")])
    fields = [
        ProfileForm()["birth_date"],
        partner["registered_on"],
        partner["affiliation_valid_until"],
        AttachmentDetailsForm()["signed_on"],
    ]
    with translation.override(language):
        for field in fields:
            rendered = field.field.widget.render("x", BIRTH)
            assert 'type="date"' in rendered, field.name
            assert 'value="1988-06-01"' in rendered, field.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_datetime_widget_renders_datetime_local_in_every_language(language: str) -> None:
    with translation.override(language):
        rendered = IsoDateTimeInput().render("at", dt.datetime(2026, 12, 3, 9, 30))
    assert 'type="datetime-local"' in rendered
    assert 'value="2026-12-03T09:30"' in rendered


def _form_classes() -> list[type[forms.BaseForm]]:
    found: list[type[forms.BaseForm]] = []
    for module_info in pkgutil.walk_packages(shenbao.web.__path__, "shenbao.web."):
        module = importlib.import_module(module_info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def test_every_date_field_of_the_web_forms_uses_an_iso_widget() -> None:
    """A new DateField with Django's default widget would render ``1988/06/01`` in Chinese again."""
    classes = _form_classes()
    assert ProfileForm in classes
    wrong = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateTimeField | forms.DateField)
        and not isinstance(field.widget, IsoDateInput | IsoDateTimeInput)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_generated_form_date_field_renders_iso_and_saves_back_unchanged(
    language: str, scholar: User, university: Organisation
) -> None:
    call = open_call("000", edit=_with_date_field)
    application = start_application(call=call, direction=call.directions.first(), applicant=scholar, lead_organisation=university)
    application = save_draft(
        application=application, changes={"values": {"founded": "2001-09-10"}}, expected_version=1, actor=scholar
    )
    definition = current_definition(call)
    with translation.override(language):
        form = application_form(definition, application)
        rendered = str(form["value__founded"])
        assert 'type="date"' in rendered
        assert 'value="2001-09-10"' in rendered
        bound = application_form(definition, application, data={"value__founded": "2001-09-10"})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["value__founded"] == dt.date(2001, 9, 10)


@pytest.mark.parametrize("language", LANGUAGES)
def test_profile_saved_unchanged_keeps_the_date_of_birth(language: str, client: Client, scholar: User) -> None:
    """The regression of 13.7: in Chinese the page rendered ``1988/06/01`` and the saved profile lost it."""
    client.force_login(scholar)
    headers = {"accept-language": language}
    page = client.get(reverse("web:profile"), headers=headers).content.decode()
    assert _value_of(page, "p-birth_date") == "1988-06-01"
    before = Person.objects.values().get(user=scholar)
    data = {
        "p-name": _value_of(page, "p-name"),
        "p-name_en": _value_of(page, "p-name_en") or "",
        "p-birth_date": _value_of(page, "p-birth_date"),
        "p-position": before["position"],
        "p-employment_type": before["employment_type"],
        "p-title": _value_of(page, "p-title") or "",
        "p-expertise_keywords": _value_of(page, "p-expertise_keywords") or "",
        "p-expertise_text": before["expertise_text"],
        "p-organisation": str(scholar.memberships.get().organisation_id),
        "p-overseas_employment": _selected(page, "p-overseas_employment"),
    }
    response = client.post(reverse("web:profile"), data, headers=headers)
    assert response.status_code == 302
    after = Person.objects.values().get(user=scholar)
    assert after["birth_date"] == BIRTH
    assert {k: v for k, v in after.items() if k != "updated_at"} == {k: v for k, v in before.items() if k != "updated_at"}


def test_profile_page_for_an_account_without_a_person_shows_an_empty_form(client: Client) -> None:
    """The regression of 13.8: the demo admin (createsuperuser, no person) got a 500."""
    admin = User.objects.create_superuser(email="admin@example.com", password="pass-Word-123", display_name="管理员")
    client.force_login(admin)
    response = client.get(reverse("web:profile"))
    assert response.status_code == 200
    page = response.content.decode()
    assert _value_of(page, "p-name") == "管理员"
    assert _value_of(page, "p-birth_date") is None
    assert not Person.objects.filter(user=admin).exists()


def test_saving_the_profile_of_an_account_without_a_person_creates_it(client: Client) -> None:
    admin = User.objects.create_superuser(email="admin@example.com", password="pass-Word-123", display_name="管理员")
    client.force_login(admin)
    response = client.post(
        reverse("web:profile"),
        {"p-name": "管理员", "p-birth_date": "1970-01-02", "p-position": "other", "p-employment_type": "full_time"},
    )
    assert response.status_code == 302
    person = Person.objects.get(user=admin)
    assert (person.name, person.birth_date) == ("管理员", dt.date(1970, 1, 2))
