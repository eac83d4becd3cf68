"""Formal check (形式审查): staff pass, fail or return applications, with a reason the applicant sees."""

from __future__ import annotations

from django.db import transaction

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState, FormalCheckOutcome
from shenbao.applications.models import Application, FormalCheckDecision
from shenbao.applications.services.state import change_application_state

_TARGET = {
    FormalCheckOutcome.PASS: ApplicationState.CHECK_PASSED,
    FormalCheckOutcome.FAIL: ApplicationState.CHECK_FAILED,
    FormalCheckOutcome.RETURN: ApplicationState.RETURNED,
}


@transaction.atomic
def decide_formal_check(*, applications: list[Application], outcome: str, reason: str, actor: User) -> list[FormalCheckDecision]:
    """One decision per application, all or none (a bulk action that fails on one changes nothing)."""
    if outcome in (FormalCheckOutcome.FAIL, FormalCheckOutcome.RETURN) and not reason.strip():
        raise ValueError("a failed or returned application needs a reason")
    target = _TARGET[FormalCheckOutcome(outcome)]
    decisions = []
    locked = Application.objects.select_for_update().filter(pk__in=[a.pk for a in applications]).order_by("pk")
    for application in locked:
        change_application_state(application=application, to=target, actor=actor, data={"outcome": outcome, "reason": reason})
        decisions.append(
            FormalCheckDecision.objects.create(
                application=application, outcome=outcome, reason=reason, decided_by=actor, revision=application.revision
            )
        )
    return decisions


@transaction.atomic
def endorse_application(*, application: Application, actor: User, note: str = "") -> None:
    """The institution officer's endorsement (依托单位审核) where the call asks for it."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    change_application_state(application=locked, to=ApplicationState.ENDORSED, actor=actor, data={"note": note})
    application.refresh_from_db()
