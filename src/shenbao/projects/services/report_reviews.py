"""Expert review and decision of mid-term and final reports (中期检查 / 结题验收).

Staff name experts of the call's reviewer pool (those who accepted) to review a report, by hand or
through the assignment solver (``report_assignment``), never one in conflict with the application (回避,
the same reading as the selection's review: ``reviews.queries.conflicts``).  Where the call declares the
review of its reports of that kind (``report_reviews`` in the call definition), each expert scores every
criterion (checked and totalled by the review stages' ``reviews.scoring``); otherwise one score out of
100.  Either way with an opinion.  Where the call gives the report review ``due_days``, a named expert's
review is due at the end of the day that many days after the naming, in the call's time zone (the
daily ``send_review_reminders`` reminds them of it: ``projects.services.reminders``).  Once every named
expert has submitted, staff decide: pass, pass with conditions or fail, with reasons.  The decision
releases or withholds the tranches tied to the report; a passed final report closes the project
(结题), a failed one leaves it running with the reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.calls.definition.schema import ReportReviewSettings
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.notifications.mail import notify
from shenbao.projects.enums import ProjectStatus, ReportKind, ReportStatus
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Project, Report, ReportReview
from shenbao.projects.progress import end_of_day
from shenbao.projects.queries import report_result
from shenbao.projects.services.disbursement import follow_report_decision
from shenbao.projects.transitions import PROJECT_LIFECYCLE, REPORT_LIFECYCLE
from shenbao.reviews.enums import ConflictKind, PoolStatus
from shenbao.reviews.models import PoolMember
from shenbao.reviews.queries.conflicts import conflicts_for_call
from shenbao.reviews.scoring import evaluate_scores, score_problems

SCORE_MAX = 100
DECISIONS = (ReportStatus.PASSED, ReportStatus.CONDITIONAL, ReportStatus.FAILED)


def _locked_report(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("project__agreement__award__application", "project__agreement__award__call")
        .get(pk=report.pk)
    )


def _undecided(report: Report) -> None:
    if report.status != ReportStatus.SUBMITTED:
        raise ProjectError(_("This report is decided already."), code="report_decided")


def review_due_at(call: Call, settings: ReportReviewSettings | None, now: dt.datetime) -> dt.datetime | None:
    """When a review named at ``now`` is due: the end of the day ``due_days`` days after the naming day,
    both days read in the call's time zone (None where the call gives no ``due_days``)."""
    if settings is None or settings.due_days is None:
        return None
    named_on = now.astimezone(ZoneInfo(call.timezone)).date()
    return end_of_day(named_on + dt.timedelta(days=settings.due_days), call.timezone)


def due_day(due_at: dt.datetime | None, zone: str) -> dt.date | None:
    """The day a review is due by (its ``due_at`` is that day's end, the next midnight) in ``zone``."""
    if due_at is None:
        return None
    return (due_at.astimezone(ZoneInfo(zone)) - dt.timedelta(microseconds=1)).date()


@transaction.atomic
def assign_report_expert(*, report: Report, expert: User | None, actor: User, now: dt.datetime | None = None) -> ReportReview:
    locked = _locked_report(report)
    _undecided(locked)
    award = locked.project.agreement.award
    if expert is None or not PoolMember.objects.filter(call=award.call, user=expert, status=PoolStatus.ACCEPTED).exists():
        raise ProjectError(_("Name an expert of the call's reviewer pool who accepted."), code="expert_not_in_pool")
    if expert.pk == award.application.applicant_id:
        raise ProjectError(_("The PI cannot review the project's own report."), code="expert_is_pi")
    conflicts = conflicts_for_call(award.call, application_ids=[award.application_id], reviewer_ids=[expert.pk])
    found = conflicts.get((award.application_id, expert.pk))
    if found:
        raise ProjectError(
            _("This expert has a conflict of interest with the project (回避): %(detail)s."),
            params={
                "detail": format_lazy(
                    "; ".join(["{} {}"] * len(found)), *[x for c in found for x in (ConflictKind(c.kind).label, c.detail)]
                )
            },
            code="expert_conflicted",
        )
    if locked.reviews.filter(expert=expert).exists():
        raise ProjectError(_("This expert reviews the report already."), code="expert_assigned")
    due_at = review_due_at(award.call, current_definition(award.call).report_review(locked.kind), now or timezone.now())
    review = ReportReview.objects.create(report=locked, expert=expert, assigned_by=actor, due_at=due_at)
    log_action(
        action="shenbao.report.expert_assigned",
        obj=award.application,
        actor=actor,
        data={"kind": locked.kind, "expert": expert.pk, "due_at": due_at.isoformat() if due_at else None},
    )
    tell_expert_of_report_review(review)
    return review


def _kind_labels(kind: str) -> dict[str, str]:
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = str(ReportKind(kind).label)
    return labels


def tell_expert_of_report_review(review: ReportReview) -> None:
    """Mail the expert just named for a report review (the in-app notification follows): the project,
    the report, the day the review is due (empty where the call gives none) and the link to the review
    page.  Called where the review is created, by hand or by the
    assignment solver, so an expert a rerun keeps is not told again; the mail is stored in the naming's
    transaction, so a naming rolled back mails nobody."""
    expert, report = review.expert, review.report
    if not expert.email:
        return
    award = report.project.agreement.award
    due = due_day(review.due_at, award.call.timezone)
    notify(
        to=expert.email,
        language=expert.language,
        template="report_review_assigned",
        context={
            "call_title": award.call.title,
            "project": report.project.title,
            "report": _kind_labels(report.kind),
            "due": due.isoformat() if due else "",
        },
        call=award.call,
        related=report.project,
        link=reverse("web:project_reports", args=[report.project_id]) + f"#own-{review.pk}",
        user=expert,
    )


