"""Running the solver on a real stage: coverage, conflicts, locks, kept reviews, random draws, manual changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from shenbao.accounts.services.accounts import add_membership
from shenbao.core.models import AuditEntry
from shenbao.reviews.enums import AssignmentStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import Assignment, AssignmentRun
from shenbao.reviews.services.assignment import assign_manually, remove_assignment, run_assignment, set_lock
from shenbao.reviews.services.pool import declare_conflict
from shenbao.reviews.services.reviews import save_review
from tests.reviews.fixtures import ReviewSetup


def pairs(setup: ReviewSetup) -> set[tuple[str, str]]:
    return {
        (a.application.title, a.reviewer.email)
        for a in Assignment.objects.filter(stage=setup.stage, status=AssignmentStatus.ACTIVE).select_related(
            "application", "reviewer"
        )
    }


def test_optimal_gives_each_application_its_best_experts_and_explains_why(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert (outcome.created, outcome.kept, outcome.short) == (4, 0, 0)
    assert pairs(setup) == {
        ("锂电池储能系统的热管理", "battery@example.com"),
        ("端侧大模型的高效推理", "ai@example.com"),
        ("水稻抗病育种的基因编辑", "rice@example.com"),
        ("电池材料的固态电解质", "battery@example.com"),  # within the battery expert's load limit (10)
    }
    rice = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    assert rice.explanation["matched"] == ["水稻", "育种"]
    assert rice.explanation["rank"] == 1
    assert rice.affinity is not None and rice.affinity > 0
    assert AuditEntry.objects.filter(action="shenbao.review.assigned").count() == 1


def test_load_caps_and_k_are_respected_and_shortfalls_are_reported(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review(experts=("battery@example.com", "ai@example.com"))
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, k=3)
    # Only two experts exist: every application is one short, for want of eligible experts.
    assert outcome.short == 4
    run = AssignmentRun.objects.get()
    assert sorted((s["missing"], s["reason"]) for s in run.shortfalls) == [(1, "too_few_eligible")] * 4
    loads = Counter(a.reviewer.email for a in Assignment.objects.filter(stage=setup.stage))
    assert loads == {"battery@example.com": 4, "ai@example.com": 4}


def test_a_reviewer_at_an_applicants_institution_is_never_assigned_to_it(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    add_membership(user=setup.experts["rice@example.com"], organisation=setup.organisations[2])
    run_assignment(stage=setup.stage, actor=setup.officer, k=4)
    assert ("水稻抗病育种的基因编辑", "rice@example.com") not in pairs(setup)
    assert AssignmentRun.objects.get().shortfalls == [
        {"application": setup.applications[2].pk, "missing": 1, "reason": "too_few_eligible", "eligible": 3}
    ]


def test_random_draw_is_reproducible_from_its_seed(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, mode="random", k=2, seed=7)
    first = pairs(setup)
    run_assignment(stage=setup.stage, actor=setup.officer, mode="random", k=2, seed=7)
    assert pairs(setup) == first
    run_assignment(stage=setup.stage, actor=setup.officer, mode="random", k=2)
    assert AssignmentRun.objects.first().seed is not None  # a fresh seed is stored with the run


def test_rerun_keeps_locked_and_started_assignments(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    manual = assign_manually(
        stage=setup.stage,
        application_id=setup.applications[0].pk,
        reviewer=setup.experts["rice@example.com"],
        actor=setup.officer,
    )
    run_assignment(stage=setup.stage, actor=setup.officer, k=2)
    started = Assignment.objects.filter(stage=setup.stage, locked=False).first()
    assert started is not None
    save_review(assignment=started, actor=started.reviewer, expected_version=1, scores={"innovation-feasibility": 8})
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, k=2)
    assert outcome.kept == 2
    assert Assignment.objects.filter(pk__in=[manual.pk, started.pk], status=AssignmentStatus.ACTIVE).count() == 2
    assert Counter(a.application_id for a in Assignment.objects.filter(stage=setup.stage)) == {
        a.pk: 2 for a in setup.applications
    }


def test_declared_and_removed_pairs_are_not_given_again(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    rice = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["rice@example.com"])
    declare_conflict(assignment=rice, reason="合作者", actor=rice.reviewer)
    ai = Assignment.objects.get(stage=setup.stage, reviewer=setup.experts["ai@example.com"], status=AssignmentStatus.ACTIVE)
    remove_assignment(assignment=ai, actor=setup.officer)
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert ("水稻抗病育种的基因编辑", "rice@example.com") not in pairs(setup)
    assert ("端侧大模型的高效推理", "ai@example.com") not in pairs(setup)


def test_manual_assignment_refuses_a_conflict(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    add_membership(user=setup.experts["ai@example.com"], organisation=setup.organisations[1])
    with pytest.raises(StageNotReady) as refused:
        assign_manually(
            stage=setup.stage,
            application_id=setup.applications[1].pk,
            reviewer=setup.experts["ai@example.com"],
            actor=setup.officer,
        )
    assert str(refused.value) == "该专家与此申请存在利益冲突。"
    assert not Assignment.objects.exists()


def test_unlocking_lets_a_rerun_replace_the_pair(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    manual = assign_manually(
        stage=setup.stage,
        application_id=setup.applications[0].pk,
        reviewer=setup.experts["rice@example.com"],
        actor=setup.officer,
    )
    set_lock(assignment=manual, locked=False, actor=setup.officer)
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert ("锂电池储能系统的热管理", "rice@example.com") not in pairs(setup)


def test_nothing_to_assign_is_a_clear_refusal(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review(experts=())
    with pytest.raises(StageNotReady) as refused:
        run_assignment(stage=setup.stage, actor=setup.officer)
    assert str(refused.value) == "评审专家库中还没有已接受邀请且有空的专家。"


def test_short_candidate_lists_are_widened_until_every_application_is_covered(
    in_review: Callable[..., ReviewSetup], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=3)  # every expert a candidate of every application
    full = pairs(setup)
    monkeypatch.setattr("shenbao.reviews.services.assignment.TOP_K", 1)
    monkeypatch.setattr("shenbao.reviews.services.assignment.WIDEN", 2)
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, k=3)
    # One candidate each leaves every application two short; widened to 2, then 4, none is.
    assert outcome.short == 0
    assert AssignmentRun.objects.first().parameters["top_k"] == 4
    assert pairs(setup) == full


def test_candidate_lists_stay_short_when_nothing_is_short(
    in_review: Callable[..., ReviewSetup], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = in_review()
    monkeypatch.setattr("shenbao.reviews.services.assignment.TOP_K", 1)
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert (outcome.created, outcome.short) == (4, 0)
    assert AssignmentRun.objects.first().parameters["top_k"] == 1


def test_random_draw_samples_the_whole_pool_not_only_the_best_fits(
    in_review: Callable[..., ReviewSetup], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = in_review()
    monkeypatch.setattr("shenbao.reviews.services.assignment.TOP_K", 1)
    drawn: set[str] = set()
    for seed in range(12):
        run_assignment(stage=setup.stage, actor=setup.officer, mode="random", k=1, seed=seed)
        drawn |= {email for title, email in pairs(setup) if title == "水稻抗病育种的基因编辑"}
    # Among the best fits only, the rice application would always draw the rice expert.
    assert len(drawn) >= 3
