"""Withdrawing an application once selection may have touched it (issue 13.1).

The web page and the API withdraw through here, not through ``applications.services.submission``
directly, because only this layer knows about awards:

- after the call's results are published (any award published, final or revoked) withdrawal is
  refused with the reason: giving up an award is its own path (the PI declines the award);
- before publication, a withdrawn application leaves consideration: its unpublished (approved)
  award is deleted, with an audit entry on the call naming the run, and later selection runs
  exclude it (``awards.services.selection.run_selection``).  An approved run that contained it
  keeps its record; staff see the award gone and may compute a new selection.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shenbao.applications.models import Application
from shenbao.applications.services.submission import withdraw_application as _withdraw
from shenbao.applications.transitions import WITHDRAWABLE_STATES
from shenbao.awards.enums import AwardStatus
from shenbao.awards.errors import WithdrawalRefused
from shenbao.awards.models import Award
from shenbao.awards.queries.readiness import results_published
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action


def _declinable(application: Application) -> bool:
    """Whether an award of the call can be declined (through its agreement: only where the call has one)."""
    terms = current_definition(application.call).agreement
    return terms is not None and terms.required


def may_withdraw(application: Application) -> tuple[bool, str]:
    """Whether the applicant may withdraw now, and if not why (for the page's button)."""
    if application.state not in WITHDRAWABLE_STATES:
        return False, ""
    if results_published(application.call_id):
        return False, str(WithdrawalRefused(declinable=_declinable(application)))
    return True, ""


@transaction.atomic
def withdraw_application(*, application: Application, actor: Any, reason: str = "") -> None:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if results_published(locked.call_id):
        raise WithdrawalRefused(declinable=_declinable(locked))
    _withdraw(application=locked, actor=actor, reason=reason)
    award = Award.objects.filter(application=locked, status=AwardStatus.APPROVED).select_related("call").first()
    if award is not None:
        log_action(
            action="shenbao.selection.award_withdrawn",
            obj=award.call,
            actor=actor,
            data={"run": award.run_id, "application": locked.pk, "award": award.pk, "reason": reason},
        )
        award.delete()
    application.refresh_from_db()
