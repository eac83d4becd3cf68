"""Reconsideration (复审): requested by the applicant within the call's window, decided by staff."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.awards.enums import ReconsiderationKind, ReconsiderationStatus
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import Award, PublicNotice, Reconsideration
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.reviews.models import StageEntry


def reconsideration_window(application: Application, now: dt.datetime | None = None) -> tuple[str, dt.datetime] | None:
    """The kind of reconsideration the applicant may ask for now, and until when; None if none."""
    now = now or timezone.now()
    days = current_definition(application.call).selection.reconsideration_days
    if not days:
        return None
    if application.state == ApplicationState.CHECK_FAILED:
        decision = application.formal_checks.order_by("-decided_at").first()
        if decision is not None and now <= decision.decided_at + dt.timedelta(days=days):
            return ReconsiderationKind.FORMAL_CHECK, decision.decided_at + dt.timedelta(days=days)
        return None
    notice = PublicNotice.objects.filter(call_id=application.call_id).first()
    reviewed = StageEntry.objects.filter(application=application).exists()
    awarded = Award.objects.filter(application=application).exists()
    if notice is not None and reviewed and not awarded and now <= notice.starts_at + dt.timedelta(days=days):
        return ReconsiderationKind.NON_AWARD, notice.starts_at + dt.timedelta(days=days)
    return None


@transaction.atomic
def request_reconsideration(
    *, application: Application, reason: str, actor: User, now: dt.datetime | None = None
) -> Reconsideration:
    locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    window = reconsideration_window(locked, now)
    if window is None:
        raise SelectionError(_("Reconsideration cannot be requested for this application now."))
    if not reason.strip():
        raise SelectionError(_("Say why the decision should be reconsidered."))
    kind, _until = window
    if Reconsideration.objects.filter(application=locked, kind=kind).exists():
        raise SelectionError(_("Reconsideration was already requested."))
    request = Reconsideration.objects.create(
        application=locked, kind=kind, reason=reason.strip(), requested_at=now or timezone.now()
    )
    log_action(action="shenbao.application.reconsideration_requested", obj=locked, actor=actor, data={"kind": kind})
    return request


@transaction.atomic
def decide_reconsideration(*, request: Reconsideration, upheld: bool, outcome: str, actor: User) -> Reconsideration:
    locked = Reconsideration.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if locked.status != ReconsiderationStatus.REQUESTED:
        raise SelectionError(_("This request is already decided."))
    if not outcome.strip():
        raise SelectionError(_("Record the outcome, which the applicant is told."))
    locked.status = ReconsiderationStatus.UPHELD if upheld else ReconsiderationStatus.REJECTED
    locked.outcome = outcome.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "outcome", "decided_by", "decided_at"])
    log_action(
        action="shenbao.application.reconsideration_decided",
        obj=locked.application,
        actor=actor,
        data={"kind": locked.kind, "upheld": upheld, "outcome": locked.outcome},
    )
    return locked
