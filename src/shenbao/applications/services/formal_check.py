"""Formal check (形式审查): staff pass, fail or return applications, with a reason the applicant sees."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState, EndorsementOutcome, FormalCheckOutcome
from shenbao.applications.models import Application, FormalCheckDecision
from shenbao.applications.services.endorsement import decide_endorsements
from shenbao.applications.services.state import change_application_state
from shenbao.applications.services.telling import tell_applicant_of_decision
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.errors import DomainError

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
    locked = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .filter(pk__in=[a.pk for a in applications])
        .order_by("pk")
    )
    waiting = [
        a.receipt_number or str(a.pk)
        for a in locked
        if a.state == ApplicationState.SUBMITTED and current_definition(a.call).call.institution_endorsement
    ]
    if waiting:
        raise DomainError(
            _("These applications still wait for their institution's endorsement: %(receipts)s."),
            params={"receipts": ", ".join(waiting)},
        )
    if outcome == FormalCheckOutcome.RETURN:
        # An application is returned for correction once (DESIGN §4); the next decision is final.
        again = [
            a.receipt_number or str(a.pk)
            for a in locked
            if FormalCheckDecision.objects.filter(application=a, outcome=FormalCheckOutcome.RETURN).exists()
        ]
        if again:
            raise DomainError(
                _("These applications were already returned once; pass or fail them now: %(receipts)s."),
                params={"receipts": ", ".join(again)},
            )
    for application in locked:
        change_application_state(application=application, to=target, actor=actor, data={"outcome": outcome, "reason": reason})
        decisions.append(
            FormalCheckDecision.objects.create(
                application=application, outcome=outcome, reason=reason, decided_by=actor, revision=application.revision
            )
        )
        tell_applicant_of_decision(
            application=application,
            template="formal_check",
            context={"outcome": str(outcome), "reason": reason.strip()},
        )
    return decisions


@transaction.atomic
def endorse_application(*, application: Application, actor: User, note: str = "") -> None:
    """The institution officer's endorsement (依托单位审核) where the call asks for it."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    if not current_definition(locked.call).call.institution_endorsement:
        raise DomainError(_("This call does not ask for the institution's endorsement."))
    decide_endorsements(applications=[locked], outcome=EndorsementOutcome.ENDORSE, reason=note, actor=actor)
    application.refresh_from_db()
