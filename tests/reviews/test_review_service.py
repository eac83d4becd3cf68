"""Drafts, not-applicable criteria, scale checks, concurrent edits, submission, conflicts on opening."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shenbao.core.models import AuditEntry
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.errors import ReviewClosed, ReviewConflict, ScoresInvalid
from shenbao.reviews.models import Assignment, DeclaredConflict
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.pool import declare_conflict
from shenbao.reviews.services.reviews import review_for, save_review, submit_review
from tests.reviews.fixtures import ReviewSetup

# Seed 000's three criteria, each scored 0–10 with weight 1.
A, B, C = "innovation-feasibility", "plan-and-output-value", "team-capacity"


@pytest.fixture
def assignment(in_review: Callable[..., ReviewSetup]) -> Assignment:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    return Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])


def test_draft_total_is_the_weighted_position_on_each_scale(assignment: Assignment) -> None:
    review = save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 8, B: 6})
    assert (review.state, review.total, review.version) == (ReviewState.DRAFT, 70.0, 2)


def test_not_applicable_is_left_out_not_counted_as_zero(assignment: Assignment) -> None:
    review = save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 9, B: None, C: 7})
    assert review.total == 80.0
    review = submit_review(assignment=assignment, actor=assignment.reviewer)
    assert (review.state, review.total) == (ReviewState.SUBMITTED, 80.0)
    assert AuditEntry.objects.filter(action="shenbao.review.submitted").count() == 1


def test_out_of_scale_and_unknown_scores_are_refused_and_nothing_is_saved(assignment: Assignment) -> None:
    with pytest.raises(ScoresInvalid) as refused:
        save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 11, "novelty": 3})
    assert refused.value.problems == ["“申请方案的创新性和可行性”的评分须在 0 到 10 之间。", "“novelty”不是本阶段的评审标准。"]
    review = review_for(assignment)
    assert (review.scores, review.version) == ({}, 1)


def test_a_stale_page_cannot_overwrite_a_newer_draft(assignment: Assignment) -> None:
    save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 5})
    with pytest.raises(ReviewConflict):
        save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 9})
    assignment.review.refresh_from_db()
    assert assignment.review.scores == {A: 5}


def test_submission_needs_every_criterion(assignment: Assignment) -> None:
    save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 5})
    with pytest.raises(ScoresInvalid) as refused:
        submit_review(assignment=assignment, actor=assignment.reviewer)
    assert len(refused.value.problems) == 2
    assignment.review.refresh_from_db()
    assert assignment.review.state == ReviewState.DRAFT


def test_submitted_review_is_final_and_a_second_click_changes_nothing(assignment: Assignment) -> None:
    save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 5, B: 5, C: 5})
    first = submit_review(assignment=assignment, actor=assignment.reviewer)
    again = submit_review(assignment=assignment, actor=assignment.reviewer)
    assert (first.submitted_at, first.total) == (again.submitted_at, 50.0)
    with pytest.raises(ReviewClosed):
        save_review(assignment=assignment, actor=assignment.reviewer, expected_version=again.version, scores={A: 9})


def test_declaring_a_conflict_withdraws_the_assignment_and_records_it(assignment: Assignment) -> None:
    declare_conflict(assignment=assignment, reason="曾合作发表论文", actor=assignment.reviewer)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    assert DeclaredConflict.objects.get().reason == "曾合作发表论文"
    with pytest.raises(ReviewClosed):
        save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 5})
