"""Seed 000 "项目立项启动之日起1年止": the last day of a one-year project, counted as the Civil Code counts
periods (the start day not counted; the corresponding day of the last month, else that month's last day)."""

from __future__ import annotations

import datetime as dt

import pytest

from shenbao.accounts.models import User
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.projects.enums import MilestoneKind
from shenbao.projects.services.projects import project_end
from tests.applications.fixtures import open_call
from tests.factories import UserFactory
from tests.projects.fixtures import started_project


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (dt.date(2025, 10, 15), 12, dt.date(2026, 10, 15)),  # the anniversary itself is the last day
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # no 29 February in 2025: the month's last day
        (dt.date(2027, 2, 28), 12, dt.date(2028, 2, 28)),  # not moved to the 29th of a leap year
        (dt.date(2028, 2, 29), 48, dt.date(2032, 2, 29)),  # a corresponding day exists four years on
        (dt.date(2025, 12, 31), 12, dt.date(2026, 12, 31)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    ],
)
def test_a_project_ends_on_the_corresponding_day_else_the_last_day_of_the_month(
    start: dt.date, months: int, last_day: dt.date
) -> None:
    assert project_end(start, months) == last_day


@pytest.fixture
def xiaomi(db: object) -> Call:
    return open_call("000")


@pytest.fixture
def officer(xiaomi: Call) -> User:
    user = UserFactory()
    grant_program_role(program=xiaomi.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def test_a_seed_000_project_started_on_15_october_2025_ends_on_15_october_2026(xiaomi: Call, officer: User) -> None:
    project = started_project(xiaomi, direction="XM-T1", officer=officer, start=dt.date(2025, 10, 15))
    assert (project.start_date, project.end_date) == (dt.date(2025, 10, 15), dt.date(2026, 10, 15))
    assert project.milestones.get(kind=MilestoneKind.FINAL).due == dt.date(2026, 10, 15)


def test_a_seed_000_project_started_on_29_february_ends_on_28_february(xiaomi: Call, officer: User) -> None:
    project = started_project(xiaomi, direction="XM-T1", officer=officer, start=dt.date(2024, 2, 29))
    assert (project.start_date, project.end_date) == (dt.date(2024, 2, 29), dt.date(2025, 2, 28))


def test_the_call_s_exact_one_year_term_wins_over_a_duration_in_the_application(xiaomi: Call, officer: User) -> None:
    """Seed 000 fixes the term ("项目合作周期为一年"); an application saying 24 months does not lengthen it."""
    project = started_project(xiaomi, direction="XM-T1", officer=officer, start=dt.date(2025, 10, 15), duration_months=24)
    assert project.end_date == dt.date(2026, 10, 15)
