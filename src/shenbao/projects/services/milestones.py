"""Milestones beyond the two reports: staff add and remove custom milestones while the project runs;
the PI or staff mark a custom one done with the day and what was delivered.  The report milestones
are completed by their reports (``submit_report``), never by hand.

Who may call these is the web's and the API's business (``projects.manage_project`` to add and
remove, ``projects.complete_milestone`` to mark done); these functions check the state rules."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.core.audit import log_action
from shenbao.projects.enums import MilestoneKind, ProjectStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Milestone, Project

TITLE_MAX = 200


def _running(project: Project) -> Project:
    locked = Project.objects.select_for_update().select_related("agreement__award__application").get(pk=project.pk)
    if locked.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."), code="project_not_running")
    return locked


def _locked_milestone(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().get(pk=milestone.pk)


@transaction.atomic
def add_milestone(*, project: Project, title: str, due: dt.date | None, actor: User) -> Milestone:
    """A custom milestone with its title (in the language staff write it) due inside the project's period."""
    locked = _running(project)
    title = title.strip()
    if not title:
        raise ProjectError(_("Give the milestone's title."), code="milestone_title_required")
    if len(title) > TITLE_MAX:
        raise ProjectError(
            _("A milestone's title has at most %(max)s characters."), params={"max": TITLE_MAX}, code="milestone_title_too_long"
        )
    if due is None:
        raise ProjectError(_("Give the day the milestone is due."), code="milestone_due_required")
    if not locked.start_date <= due <= locked.end_date:
        raise ProjectError(
            _("A milestone is due within the project's period, %(start)s to %(end)s."),
            params={"start": locked.start_date.isoformat(), "end": locked.end_date.isoformat()},
            code="milestone_due_outside_project",
        )
    milestone = Milestone.objects.create(project=locked, kind=MilestoneKind.CUSTOM, title=title, due=due)
    log_action(
        action="shenbao.project.milestone_added",
        obj=locked.agreement.award.application,
        actor=actor,
        data={"milestone": milestone.pk, "title": title, "due": due.isoformat()},
    )
    return milestone


def _custom_and_open(milestone: Milestone, refusal_for_report: str | Promise) -> None:
    if milestone.kind != MilestoneKind.CUSTOM:
        raise ProjectError(refusal_for_report, code="report_milestone")
    if milestone.done_on is not None:
        raise ProjectError(_("This milestone is already done."), code="milestone_done")


@transaction.atomic
def remove_milestone(*, milestone: Milestone, actor: User) -> None:
    """Staff remove a custom milestone that is not done (a done one stays on the record)."""
    locked_project = _running(milestone.project)
    locked = _locked_milestone(milestone)
    _custom_and_open(locked, _("The report milestones belong to every project and cannot be removed."))
    data = {"milestone": locked.pk, "title": locked.title, "due": locked.due.isoformat()}
    locked.delete()
    log_action(action="shenbao.project.milestone_removed", obj=locked_project.agreement.award.application, actor=actor, data=data)


@transaction.atomic
def complete_milestone(
    *, milestone: Milestone, on: dt.date | None, note: str, actor: User, today: dt.date | None = None
) -> Milestone:
    """The PI or staff mark a custom milestone done on a day (not in the future, not before the
    project started) with what was delivered."""
    locked_project = _running(milestone.project)
    locked = _locked_milestone(milestone)
    _custom_and_open(locked, _("A report milestone is done when its report is submitted."))
    today = today or timezone.localdate()
    if on is None:
        raise ProjectError(_("Give the day the milestone was done."), code="milestone_day_required")
    if on > today:
        raise ProjectError(_("A milestone cannot be done on a day still to come."), code="milestone_day_in_future")
    if on < locked_project.start_date:
        raise ProjectError(
            _("A milestone cannot be done before the project started (%(start)s)."),
            params={"start": locked_project.start_date.isoformat()},
            code="milestone_day_before_start",
        )
    note = note.strip()
    if not note:
        raise ProjectError(_("Say what was delivered."), code="milestone_note_required")
    locked.done_on, locked.note, locked.done_by = on, note, actor
    locked.save(update_fields=["done_on", "note", "done_by"])
    log_action(
        action="shenbao.project.milestone_done",
        obj=locked_project.agreement.award.application,
        actor=actor,
        data={"milestone": locked.pk, "title": locked.title, "done_on": on.isoformat()},
    )
    return locked
