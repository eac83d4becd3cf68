"""Rows for the staff search tests: applications made directly, with the data each field reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shenbao.accounts.models import Organisation, User
from shenbao.applications.models import Application, Partner
from shenbao.calls.models import Call
from shenbao.reviews.models import Assignment, Review
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


def make_row(
    call: Call,
    *,
    receipt: str,
    title: str = "",
    direction: str | None = None,
    state: str = "submitted",
    organisation: Organisation | None = None,
    applicant_name: str = "",
    partners: tuple[tuple[str, str], ...] = (),
    check: tuple[str, ...] = (),
    requested: int | None = None,
    submitted: dt.date | None = None,
    scores: tuple[float, ...] = (),
    draft_scores: tuple[float, ...] = (),
    **extra: Any,
) -> Application:
    person = PersonFactory(name=applicant_name) if applicant_name else PersonFactory()
    application = Application.objects.create(
        call=call,
        direction=call.directions.get(code=direction) if direction else call.directions.first(),
        applicant=person.user,
        lead_organisation=organisation or OrganisationFactory(),
        state=state,
        receipt_number=receipt,
        title=title or receipt,
        requested_yuan=requested,
        submitted_at=timezone.make_aware(dt.datetime.combine(submitted or dt.date(2026, 3, 1), dt.time(10))),
        check_results=[{"code": f"r{i}", "kind": "k", "level": "must", "outcome": o, "reasons": []} for i, o in enumerate(check)],
        **extra,
    )
    for name, country in partners:
        Partner.objects.create(application=application, side="foreign", name=name, type="university", country=country)
    stage = call.stages.first()
    for total, state_ in [*((s, "submitted") for s in scores), *((s, "draft") for s in draft_scores)]:
        reviewer: User = UserFactory()
        assignment = Assignment.objects.create(stage=stage, application=application, reviewer=reviewer, mode="manual")
        Review.objects.create(assignment=assignment, state=state_, total=total)
    return application
