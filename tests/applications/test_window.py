"""One answer to "may this applicant submit now?" (issue 13.4): the call's status, its timeline and
a late-submission token, asked alike by the pages, the API and the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.errors import CallNotOpen, DeadlinePassed
from shenbao.applications.models import Application
from shenbao.applications.queries.window import WindowReason, WindowState, submission_window
from shenbao.applications.services.drafts import start_application
from shenbao.applications.services.submission import issue_late_token, submit_application
from shenbao.calls.enums import Phase
from shenbao.calls.models import Call
from shenbao.calls.queries.public import call_phase
from shenbao.calls.services.status import change_call_status, open_due_calls
from tests.applications.fixtures import fill_seed_000_draft, open_call

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _published(code: str, *, days_left: int = 10) -> Call:
    call = open_call("000", code=code, days_left=days_left)
    Call.objects.filter(pk=call.pk).update(status="published")  # as loaded from a file that says "published"
    call.refresh_from_db()
    return call


def _officer() -> User:
    return register_user(email="officer@example.com", password=None, name="主管")


def _apply_button(page: str) -> str:
    return page.split('class="form"')[1].split('<button type="submit"')[1].split(">")[0]


def test_window_open_before_the_deadline_of_an_open_call(scholar: User) -> None:
    call = open_call("000")
    window = submission_window(call, scholar)
    assert (window.state, window.reason, window.closes_at, window.token) == (
        WindowState.OPEN,
        WindowReason.OPEN,
        call.deadline,
        None,
    )


def test_published_call_not_yet_opened_refuses_start_and_says_why(client: Client, scholar: User) -> None:
    call = _published("pub-000")
    assert submission_window(call, scholar).reason == WindowReason.NOT_OPENED
    assert call_phase(call) == Phase.UPCOMING
    with pytest.raises(CallNotOpen):
        start_application(call=call, direction=call.directions.first(), applicant=scholar)
    client.force_login(scholar)
    page = client.get(reverse("web:apply", args=[call.code]), headers=EN).content.decode()
    assert "This call is published but not yet open for applications." in page
    assert "disabled" in _apply_button(page)
    client.post(reverse("web:apply", args=[call.code]), {"direction": call.directions.first().pk}, headers=EN)
    assert Application.objects.count() == 0
    detail = APIClient()
    detail.force_authenticate(scholar)
    assert detail.get(f"/api/v1/calls/{call.code}/").json()["window"]["state"] == "closed"


def test_draft_of_a_call_opened_too_early_cannot_be_submitted(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    Call.objects.filter(pk=application.call_id).update(status="published")
    application.refresh_from_db()
    with pytest.raises(CallNotOpen):
        submit_application(application=application, actor=application.applicant)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.DRAFT


def test_open_due_calls_opens_a_published_call_once_its_opening_came(scholar: User) -> None:
    call = _published("pub-000")
    assert open_due_calls() == ["pub-000"]
    call.refresh_from_db()
    assert call.status == "open"
    assert submission_window(call, scholar).state == WindowState.OPEN
    assert open_due_calls() == []


def test_token_does_not_reopen_a_call_closed_by_staff(ready_application: Callable[..., Application], scholar: User) -> None:
    application = ready_application()
    issue_late_token(call=application.call, applicant=scholar, hours=48, reason="系统故障", actor=_officer())
    change_call_status(call=application.call, to="closed")
    after = application.call.deadline + dt.timedelta(hours=1)
    assert submission_window(application.call, scholar, after).reason == WindowReason.CLOSED_BY_STAFF
    with pytest.raises(DeadlinePassed):
        submit_application(application=application, actor=scholar, now=after)


def test_token_holder_starts_and_submits_on_the_web_after_the_deadline(
    client: Client, scholar: User, university: Organisation
) -> None:
    """Regression (13.4): the server accepted a late token, the apply page's button stayed disabled."""
    call = open_call("000", days_left=-1)  # the deadline was yesterday
    assert call.deadline < timezone.now()
    client.force_login(scholar)
    page = client.get(reverse("web:apply", args=[call.code]), headers=EN).content.decode()
    assert "disabled" in _apply_button(page)  # no token yet: closed

    issue_late_token(call=call, applicant=scholar, hours=48, reason="系统故障", actor=_officer())
    window = submission_window(call, scholar)
    assert (window.state, window.reason) == (WindowState.LATE, WindowReason.LATE_TOKEN)
    page = client.get(reverse("web:apply", args=[call.code]), headers=EN).content.decode()
    assert "disabled" not in _apply_button(page)
    assert "your extension lets you submit until" in page
    public = client.get(reverse("web:call_detail", args=[call.code]), headers=EN).content.decode()
    assert reverse("web:apply", args=[call.code]) in public

    direction = call.directions.get(code="XM-T1")
    response = client.post(reverse("web:apply", args=[call.code]), {"direction": direction.pk}, headers=EN)
    application = Application.objects.get(applicant=scholar)
    assert response["Location"] == reverse("web:application", args=[application.pk])

    fill_seed_000_draft(application, actor=scholar, title="端侧推理")
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert "disabled" not in page.split('class="submit-form"')[1].split("</form>")[0]
    client.post(reverse("web:application_submit", args=[application.pk]), {"key": "late"}, headers=EN)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_without_a_token_the_application_page_says_the_deadline_passed(
    client: Client, ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    Call.objects.filter(pk=application.call_id).update(deadline=timezone.now() - dt.timedelta(hours=1))
    client.force_login(scholar)
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    form = page.split('class="submit-form"')[1].split("</form>")[0]
    assert "disabled" in form
    assert 'data-window="closed"' in form
