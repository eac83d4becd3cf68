"""Changes during the project (项目变更): change of PI, of institution, budget reallocation, extension.
The PI requests one with the reason (an extension with the new end); staff approve or reject it with a
note (a rejection needs one).  An approved extension moves the project's end and the final report's
due day; an approved budget reallocation that carries a proposed table replaces the agreement's
approved budget; the other kinds are recorded and audited, and applying them to the people or the
institution is staff's work elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.errors import AgreementBudgetError
from shenbao.agreements.services.agreements import agreement_terms
from shenbao.agreements.services.budget import apply_reallocation, clean_reallocation, moved_percent
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.projects.enums import ChangeKind, ChangeStatus, MilestoneKind, ProjectStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import ChangeRequest, Milestone, Project
from shenbao.projects.transitions import CHANGE_LIFECYCLE


@transaction.atomic
def request_change(
    *, project: Project, kind: str, reason: str, new_end_date: dt.date | None, actor: User, new_budget: Any = None
) -> ChangeRequest:
    """A budget reallocation may carry the proposed approved table (``new_budget``, the budget field's
    format); approving it replaces the agreement's approved budget."""
    locked = Project.objects.select_for_update().select_related("agreement__award__application").get(pk=project.pk)
    if locked.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."), code="project_not_running")
    if kind not in ChangeKind.values:
        raise ProjectError(_("Choose the kind of change."), code="change_kind_required")
    if not reason.strip():
        raise ProjectError(_("Say what changes and why."), code="change_reason_required")
    if kind == ChangeKind.EXTENSION and (new_end_date is None or new_end_date <= locked.end_date):
        raise ProjectError(
            _("An extension gives a new end after %(end)s."), params={"end": locked.end_date.isoformat()}, code="extension_end"
        )
    if locked.changes.filter(kind=kind, status=ChangeStatus.REQUESTED).exists():
        raise ProjectError(_("A request of this kind is waiting for a decision already."), code="change_pending")
    proposed: dict[str, Any] = {}
    if kind == ChangeKind.BUDGET and new_budget not in (None, "", {}):
        try:
            proposed = clean_reallocation(locked.agreement, new_budget)
        except AgreementBudgetError as e:
            raise ProjectError(e.message, params=e.params, code="change_budget") from None
    change = ChangeRequest.objects.create(
        project=locked,
        kind=kind,
        reason=reason.strip(),
        new_end_date=new_end_date if kind == ChangeKind.EXTENSION else None,
        new_budget=proposed,
        requested_by=actor,
    )
    log_action(
        action="shenbao.project_change.requested",
        obj=locked.agreement.award.application,
        actor=actor,
        data={"kind": kind, "change": change.pk, **({"budget": True} if proposed else {})},
    )
    terms = agreement_terms(locked.agreement.award.call)
    free = terms.reallocation_without_approval_percent if terms is not None else 0
    if proposed and free and moved_percent(locked.agreement, proposed) <= free:
        # The call's terms let a small reallocation take effect without approval: decided at once, by no one.
        note = _("Moves at most %(percent)s %% of the grant: takes effect without approval under the call's terms.") % {
            "percent": free
        }
        return decide_change(change=change, approve=True, note=str(note), actor=None)
    return change


@transaction.atomic
def decide_change(
    *, change: ChangeRequest, approve: bool, note: str, actor: User | None, now: dt.datetime | None = None
) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update(of=("self",)).select_related("project").get(pk=change.pk)
    project = Project.objects.select_for_update().select_related("agreement__award__application").get(pk=locked.project_id)
    if not approve and not note.strip():
        raise ProjectError(_("Give the reason for rejecting the change."), code="change_note_required")
    if project.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."), code="project_not_running")
    locked.decision_note, locked.decided_by, locked.decided_at = note.strip(), actor, now or timezone.now()
    application = project.agreement.award.application
    transition(
        locked,
        CHANGE_LIFECYCLE,
        ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED,
        actor=actor,
        also_update=("decision_note", "decided_by", "decided_at"),
        audit_obj=application,
        data={"kind": locked.kind, "note": locked.decision_note},
    )
    if approve and locked.kind == ChangeKind.BUDGET and locked.new_budget:
        try:
            apply_reallocation(agreement=project.agreement, value=locked.new_budget, change_id=locked.pk, actor=actor)
        except AgreementBudgetError as e:
            raise ProjectError(e.message, params=e.params, code="change_budget") from None
    if approve and locked.kind == ChangeKind.EXTENSION and locked.new_end_date is not None:
        before = project.end_date
        project.end_date = locked.new_end_date
        project.save(update_fields=["end_date"])
        Milestone.objects.filter(project=project, kind=MilestoneKind.FINAL, done_on__isnull=True).update(due=project.end_date)
        log_action(
            action="shenbao.project.extended",
            obj=application,
            actor=actor,
            data={"from": before.isoformat(), "to": project.end_date.isoformat()},
        )
    return locked
