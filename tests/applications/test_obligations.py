"""Seed 000 "方案评审前不组织交流": the call's undertaking is shown on the call page, on the application
page after submission and in the receipt mail; the program's staff record a breach with a reason
(audited, shown on the application's page to staff), and nobody else can."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from shenbao.accounts.models import Organisation, User
from shenbao.applications.models import Application, ObligationBreach
from shenbao.applications.services.obligations import mark_obligation_breached
from shenbao.applications.services.submission import submit_application
from shenbao.calls.definition.load import DefinitionInvalid, parse_definition, parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.models import Call
from shenbao.core.audit import ACTION_LABELS
from shenbao.core.errors import DomainError, NotAllowed
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import matrix_users
from tests.conftest import seed_data
from tests.reviews.fixtures import add_expert

NO_CONTACT_ZH = "方案评审前不组织交流：评审结束前，小米集团及其出题业务团队、评审专家不与申请者进行交流"


def test_seed_000_declares_no_contact_before_the_review_binding_the_funder_and_its_reviewers() -> None:
    obligations = parse_file(SEED_FILES["000"]).obligations
    assert [(o.code, [p.value for p in o.binds]) for o in obligations] == [("no-contact-before-review", ["funder", "reviewers"])]
    assert obligations[0].text.zh_hans.startswith(NO_CONTACT_ZH)
    assert obligations[0].text.en.startswith("No exchange is organised before the review.")


def test_an_obligation_needs_a_unique_code_and_someone_it_binds() -> None:
    data = seed_data("000")
    data["obligations"].append(dict(data["obligations"][0]))
    with pytest.raises(DefinitionInvalid) as duplicate:
        parse_definition(data)
    assert str(duplicate.value) == "obligations: duplicate code"
    data = seed_data("000")
    data["obligations"][0]["binds"] = []
    with pytest.raises(DefinitionInvalid) as nobody:
        parse_definition(data)
    assert [e.path for e in nobody.value.errors] == ["obligations.0.binds"]


def test_the_call_page_shows_the_undertaking(xiaomi_call: Call, client: Client) -> None:
    page = client.get(f"/calls/{xiaomi_call.code}/").content.decode()
    assert 'data-obligation="no-contact-before-review"' in page
    assert NO_CONTACT_ZH in page and "约束对象：资助方, 评审专家" in page


def test_the_receipt_page_and_mail_show_the_undertaking(
    ready_application: Callable[..., Application], scholar: User, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    application = ready_application()
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application=application, actor=scholar)
    assert len(mail.outbox) == 1
    assert "本征集的承诺事项:\n- " + NO_CONTACT_ZH in mail.outbox[0].body
    client.force_login(scholar)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert NO_CONTACT_ZH in page
    # The applicant sees the undertaking, not the staff's breach form or records.
    assert "记录违反承诺" not in page and "已记录的违反承诺情况" not in page


@pytest.fixture
def roles(ready_application: Callable[..., Application], university: Organisation) -> dict[str, Any]:
    """Everyone of the permission matrix (the team is invited while the application is a draft), and
    the application, submitted."""
    application = ready_application()
    users: dict[str, Any] = matrix_users(application, university)
    users["reviewer"] = add_expert(application.call, "reviewer@example.com", officer=users["program_officer"])
    submit_application(application=application, actor=application.applicant)
    application.refresh_from_db()
    users["application"] = application
    return users


@pytest.fixture
def submitted(roles: dict[str, Any]) -> Application:
    application: Application = roles["application"]
    return application


def test_staff_record_a_breach_with_its_reason_audited_and_shown_on_the_staff_page(
    submitted: Application, roles: dict[str, Any], client: Client
) -> None:
    staff = roles["program_officer"]
    breach = mark_obligation_breached(
        application=submitted, obligation="no-contact-before-review", reason=" 出题团队评审前约见申请人 ", actor=staff
    )
    assert (breach.application, breach.obligation, breach.reason, breach.recorded_by) == (
        submitted,
        "no-contact-before-review",
        "出题团队评审前约见申请人",
        staff,
    )
    entry = AuditEntry.objects.get(action="shenbao.application.obligation_breached")
    assert (entry.actor, entry.data) == (staff, {"obligation": "no-contact-before-review", "reason": "出题团队评审前约见申请人"})
    assert "shenbao.application.obligation_breached" in ACTION_LABELS
    client.force_login(staff)
    page = client.get(f"/applications/{submitted.pk}/").content.decode()
    assert 'data-breach="no-contact-before-review"' in page and "出题团队评审前约见申请人" in page
    assert f'action="/applications/{submitted.pk}/obligations/breach/"' in page


def test_a_breach_without_a_reason_or_of_an_unknown_undertaking_is_refused(submitted: Application, roles: dict[str, Any]) -> None:
    staff = roles["program_officer"]
    with pytest.raises(DomainError) as no_reason:
        mark_obligation_breached(application=submitted, obligation="no-contact-before-review", reason="  ", actor=staff)
    assert str(no_reason.value) == "请说明记录违反承诺的理由。"
    with pytest.raises(DomainError) as unknown:
        mark_obligation_breached(application=submitted, obligation="no-gifts", reason="送礼", actor=staff)
    assert str(unknown.value) == "本征集未规定该承诺事项。"
    assert not ObligationBreach.objects.exists()
    assert not AuditEntry.objects.filter(action="shenbao.application.obligation_breached").exists()


def test_a_breach_recorded_by_anyone_but_the_program_s_staff_is_refused(submitted: Application, roles: dict[str, Any]) -> None:
    for who in ("applicant", "reviewer", "institution_officer", "staff_of_another_program"):
        with pytest.raises(NotAllowed):
            mark_obligation_breached(
                application=submitted, obligation="no-contact-before-review", reason="理由", actor=roles[who]
            )
    assert not ObligationBreach.objects.exists()


MATRIX = {
    "anonymous": 302,  # to the login page
    "applicant": 404,
    "team_member": 404,
    "other_applicant": 404,
    "reviewer": 404,
    "institution_officer": 404,
    "staff_of_another_program": 404,
    "program_officer": 302,  # recorded, back to the application
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_recording_a_breach_permission_matrix(submitted: Application, roles: dict[str, Any], client: Client, who: str) -> None:
    if roles[who] is not None:
        client.force_login(roles[who])
    response = client.post(
        f"/applications/{submitted.pk}/obligations/breach/", {"obligation": "no-contact-before-review", "reason": "评审前联系"}
    )
    assert response.status_code == MATRIX[who]
    recorded = list(ObligationBreach.objects.values_list("obligation", "reason", "recorded_by"))
    if who == "program_officer":
        assert response["Location"] == f"/applications/{submitted.pk}/"
        assert recorded == [("no-contact-before-review", "评审前联系", roles[who].pk)]
    else:
        assert recorded == []
        assert not AuditEntry.objects.filter(action="shenbao.application.obligation_breached").exists()
        if who == "anonymous":
            assert response["Location"].startswith("/accounts/login/")


def test_the_staff_form_without_a_reason_records_nothing_and_says_why(
    submitted: Application, roles: dict[str, Any], client: Client
) -> None:
    client.force_login(roles["program_officer"])
    response = client.post(
        f"/applications/{submitted.pk}/obligations/breach/", {"obligation": "no-contact-before-review", "reason": ""}, follow=True
    )
    assert "请说明记录违反承诺的理由。" in response.content.decode()
    assert not ObligationBreach.objects.exists()
