"""Issue 12 through the applications: the facts other applications give, and the forms that collect them."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps

from shenbao.accounts.enums import OrgType
from shenbao.accounts.models import Organisation, Person, User
from shenbao.accounts.services.accounts import create_organisation, register_user, update_profile
from shenbao.applications.enums import ApplicationState
from shenbao.applications.facts import application_facts, check_application, missing_required_fields
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.parts import add_partner
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.eligibility.engine import Outcome
from shenbao.web.applicant.forms import (
    PartnerForm,
    ProfileForm,
    application_form,
    changes_from,
    initial_values,
    partner_fields,
)
from tests.applications.fixtures import open_call
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def call_003(db: Any) -> Call:
    return open_call("003")


def _org(name: str) -> Organisation:
    return create_organisation(name={"zh-hans": name}, type=OrgType.UNIVERSITY)


def _person() -> User:
    return PersonFactory().user  # type: ignore[no-any-return]


def _application(
    call: Call,
    direction: str,
    applicant: User,
    lead: Organisation,
    partner: str = "Cairo University",
    country: str = "EG",
    state: ApplicationState | None = ApplicationState.SUBMITTED,
) -> Application:
    application = start_application(
        call=call, direction=call.directions.get(code=direction), applicant=applicant, lead_organisation=lead
    )
    add_partner(application=application, actor=applicant, side="foreign", name=partner, type="university", country=country)
    if state is not None:
        # Test set-up: the state another application has reached, without walking it through the lifecycle.
        Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def _outcome(application: Application, criterion: str) -> tuple[Outcome, str]:
    result = {r.code: r for r in check_application(application)}[criterion]
    return result.outcome, result.reasons[0].code


# -- 1.5 / 1.6 exclusivity and the per-country cap ---------------------------------------------------


def test_exclusivity_never_refuses_applicant_b_because_of_applicant_a(call_003: Call) -> None:
    _application(call_003, "1.5", _person(), _org("甲大学"))
    b_draft = _application(call_003, "1.6", _person(), _org("乙大学"), partner="Ain Shams University", state=None)
    assert _outcome(b_draft, "exclusive-1.5-1.6") == (Outcome.PASS, "exclusivity_ok")


def test_exclusivity_refuses_the_same_applicant_in_both_directions(call_003: Call) -> None:
    applicant, lead = _person(), _org("甲大学")
    _application(call_003, "1.5", applicant, lead)
    second = _application(call_003, "1.6", applicant, lead, partner="Ain Shams University", state=None)
    assert _outcome(second, "exclusive-1.5-1.6") == (Outcome.FAIL, "country_used_in_other_direction")


def test_exclusivity_refuses_the_same_partner_pair_through_another_applicant(call_003: Call) -> None:
    lead = _org("甲大学")
    _application(call_003, "1.5", _person(), lead, partner="Cairo University")
    colleague = _application(call_003, "1.6", _person(), lead, partner=" cairo university ", state=None)
    assert _outcome(colleague, "exclusive-1.5-1.6") == (Outcome.FAIL, "country_used_in_other_direction")


@pytest.mark.parametrize("state", [ApplicationState.CHECK_FAILED, ApplicationState.WITHDRAWN, ApplicationState.DRAFT])
def test_exclusivity_ignores_failed_withdrawn_and_draft_applications(call_003: Call, state: ApplicationState) -> None:
    applicant, lead = _person(), _org("甲大学")
    _application(call_003, "1.5", applicant, lead, state=state)
    second = _application(call_003, "1.6", applicant, lead, state=None)
    assert _outcome(second, "exclusive-1.5-1.6") == (Outcome.PASS, "exclusivity_ok")


def test_same_country_in_1_5_warns_applicant_b_and_never_blocks_submission(call_003: Call) -> None:
    _application(call_003, "1.5", _person(), _org("甲大学"))
    b_draft = _application(call_003, "1.5", _person(), _org("乙大学"), partner="Ain Shams University", state=None)
    assert _outcome(b_draft, "per-country-1.5") == (Outcome.WARN, "country_taken_in_direction")
    facts = application_facts(b_draft, current_definition(call_003))
    assert facts.context.direction_country_counts == {"EG": 1}


@pytest.mark.parametrize("state", [ApplicationState.CHECK_FAILED, ApplicationState.WITHDRAWN])
def test_same_country_cap_does_not_count_failed_or_withdrawn(call_003: Call, state: ApplicationState) -> None:
    _application(call_003, "1.5", _person(), _org("甲大学"), state=state)
    b_draft = _application(call_003, "1.5", _person(), _org("乙大学"), partner="Ain Shams University", state=None)
    assert _outcome(b_draft, "per-country-1.5") == (Outcome.PASS, "country_not_taken")


# -- 1.3: the enterprise's share of the grant, entered on the form -----------------------------------


def test_enterprise_share_1_3_is_asked_required_and_read_into_the_facts(call_003: Call) -> None:
    applicant = _person()
    draft = _application(call_003, "1.3", applicant, _org("甲大学"), state=None)
    definition = current_definition(call_003)
    assert "enterprise_grant_share" in [f.code for f in missing_required_fields(draft, definition)]
    form = application_form(definition, draft, data={"value__funder_grant_share_yuan": "600000", "requested_yuan": "2500000"})
    assert form.is_valid(), form.errors
    assert str(form.fields["value__funder_grant_share_yuan"].label) == "中方企业获得的国拨经费（元）"
    save_draft(application=draft, changes=changes_from(form, definition), expected_version=draft.version, actor=applicant)
    draft.refresh_from_db()
    assert application_facts(draft, definition).funder_grant_share_yuan == 600_000
    assert "enterprise_grant_share" not in [f.code for f in missing_required_fields(draft, definition)]


# -- 2.3: the Horizon status question -------------------------------------------------------------


def test_horizon_status_2_3_decides_whether_the_grant_agreement_is_needed(call_003: Call) -> None:
    applicant = _person()
    draft = _application(call_003, "2.3", applicant, _org("甲大学"), partner="KU Leuven", country="BE", state=None)
    definition = current_definition(call_003)
    assert _outcome(draft, "doc-rule-horizon-grant-agreement") == (Outcome.FAIL, "document_condition_missing")
    for status, expected in (("applied", (Outcome.PASS, "document_not_needed")), ("funded", (Outcome.FAIL, "document_missing"))):
        form = application_form(definition, draft, data={"value__horizon_status": status})
        assert form.is_valid(), form.errors
        save_draft(application=draft, changes=changes_from(form, definition), expected_version=draft.version, actor=applicant)
        draft.refresh_from_db()
        assert _outcome(draft, "doc-rule-horizon-grant-agreement") == expected


# -- 2.9: the coverage declaration is bound to the chosen field ------------------------------------


def test_coverage_declaration_2_9_names_and_binds_the_chosen_field(call_003: Call) -> None:
    applicant = _person()
    draft = _application(call_003, "2.9", applicant, _org("甲大学"), partner="Lebedev Institute", country="RU", state=None)
    definition = current_definition(call_003)
    fields = [f["zh-hans"] for f in draft.direction.fields]  # type: ignore[union-attr]
    form = application_form(definition, draft, data={"fields": [fields[2]], "declare__field-choice-2.9": "on"})
    assert form.is_valid(), form.errors
    changes = changes_from(form, definition)
    assert f"field-choice-2.9={fields[2]}" in changes["declarations"]
    save_draft(application=draft, changes=changes, expected_version=draft.version, actor=applicant)
    draft.refresh_from_db()
    assert _outcome(draft, "field-choice-2.9") == (Outcome.PASS, "field_coverage_declared")
    label = str(application_form(definition, draft).fields["declare__field-choice-2.9"].label)
    assert label == "本项目涵盖“核聚变伽马射线诊断关键技术研究”的全部研究内容。"
    # choosing another field leaves the declaration unconfirmed until it is made again
    save_draft(application=draft, changes={"fields": [fields[0]]}, expected_version=draft.version, actor=applicant)
    draft.refresh_from_db()
    assert initial_values(draft)["declare__field-choice-2.9"] is False
    assert _outcome(draft, "field-choice-2.9") == (Outcome.FAIL, "field_coverage_not_declared")


def test_coverage_declaration_2_9_unchecked_is_not_recorded(call_003: Call) -> None:
    draft = _application(call_003, "2.9", _person(), _org("甲大学"), partner="Lebedev Institute", country="RU", state=None)
    definition = current_definition(call_003)
    fields = [f["zh-hans"] for f in draft.direction.fields]  # type: ignore[union-attr]
    form = application_form(definition, draft, data={"fields": [fields[0]]})
    assert form.is_valid(), form.errors
    assert [d for d in changes_from(form, definition)["declarations"] if d.startswith("field-choice-2.9")] == []


# -- 2.4: whether the CNR partner's people are external --------------------------------------------


def test_cnr_partner_form_asks_whether_its_people_are_external(call_003: Call) -> None:
    networks = [("cnr", "CNR")]
    data = {"side": "foreign", "name": "CNR-ISMAR", "type": "research_institute", "country": "IT", "networks": ["cnr"]}
    unanswered = PartnerForm(data, networks=networks)
    assert unanswered.is_valid(), unanswered.errors
    assert partner_fields(unanswered.cleaned_data)["external_affiliation"] is None
    staff = PartnerForm({**data, "external_affiliation": "false"}, networks=networks)
    assert staff.is_valid() and partner_fields(staff.cleaned_data)["external_affiliation"] is False
    assert "external_affiliation" not in PartnerForm(networks=[]).fields

    applicant = _person()
    draft = start_application(
        call=call_003, direction=call_003.directions.get(code="2.4"), applicant=applicant, lead_organisation=_org("甲大学")
    )
    add_partner(application=draft, actor=applicant, **partner_fields(staff.cleaned_data))
    assert _outcome(draft, "cnr-affiliation-2.4") == (Outcome.PASS, "affiliation_not_needed")


# -- overseas employment: not answered is not "no" -------------------------------------------------


def test_new_account_has_not_answered_overseas_employment(db: Any) -> None:
    user = register_user(email="new@example.com", password=None, name="新用户")
    assert user.person.overseas_employment is None


@pytest.mark.parametrize(("given", "stored"), [(None, None), ("unknown", None), ("true", True), ("false", False)])
def test_profile_form_keeps_overseas_employment_tri_state(db: Any, given: str | None, stored: bool | None) -> None:
    data = {"p-name": "张三", "p-position": "faculty", "p-employment_type": "full_time"}
    if given is not None:
        data["p-overseas_employment"] = given
    form = ProfileForm(data, prefix="p")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["overseas_employment"] is stored
    user = UserFactory()
    person = update_profile(user=user, name="张三", overseas_employment=form.cleaned_data["overseas_employment"])
    person.refresh_from_db()
    assert person.overseas_employment is stored


def test_profile_form_shows_an_explicit_no_as_no(db: Any) -> None:
    html = str(ProfileForm(initial={"overseas_employment": False}, prefix="p")["overseas_employment"])
    assert '<option value="false" selected>' in html
    html = str(ProfileForm(initial={"overseas_employment": None}, prefix="p")["overseas_employment"])
    assert '<option value="unknown" selected>' in html


def test_seed_000_applicant_who_never_answered_fails_at_the_check(
    ready_application: Any, scholar: User, xiaomi_call: Call
) -> None:
    Person.objects.filter(user=scholar).update(overseas_employment=None)
    application = ready_application()
    assert _outcome(application, "no-overseas-employment") == (Outcome.FAIL, "overseas_employment_missing")


def test_migration_keeps_yes_and_chosen_no_and_unsets_default_no(db: Any) -> None:
    migration = importlib.import_module("shenbao.accounts.migrations.0002_overseas_employment_unanswered")
    yes, chosen_no, default_no = (PersonFactory() for _ in range(3))
    Person.objects.filter(pk=yes.pk).update(overseas_employment=True)
    Person.objects.filter(pk__in=[chosen_no.pk, default_no.pk]).update(overseas_employment=False)
    # the person said "yes" once and changed it to "no": the log names the field
    log_action(action="shenbao.user.profile_updated", obj=chosen_no.user, data={"fields": ["overseas_employment"]})
    log_action(action="shenbao.user.profile_updated", obj=default_no.user, data={"fields": ["name"]})
    migration.unanswered_unless_chosen(django_apps, None)
    stored = dict(Person.objects.filter(pk__in=[yes.pk, chosen_no.pk, default_no.pk]).values_list("pk", "overseas_employment"))
    assert stored == {yes.pk: True, chosen_no.pk: False, default_no.pk: None}
