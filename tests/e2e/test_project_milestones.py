"""Seed 003 projects: KPI targets read in the reader's language; report milestones labelled in the
reader's language and completed by their reports; custom milestones added and removed by staff and
marked done by the PI or staff, with every refusal and the permission matrix of the page's actions."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, Program
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.audit import ACTION_LABELS
from shenbao.core.models import AuditEntry
from shenbao.projects.enums import MilestoneKind, ProjectStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import KpiTarget, Milestone, Project
from shenbao.projects.queries import milestone_rows
from shenbao.projects.services.milestones import add_milestone, complete_milestone, remove_milestone
from shenbao.projects.services.projects import end_project, submit_report
from tests.e2e.test_project_flow import project  # noqa: F401 - the fixture
from tests.e2e.test_selection_flow import ranked  # noqa: F401 - the fixture
from tests.factories import UserFactory


def officer() -> User:
    return User.objects.get(email="officer@example.com")


def pi_of(running: Project) -> User:
    return running.agreement.award.application.applicant


def page(client: Client, running: Project, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/projects/{running.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_kpi_targets_are_stored_with_the_zh_hans_key_and_read_in_each_language(
    project: Project,  # noqa: F811
    client: Client,
) -> None:
    target = KpiTarget.objects.get(project=project, code="kpi-1.5-events")
    assert target.name == {"zh-hans": "高水平国际学术交流活动", "en": "High-level international academic exchange events"}
    assert target.unit == {"zh-hans": "次", "en": "events"}
    client.force_login(pi_of(project))
    chinese = page(client, project, "zh-hans")
    assert "高水平国际学术交流活动" in chinese and "High-level international academic exchange events" not in chinese
    english = page(client, project, "en")
    assert "High-level international academic exchange events" in english and "高水平国际学术交流活动" not in english


def test_report_milestones_are_labelled_in_the_readers_language_and_completed_by_their_report(
    project: Project,  # noqa: F811
    client: Client,
) -> None:
    mid, final = project.milestones.order_by("due")
    assert (mid.kind, mid.title, mid.due) == (
        MilestoneKind.MIDTERM,
        "",
        project.start_date + (project.end_date - project.start_date) / 2,
    )
    assert (final.kind, final.title, final.due) == (MilestoneKind.FINAL, "", project.end_date)
    client.force_login(pi_of(project))
    assert "<td>中期报告" in page(client, project, "zh-hans")
    assert "<td>Mid-term report" in page(client, project, "en")
    # A report completes its milestone by kind, whatever the milestone's date.
    Milestone.objects.filter(pk=mid.pk).update(due=project.start_date + dt.timedelta(days=3))
    submit_report(project=project, kind="midterm", actuals={}, text="进展", actor=pi_of(project))
    mid.refresh_from_db()
    final.refresh_from_db()
    assert (mid.done_on, mid.done_by) == (timezone.localdate(), pi_of(project))
    assert final.done_on is None
    with pytest.raises(ProjectError) as refused:
        complete_milestone(milestone=final, on=timezone.localdate(), note="结题", actor=officer())
    assert refused.value.code == "report_milestone"
    with pytest.raises(ProjectError) as refused:
        remove_milestone(milestone=final, actor=officer())
    assert refused.value.code == "report_milestone"


def test_staff_add_a_custom_milestone_inside_the_period_and_the_pi_marks_it_done(project: Project) -> None:  # noqa: F811
    staff, pi = officer(), pi_of(project)
    due = project.start_date + dt.timedelta(days=30)
    milestone = add_milestone(project=project, title="  联合实验室揭牌  ", due=due, actor=staff)
    assert (milestone.kind, milestone.title, milestone.due, milestone.done_on) == (
        MilestoneKind.CUSTOM,
        "联合实验室揭牌",
        due,
        None,
    )
    assert milestone.label == "联合实验室揭牌"
    today = project.start_date + dt.timedelta(days=40)
    done = complete_milestone(milestone=milestone, on=today, note=" 揭牌仪式照片与新闻稿 ", actor=pi, today=today)
    assert (done.done_on, done.note, done.done_by) == (today, "揭牌仪式照片与新闻稿", pi)
    actions = list(
        AuditEntry.objects.filter(action__startswith="shenbao.project.milestone").order_by("pk").values_list("action", "actor")
    )
    assert actions == [("shenbao.project.milestone_added", staff.pk), ("shenbao.project.milestone_done", pi.pk)]
    with pytest.raises(ProjectError) as refused:
        complete_milestone(milestone=milestone, on=today, note="again", actor=pi, today=today)
    assert refused.value.code == "milestone_done"
    with pytest.raises(ProjectError) as refused:
        remove_milestone(milestone=milestone, actor=staff)
    assert refused.value.code == "milestone_done"
    assert Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize(
    ("title", "due_offset", "code"),
    [
        ("", 10, "milestone_title_required"),
        ("   ", 10, "milestone_title_required"),
        ("长" * 201, 10, "milestone_title_too_long"),
        ("揭牌", None, "milestone_due_required"),
        ("揭牌", -1, "milestone_due_outside_project"),
        ("揭牌", "after_end", "milestone_due_outside_project"),
    ],
)
def test_adding_a_milestone_is_refused_with_a_reason(
    project: Project,  # noqa: F811
    title: str,
    due_offset: Any,
    code: str,
) -> None:
    if due_offset is None:
        due = None
    elif due_offset == "after_end":
        due = project.end_date + dt.timedelta(days=1)
    else:
        due = project.start_date + dt.timedelta(days=due_offset)
    before = Milestone.objects.count()
    with pytest.raises(ProjectError) as refused:
        add_milestone(project=project, title=title, due=due, actor=officer())
    assert refused.value.code == code
    assert Milestone.objects.count() == before


def test_the_bounds_of_the_period_are_accepted_and_the_errors_read_in_both_languages(project: Project) -> None:  # noqa: F811
    add_milestone(project=project, title="开题", due=project.start_date, actor=officer())
    add_milestone(project=project, title="验收", due=project.end_date, actor=officer())
    with pytest.raises(ProjectError) as refused:
        add_milestone(project=project, title="x", due=project.end_date + dt.timedelta(days=1), actor=officer())
    start, end = project.start_date.isoformat(), project.end_date.isoformat()
    with translation.override("en"):
        assert str(refused.value) == f"A milestone is due within the project's period, {start} to {end}."
    with translation.override("zh-hans"):
        assert str(refused.value) == f"里程碑的截止日期须在项目执行期内（{start} 至 {end}）。"


def test_marking_done_is_refused_for_a_future_day_a_day_before_the_start_and_without_a_note(project: Project) -> None:  # noqa: F811
    milestone = add_milestone(project=project, title="中期交流", due=project.start_date + dt.timedelta(days=20), actor=officer())
    today = project.start_date + dt.timedelta(days=5)
    cases = [
        (None, "交付", "milestone_day_required"),
        (today + dt.timedelta(days=1), "交付", "milestone_day_in_future"),
        (project.start_date - dt.timedelta(days=1), "交付", "milestone_day_before_start"),
        (today, "  ", "milestone_note_required"),
    ]
    for on, note, code in cases:
        with pytest.raises(ProjectError) as refused:
            complete_milestone(milestone=milestone, on=on, note=note, actor=pi_of(project), today=today)
        assert refused.value.code == code, (on, note)
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.note, milestone.done_by) == (None, "", None)
    # The first day of the project and today itself are accepted.
    assert complete_milestone(
        milestone=milestone, on=project.start_date, note="交付", actor=pi_of(project), today=today
    ).done_on == (project.start_date)


def test_staff_remove_an_open_custom_milestone_and_nothing_changes_once_the_project_ended(project: Project) -> None:  # noqa: F811
    staff = officer()
    gone = add_milestone(project=project, title="删除我", due=project.start_date + dt.timedelta(days=3), actor=staff)
    kept = add_milestone(project=project, title="保留", due=project.start_date + dt.timedelta(days=4), actor=staff)
    remove_milestone(milestone=gone, actor=staff)
    assert not Milestone.objects.filter(pk=gone.pk).exists()
    assert AuditEntry.objects.filter(action="shenbao.project.milestone_removed", data__title="删除我").count() == 1
    end_project(project=project, actor=staff, terminate=True, reason="合作方退出")
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    for attempt in (
        lambda: add_milestone(project=project, title="新", due=project.start_date, actor=staff),
        lambda: remove_milestone(milestone=kept, actor=staff),
        lambda: complete_milestone(milestone=kept, on=project.start_date, note="x", actor=staff, today=project.start_date),
    ):
        with pytest.raises(ProjectError) as refused:
            attempt()
        assert refused.value.code == "project_not_running"


def test_the_table_shows_done_overdue_due_today_and_days_left(project: Project, client: Client) -> None:  # noqa: F811
    today = timezone.localdate()
    Project.objects.filter(pk=project.pk).update(start_date=today - dt.timedelta(days=100))
    project.refresh_from_db()
    staff = officer()
    late = add_milestone(project=project, title="逾期的", due=today - dt.timedelta(days=3), actor=staff)
    now = add_milestone(project=project, title="今天的", due=today, actor=staff)
    soon = add_milestone(project=project, title="将到的", due=today + dt.timedelta(days=7), actor=staff)
    done = add_milestone(project=project, title="已完成", due=today - dt.timedelta(days=10), actor=staff)
    complete_milestone(milestone=done, on=today - dt.timedelta(days=12), note="提前完成", actor=staff)
    rows = {r.milestone.pk: (r.status, r.days) for r in milestone_rows(project, today)}
    assert rows[late.pk] == ("overdue", 3)
    assert rows[now.pk] == ("due_today", 0)
    assert rows[soon.pk] == ("upcoming", 7)
    assert rows[done.pk] == ("done", 0)
    client.force_login(staff)
    english = page(client, project, "en")
    assert "Overdue by 3 day(s)" in english and "Due today" in english and "Due in 7 day(s)" in english
    assert f"Done on {(today - dt.timedelta(days=12)).isoformat()}" in english and "提前完成" in english
    chinese = page(client, project, "zh-hans")
    assert "已逾期 3 天" in chinese and "7 天后到期" in chinese


def test_the_page_forms_save_and_report_errors_without_losing_anything(project: Project, client: Client) -> None:  # noqa: F811
    client.force_login(officer())
    url = f"/projects/{project.pk}/act/"
    client.cookies["django_language"] = "en"
    response = client.post(url, {"action": "milestone_add", "title": "Kick-off workshop", "due": "not-a-date"}, follow=True)
    assert "Enter the date as YYYY-MM-DD." in response.content.decode()
    response = client.post(url, {"action": "milestone_add", "title": "", "due": project.start_date.isoformat()}, follow=True)
    assert "Give the milestone&#x27;s title." in response.content.decode()
    assert not project.milestones.filter(kind=MilestoneKind.CUSTOM).exists()
    client.post(url, {"action": "milestone_add", "title": "Kick-off workshop", "due": project.start_date.isoformat()})
    added = project.milestones.get(kind=MilestoneKind.CUSTOM)
    assert (added.title, added.due) == ("Kick-off workshop", project.start_date)
    assert client.post(url, {"action": "milestone_done", "milestone": "999999", "done_on": "", "note": ""}).status_code == 404


USERS = ["anonymous", "pi", "other_applicant", "staff_of_another_program", "program_officer", "administrator"]
MAY_MANAGE = {"program_officer", "administrator"}
MAY_COMPLETE = {"pi", "program_officer", "administrator"}


def users(running: Project, call: Call) -> dict[str, User | None]:
    other_program = Program.objects.create(code="other-program", name={"en": "Other"}, kind=call.program.kind, funder={"en": "X"})
    other_staff = UserFactory()
    grant_program_role(program=other_program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    return {
        "anonymous": None,
        "pi": pi_of(running),
        "other_applicant": register_user(email="other@example.com", password=None, name="他人"),
        "staff_of_another_program": other_staff,
        "program_officer": officer(),
        "administrator": UserFactory(is_superuser=True),
    }


@pytest.mark.parametrize("who", USERS)
def test_permission_matrix_of_the_milestone_actions(project: Project, who: str) -> None:  # noqa: F811
    user = users(project, project.agreement.award.call)[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    url = f"/projects/{project.pk}/act/"
    today = timezone.localdate()
    to_complete = add_milestone(project=project, title="待完成", due=today, actor=officer())
    to_remove = add_milestone(project=project, title="待删除", due=today, actor=officer())

    # The page: the add and remove forms for staff, the "mark done" form for the PI and staff.
    view = client.get(f"/projects/{project.pk}/")
    if who == "anonymous":
        assert view.status_code == 302
    elif who in MAY_COMPLETE:
        html = view.content.decode()
        assert ('value="milestone_add"' in html) == (who in MAY_MANAGE)
        assert ('value="milestone_remove"' in html) == (who in MAY_MANAGE)
        assert 'value="milestone_done"' in html
    else:
        assert view.status_code == 404

    added = client.post(url, {"action": "milestone_add", "title": f"由{who}添加", "due": today.isoformat()})
    assert project.milestones.filter(title=f"由{who}添加").exists() == (who in MAY_MANAGE)
    done = client.post(
        url, {"action": "milestone_done", "milestone": to_complete.pk, "done_on": today.isoformat(), "note": "交付"}
    )
    to_complete.refresh_from_db()
    assert (to_complete.done_on == today) == (who in MAY_COMPLETE)
    removed = client.post(url, {"action": "milestone_remove", "milestone": to_remove.pk})
    assert (not Milestone.objects.filter(pk=to_remove.pk).exists()) == (who in MAY_MANAGE)

    expected_add = 302 if who in MAY_MANAGE or who == "anonymous" else 404
    expected_done = 302 if who in MAY_COMPLETE or who == "anonymous" else 404
    assert (added.status_code, done.status_code, removed.status_code) == (expected_add, expected_done, expected_add)
    if who == "anonymous":
        assert added["Location"].startswith("/accounts/login/") or "login" in added["Location"]
    assert user is None or user.has_perm("projects.manage_project", project) == (who in MAY_MANAGE)
    assert user is None or user.has_perm("projects.complete_milestone", project) == (who in MAY_COMPLETE)


def test_every_project_and_agreement_action_has_a_label() -> None:
    for action in (
        "shenbao.project.milestone_added",
        "shenbao.project.milestone_removed",
        "shenbao.project.milestone_done",
        "shenbao.agreement.reminder_sent",
    ):
        assert action in ACTION_LABELS


def test_the_data_migration_gives_old_milestones_their_kind_and_targets_the_zh_hans_key(project: Project) -> None:  # noqa: F811
    from django.apps import apps

    migration = importlib.import_module("shenbao.projects.migrations.0002_milestone_kinds_notes")
    mid, final = project.milestones.order_by("due")
    # As start_projects wrote them before: titles in the language active at the time, no kind.
    Milestone.objects.filter(pk=mid.pk).update(kind=MilestoneKind.CUSTOM, title="中期报告")
    Milestone.objects.filter(pk=final.pk).update(kind=MilestoneKind.CUSTOM, title="Final report")
    own = Milestone.objects.create(project=project, kind=MilestoneKind.CUSTOM, title="联合实验室揭牌", due=project.end_date)
    KpiTarget.objects.filter(project=project, code="kpi-1.5-events").update(
        name={"zh_hans": "高水平国际学术交流活动", "en": "High-level international academic exchange events"},
        unit={"zh_hans": "次", "en": "events"},
    )
    migration.milestone_kinds(apps, None)
    migration.target_keys(apps, None)
    kinds = {m.pk: (m.kind, m.title) for m in Milestone.objects.filter(project=project)}
    assert kinds == {mid.pk: ("midterm", ""), final.pk: ("final", ""), own.pk: ("custom", "联合实验室揭牌")}
    target = KpiTarget.objects.get(project=project, code="kpi-1.5-events")
    assert target.name == {"zh-hans": "高水平国际学术交流活动", "en": "High-level international academic exchange events"}
    assert target.unit == {"zh-hans": "次", "en": "events"}
    migration.report_titles(apps, None)  # backwards
    assert set(Milestone.objects.filter(project=project).values_list("kind", "title")) == {
        ("custom", "Mid-term report"),
        ("custom", "Final report"),
        ("custom", "联合实验室揭牌"),
    }
