"""Seed 003: a signed agreement becomes a project with its direction's KPI targets; the PI reports
actuals and outputs; the dashboard shows targets against actuals; staff close or terminate."""

from __future__ import annotations

import pytest
from django.test import Client

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import open_agreements
from shenbao.awards.models import Award
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call
from shenbao.projects.enums import ProjectStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Project
from shenbao.projects.queries import target_rows
from shenbao.projects.services.projects import add_output, end_project, start_projects, submit_report
from tests.e2e.test_selection_flow import ranked  # noqa: F401 - the fixture


@pytest.fixture
def project(ranked: tuple[Call, User]) -> Project:  # noqa: F811
    call, officer = ranked
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    publish_results(call=call, actor=officer)
    # Seed 003 states no agreement terms (no agreements open): one signed by hand starts a project.
    award = Award.objects.get(application__title="摩洛哥")
    Agreement.objects.create(award=award, status=AgreementStatus.SIGNED)
    assert open_agreements(call=call, actor=officer) == 0  # seed 003 states no agreement terms
    assert start_projects(call=call, actor=officer) == 1
    return Project.objects.get()


def test_a_project_carries_its_directions_targets_and_reports_against_them(project: Project, client: Client) -> None:
    assert sorted(t.code for t in project.targets.all()) == ["kpi-1.5-events", "kpi-1.5-hosted-researchers"]
    pi = project.agreement.award.application.applicant
    assert [r.met for r in target_rows(project)] == [None, None]
    submit_report(
        project=project, kind="midterm", actuals={"kpi-1.5-events": 1, "kpi-1.5-hosted-researchers": 5}, text="进展顺利", actor=pi
    )
    assert [(r.target.code, r.actual, r.met) for r in target_rows(project)] == [
        ("kpi-1.5-events", 1.0, False),
        ("kpi-1.5-hosted-researchers", 5.0, True),
    ]
    with pytest.raises(ProjectError):
        submit_report(project=project, kind="midterm", actuals={}, text="again", actor=pi)
    with pytest.raises(ProjectError):
        submit_report(project=project, kind="final", actuals={"kpi-9": 1}, text="x", actor=pi)
    add_output(project=project, kind="patent", title="一种储能装置", reference="CN123456", on=None, actor=pi)
    client.force_login(pi)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "一种储能装置" in page and 'data-kpi="kpi-1.5-events"' in page
    stranger = Client()
    stranger.force_login(register_user(email="s@example.com", password="pass-Word-123", name="路人"))
    assert stranger.get(f"/projects/{project.pk}/").status_code == 404
    assert client.post(f"/projects/{project.pk}/act/", {"action": "terminate", "reason": "x"}).status_code == 404


def test_staff_close_after_the_final_report_or_terminate_with_a_reason(project: Project) -> None:
    officer = User.objects.get(email="officer@example.com")
    with pytest.raises(ProjectError):
        end_project(project=project, actor=officer, terminate=False)  # no final report yet
    with pytest.raises(ProjectError):
        end_project(project=project, actor=officer, terminate=True, reason=" ")
    ended = end_project(project=project, actor=officer, terminate=True, reason="合作方退出")
    assert (ended.status, ended.termination_reason) == (ProjectStatus.TERMINATED, "合作方退出")
