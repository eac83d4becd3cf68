"""Reconsideration (复审): requested by the applicant within the call's window, decided by staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.applications.services.state import change_application_state
from shenbao.applications.services.telling import tell_applicant_of_decision
from shenbao.awards.enums import ReconsiderationKind, ReconsiderationStatus
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import Award, PublicNotice, Reconsideration
from shenbao.awards.transitions import RECONSIDERATION_LIFECYCLE
from shenbao.calls.enums import StageKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.models import StageEntry
from shenbao.reviews.transitions import ENTRY_LIFECYCLE


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
    """Record the decision; an upheld one (复审成立) is carried out at once (issue 13.3):

    - a formal-check rejection upheld: the application passes the check after all (check_failed →
      check_passed) and, if the first review stage is already open, enters it;
    - a non-award upheld: the application goes back into review in the stage where it stopped
      (not advanced → in review), so the reviewers consider it again and the next selection run
      ranks it; if it reached the last stage it is simply considered again at the next run."""
    locked = Reconsideration.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if locked.status != ReconsiderationStatus.REQUESTED:
        raise SelectionError(_("This request is already decided."))
    if not outcome.strip():
        raise SelectionError(_("Record the outcome, which the applicant is told."))
    locked.outcome = outcome.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    transition(
        locked,
        RECONSIDERATION_LIFECYCLE,
        ReconsiderationStatus.UPHELD if upheld else ReconsiderationStatus.REJECTED,
        actor=actor,
        data={"kind": locked.kind, "upheld": upheld, "outcome": locked.outcome},
        also_update=("outcome", "decided_by", "decided_at"),
        audit_obj=locked.application,
        action="shenbao.application.reconsideration_decided",
    )
    if upheld:
        _carry_out(locked, actor)
    application = locked.application
    tell_applicant_of_decision(
        application=application,
        template="reconsideration_decided",
        context={"upheld": upheld, "outcome": locked.outcome},
    )
    return locked


def _carry_out(request: Reconsideration, actor: User) -> None:
    application = Application.objects.select_for_update().get(pk=request.application_id)
    data = {"reconsideration": request.pk}
    if request.kind == ReconsiderationKind.FORMAL_CHECK:
        change_application_state(application=application, to=ApplicationState.CHECK_PASSED, actor=actor, data=data)
        first = first_review_stage(application.call)
        if first is not None and StageEntry.objects.filter(stage=first).exists():
            StageEntry.objects.get_or_create(stage=first, application=application)
        return
    stopped = (
        StageEntry.objects.select_for_update()
        .filter(application=application, status=EntryStatus.NOT_ADVANCED)
        .order_by("-stage__position")
        .first()
    )
    if stopped is not None:
        transition(stopped, ENTRY_LIFECYCLE, EntryStatus.IN_REVIEW, actor=actor, data=data)


def first_review_stage(call: Any) -> ReviewStage | None:
    """The first scoring stage (the one that takes the applications that passed the formal check)."""
    return ReviewStage.objects.filter(call=call).exclude(kind=StageKind.FORMAL_CHECK).order_by("position").first()
