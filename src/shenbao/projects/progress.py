"""One read of where an application stands, for its applicant: submitted → endorsement → formal
check → review stages → result → agreement → project → reports (issues 13 and 17), with what the
applicant is expected to do next and by when (``Progress.due``, an aware moment the pages show in
Beijing time and in the reader's own time zone).

It lives in ``projects`` because it reads every later app (awards, agreements, projects), which
``applications`` may not import.  The applicant's pages and the API both read it; the list of
applications loads it for many at once with a fixed number of queries (``with_progress``).

Awards the applicant cannot see yet (approved by staff, results not published) are not shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from shenbao.agreements.enums import AgreementStatus
from shenbao.applications.enums import ApplicationState as S
from shenbao.applications.enums import FormalCheckOutcome
from shenbao.applications.models import Application
from shenbao.awards.enums import AwardStatus
from shenbao.calls.enums import StageKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.text import text_get
from shenbao.projects.enums import MilestoneKind, ProjectStatus
from shenbao.projects.models import Milestone
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.models import StageEntry

#: How a step stands: done, the one the application is at, failed (the road ends there),
#: waiting (not reached yet) or skipped (not reached because an earlier step ended it).
DONE, CURRENT, FAILED, WAITING, SKIPPED = "done", "current", "failed", "waiting", "skipped"

#: Award statuses the applicant sees (an approved award is not public until results are published).
#: "declined" (the PI gives the award up) is named by value: the awards app may not declare it yet.
DECLINED = "declined"
_VISIBLE_AWARD = frozenset({AwardStatus.PUBLISHED, AwardStatus.FINAL, AwardStatus.REVOKED, DECLINED})
_AWARDED = frozenset({AwardStatus.PUBLISHED, AwardStatus.FINAL})


@dataclass(frozen=True)
class Step:
    code: str  # submitted, endorsement, formal_check, stage:<code>, result, agreement, project, reports
    label: str
    status: str
    detail: str = ""
    at: dt.datetime | dt.date | None = None


@dataclass(frozen=True)
class Progress:
    """Where an application stands: the furthest stage reached (``stage``, ``label``), every step and
    what comes next (``next``), the moment it is due by (``due``, None when the applicant has nothing
    to do by a date); the ids to link to the results, the agreement and the project."""

    stage: str
    label: str
    next: str
    steps: list[Step] = field(default_factory=list)
    call_code: str = ""
    results_published: bool = False
    agreement_id: int | None = None
    project_id: int | None = None
    due: dt.datetime | None = None

    @property
    def due_passed(self) -> bool:
        return self.due is not None and self.due <= timezone.now()

    @property
    def current(self) -> Step | None:
        """The step the application is at (the last one reached when the road ended)."""
        for step in self.steps:
            if step.status == CURRENT:
                return step
        reached = [s for s in self.steps if s.status in (DONE, FAILED)]
        return reached[-1] if reached else None


def end_of_day(day: dt.date, zone: str) -> dt.datetime:
    """The last moment of ``day`` in ``zone`` (a date "by" which something is due): its next midnight,
    which the pages read as "24:00" of the day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=ZoneInfo(zone))


def with_progress(applications: QuerySet[Application]) -> QuerySet[Application]:
    """``applications`` with everything ``progress_of`` reads, in a fixed number of queries."""
    return applications.select_related(
        "call__public_notice", "award__agreement__project", "direction", "applicant"
    ).prefetch_related(
        Prefetch("stage_entries", queryset=StageEntry.objects.select_related("stage").order_by("stage__position")),
        Prefetch("call__stages", queryset=ReviewStage.objects.order_by("position")),
        "formal_checks",
        Prefetch("award__agreement__project__milestones", queryset=Milestone.objects.order_by("due", "pk")),
    )


