"""Reminders before a stage's due date: once a day, only to reviewers with reviews outstanding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.core import mail

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.services.definitions import load_call_definition
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.reminders import send_review_reminders
from tests.reviews.fixtures import ReviewSetup, score_all

BEIJING = ZoneInfo("Asia/Shanghai")


def with_due(setup: ReviewSetup, due: dt.date) -> None:
    data = setup.call.definition
    for stage in data["review_stages"]:
        if stage["code"] == "expert-committee":
            stage["due"] = due.isoformat()
    load_call_definition(definition=parse_definition(data))


def test_reminders_go_to_reviewers_with_reviews_outstanding_once_a_day(
    in_review: Callable[..., ReviewSetup], django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    setup = in_review()
    with_due(setup, dt.date(2026, 12, 10))
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    done = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    score_all(done, 7)
    too_early = dt.datetime(2026, 12, 6, 9, 0, tzinfo=BEIJING)
    assert send_review_reminders(now=too_early) == 0
    morning = dt.datetime(2026, 12, 8, 9, 0, tzinfo=BEIJING)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert send_review_reminders(now=morning) == 2  # the battery and AI experts; rice has submitted
    assert sorted(m.to[0] for m in mail.outbox) == ["ai@example.com", "battery@example.com"]
    battery = next(m for m in mail.outbox if m.to == ["battery@example.com"])
    assert battery.subject == "提醒：2 份评审意见须于 2026-12-10 前完成"
    assert send_review_reminders(now=morning + dt.timedelta(hours=6)) == 0  # at most once a day
    assert send_review_reminders(now=morning + dt.timedelta(days=1)) == 2
    after = dt.datetime(2026, 12, 11, 0, 0, tzinfo=BEIJING)  # the due day is over
    assert send_review_reminders(now=after) == 0
