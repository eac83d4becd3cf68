"""The formal-check queue: filters, rule results, counts per direction, bulk decisions, permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.accounts.enums import Position
from shenbao.accounts.models import Organisation
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from tests.applications.fixtures import open_call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def _submitted(ready_application: Callable[..., Application], topic: str) -> Application:
    application = ready_application(topic)
    submit_application(application=application, actor=application.applicant)
    application.refresh_from_db()
    return application


def test_queue_lists_submitted_applications_with_counts_and_rule_results(
    client: Client, officer: Any, xiaomi_call: Call, ready_application: Callable[..., Application]
) -> None:
    first = _submitted(ready_application, "XM-T1")
    second = _submitted(ready_application, "XM-T2")  # the applicant's second: a warning
    ready_application("XM-T1")  # a draft is not in the queue
    client.force_login(officer)
    page = client.get(reverse("web:formal_check", args=[xiaomi_call.code]), headers=EN).content.decode()
    assert page.count('<tr data-application="') == 2
    assert f'data-application="{first.pk}"' in page and f'data-application="{second.pk}"' in page
    assert 'data-rule="applications-per-applicant"' in page
    assert "This is application 2; 1 is recommended." in page
    counts = page.split('class="counts"')[1].split("</table>")[0]
    assert '<tr data-direction="XM-T1"><td>XM-T1' in counts
    assert '<td class="num submitted">1</td>' in counts
    filtered = client.get(reverse("web:formal_check", args=[xiaomi_call.code]) + "?direction=XM-T2").content.decode()
    assert filtered.count('<tr data-application="') == 1


def test_bulk_decisions_need_a_reason_to_fail_or_return(
    client: Client, officer: Any, xiaomi_call: Call, ready_application: Callable[..., Application]
) -> None:
    a = _submitted(ready_application, "XM-T1")
    b = _submitted(ready_application, "XM-T2")
    client.force_login(officer)
    url = reverse("web:formal_check_decide", args=[xiaomi_call.code])
    response = client.post(url, {"application": [a.pk, b.pk], "outcome": "return", "reason": ""}, headers=EN, follow=True)
    assert "A failed or returned application needs a reason" in response.content.decode()
    assert Application.objects.get(pk=a.pk).state == ApplicationState.SUBMITTED
    client.post(url, {"application": [a.pk], "outcome": "return", "reason": "申报表缺少签字"})
    client.post(url, {"application": [b.pk], "outcome": "pass"})
    assert Application.objects.get(pk=a.pk).state == ApplicationState.RETURNED
    assert Application.objects.get(pk=b.pk).state == ApplicationState.CHECK_PASSED
    client.force_login(a.applicant)
    assert "申报表缺少签字" in client.get(reverse("web:application", args=[a.pk])).content.decode()


@pytest.mark.parametrize(("who", "status"), [("applicant", 404), ("staff_of_another_program", 404), ("officer", 200)])
def test_queue_is_only_for_the_programs_staff(
    client: Client, officer: Any, xiaomi_call: Call, ready_application: Callable[..., Application], who: str, status: int
) -> None:
    application = _submitted(ready_application, "XM-T1")
    other = UserFactory()
    grant_program_role(program=open_call("004", code="other-004").program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    client.force_login({"applicant": application.applicant, "staff_of_another_program": other, "officer": officer}[who])
    assert client.get(reverse("web:formal_check", args=[xiaomi_call.code])).status_code == status
    response = client.post(
        reverse("web:formal_check_decide", args=[xiaomi_call.code]), {"application": [application.pk], "outcome": "pass"}
    )
    assert response.status_code == (302 if who == "officer" else 404)
    application.refresh_from_db()
    assert application.state == (ApplicationState.CHECK_PASSED if who == "officer" else ApplicationState.SUBMITTED)


def test_queue_query_count_does_not_grow_with_applications(
    client: Client, officer: Any, xiaomi_call: Call, ready_application: Callable[..., Application], university: Organisation
) -> None:
    _submitted(ready_application, "XM-T1")
    client.force_login(officer)
    url = reverse("web:formal_check", args=[xiaomi_call.code])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(3):
        user = register_user(
            email=f"more{i}@example.com",
            password=None,
            name=f"申请人{i}",
            birth_date=dt.date(1990, 1, 1),
            position=Position.FACULTY,
            overseas_employment=False,
        )
        add_membership(user=user, organisation=university)
        application = ready_application("XM-T2", user=user)
        submit_application(application=application, actor=user)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert page.count('<tr data-application="') == 4
    assert len(four.captured_queries) == len(one.captured_queries)
