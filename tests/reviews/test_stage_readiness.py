"""Nothing runs ahead of the deadline (issue 13.2): each stage says what it needs, the services
refuse with the reason, the staff pages disable the action and say why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from shenbao.awards.models import SelectionRun
from shenbao.awards.queries.readiness import agreements_readiness, publication_readiness, review_readiness, selection_readiness
from shenbao.awards.services.selection import run_selection
from shenbao.calls.errors import StageNotYetPossible
from shenbao.calls.models import Call, ReviewStage
from shenbao.reviews.models import StageEntry
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.e2e.test_review_flows import staff
from tests.reviews.fixtures import checked_application

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
STILL_OPEN = "Applications are still being submitted until the deadline"


def _open_call_with_an_application() -> tuple[Call, ReviewStage]:
    call = open_call("000", code="ready-000")
    checked_application(call, direction="XM-T1", title="甲", email="pi@example.com")
    return call, ReviewStage.objects.get(call=call, code="expert-committee")


def test_opening_review_on_an_open_call_is_refused_with_the_reason(client: Client) -> None:
    """Regression: staff could open review while applicants kept submitting."""
    call, stage = _open_call_with_an_application()
    officer = staff(call)
    with translation.override("en"), pytest.raises(StageNotYetPossible, match=STILL_OPEN):
        open_stage(stage=stage, actor=officer)
    assert StageEntry.objects.count() == 0
    client.force_login(officer)
    page = client.get(reverse("web:review_overview", args=[call.code]), headers=EN).content.decode()
    assert 'data-not-ready="review"' in page
    assert STILL_OPEN in page
    button = page.split(reverse("web:stage_open", args=[stage.pk]))[1].split("</button>")[0]
    assert "disabled" in button
    response = client.post(reverse("web:stage_open", args=[stage.pk]), headers=EN, follow=True)
    assert STILL_OPEN in response.content.decode()
    assert StageEntry.objects.count() == 0


def test_running_selection_on_an_open_call_is_refused_with_the_reason(client: Client) -> None:
    """Regression: staff could compute (and then publish) a selection before the deadline."""
    call, _stage = _open_call_with_an_application()
    officer = staff(call)
    with translation.override("en"), pytest.raises(StageNotYetPossible, match=STILL_OPEN):
        run_selection(call=call, actor=officer)
    assert SelectionRun.objects.count() == 0
    client.force_login(officer)
    page = client.get(reverse("web:results_staff", args=[call.code]), headers=EN).content.decode()
    assert 'data-not-ready="selection"' in page
    assert 'value="run" class="primary" disabled' in page


def test_review_and_selection_ready_once_staff_close_the_call_or_the_deadline_passes() -> None:
    call, stage = _open_call_with_an_application()
    assert not review_readiness(call)
    assert review_readiness(call, timezone.now() + dt.timedelta(days=30)).ready  # after the deadline
    close_submissions(call)
    call.refresh_from_db()
    assert review_readiness(call).ready
    assert selection_readiness(call).ready
    assert open_stage(stage=stage, actor=staff(call)) == 1


def test_a_call_not_yet_open_is_not_ready_for_review() -> None:
    call, _stage = _open_call_with_an_application()
    Call.objects.filter(pk=call.pk).update(status="published")
    call.refresh_from_db()
    with translation.override("en"):
        readiness = review_readiness(call)
    assert not readiness
    assert readiness.reason.startswith("The call has not received applications yet")


def test_publication_needs_an_approved_selection_and_agreements_published_results() -> None:
    call, _stage = _open_call_with_an_application()
    with translation.override("en"):
        assert publication_readiness(call).reason == "Results can be published once a selection has been approved."
        assert agreements_readiness(call).reason == "Agreements can be opened once the results have been published."


def test_assigning_through_the_api_on_an_open_call_is_refused_with_the_reason() -> None:
    from rest_framework.test import APIClient

    from shenbao.reviews.models import Assignment

    call, stage = _open_call_with_an_application()
    client = APIClient()
    client.force_authenticate(staff(call))
    response = client.post(f"/api/v1/stages/{stage.pk}/assign/", {"k": 1}, format="json", headers=EN)
    assert (response.status_code, response.json()["code"]) == (400, "stage_not_yet_possible")
    assert response.json()["detail"].startswith(STILL_OPEN)
    assert Assignment.objects.count() == 0
