"""Report and milestone reminders: when the window opens, on the due day, once overdue, once a day at most."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from shenbao.accounts.models import User
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.notifications.models import Message
from shenbao.projects.enums import MilestoneKind, ProjectStatus
from shenbao.projects.models import Milestone, Project
from shenbao.projects.services.reminders import _moment, send_report_reminders
from tests.factories import UserFactory
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=BEIJING)


@pytest.fixture
def project(load_seed: Callable[[str], Call], settings: object) -> Project:
    call = load_seed("003")
    officer: User = UserFactory()
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    return started_project(call, direction="1.1", officer=officer, start=dt.date(2025, 10, 15))


@pytest.mark.parametrize(
    ("today", "reminded", "expected"),
    [
        (dt.date(2026, 3, 1), None, None),  # before the window
        (dt.date(2026, 3, 2), None, "window"),  # the window opens
        (dt.date(2026, 3, 3), dt.date(2026, 3, 2), None),  # already reminded in the window
        (dt.date(2026, 3, 3), None, "window"),  # a missed opening day is caught up
        (dt.date(2026, 3, 13), dt.date(2026, 3, 2), "due_day"),
        (dt.date(2026, 3, 13), dt.date(2026, 3, 13), None),  # once a day
        (dt.date(2026, 3, 14), dt.date(2026, 3, 13), "overdue"),
        (dt.date(2026, 3, 20), dt.date(2026, 3, 14), None),  # overdue is said once
    ],
)
def test_which_reminder_is_due(today: dt.date, reminded: dt.date | None, expected: str | None) -> None:
    assert _moment(today, dt.date(2026, 3, 13), dt.date(2026, 3, 2), reminded) == expected


def test_the_pi_is_reminded_through_the_outbox_with_a_link_in_their_language(project: Project, settings: object) -> None:
    settings.SHENBAO_SITE_URL = "https://s.example.org"  # type: ignore[attr-defined]
    midterm = Milestone.objects.get(project=project, kind=MilestoneKind.MIDTERM)
    due = midterm.due
    assert send_report_reminders(now=_at(due - dt.timedelta(days=40))) == 0
    assert send_report_reminders(now=_at(due)) == 1
    assert send_report_reminders(now=_at(due)) == 0  # the same day again: nothing
    message = Message.objects.get(template="report_reminder")
    assert message.to == "pi@example.com"
    assert message.language == "zh-hans"
    assert message.subject == f"今日到期：{project.title}"
    assert "中期报告今日到期（" in message.body
    assert f"https://s.example.org/projects/{project.pk}/" in message.body
    assert message.call_code == project.agreement.award.call.code
    assert message.related == midterm

    assert send_report_reminders(now=_at(due + dt.timedelta(days=1))) == 1
    assert Message.objects.filter(template="report_reminder").count() == 2
    assert send_report_reminders(now=_at(due + dt.timedelta(days=5))) == 0


def test_done_milestones_and_stopped_projects_are_not_reminded(project: Project) -> None:
    midterm = Milestone.objects.get(project=project, kind=MilestoneKind.MIDTERM)
    Milestone.objects.filter(pk=midterm.pk).update(done_on=midterm.due)
    assert send_report_reminders(now=_at(midterm.due)) == 0
    final = Milestone.objects.get(project=project, kind=MilestoneKind.FINAL)
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.TERMINATED)
    assert send_report_reminders(now=_at(final.due)) == 0
