"""Holes found in review and closed: each test pins one of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from shenbao.calls.models import Call, ReviewStage
from shenbao.reviews.enums import AssignmentStatus, PoolStatus, ReviewState
from shenbao.reviews.errors import ReviewClosed, StageNotReady
from shenbao.reviews.models import Assignment, PoolMember, Review, StageEntry
from shenbao.reviews.services.advancement import advance_stage
from shenbao.reviews.services.assignment import assign_manually, run_assignment
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.pool import declare_conflict, invite_reviewer, update_pool_member
from shenbao.reviews.services.reviews import review_for, save_review
from tests.e2e.test_review_flows import staff
from tests.reviews.fixtures import ReviewSetup, add_expert, checked_application, pool_member, score_all

A, B, C = "innovation-feasibility", "plan-and-output-value", "team-capacity"


def test_manual_assignment_needs_an_accepted_pool_expert(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    application = setup.applications[0]
    with pytest.raises(StageNotReady):  # the applicant is not in the pool
        assign_manually(stage=setup.stage, application_id=application.pk, reviewer=application.applicant, actor=setup.officer)
    invited = invite_reviewer(call=setup.call, email="pending@example.com", name="待定", actor=setup.officer)
    with pytest.raises(StageNotReady):  # invited but not accepted
        assign_manually(stage=setup.stage, application_id=application.pk, reviewer=invited.user, actor=setup.officer)
    assert not Assignment.objects.exists()


def test_a_submitted_review_cannot_be_withdrawn_by_declaring_a_conflict(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assignment = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    score_all(assignment, 7)
    with pytest.raises(ReviewClosed):
        declare_conflict(assignment=assignment, reason="迟来的冲突", actor=assignment.reviewer)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_a_conflict_declared_later_withdraws_the_started_assignment(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assignment = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 5})
    update_pool_member(
        member=pool_member(setup.call, assignment.reviewer),
        actor=setup.officer,
        load_limit=None,
        available=True,
        collaborators=["申请人2"],  # the applicant of the rice application
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)  # runs, and never gives the pair back
    assert not Assignment.objects.filter(
        stage=setup.stage, reviewer=assignment.reviewer, application=assignment.application, status=AssignmentStatus.ACTIVE
    ).exists()


def test_reviews_close_when_the_stage_has_decided(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    officer = staff(call)
    for i, title in enumerate(["A1", "A2"]):
        checked_application(call, direction="SME202301", title=title, email=f"t{i}@example.com")
    track = ReviewStage.objects.get(call=call, code="track")
    open_stage(stage=track, actor=officer)
    judges = [add_expert(call, f"j{i}@example.com", officer=officer) for i in range(2)]
    run_assignment(stage=track, actor=officer, k=2)
    for a in Assignment.objects.filter(stage=track, reviewer=judges[0]).select_related("application"):
        score_all(a, 9 if a.application.title == "A1" else 5)
    late = Assignment.objects.get(stage=track, reviewer=judges[1], application__title="A2")
    for a in Assignment.objects.filter(stage=track, reviewer=judges[1]).exclude(pk=late.pk):
        score_all(a, 8)
    advance_stage(stage=track, actor=officer, tier_counts={"first": 1, "second": 1, "third": 1})
    with pytest.raises(ReviewClosed):
        save_review(assignment=late, actor=late.reviewer, expected_version=review_for(late).version, scores={"originality": 9})
    # Advancing again (nothing has started in the finals) gives the same finalists, no stale entry.
    advance_stage(stage=track, actor=officer, tier_counts={"first": 1, "second": 1, "third": 1})
    finals = ReviewStage.objects.get(call=call, code="finals")
    assert list(StageEntry.objects.filter(stage=finals).values_list("application__title", flat=True)) == ["A1"]


def test_submit_saves_the_scores_on_screen_in_the_same_step(in_review: Callable[..., ReviewSetup], client: Client) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assignment = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    save_review(assignment=assignment, actor=assignment.reviewer, expected_version=1, scores={A: 5, B: 5, C: 5})
    client.force_login(assignment.reviewer)
    client.post(
        f"/review/assignments/{assignment.pk}/save/",
        {"version": "2", f"score-{A}": "9", f"score-{B}": "5", f"score-{C}": "5", "action": "submit"},
    )
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.scores[A], review.total) == (ReviewState.SUBMITTED, 9.0, round(100 * 19 / 30, 4))


def test_an_answered_invitation_link_sets_no_password(in_review: Callable[..., ReviewSetup], client: Client) -> None:
    setup = in_review(experts=())
    member = invite_reviewer(call=setup.call, email="new@example.com", name="新专家", actor=setup.officer)
    client.post(f"/review/invitations/{member.token}/", {"answer": "decline"})
    member.refresh_from_db()
    assert member.status == PoolStatus.DECLINED
    client.post(f"/review/invitations/{member.token}/", {"answer": "accept", "password": "a-Long-pass-123"})
    member.user.refresh_from_db()
    assert not member.user.has_usable_password()
    assert PoolMember.objects.get(pk=member.pk).status == PoolStatus.DECLINED