def _related(obj: Any, name: str) -> Any:
    """A reverse one-to-one (award, agreement, project, notice) or None where there is none."""
    if obj is None:
        return None
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def progress_of(application: Application) -> Progress:
    """The application's progress (reads its related rows; load many with ``with_progress``)."""
    language = get_language() or "zh-hans"
    call = application.call
    state = application.state
    award = _related(application, "award")
    if award is not None and award.status not in _VISIBLE_AWARD:
        award = None
    agreement = _related(award, "agreement")
    project = _related(agreement, "project")
    published = _related(call, "public_notice") is not None
    entries = {e.stage_id: e for e in application.stage_entries.all()}
    # The formal check is its own step (a call may list it as a stage too).
    stages = [s for s in call.stages.all() if s.kind != StageKind.FORMAL_CHECK]
    decisions = sorted(application.formal_checks.all(), key=lambda d: d.decided_at)
    decision = decisions[-1] if decisions else None
    definition = current_definition(call)
    endorsement = definition.call.institution_endorsement
    # An award collection (seed 004: certificates and trophies) signs no agreement: none is promised.
    signs_agreements = definition.agreement is not None and definition.agreement.required

    steps: list[Step] = []
    ended = False  # an earlier step closed the road: later ones are skipped

    def add(code: str, label: str, status: str, detail: str = "", at: Any = None) -> None:
        nonlocal ended
        steps.append(Step(code, label, SKIPPED if ended and status == WAITING else status, detail, at))
        ended = ended or status == FAILED

    # Submission
    if state == S.DRAFT:
        add("submitted", pgettext("progress", "Submitted"), CURRENT, _("Not submitted yet."))
    elif state == S.WITHDRAWN and application.submitted_at is None:
        add("submitted", pgettext("progress", "Submitted"), FAILED, _("Withdrawn"))
    else:
        add("submitted", pgettext("progress", "Submitted"), DONE, application.receipt_number or "", application.submitted_at)
    # Institution endorsement, where the call asks for it
    if endorsement:
        if state == S.SUBMITTED:
            add("endorsement", _("Institution endorsement"), CURRENT, _("Waiting for your institution."))
        elif state in (S.ENDORSED, S.CHECK_PASSED, S.CHECK_FAILED) or decision is not None:
            add("endorsement", _("Institution endorsement"), DONE)
        else:
            add("endorsement", _("Institution endorsement"), WAITING)
    # Formal check
    check_label = pgettext("progress", "Formal check")
    if state == S.CHECK_PASSED or (state == S.WITHDRAWN and decision is not None and decision.outcome == FormalCheckOutcome.PASS):
        add("formal_check", check_label, DONE, pgettext("progress", "Passed"), decision.decided_at if decision else None)
    elif state == S.CHECK_FAILED:
        add(
            "formal_check",
            check_label,
            FAILED,
            decision.reason if decision else pgettext("progress", "Failed"),
            decision.decided_at if decision else None,
        )
    elif state == S.RETURNED:
        add(
            "formal_check",
            check_label,
            CURRENT,
            _("Returned for correction: %(reason)s") % {"reason": decision.reason if decision else ""},
        )
    elif state == S.ENDORSED or (state == S.SUBMITTED and not endorsement):
        add("formal_check", check_label, CURRENT, _("Waiting for the program staff."))
    else:
        add("formal_check", check_label, WAITING)
    if state == S.WITHDRAWN:
        ended = True
    # Review stages
    decided = award is not None or (published and state == S.CHECK_PASSED)
    last_entry: StageEntry | None = None
    for stage in stages:
        entry = entries.get(stage.pk)
        name = text_get(stage.name, language)
        code = f"stage:{stage.code}"
        if entry is None:
            add(code, name, WAITING)
        elif entry.status == EntryStatus.IN_REVIEW and decided:
            # The last stage is not "advanced" from: the selection decides on its ranking.
            last_entry = entry
            add(code, name, DONE, pgettext("progress", "Reviewed"), entry.created_at)
        elif entry.status == EntryStatus.IN_REVIEW:
            last_entry = entry
            add(code, name, CURRENT, pgettext("progress", "In review"), entry.created_at)
        elif entry.status == EntryStatus.ADVANCED:
            last_entry = entry
            add(code, name, DONE, pgettext("progress", "Advanced"), entry.created_at)
        else:
            last_entry = entry
            add(code, name, FAILED, pgettext("progress", "Not advanced"), entry.created_at)
    # Result
    result_label = pgettext("progress", "Result")
    not_selected = award is None and published and state == S.CHECK_PASSED
    if award is not None and award.status in _AWARDED:
        add("result", result_label, DONE, _award_detail(award))
    elif award is not None:
        # The PI's decline revokes the award (agreements.services.reserves.decline_award): the PI gave
        # it up, nobody took it away, so the step says so rather than "Revoked".
        declined = award.status == DECLINED or (agreement is not None and agreement.status == AgreementStatus.DECLINED)
        add(
            "result",
            result_label,
            FAILED,
            pgettext("progress", "Award declined") if declined else str(award.get_status_display()),
        )
    elif not_selected:
        add("result", result_label, FAILED, pgettext("progress", "Not selected"))
    else:
        add("result", result_label, WAITING)
    # Agreement
    if agreement is not None:
        status = {
            AgreementStatus.SIGNED: DONE,
            AgreementStatus.PENDING: CURRENT,
            AgreementStatus.OVERDUE: CURRENT,  # past its day, waiting for staff to extend or forfeit it
        }.get(agreement.status, FAILED)
        detail = str(agreement.get_status_display())
        if status == CURRENT and agreement.deadline:
            detail = _("Sign by %(date)s") % {"date": agreement.deadline.isoformat()}
        add("agreement", pgettext("progress", "Agreement"), status, detail, agreement.signed_at)
    elif signs_agreements:  # a call without agreement terms (seed 001) never reaches these two steps
        add("agreement", pgettext("progress", "Agreement"), WAITING)
    # Project: once it runs, the applicant's part is its reports and milestones (the next step)
    open_milestone: Milestone | None = None
    reports_label = pgettext("progress", "Reports")
    if project is not None:
        status = FAILED if project.status == ProjectStatus.TERMINATED else DONE
        add("project", pgettext("progress", "Project"), status, str(project.get_status_display()), project.start_date)
        milestones = list(project.milestones.all())
        waiting = [m for m in milestones if m.done_on is None]
        if project.status == ProjectStatus.ACTIVE and waiting:
            open_milestone = waiting[0]
            today = timezone.now().astimezone(ZoneInfo(call.timezone)).date()
            text = _("%(milestone)s overdue since %(date)s") if open_milestone.due < today else _("%(milestone)s due %(date)s")
            add(
                "reports",
                reports_label,
                CURRENT,
                text % {"milestone": open_milestone.label, "date": open_milestone.due.isoformat()},
            )
        elif project.status == ProjectStatus.ACTIVE:
            add("reports", reports_label, CURRENT, _("No report is due at the moment."))
        elif project.status == ProjectStatus.COMPLETED:
            done = [m.done_on for m in milestones if m.done_on is not None]
            add("reports", reports_label, DONE, _("All reports submitted."), max(done) if done else None)
        else:
            add("reports", reports_label, SKIPPED)
    elif signs_agreements:
        add("project", pgettext("progress", "Project"), WAITING)
        add("reports", reports_label, WAITING)

    furthest, label, next_step = _furthest(
        application,
        award,
        agreement,
        project,
        last_entry,
        not_selected=not_selected,
        endorsement=endorsement,
        signs_agreements=signs_agreements,
        language=language,
        milestone=open_milestone,
    )
    due: dt.datetime | None = None
    if state == S.DRAFT and call.deadline is not None and not call.deadline_tentative:
        due = call.deadline
    elif furthest == "agreement_pending" and agreement.deadline is not None:
        due = end_of_day(agreement.deadline, call.timezone)
    elif open_milestone is not None:
        due = end_of_day(open_milestone.due, call.timezone)
    return Progress(
        stage=furthest,
        label=label,
        next=next_step,
        steps=steps,
        call_code=call.code,
        results_published=published,
        agreement_id=agreement.pk if agreement is not None else None,
        project_id=project.pk if project is not None else None,
        due=due,
    )