def report_review_settings(report: Report) -> ReportReviewSettings | None:
    """The criteria and rules the call declares for the review of reports of this kind (None: one score)."""
    return current_definition(report.project.agreement.award.call).report_review(report.kind)


@transaction.atomic
def submit_report_review(
    *,
    review: ReportReview,
    score: int | None = None,
    scores: Mapping[str, float | None] | None = None,
    opinion: str,
    actor: User,
    now: dt.datetime | None = None,
) -> ReportReview:
    """The named expert scores the report with an opinion; they may revise it until staff decide.

    Where the call declares criteria for the report's kind, ``scores`` gives every criterion a score on
    its scale (None: not applicable, where the criterion allows it) and the review's total is the review
    stages' (0–100); otherwise ``score`` is one whole number from 0 to 100."""
    locked = (
        ReportReview.objects.select_for_update(of=("self",))
        .select_related("report__project__agreement__award__call", "report__project__agreement__award__application")
        .get(pk=review.pk)
    )
    if locked.expert_id != actor.pk:
        raise ProjectError(_("Only the expert named for this review may submit it."), code="not_the_expert")
    _undecided(locked.report)
    settings = report_review_settings(locked.report)
    given: dict[str, float | None] = {}
    total: float | None
    if settings is not None:
        given = dict(scores or {})
        problems = score_problems(settings, given, complete=True, language=translation.get_language())
        if problems:
            raise ProjectError(" ".join(problems), code="scores_invalid")
        total = evaluate_scores(settings, given)
        score = None if total is None else round(total)
    else:
        if score is None or not 0 <= score <= SCORE_MAX:
            raise ProjectError(_("Give a whole-number score from 0 to %(max)s."), params={"max": SCORE_MAX}, code="score_invalid")
        total = float(score)
    if not opinion.strip():
        raise ProjectError(_("Write the expert opinion."), code="opinion_required")
    locked.score, locked.scores, locked.total = score, given, total
    locked.opinion, locked.submitted_at = opinion.strip(), now or timezone.now()
    locked.save(update_fields=["score", "scores", "total", "opinion", "submitted_at"])
    log_action(
        action="shenbao.report.reviewed",
        obj=locked.report.project.agreement.award.application,
        actor=actor,
        data={"kind": locked.report.kind, "score": score, **({"scores": given, "total": total} if settings else {})},
    )
    return locked


def _tell_pi(report: Report, decision: str, reasons: str) -> None:
    award = report.project.agreement.award
    pi = award.application.applicant
    if not pi.email:
        return
    notify(
        to=pi.email,
        language=pi.language,
        template="report_decided",
        context={
            "call_title": award.call.title,
            "project": report.project.title,
            "report": _kind_labels(report.kind),
            "decision": decision,
            "reasons": reasons,
        },
        call=award.call,
        related=report.project,
        link=reverse("web:project", args=[report.project_id]),
        user=pi,
    )


@transaction.atomic
def decide_report(*, report: Report, decision: str, reasons: str, actor: User, now: dt.datetime | None = None) -> Report:
    """Staff decide a reviewed report.  Conditions and failures carry their reasons."""
    locked = _locked_report(report)
    _undecided(locked)
    if decision not in DECISIONS:
        raise ProjectError(_("Choose pass, pass with conditions or fail."), code="decision_invalid")
    reviews = list(locked.reviews.all())
    if not reviews:
        raise ProjectError(_("Name at least one expert to review the report before deciding."), code="report_not_reviewed")
    if any(r.submitted_at is None for r in reviews):
        raise ProjectError(_("Every named expert has to submit a review before the decision."), code="reviews_pending")
    reasons = reasons.strip()
    if decision != ReportStatus.PASSED and not reasons:
        raise ProjectError(_("Give the reasons (or the conditions) of the decision."), code="decision_reasons_required")
    result = report_result(locked, reviews)
    project = Project.objects.select_for_update().get(pk=locked.project_id)
    if project.status != ProjectStatus.ACTIVE:
        raise ProjectError(_("This project is no longer running."), code="project_not_running")
    locked.decision_reasons, locked.decided_by, locked.decided_at = reasons, actor, now or timezone.now()
    application = locked.project.agreement.award.application
    transition(
        locked,
        REPORT_LIFECYCLE,
        decision,
        actor=actor,
        also_update=("decision_reasons", "decided_by", "decided_at"),
        audit_obj=application,
        data={"kind": locked.kind, "reasons": reasons, "scores": [r.score for r in reviews], "result": result.value},
    )
    follow_report_decision(locked, actor=actor)
    _tell_pi(locked, decision, reasons)
    if locked.kind == ReportKind.FINAL and decision in (ReportStatus.PASSED, ReportStatus.CONDITIONAL):
        # 结题: the final acceptance closes the project.
        transition(
            project,
            PROJECT_LIFECYCLE,
            ProjectStatus.COMPLETED,
            actor=actor,
            audit_obj=application,
            data={"final_report": decision},
        )
    return locked
