"""A started project on a seed's own definition: an awarded application with a signed agreement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application, Partner
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.models import Call
from shenbao.projects.models import Project
from shenbao.projects.services.projects import start_projects


def started_project(
    call: Call,
    *,
    direction: str,
    officer: User,
    values: dict[str, Any] | None = None,
    partner_country: str | None = None,
    duration_months: int | None = None,
    start: dt.date = dt.date(2025, 10, 15),
    email: str = "pi@example.com",
) -> Project:
    pi = register_user(email=email, password=None, name="项目负责人")
    application = Application.objects.create(
        call=call,
        direction=call.directions.get(code=direction),
        applicant=pi,
        state=ApplicationState.SUBMITTED,
        title=f"{direction} 项目",
        values=values or {},
        duration_months=duration_months,
    )
    if partner_country:
        Partner.objects.create(
            application=application, side="foreign", name="Partner", type="university", country=partner_country
        )
    run = SelectionRun.objects.create(call=call)
    award = Award.objects.create(call=call, application=application, run=run, direction=application.direction, amount_yuan=100)
    Agreement.objects.create(award=award, status=AgreementStatus.SIGNED)
    assert start_projects(call=call, actor=officer, start=start) == 1
    return Project.objects.get(agreement__award=award)
