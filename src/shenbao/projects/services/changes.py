"""Changes during the project (项目变更): change of PI, of institution, budget reallocation, extension.
The PI requests one with the reason (an extension with the new end); staff approve or reject it with a
note (a rejection needs one).  An approved extension moves the project's end and the final report's
due day; an approved budget reallocation that carries a proposed table replaces the agreement's
approved budget.

A change of PI names the new PI's account by its e-mail; approving it makes that account the
application's applicant, which is who the permission predicates (``projects.view_project``,
``agreements.view_agreement``, the API) treat as the PI: the new PI sees and acts on the project, the
old one no longer does (the predicates know no history; the audit entry keeps who it was).  A change of
institution names the new institution by its unified social credit code or its exact name; approving
it makes it the application's lead organisation, the agreement's institution party.  Both are audited
with the before and after and mailed (old and new PI; the PI).

Every change that takes effect gets its change approval record (变更批复, ``services.amendments``): a
Word document with the before and after, kept with its SHA-256 and numbered per agreement, since the
agreement's text stays as it was confirmed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Organisation, User
from shenbao.agreements.errors import AgreementBudgetError
from shenbao.agreements.services.agreements import agreement_terms
from shenbao.agreements.services.budget import apply_reallocation, clean_reallocation, moved_percent
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.notifications.mail import notify
from shenbao.projects.enums import ChangeKind, ChangeStatus, MilestoneKind, ProjectStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import ChangeRequest, Milestone, Project
from shenbao.projects.services.amendments import generate_amendment, snapshot
from shenbao.projects.transitions import CHANGE_LIFECYCLE


def _new_pi(project: Project, email: str) -> User:
    """The account named as the new PI: an active account with that e-mail, not the PI already."""
    email = email.strip()
    if not email:
        raise ProjectError(_("Give the e-mail of the new PI's account."), code="change_pi_required")
    user = User.objects.filter(email__iexact=email, is_active=True).first() if len(email) <= 254 else None
    if user is None:
        raise ProjectError(
            _("No account uses the e-mail %(email)s: the new PI registers first."),
            params={"email": email},
            code="change_pi_unknown",
        )
    if user.pk == project.agreement.award.application.applicant_id:
        raise ProjectError(_("This account is the project's PI already."), code="change_pi_same")
    return user


def _new_institution(project: Project, name: str) -> Organisation:
    """The institution named by its unified social credit code or its exact name (Chinese or English)."""
    name = name.strip()
    if not name:
        raise ProjectError(
            _("Name the new institution: its unified social credit code or its exact name."),
            code="change_institution_required",
        )
    found = list(
        Organisation.objects.filter(Q(credit_code=name.upper()) | Q(**{"name__zh-hans": name}) | Q(name__en=name)).order_by("pk")[
            :2
        ]
        if len(name) <= 300
        else []
    )
    by_code = [o for o in found if o.credit_code and o.credit_code == name.upper()]
    if by_code:
        found = by_code
    if not found:
        raise ProjectError(
            _("No institution is registered as “%(name)s”."), params={"name": name}, code="change_institution_unknown"
        )
    if len(found) > 1:
        raise ProjectError(
            _("More than one institution is called “%(name)s”: give its unified social credit code."),
            params={"name": name},
            code="change_institution_ambiguous",
        )
    if found[0].pk == project.agreement.award.application.lead_organisation_id:
        raise ProjectError(_("The project is with this institution already."), code="change_institution_same")
    return found[0]


@transaction.atomic
def request_change(
    *,
    project: Project,
    kind: str,
    reason: str,
    new_end_date: dt.date | None,
    actor: User,
    new_budget: Any = None,
    new_pi_email: str = "",
    new_institution: str = "",
) -> ChangeRequest:
    """A budget reallocation may carry the proposed approved table (``new_budget``, the budget field's
    format); approving it replaces the agreement's approved budget.  A change of PI names the new PI's
    account (``new_pi_email``), a change of institution the new institution (``new_institution``: its
    unified social credit code or exact name)."""
    locked = Project.objects.select_for_update(of=("self",)).select_related("agreement__award__application").get(pk=project.pk)
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
    pi = _new_pi(locked, new_pi_email) if kind == ChangeKind.PI else None
    institution = _new_institution(locked, new_institution) if kind == ChangeKind.INSTITUTION else None
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
        new_pi=pi,
        new_institution=institution,
        requested_by=actor,
    )
    named: dict[str, Any] = {"budget": True} if proposed else {}
    if pi is not None:
        named["new_pi"] = pi.pk
    if institution is not None:
        named["new_institution"] = institution.pk
    log_action(
        action="shenbao.project_change.requested",
        obj=locked.agreement.award.application,
        actor=actor,
        data={"kind": kind, "change": change.pk, **named},
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
    *,
    change: ChangeRequest,
    approve: bool,
    note: str,
    actor: User | None,
    now: dt.datetime | None = None,
    new_pi_email: str = "",
    new_institution: str = "",
) -> ChangeRequest:
    """Staff approve or reject.  Approving a change of PI or of institution may name another account or
    institution than the PI asked for (``new_pi_email``, ``new_institution``; empty keeps the request's),
    and checks it again: the account may have been closed, or the PI changed, since the request."""
    locked = ChangeRequest.objects.select_for_update(of=("self",)).select_related("project").get(pk=change.pk)
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("agreement__award__application__applicant", "agreement__award__application__lead_organisation")
        .get(pk=locked.project_id)
    )
    if not approve and not note.strip():
        raise ProjectError(_("Give the reason for rejecting the change."), code="change_note_required")
    if project.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."), code="project_not_running")
    if approve and locked.kind == ChangeKind.PI:
        email = new_pi_email.strip() or (locked.new_pi.email if locked.new_pi else "")
        locked.new_pi = _new_pi(project, email)
    if approve and locked.kind == ChangeKind.INSTITUTION:
        named = new_institution.strip()
        locked.new_institution = _new_institution(project, named) if named else _still_new(project, locked.new_institution)
    locked.decision_note, locked.decided_by, locked.decided_at = note.strip(), actor, now or timezone.now()
    application = project.agreement.award.application
    before = snapshot(project.pk) if approve else None
    transition(
        locked,
        CHANGE_LIFECYCLE,
        ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED,
        actor=actor,
        also_update=("decision_note", "decided_by", "decided_at", "new_pi", "new_institution"),
        audit_obj=application,
        data={"kind": locked.kind, "note": locked.decision_note},
    )
    if approve and locked.kind == ChangeKind.BUDGET and locked.new_budget:
        try:
            apply_reallocation(agreement=project.agreement, value=locked.new_budget, change_id=locked.pk, actor=actor)
        except AgreementBudgetError as e:
            raise ProjectError(e.message, params=e.params, code="change_budget") from None
    if approve and locked.kind == ChangeKind.PI and locked.new_pi is not None:
        _change_pi(project, locked.new_pi, actor=actor, change=locked)
    if approve and locked.kind == ChangeKind.INSTITUTION and locked.new_institution is not None:
        _change_institution(project, locked.new_institution, actor=actor, change=locked)
    if approve and locked.kind == ChangeKind.EXTENSION and locked.new_end_date is not None:
        end = project.end_date
        project.end_date = locked.new_end_date
        project.save(update_fields=["end_date"])
        Milestone.objects.filter(project=project, kind=MilestoneKind.FINAL, done_on__isnull=True).update(due=project.end_date)
        log_action(
            action="shenbao.project.extended",
            obj=application,
            actor=actor,
            data={"from": end.isoformat(), "to": project.end_date.isoformat()},
        )
    if before is not None:
        generate_amendment(change=locked, before=before, actor=actor)
    return locked


def _still_new(project: Project, institution: Organisation | None) -> Organisation:
    """The institution the request named, checked again at the decision."""
    if institution is None:
        raise ProjectError(
            _("Name the new institution: its unified social credit code or its exact name."),
            code="change_institution_required",
        )
    if institution.pk == project.agreement.award.application.lead_organisation_id:
        raise ProjectError(_("The project is with this institution already."), code="change_institution_same")
    return institution


def _change_pi(project: Project, new: User, *, actor: User | None, change: ChangeRequest) -> None:
    """The new account becomes the application's applicant: the PI every predicate asks about."""
    application = project.agreement.award.application
    old = application.applicant
    application.applicant = new
    application.save(update_fields=["applicant", "updated_at"])
    log_action(
        action="shenbao.project.pi_changed",
        obj=application,
        actor=actor,
        data={"change": change.pk, "from": {"user": old.pk, "email": old.email}, "to": {"user": new.pk, "email": new.email}},
    )
    award = project.agreement.award
    for person, role in ((old, "old"), (new, "new")):
        if person.email:
            notify(
                to=person.email,
                language=person.language,
                template="project_pi_changed",
                context={
                    "call_title": award.call.title,
                    "project": project.title,
                    "old_pi": str(old),
                    "new_pi": str(new),
                    "recipient": role,
                },
                call=award.call,
                related=project,
                link=reverse("web:project", args=[project.pk]) if role == "new" else None,
                user=person,
            )


def _change_institution(project: Project, new: Organisation, *, actor: User | None, change: ChangeRequest) -> None:
    """The new institution becomes the application's lead organisation: the agreement's institution party."""
    application = project.agreement.award.application
    old = application.lead_organisation
    application.lead_organisation = new
    application.save(update_fields=["lead_organisation", "updated_at"])
    log_action(
        action="shenbao.project.institution_changed",
        obj=application,
        actor=actor,
        data={
            "change": change.pk,
            "from": {"organisation": old.pk, "name": old.name} if old is not None else None,
            "to": {"organisation": new.pk, "name": new.name},
        },
    )
    award = project.agreement.award
    pi = application.applicant
    if pi.email:
        notify(
            to=pi.email,
            language=pi.language,
            template="project_institution_changed",
            context={
                "call_title": award.call.title,
                "project": project.title,
                "old_institution": old.name if old is not None else {},
                "new_institution": new.name,
            },
            call=award.call,
            related=project,
            link=reverse("web:project", args=[project.pk]),
            user=pi,
        )
