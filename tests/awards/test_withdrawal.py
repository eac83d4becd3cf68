"""Withdrawal once selection has touched an application (issue 13.1): refused after the results are
published (web and API), and before publication the application leaves consideration."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call, ReviewStage
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.e2e.test_review_flows import staff
from tests.reviews.fixtures import add_expert, checked_application, score_all

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
REFUSED = "The results of this call have been published: the application can no longer be withdrawn."


@pytest.fixture
def approved(db: None) -> dict[str, Any]:
    """Two reviewed applications, both selected in an approved (not yet published) run."""
    call = open_call("000", code="withdraw-000")
    officer = staff(call)
    apps = [checked_application(call, direction="XM-T1", title=t, email=f"pi{i}@example.com") for i, t in enumerate(["甲", "乙"])]
    close_submissions(call)
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    open_stage(stage=stage, actor=officer)
    add_expert(call, "e@example.com", officer=officer)
    run_assignment(stage=stage, actor=officer, k=1)
    for i, a in enumerate(Assignment.objects.filter(stage=stage).order_by("application_id")):
        score_all(a, 9 - i)
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    assert Award.objects.filter(call=call).count() == 2
    return {"call": call, "officer": officer, "apps": apps}


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_awarded_application_cannot_be_withdrawn_on_the_web_after_publication(client: Client, approved: dict[str, Any]) -> None:
    """Regression: an awarded application was withdrawn and stayed awarded."""
    publish_results(call=approved["call"], actor=approved["officer"])
    application: Application = approved["apps"][0]
    client.force_login(application.applicant)
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert reverse("web:application_withdraw", args=[application.pk]) not in page
    response = client.post(
        reverse("web:application_withdraw", args=[application.pk]), {"reason": "不做了"}, headers=EN, follow=True
    )
    assert REFUSED in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.CHECK_PASSED
    assert application.award.status == AwardStatus.PUBLISHED
    assert not AuditEntry.objects.filter(action="shenbao.application.withdrawn").exists()


def test_awarded_application_cannot_be_withdrawn_through_the_api_after_publication(approved: dict[str, Any]) -> None:
    publish_results(call=approved["call"], actor=approved["officer"])
    application: Application = approved["apps"][1]
    response = _api(application.applicant).post(
        f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "不做了"}, format="json", headers=EN
    )
    assert (response.status_code, response.json()["code"]) == (400, "withdrawal_refused")
    assert response.json()["detail"].startswith(REFUSED)
    application.refresh_from_db()
    assert application.state == ApplicationState.CHECK_PASSED
    assert application.award.status == AwardStatus.PUBLISHED


def test_withdrawal_before_publication_removes_the_unpublished_award(approved: dict[str, Any]) -> None:
    application: Application = approved["apps"][0]
    response = _api(application.applicant).post(
        f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "另有安排"}, format="json"
    )
    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")
    assert not Award.objects.filter(application=application).exists()
    entry = AuditEntry.objects.get(action="shenbao.selection.award_withdrawn")
    assert (entry.data["application"], entry.data["reason"]) == (application.pk, "另有安排")
    # The withdrawn application is out of every later selection.
    run = run_selection(call=Call.objects.get(pk=approved["call"].pk), actor=approved["officer"])
    assert [s["application"] for s in run.result["selected"]] == [approved["apps"][1].pk]
    publish_results(call=approved["call"], actor=approved["officer"])
    assert list(Award.objects.filter(call=approved["call"]).values_list("application_id", flat=True)) == [approved["apps"][1].pk]


def test_withdrawal_before_publication_on_the_web(client: Client, approved: dict[str, Any]) -> None:
    application: Application = approved["apps"][1]
    client.force_login(application.applicant)
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert reverse("web:application_withdraw", args=[application.pk]) in page
    client.post(reverse("web:application_withdraw", args=[application.pk]), {"reason": "另有安排"}, headers=EN)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN
    assert not Award.objects.filter(application=application).exists()
