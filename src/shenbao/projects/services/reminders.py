"""Reminders of report and milestone due dates, run daily (``manage.py send_report_reminders``).

A milestone not yet done of a running project is reminded when its window opens
(``REPORT_REMINDER_WORKING_DAYS`` working days before the due date, the due day counted, on the
Chinese official calendar), on the due day, and once on the first day after it (overdue).  A run
that misses the opening day reminds on the next run inside the window.  ``Milestone.reminded_on``
keeps the day of the last reminder, so however often the job runs a milestone is reminded at
most once a day.  The PI is reminded in their own language, through the outbox.

Experts named to review a report that has a due date (``report_reviews``' ``due_days``) are reminded
too, with the review stages' window (``DAYS_BEFORE`` days) and daily while overdue, by
``send_report_review_reminders`` (run by ``manage.py send_review_reminders``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shenbao.agreements.services.reminders import window_opens
from shenbao.core.audit import log_action
from shenbao.core.queries.calendar import work_calendar
from shenbao.core.workdays import MissingCalendarYear
from shenbao.notifications.mail import notify
from shenbao.projects.enums import ProjectStatus, ReportStatus
from shenbao.projects.models import Milestone, ReportReview
from shenbao.projects.services.report_reviews import due_day
from shenbao.reviews.services.reminders import DAYS_BEFORE

REPORT_REMINDER_WORKING_DAYS = 10
REPORT_LABELS = {"midterm": _("Mid-term report"), "final": _("Final report")}


def _report_label(kind: str, title: str) -> dict[str, str]:
    """The report's name in both languages (the mail's ``report`` placeholder): the kind's name, or
    the milestone's own title for any other milestone."""
    if kind not in REPORT_LABELS:
        return {"zh-hans": title, "en": title}
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = str(REPORT_LABELS[kind])
    return labels


def _moment(today: dt.date, due: dt.date, opens: dt.date, reminded: dt.date | None) -> str | None:
    """Which reminder is due today: ``window``, ``due_day``, ``overdue`` or none."""
    if reminded == today or today < opens:
        return None
    if today == due:
        return "due_day"
    if today > due:
        return "overdue" if reminded is None or reminded <= due else None
    return "window" if reminded is None or reminded < opens else None


@transaction.atomic
def send_report_reminders(*, now: dt.datetime | None = None, working_days: int = REPORT_REMINDER_WORKING_DAYS) -> int:
    """Remind the PI of every milestone due to be reminded today; returns how many were reminded."""
    now = now or timezone.now()
    calendar = work_calendar()
    reminded = 0
    pending = (
        Milestone.objects.select_for_update(of=("self",))
        .filter(done_on__isnull=True, project__status=ProjectStatus.ACTIVE)
        .select_related("project__agreement__award__call", "project__agreement__award__application__applicant")
        .order_by("due", "pk")
    )
    for milestone in pending:
        award = milestone.project.agreement.award
        call, pi = award.call, award.application.applicant
        today = now.astimezone(ZoneInfo(call.timezone)).date()
        try:
            opens = window_opens(milestone.due, working_days, calendar)
        except MissingCalendarYear:
            opens = milestone.due  # no calendar for that year: the due-day and overdue reminders still go
        moment = _moment(today, milestone.due, opens, milestone.reminded_on)
        if moment is None or not pi.email:
            continue
        notify(
            to=pi.email,
            language=pi.language,
            template="report_reminder",
            context={
                "call_title": call.title,
                "project": milestone.project.title,
                "report": _report_label(milestone.kind, milestone.title),
                "due": milestone.due.isoformat(),
                "moment": moment,
            },
            call=call,
            related=milestone,
            link=reverse("web:project", args=[milestone.project_id]),
        )
        milestone.reminded_on = today
        milestone.save(update_fields=["reminded_on"])
        log_action(
            action="shenbao.project.reminder_sent",
            obj=milestone.project,
            actor=None,
            data={"milestone": milestone.pk, "due": milestone.due.isoformat(), "moment": moment, "to": pi.email},
        )
        reminded += 1
    return reminded


@transaction.atomic
def send_report_review_reminders(*, now: dt.datetime | None = None, days_before: int = DAYS_BEFORE) -> int:
    """Remind every expert with report reviews not submitted that are due within ``days_before`` days
    (the review stages' reminder window) or overdue: one message per expert and call a day at most,
    however often it runs (``ReportReview.reminded_on``, the day in the call's time zone), in the
    expert's language.  A review without a due date, of a decided report or of a project no longer
    running is not reminded.  Returns how many messages were queued."""
    now = now or timezone.now()
    pending = (
        ReportReview.objects.select_for_update(of=("self",))
        .filter(
            submitted_at__isnull=True,
            due_at__isnull=False,
            due_at__lte=now + dt.timedelta(days=days_before),
            report__status=ReportStatus.SUBMITTED,
            report__project__status=ProjectStatus.ACTIVE,
        )
        .select_related("expert", "report__project__agreement__award__call")
        .order_by("due_at", "pk")
    )
    groups: dict[tuple[int, int], list[ReportReview]] = defaultdict(list)
    for review in pending:
        groups[(review.expert_id, review.report.project.agreement.award.call_id)].append(review)
    sent = 0
    for reviews in groups.values():
        expert, call = reviews[0].expert, reviews[0].report.project.agreement.award.call
        today = now.astimezone(ZoneInfo(call.timezone)).date()
        if not expert.email or any(r.reminded_on == today for r in reviews):
            continue
        first = reviews[0].due_at
        assert first is not None  # filtered above
        due = due_day(first, call.timezone)
        overdue = now >= first
        notify(
            to=expert.email,
            language=expert.language,
            template="report_review_reminder",
            context={
                "call_title": call.title,
                "count": len(reviews),
                "due": due.isoformat() if due else "",
                "overdue": overdue,
            },
            call=call,
            link=reverse("web:my_reviews") + "#report-reviews",
            user=expert,
        )
        ReportReview.objects.filter(pk__in=[r.pk for r in reviews]).update(reminded_on=today)
        log_action(
            action="shenbao.report.review_reminder_sent",
            obj=call,
            actor=None,
            data={"expert": expert.email, "pending": len(reviews), "due": due.isoformat() if due else None, "overdue": overdue},
        )
        sent += 1
    return sent
