"""Issue 19, changes during the project (项目变更): the PI requests, staff decide with a note; an
approved extension moves the end and the final report's due day; the PI cannot decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, User
from shenbao.agreements.models import Agreement
from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import InvalidTransition
from shenbao.core.models import AuditEntry
from shenbao.notifications.models import Message
from shenbao.projects.enums import ChangeStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import ChangeRequest, Milestone, Project
from shenbao.projects.services.changes import decide_change, request_change
from tests.factories import OrganisationFactory, UserFactory
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
    refused = pi_client.post(url, {"action": "change_request", "kind": "pi", "reason": "原负责人调离"}, follow=True)
    assert "请填写新负责人账号的邮箱。" in refused.content.decode()
    assert not ChangeRequest.objects.exists()
    UserFactory(email="next@example.com")
    pi_client.post(url, {"action": "change_request", "kind": "pi", "reason": "原负责人调离", "new_pi_email": "next@example.com"})
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


# --- A change of PI or of institution takes effect (issue 19, follow-up) -------------------------------


def _pi_change(project: Project, email: str) -> ChangeRequest:
    pi = project.agreement.award.application.applicant
    return request_change(project=project, kind="pi", reason="原负责人调离", new_end_date=None, actor=pi, new_pi_email=email)


def test_a_change_of_pi_is_refused_for_an_unknown_or_the_same_account(project: Project) -> None:
    pi = project.agreement.award.application.applicant
    translation.activate("en")
    for email, code, text in (
        ("", "change_pi_required", "Give the e-mail of the new PI's account."),
        ("nobody@example.com", "change_pi_unknown", "No account uses the e-mail nobody@example.com: the new PI registers first."),
        (pi.email.upper(), "change_pi_same", "This account is the project's PI already."),
    ):
        with pytest.raises(ProjectError) as bad:
            _pi_change(project, email)
        assert (bad.value.code, str(bad.value)) == (code, text)
    with translation.override("zh-hans"):
        with pytest.raises(ProjectError) as bad:
            _pi_change(project, "nobody@example.com")
        assert str(bad.value) == "没有使用邮箱 nobody@example.com 的账号：新负责人须先注册。"
    assert not ChangeRequest.objects.exists()


def test_an_approved_change_of_pi_moves_the_project_to_the_new_pi(project: Project, officer: User) -> None:
    old = project.agreement.award.application.applicant
    new = UserFactory(email="new-pi@example.com", language="en")
    change = _pi_change(project, "New-PI@example.com")
    assert change.new_pi == new
    old_client, new_client = Client(), Client()
    old_client.force_login(old)
    new_client.force_login(new)
    page = f"/projects/{project.pk}/"
    assert (old_client.get(page).status_code, new_client.get(page).status_code) == (200, 404)
    staff = Client()
    staff.force_login(officer)
    staff.post(f"/projects/{project.pk}/act/", {"action": "change_decide", "change": change.pk, "decision": "approve"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    application = Application.objects.get(pk=project.agreement.award.application.pk)
    assert application.applicant == new
    assert (old_client.get(page).status_code, new_client.get(page).status_code) == (404, 200)
    project = Project.objects.get(pk=project.pk)
    assert new.has_perm("projects.report", project) and not old.has_perm("projects.report", project)
    assert new.has_perm("agreements.view_agreement", project.agreement)
    assert not old.has_perm("agreements.view_agreement", project.agreement)
    entry = AuditEntry.objects.get(action="shenbao.project.pi_changed")
    assert entry.data["from"] == {"user": old.pk, "email": old.email}
    assert entry.data["to"] == {"user": new.pk, "email": new.email}
    mails = {m.to: m for m in Message.objects.filter(template="project_pi_changed")}
    assert set(mails) == {old.email, new.email}
    assert "You now see the project" in mails[new.email].body
    assert f"/projects/{project.pk}/" in mails[new.email].body
    assert "不再能访问该项目" in mails[old.email].body


def test_a_rejected_change_of_pi_changes_nothing(project: Project, officer: User) -> None:
    old = project.agreement.award.application.applicant
    UserFactory(email="new-pi@example.com")
    change = _pi_change(project, "new-pi@example.com")
    decide_change(change=change, approve=False, note="材料不全", actor=officer)
    assert Application.objects.get(pk=project.agreement.award.application.pk).applicant == old
    assert not AuditEntry.objects.filter(action="shenbao.project.pi_changed").exists()
    assert not Message.objects.filter(template="project_pi_changed").exists()


def test_staff_may_name_another_account_and_a_closed_one_is_refused(project: Project, officer: User) -> None:
    gone = UserFactory(email="gone@example.com")
    change = _pi_change(project, "gone@example.com")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(ProjectError) as bad:
        decide_change(change=change, approve=True, note="", actor=officer)
    assert bad.value.code == "change_pi_unknown"
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED
    other = UserFactory(email="other@example.com")
    decide_change(change=change, approve=True, note="改由他人接任", actor=officer, new_pi_email="other@example.com")
    change.refresh_from_db()
    assert change.new_pi == other
    assert Application.objects.get(pk=project.agreement.award.application.pk).applicant == other


def test_an_approved_change_of_institution_moves_the_agreement_party(project: Project, officer: User) -> None:
    application = project.agreement.award.application
    before = OrganisationFactory(name={"zh-hans": "甲大学", "en": "University A"})
    Application.objects.filter(pk=application.pk).update(lead_organisation=before)
    after = OrganisationFactory(name={"zh-hans": "乙研究所", "en": "Institute B"}, credit_code="91110000600037341L")
    pi = application.applicant
    project = Project.objects.get(pk=project.pk)
    translation.activate("en")
    for name, code in (
        ("", "change_institution_required"),
        ("丙大学", "change_institution_unknown"),
        ("甲大学", "change_institution_same"),
    ):
        with pytest.raises(ProjectError) as bad:
            request_change(project=project, kind="institution", reason="调动", new_end_date=None, actor=pi, new_institution=name)
        assert bad.value.code == code
    with translation.override("zh-hans"):
        with pytest.raises(ProjectError) as bad:
            request_change(
                project=project, kind="institution", reason="调动", new_end_date=None, actor=pi, new_institution="丙大学"
            )
        assert str(bad.value) == "没有登记为“丙大学”的单位。"
    pi_client = Client()
    pi_client.force_login(pi)
    pi_client.post(
        f"/projects/{project.pk}/act/",
        {"action": "change_request", "kind": "institution", "reason": "随负责人调动", "new_institution": "91110000600037341l"},
    )
    change = ChangeRequest.objects.get()
    assert change.new_institution == after
    old_officer, new_officer = UserFactory(), UserFactory()
    Membership.objects.create(user=old_officer, organisation=before, role=MembershipRole.OFFICER)
    Membership.objects.create(user=new_officer, organisation=after, role=MembershipRole.OFFICER)
    agreement = Agreement.objects.get(pk=project.agreement.pk)
    assert old_officer.has_perm("agreements.view_agreement", agreement)
    assert not new_officer.has_perm("agreements.view_agreement", agreement)
    decide_change(change=change, approve=True, note="同意", actor=officer)
    application.refresh_from_db()
    assert application.lead_organisation == after
    entry = AuditEntry.objects.get(action="shenbao.project.institution_changed")
    assert entry.data["from"]["organisation"] == before.pk and entry.data["to"]["organisation"] == after.pk
    agreement = Agreement.objects.get(pk=project.agreement.pk)
    assert new_officer.has_perm("agreements.view_agreement", agreement)
    assert not old_officer.has_perm("agreements.view_agreement", agreement)
    mail = Message.objects.get(template="project_institution_changed")
    assert "甲大学" in mail.body and "乙研究所" in mail.body