def _award_detail(award: Any) -> str:
    parts = [pgettext("progress", "Awarded")]
    if award.amount_yuan:
        parts.append(_("%(amount)s yuan") % {"amount": f"{award.amount_yuan:,}"})
    return " · ".join(parts)


def _furthest(
    application: Application,
    award: Any,
    agreement: Any,
    project: Any,
    entry: StageEntry | None,
    *,
    not_selected: bool,
    endorsement: bool,
    signs_agreements: bool,
    language: str,
    milestone: Milestone | None = None,
) -> tuple[str, str, str]:
    """(stage code, what the list shows, what comes next) for the furthest point reached."""
    state = application.state
    if project is not None:
        label = _("Project: %(status)s") % {"status": project.get_status_display()}
        if project.status == ProjectStatus.ACTIVE and milestone is not None:
            if milestone.kind == MilestoneKind.CUSTOM:
                return (
                    f"project_{project.status}",
                    label,
                    _("Complete the milestone “%(milestone)s” and record what was delivered on the project page.")
                    % {"milestone": milestone.label},
                )
            return (
                f"project_{project.status}",
                label,
                _("Submit the “%(report)s” on the project page.") % {"report": milestone.label},
            )
        if project.status == ProjectStatus.ACTIVE:
            return (
                f"project_{project.status}",
                label,
                _("Report on the project: its milestones and reports are on the project page."),
            )
        return f"project_{project.status}", label, ""
    if agreement is not None and award.status != DECLINED:
        label = _("Agreement: %(status)s") % {"status": agreement.get_status_display()}
        if agreement.status == AgreementStatus.PENDING:
            return "agreement_pending", label, _("Confirm and sign the agreement before its deadline.")
        if agreement.status == AgreementStatus.OVERDUE:
            return (
                "agreement_overdue",
                label,
                _("The agreement was not signed by its last day; the program staff decide whether to extend it."),
            )
        if agreement.status == AgreementStatus.SIGNED:
            return "agreement_signed", label, _("The project starts when the program staff open it.")
        return f"agreement_{agreement.status}", label, ""
    if award is not None:
        if award.status in _AWARDED:
            if not signs_agreements:
                return "awarded", pgettext("progress", "Awarded"), _("The results are published; this call signs no agreement.")
            return (
                "awarded",
                pgettext("progress", "Awarded"),
                _("The agreement will be opened for signing; you will be told by e-mail."),
            )
        if award.status == DECLINED:
            return "award_declined", pgettext("progress", "Award declined"), ""
        return "award_revoked", pgettext("progress", "Award revoked"), ""
    if state == S.WITHDRAWN:
        return "withdrawn", str(S.WITHDRAWN.label), ""
    if not_selected:
        return "not_selected", pgettext("progress", "Not selected"), ""
    if entry is not None:
        name = text_get(entry.stage.name, language)
        if entry.status == EntryStatus.IN_REVIEW:
            return "in_review", _("In review: %(stage)s") % {"stage": name}, _("Experts review the application.")
        if entry.status == EntryStatus.ADVANCED:
            return "advanced", _("Advanced: %(stage)s") % {"stage": name}, _("The results are published after the selection.")
        return "not_advanced", _("Not advanced: %(stage)s") % {"stage": name}, ""
    label = str(S(state).label)
    if state == S.DRAFT:
        return state, label, _("Complete the form and submit it before the deadline.")
    if state == S.RETURNED:
        return state, label, _("Correct the application and submit it again.")
    if state == S.SUBMITTED and endorsement:
        return state, label, _("Your institution endorses the application; then the program staff check it.")
    if state in (S.SUBMITTED, S.ENDORSED):
        return state, label, _("The program staff check the application for completeness and eligibility.")
    if state == S.CHECK_PASSED:
        return state, label, _("The application goes to review when the call's review starts.")
    return state, label, ""
