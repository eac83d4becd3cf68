"""Reminders to reviewers whose reviews are not submitted as a stage's due date approaches.

Run daily (``manage.py send_review_reminders`` from cron or a scheduler); each reviewer gets at most
one message per stage per day, in their language, however often it runs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from shenbao.calls.models import ReviewStage
from shenbao.core.audit import log_action
from shenbao.notifications.mail import notify
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import Assignment
from shenbao.reviews.queries.stages import stage_definition

DAYS_BEFORE = 3
QUIET = dt.timedelta(hours=20)


@transaction.atomic
def send_review_reminders(*, now: dt.datetime | None = None, link_base: str = "") -> int:
    """Remind every reviewer with unsubmitted reviews in a stage due within DAYS_BEFORE days; returns
    how many messages were queued."""
    now = now or timezone.now()
    sent = 0
    for stage in ReviewStage.objects.select_related("call").exclude(kind="formal_check"):
        due = stage_definition(stage).due
        if due is None:
            continue
        zone = ZoneInfo(stage.call.timezone)
        end = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)  # the end of the due day
        if not end - dt.timedelta(days=DAYS_BEFORE) <= now < end:
            continue
        pending = (
            Assignment.objects.select_for_update(of=("self",))
            .filter(stage=stage, status=AssignmentStatus.ACTIVE)
            .exclude(review__state=ReviewState.SUBMITTED)
            .select_related("reviewer")
        )
        by_reviewer: dict[int, list[Assignment]] = defaultdict(list)
        for assignment in pending:
            by_reviewer[assignment.reviewer_id].append(assignment)
        for assignments in by_reviewer.values():
            if any(a.reminded_at and now - a.reminded_at < QUIET for a in assignments):
                continue
            reviewer = assignments[0].reviewer
            notify(
                to=reviewer.email,
                language=reviewer.language,
                template="review_reminder",
                context={
                    "call_title": stage.call.title,
                    "stage_name": stage.name,
                    "count": len(assignments),
                    "due": due.isoformat(),
                    "link": f"{link_base}/review/",
                },
                call=stage.call,
            )
            Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(reminded_at=now)
            log_action(
                action="shenbao.review.reminder_sent",
                obj=stage,
                actor=None,
                data={"reviewer": reviewer.email, "pending": len(assignments), "due": due.isoformat()},
            )
            sent += 1
    return sent
