"""One read of an application's progress (issue 13): the applicant's list shows the furthest stage
(a running project, not "formal check passed"), the application page a timeline with what comes
next and links, the API the same read; the list costs the same number of queries for 1 or many."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from shenbao.accounts.models import Person, User
from shenbao.accounts.services.accounts import register_user, update_profile
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import start_application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.core.errors import ValidationFailed
from shenbao.projects.models import Project
from shenbao.projects.progress import progress_of, with_progress
from shenbao.projects.services.projects import start_projects
from tests.applications.fixtures import open_call
from tests.e2e.test_selection_flow import ranked  # noqa: F401 - the fixture
from tests.factories import api_token_key
from tests.reviews.fixtures import checked_application

pytestmark = pytest.mark.django_db


def _statuses(application: Application) -> dict[str, tuple[str, str]]:
    return {s.code: (s.status, s.detail) for s in progress_of(application).steps}


@pytest.fixture
def approved(ranked: tuple[Call, User]) -> tuple[Call, User]:  # noqa: F811
    call, officer = ranked
    # Seed 003's draft guide states no 任务书 terms; the program office gives them before results
    # (a call without agreement terms shows no agreement or project step at all).
    data = call.definition
    data["agreement"] = {"required": True, "deadline": {"working_days": 30, "from_event": "results_published"}}
    load_call_definition(definition=parse_definition(data))
    call.refresh_from_db()
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    return call, officer


@pytest.fixture
def running(approved: tuple[Call, User]) -> Project:
    call, officer = approved
    publish_results(call=call, actor=officer)
    award = Award.objects.get(application__title="摩洛哥")
    Agreement.objects.create(award=award, status=AgreementStatus.SIGNED)
    assert start_projects(call=call, actor=officer) == 1
    return Project.objects.get()


def test_a_running_project_is_the_furthest_stage_not_the_formal_check(running: Project, client: Client) -> None:
    """The regression: "My applications" said "Formal check passed" for an application whose project runs."""
    application = running.agreement.award.application
    assert application.state == ApplicationState.CHECK_PASSED
    with translation.override("en"):
        progress = progress_of(application)
        assert (progress.stage, progress.label) == ("project_active", "Project: Running")
        assert progress.project_id == running.pk and progress.agreement_id == running.agreement_id
        assert progress.results_published is True
        assert [(s.code, s.status) for s in progress.steps] == [
            ("submitted", "done"),
            ("formal_check", "done"),
            ("stage:expert-review", "done"),
            ("result", "done"),
            ("agreement", "done"),
            ("project", "done"),
            ("reports", "current"),
        ]
    client.force_login(application.applicant)
    page = client.get(reverse("web:my_applications"), headers={"accept-language": "en"}).content.decode()
    row = page[page.index(f'data-application="{application.pk}"') :].split("</tr>")[0]
    assert 'data-stage="project_active"' in row
    assert "Project: Running" in row
    assert "Formal check passed" not in row
    assert f'href="/projects/{running.pk}/"' in row


def test_the_application_page_shows_the_timeline_with_links_for_the_pi(running: Project, client: Client) -> None:
    application = running.agreement.award.application
    client.force_login(application.applicant)
    page = client.get(reverse("web:application", args=[application.pk]), headers={"accept-language": "en"}).content.decode()
    assert 'class="progress" data-stage="project_active"' in page
    assert 'data-step="project" data-status="done"' in page
    assert 'data-step="reports" data-status="current" aria-current="step"' in page
    assert f'href="/agreements/{running.agreement_id}/"' in page
    assert f'href="/projects/{running.pk}/"' in page
    assert f'href="/calls/{application.call.code}/results/"' in page
    midterm = running.milestones.get(kind="midterm")
    assert "Submit the “Mid-term report” on the project page." in page
    due = dt.datetime.combine(midterm.due + dt.timedelta(days=1), dt.time(0, 0), tzinfo=ZoneInfo(application.call.timezone))
    assert f'data-due="{due.isoformat()}"' in page
    assert f"{midterm.due.isoformat()} 24:00 Beijing time" in page
    assert "your time" not in page  # no time zone in the profile: Beijing time only


def test_the_due_moment_is_also_shown_in_the_time_zone_of_the_profile(running: Project, client: Client) -> None:
    application = running.agreement.award.application
    midterm = running.milestones.get(kind="midterm")
    update_profile(user=application.applicant, name="负责人", time_zone="Europe/Berlin")
    client.force_login(application.applicant)
    for url in (reverse("web:my_applications"), reverse("web:application", args=[application.pk])):
        page = client.get(url, headers={"accept-language": "en"}).content.decode()
        berlin = dt.datetime.combine(midterm.due + dt.timedelta(days=1), dt.time(0, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
        berlin = berlin.astimezone(ZoneInfo("Europe/Berlin"))
        assert f"{berlin:%Y-%m-%d %H:%M} your time (Europe/Berlin)" in page
    with translation.override("zh-hans"):
        page = client.get(reverse("web:my_applications"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "（Europe/Berlin）" in page or "(Europe/Berlin)" in page
    with pytest.raises(ValidationFailed):
        update_profile(user=application.applicant, name="负责人", time_zone="Mars/Olympus")
    assert Person.objects.get(user=application.applicant).time_zone == "Europe/Berlin"  # the bad value kept nothing


def test_not_selected_once_results_are_published(approved: tuple[Call, User]) -> None:
    call, officer = approved
    loser = Application.objects.get(call=call, title="埃及乙")
    with translation.override("en"):
        assert progress_of(loser).stage == "in_review"
        publish_results(call=call, actor=officer)
        loser = Application.objects.get(pk=loser.pk)
        progress = progress_of(loser)
    assert (progress.stage, progress.label, progress.next) == ("not_selected", "Not selected", "")
    assert _statuses(loser)["result"][0] == "failed"
    assert _statuses(loser)["agreement"][0] == "skipped"


def test_an_award_not_yet_published_is_not_shown_to_the_applicant(approved: tuple[Call, User]) -> None:
    _call, _officer = approved
    winner = Award.objects.get(application__title="摩洛哥")
    assert winner.status == AwardStatus.APPROVED
    progress = progress_of(winner.application)
    assert progress.stage == "in_review"
    assert progress.results_published is False
    assert _statuses(winner.application)["result"] == ("waiting", "")


def test_an_awarded_application_waits_for_its_agreement(approved: tuple[Call, User]) -> None:
    call, officer = approved
    publish_results(call=call, actor=officer)
    winner = Application.objects.get(call=call, title="摩洛哥")
    with translation.override("en"):
        progress = progress_of(winner)
    assert (progress.stage, progress.label) == ("awarded", "Awarded")
    assert _statuses(winner)["result"][0] == "done"
    assert _statuses(winner)["agreement"] == ("waiting", "")


def test_progress_before_review(university: Any) -> None:
    call = open_call("000")
    user = register_user(email="early@example.com", password=None, name="早期")
    draft = start_application(call=call, direction=call.directions.first(), applicant=user, lead_organisation=university)
    with translation.override("en"):
        progress = progress_of(draft)
        assert (progress.stage, progress.next) == ("draft", "Complete the form and submit it before the deadline.")
        assert _statuses(draft)["submitted"] == ("current", "Not submitted yet.")
        checked = checked_application(call, direction="XM-T1", title="已审", email="checked@example.com")
        assert progress_of(checked).stage == "check_passed"
        assert _statuses(checked)["formal_check"] == ("done", "Passed")


def test_a_failed_formal_check_ends_the_road(university: Any) -> None:
    call = open_call("000")
    application = checked_application(call, direction="XM-T1", title="待审", email="fail@example.com")
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)
    officer = User.objects.create_superuser(email="admin@example.com", password="pass-Word-123")
    decide_formal_check(applications=[application], outcome="fail", reason="材料不全", actor=officer)
    application = Application.objects.get(pk=application.pk)
    steps = _statuses(application)
    assert steps["formal_check"] == ("failed", "材料不全")
    assert steps["result"] == ("skipped", "")
    assert progress_of(application).stage == "check_failed"


def _my_applications_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:my_applications")).status_code == 200
    return len(queries)


def test_my_applications_costs_the_same_queries_for_one_or_many(
    running: Project, client: Client, django_assert_num_queries: Any
) -> None:
    pi = running.agreement.award.application.applicant
    client.force_login(pi)
    one = _my_applications_queries(client)
    call = running.agreement.award.call
    for n in range(3):  # more applications of the same person, in other states and another call
        other = checked_application(call, direction="1.6", title=f"另一个{n}", email=f"more{n}@example.com")
        Application.objects.filter(pk=other.pk).update(applicant=pi)
    start_application(call=open_call("000"), direction=None, applicant=pi, lead_organisation=None)
    assert Application.objects.filter(applicant=pi).count() == 5
    with django_assert_num_queries(one):
        page = client.get(reverse("web:my_applications"))
    assert page.content.decode().count("data-application=") == 5


def _api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    key = api_token_key(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_api_gives_the_same_progress(running: Project) -> None:
    application = running.agreement.award.application
    body = _api(application.applicant).get(f"/api/v1/applications/{application.pk}/").json()
    progress = body["progress"]
    assert (progress["stage"], progress["label"]) == ("project_active", "Project: Running")
    midterm = running.milestones.get(kind="midterm")
    assert progress["next"] == "Submit the “Mid-term report” on the project page."
    assert dt.datetime.fromisoformat(progress["due"]) == dt.datetime.combine(
        midterm.due + dt.timedelta(days=1), dt.time(0, 0), tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert progress["links"] == {
        "results": f"/calls/{application.call.code}/results/",
        "agreement": f"/agreements/{running.agreement_id}/",
        "project": f"/projects/{running.pk}/",
    }
    assert [s["code"] for s in progress["steps"]] == [
        "submitted",
        "formal_check",
        "stage:expert-review",
        "result",
        "agreement",
        "project",
        "reports",
    ]
    listed = _api(application.applicant).get("/api/v1/applications/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["progress"]["stage"] for r in rows] == ["project_active"]


def test_with_progress_reads_many_in_fixed_queries(running: Project, django_assert_num_queries: Any) -> None:
    rows = with_progress(Application.objects.filter(call=running.agreement.award.call).order_by("pk"))
    with django_assert_num_queries(5):  # applications with their joins, stage entries, stages, formal checks, milestones
        stages = [progress_of(a).stage for a in rows]
    assert stages.count("project_active") == 1
    assert stages.count("awarded") == 2


def test_a_forfeited_agreement_ends_the_road(approved: tuple[Call, User]) -> None:
    call, officer = approved
    publish_results(call=call, actor=officer)
    award = Award.objects.get(application__title="摩洛哥")
    Agreement.objects.create(award=award, status=AgreementStatus.FORFEITED)
    application = Application.objects.get(pk=award.application_id)
    progress = progress_of(application)
    assert progress.stage == "agreement_forfeited"
    assert progress.next == ""
    assert _statuses(application)["agreement"][0] == "failed"
    assert _statuses(application)["project"] == ("skipped", "")
