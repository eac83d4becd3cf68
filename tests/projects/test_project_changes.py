"""Issue 19, changes during the project (项目变更): the PI requests, staff decide with a note; an
approved extension moves the end and the final report's due day; the PI cannot decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from shenbao.accounts.models import User
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import InvalidTransition
from shenbao.core.models import AuditEntry
from shenbao.projects.enums import ChangeStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import ChangeRequest, Milestone, Project
from shenbao.projects.services.changes import decide_change, request_change
from tests.factories import UserFactory
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(load_seed: Callable[[str], Call]) -> User:
    call = load_seed("003")
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def project(officer: User) -> Project:
    return started_project(Call.objects.get(), direction="1.2", officer=officer)


def test_an_approved_extension_moves_the_end_and_the_final_report(project: Project, officer: User) -> None:
    pi = project.agreement.award.application.applicant
    end = project.end_date
    for kind, reason, new_end, code in (
        ("merger", "x", None, "change_kind_required"),
        ("extension", " ", end + dt.timedelta(days=90), "change_reason_required"),
        ("extension", "设备延迟到货", end, "extension_end"),
    ):
        with pytest.raises(ProjectError) as bad:
            request_change(project=project, kind=kind, reason=reason, new_end_date=new_end, actor=pi)
        assert bad.value.code == code
    change = request_change(
        project=project, kind="extension", reason="设备延迟到货", new_end_date=end + dt.timedelta(days=90), actor=pi
    )
    with pytest.raises(ProjectError) as twice:
        request_change(project=project, kind="extension", reason="again", new_end_date=end + dt.timedelta(days=9), actor=pi)
    assert twice.value.code == "change_pending"
    with pytest.raises(ProjectError):
        decide_change(change=change, approve=False, note="", actor=officer)  # a rejection needs its reason
    decide_change(change=change, approve=True, note="同意延期", actor=officer)
    project.refresh_from_db()
    assert project.end_date == end + dt.timedelta(days=90)
    assert Milestone.objects.get(project=project, kind="final").due == project.end_date
    with pytest.raises(InvalidTransition):
        decide_change(change=change, approve=False, note="no", actor=officer)
    assert {"shenbao.project_change.approved", "shenbao.project.extended"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_through_the_page_the_pi_requests_and_only_staff_decide(project: Project, officer: User) -> None:
    pi_client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pi_client.force_login(project.agreement.award.application.applicant)
    url = f"/projects/{project.pk}/act/"
    pi_client.post(url, {"action": "change_request", "kind": "pi", "reason": "原负责人调离"})
    change = ChangeRequest.objects.get()
    assert pi_client.post(url, {"action": "change_decide", "change": change.pk, "decision": "approve"}).status_code == 404
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED
    page = pi_client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-kind="pi" data-status="requested"' in page and "负责人变更" in page
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(officer)
    refused = staff.post(url, {"action": "change_decide", "change": change.pk, "decision": "reject", "note": ""}, follow=True)
    assert "Give the reason for rejecting the change." in refused.content.decode()
    staff.post(url, {"action": "change_decide", "change": change.pk, "decision": "reject", "note": "材料不全"})
    change.refresh_from_db()
    assert (change.status, change.decision_note) == (ChangeStatus.REJECTED, "材料不全")
