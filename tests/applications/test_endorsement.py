"""The institution's endorsement (依托单位审核): the bulk service, its workspace and what the applicant sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Organisation
from shenbao.accounts.services.accounts import add_membership
from shenbao.applications.enums import ApplicationState, EndorsementOutcome
from shenbao.applications.models import Application, EndorsementDecision
from shenbao.applications.services.endorsement import decide_endorsements
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import DomainError, NotAllowed
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import open_call
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def endorsement_call(db: Any) -> Call:
    call = open_call("000", code="endorsed-000")
    data = dict(call.definition)
    data["call"] = {**data["call"], "institution_endorsement": True}
    return load_call_definition(definition=parse_definition(data)).call


@pytest.fixture
def org() -> Organisation:
    return OrganisationFactory(name={"zh-hans": "依托大学", "en": "Host University"})


@pytest.fixture
def inst_officer(org: Organisation) -> Any:
    user = UserFactory()
    add_membership(user=user, organisation=org, role=MembershipRole.OFFICER)
    return user


def _states(*applications: Application) -> list[str]:
    return [Application.objects.get(pk=a.pk).state for a in applications]


def test_endorse_in_bulk_moves_every_application_and_records_each(
    endorsement_call: Call, org: Organisation, inst_officer: Any
) -> None:
    a = make_row(endorsement_call, receipt="E-1", organisation=org)
    b = make_row(endorsement_call, receipt="E-2", organisation=org)
    decisions = decide_endorsements(applications=[a, b], outcome=EndorsementOutcome.ENDORSE, actor=inst_officer)
    assert _states(a, b) == [ApplicationState.ENDORSED, ApplicationState.ENDORSED]
    assert [(d.application_id, d.outcome, d.reason, d.decided_by_id) for d in decisions] == [
        (a.pk, "endorse", "", inst_officer.pk),
        (b.pk, "endorse", "", inst_officer.pk),
    ]
    entries = AuditEntry.objects.filter(action="shenbao.application.endorsed").order_by("object_id")
    assert [(e.object_id, e.actor_id, e.data) for e in entries] == [
        (str(a.pk), inst_officer.pk, {"from": "submitted", "to": "endorsed", "endorsement": "endorse", "reason": ""}),
        (str(b.pk), inst_officer.pk, {"from": "submitted", "to": "endorsed", "endorsement": "endorse", "reason": ""}),
    ]


def test_return_needs_a_reason_and_then_returns_with_it(endorsement_call: Call, org: Organisation, inst_officer: Any) -> None:
    a = make_row(endorsement_call, receipt="E-1", organisation=org)
    with pytest.raises(DomainError) as caught:
        decide_endorsements(applications=[a], outcome=EndorsementOutcome.RETURN, reason="  ", actor=inst_officer)
    with translation.override("en"):
        assert str(caught.value) == "A returned application needs a reason, which the applicant will see."
    assert _states(a) == [ApplicationState.SUBMITTED]
    assert EndorsementDecision.objects.count() == 0
    decide_endorsements(applications=[a], outcome=EndorsementOutcome.RETURN, reason="预算表缺少签章", actor=inst_officer)
    assert _states(a) == [ApplicationState.RETURNED]
    assert list(EndorsementDecision.objects.values_list("outcome", "reason")) == [("return", "预算表缺少签章")]
    assert AuditEntry.objects.get(action="shenbao.application.returned").data["reason"] == "预算表缺少签章"


def test_bulk_is_all_or_none_when_one_application_is_not_the_officers(
    endorsement_call: Call, org: Organisation, inst_officer: Any
) -> None:
    mine = make_row(endorsement_call, receipt="E-1", organisation=org)
    theirs = make_row(endorsement_call, receipt="E-2")  # another organisation
    with pytest.raises(NotAllowed) as caught:
        decide_endorsements(applications=[mine, theirs], outcome=EndorsementOutcome.ENDORSE, actor=inst_officer)
    with translation.override("en"):
        assert str(caught.value) == "You may not decide the endorsement of these applications: E-2."
    assert _states(mine, theirs) == [ApplicationState.SUBMITTED, ApplicationState.SUBMITTED]
    assert EndorsementDecision.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="shenbao.application.").exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("already_endorsed", "These applications were already endorsed: E-1."),
        ("returned", "You may not decide the endorsement of these applications: E-1."),
        ("draft", "You may not decide the endorsement of these applications: E-1."),
        ("call_without_endorsement", "You may not decide the endorsement of these applications: E-1."),
        ("former_officer", "You may not decide the endorsement of these applications: E-1."),
        ("bad_outcome", "Choose whether to endorse or to return."),
        ("none", "Select at least one application."),
    ],
)
def test_refusals_change_nothing(endorsement_call: Call, org: Organisation, inst_officer: Any, case: str, message: str) -> None:
    state = {"already_endorsed": "endorsed", "returned": "returned", "draft": "draft"}.get(case, "submitted")
    call = open_call("000") if case == "call_without_endorsement" else endorsement_call
    a = make_row(call, receipt="E-1", organisation=org, state=state)
    if case == "former_officer":
        inst_officer.memberships.update(end_date="2026-01-01")
    outcome = "approve" if case == "bad_outcome" else EndorsementOutcome.ENDORSE
    with pytest.raises(DomainError) as caught:
        decide_endorsements(applications=[] if case == "none" else [a], outcome=outcome, actor=inst_officer)
    with translation.override("en"):
        assert str(caught.value) == message
    assert _states(a) == [state]
    assert EndorsementDecision.objects.count() == 0


def test_workspace_lists_the_institutions_waiting_applications_with_rule_results(
    client: Client, endorsement_call: Call, org: Organisation, inst_officer: Any
) -> None:
    waiting = make_row(endorsement_call, receipt="E-1", organisation=org, check=("pass", "needs_review"))
    make_row(endorsement_call, receipt="E-2", organisation=org, state="endorsed")
    make_row(endorsement_call, receipt="E-3")  # another organisation
    make_row(open_call("000"), receipt="E-4", organisation=org)  # a call that asks for no endorsement
    client.force_login(inst_officer)
    page = client.get(reverse("web:endorsement_queue"), headers=EN).content.decode()
    assert page.count('<tr data-application="') == 1
    assert f'<tr data-application="{waiting.pk}">' in page
    assert 'class="outcome-needs_review" data-rule="r1"' in page
    every = client.get(reverse("web:endorsement_queue") + "?show=all").content.decode()
    assert every.count('<tr data-application="') == 2
    assert reverse("web:endorsement_queue") in client.get(reverse("web:call_list")).content.decode()  # in the menu


def test_workspace_bulk_decision_and_the_applicant_sees_it(
    client: Client, endorsement_call: Call, org: Organisation, inst_officer: Any
) -> None:
    a = make_row(endorsement_call, receipt="E-1", organisation=org)
    b = make_row(endorsement_call, receipt="E-2", organisation=org)
    client.force_login(inst_officer)
    url = reverse("web:endorsement_decide")
    response = client.post(url, {"application": [a.pk, b.pk], "outcome": "return", "reason": ""}, headers=EN, follow=True)
    assert "A returned application needs a reason, which the applicant will see." in response.content.decode()
    assert _states(a, b) == ["submitted", "submitted"]
    client.post(url, {"application": [a.pk], "outcome": "return", "reason": "请补充合作协议"})
    client.post(url, {"application": [b.pk], "outcome": "endorse"})
    assert _states(a, b) == ["returned", "endorsed"]
    client.force_login(a.applicant)
    page = client.get(reverse("web:application", args=[a.pk]), headers=EN).content.decode()
    assert 'data-endorsement="return"' in page
    assert "Institution endorsement: Returned by the institution</strong> — 请补充合作协议" in page


def test_workspace_refuses_other_organisations_applications_and_non_officers(
    client: Client, endorsement_call: Call, org: Organisation, inst_officer: Any
) -> None:
    mine = make_row(endorsement_call, receipt="E-1", organisation=org)
    theirs = make_row(endorsement_call, receipt="E-2")
    client.force_login(inst_officer)
    response = client.post(
        reverse("web:endorsement_decide"), {"application": [mine.pk, theirs.pk], "outcome": "endorse"}, headers=EN, follow=True
    )
    assert "Select at least one application of your institution." in response.content.decode()
    assert _states(mine, theirs) == ["submitted", "submitted"]
    program_officer = UserFactory()
    grant_program_role(program=endorsement_call.program, user=program_officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    for user in (mine.applicant, program_officer):
        client.force_login(user)
        assert client.get(reverse("web:endorsement_queue")).status_code == 404
        assert client.post(reverse("web:endorsement_decide"), {"application": [mine.pk], "outcome": "endorse"}).status_code == 404
    client.logout()
    assert client.get(reverse("web:endorsement_queue")).status_code == 302
    assert _states(mine) == ["submitted"]


def test_workspace_query_count_does_not_grow_with_rows(
    client: Client, endorsement_call: Call, org: Organisation, inst_officer: Any
) -> None:
    make_row(endorsement_call, receipt="E-0", organisation=org, check=("warn",))
    client.force_login(inst_officer)
    url = reverse("web:endorsement_queue") + "?show=all"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(1, 5):
        application = make_row(endorsement_call, receipt=f"E-{i}", organisation=org, check=("fail",))
        if i % 2:
            decide_endorsements(applications=[application], outcome="return", reason="请补充", actor=inst_officer)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count('<tr data-application="') == 5
    assert len(five.captured_queries) == len(one.captured_queries)
