"""The call's undertakings (承诺) on an application: staff record a breach with its reason."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.models import Application, ObligationBreach
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError, NotAllowed


@transaction.atomic
def mark_obligation_breached(*, application: Application, obligation: str, reason: str, actor: User) -> ObligationBreach:
    """Record that ``obligation`` (a code of the call's ``obligations``) was breached on this application.

    The program's staff only; the reason is required, kept on the record and in the audit log."""
    if not actor.has_perm("applications.mark_obligation_breached", application):
        raise NotAllowed(_("Only the program's staff record a breach of an undertaking."))
    codes = {o.code for o in current_definition(application.call).obligations}
    if obligation not in codes:
        raise DomainError(_("The call states no such undertaking."), code="unknown_obligation")
    if not reason.strip():
        raise DomainError(_("Give the reason for recording the breach."), code="reason_missing")
    breach = ObligationBreach.objects.create(
        application=application, obligation=obligation, reason=reason.strip(), recorded_by=actor
    )
    log_action(
        action="shenbao.application.obligation_breached",
        obj=application,
        actor=actor,
        data={"obligation": obligation, "reason": breach.reason},
    )
    return breach
