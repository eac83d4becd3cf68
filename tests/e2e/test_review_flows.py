"""Each seed's review flow end to end: stages, the pool, assignment, scoring, ranking, advancement."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import translation

from shenbao.accounts.enums import OrgType
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.enums import AssignmentStatus, EntryStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.messages import reason_text
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.queries.board import stage_conflicts
from shenbao.reviews.queries.live import current_entry, live_entries
from shenbao.reviews.queries.ranking import stage_ranking
from shenbao.reviews.services.advancement import advance_stage, sign_off_shortlist
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.live import reveal_next
from shenbao.reviews.services.reviews import review_for, save_review, submit_review
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.fixtures import add_expert, checked_application, score_all


def staff(call: Call, role: str = ProgramRoleKind.PROGRAM_OFFICER, email: str = "officer@example.com") -> User:
    user = register_user(email=email, password="pass-Word-123", name=email.split("@")[0])
    grant_program_role(program=call.program, user=user, role=role)
    return user


def assignment_of(stage: ReviewStage, title: str, expert: User) -> Assignment:
    return Assignment.objects.get(stage=stage, application__title=title, reviewer=expert, status=AssignmentStatus.ACTIVE)


def ranking_rows(stage: ReviewStage, method: str | None = None) -> dict[str, list[tuple[str, int | None, float | None]]]:
    ranking = stage_ranking(stage, method=method)
    return {
        group: [(r.application.title, r.ranked.rank, r.aggregate.value) for r in rows] for group, rows in ranking.groups.items()
    }


def test_seed_000_expert_committee_ranks_each_topic_and_breaks_ties_by_the_first_criterion(db: None) -> None:
    call = open_call("000", code="review-000")  # with two example topics
    officer = staff(call)
    topics = list(call.directions.order_by("position").values_list("code", flat=True)[:2])
    titles = {"甲": topics[0], "乙": topics[0], "丙": topics[0], "丁": topics[1]}
    for i, (title, topic) in enumerate(titles.items()):
        checked_application(call, direction=topic, title=title, email=f"a{i}@example.com")
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    close_submissions(stage.call)
    assert open_stage(stage=stage, actor=officer) == 4
    experts = [add_expert(call, f"e{i}@example.com", officer=officer) for i in range(3)]
    outcome = run_assignment(stage=stage, actor=officer)  # seed 000 does not say: 3 reviewers each by default
    assert (outcome.created, outcome.short) == (12, 0)
    # 甲 and 乙 both total 70 (mean of 7s / mixed), 乙 stronger on innovation-feasibility: 乙 ranks first.
    for expert in experts:
        score_all(assignment_of(stage, "甲", expert), 7)
        a = assignment_of(stage, "乙", expert)
        save_review(
            assignment=a,
            actor=expert,
            expected_version=review_for(a).version,
            scores={"innovation-feasibility": 9, "plan-and-output-value": 6, "team-capacity": 6},
        )
        submit_review(assignment=a, actor=expert)
        score_all(assignment_of(stage, "丙", expert), 5)
        score_all(assignment_of(stage, "丁", expert), 8)
    rows = ranking_rows(stage)
    assert rows[topics[0]] == [("乙", 1, 70.0), ("甲", 2, 70.0), ("丙", 3, 50.0)]
    assert rows[topics[1]] == [("丁", 1, 80.0)]
    ranking = stage_ranking(stage)
    decided = {r.application.title: r.ranked.decided_by for r in ranking.groups[topics[0]]}
    assert decided["乙"] is not None and decided["乙"].criterion == "innovation-feasibility"


def test_seed_001_track_first_prizes_advance_to_finals_judged_live_by_trimmed_mean(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    officer = staff(call)
    entries = {"A1": "SME202301", "A2": "SME202301", "A3": "SME202301", "B1": "SME202302", "B2": "SME202302"}
    for i, (title, track) in enumerate(entries.items()):
        checked_application(call, direction=track, title=title, email=f"t{i}@example.com")
    track = ReviewStage.objects.get(call=call, code="track")
    finals = ReviewStage.objects.get(call=call, code="finals")
    close_submissions(track.call)
    open_stage(stage=track, actor=officer)
    judges = [add_expert(call, f"judge{i}@example.com", officer=officer) for i in range(5)]
    run_assignment(stage=track, actor=officer, k=3)
    marks = {"A1": 9, "A2": 7, "A3": 5, "B1": 8, "B2": 6}
    for a in Assignment.objects.filter(stage=track).select_related("application"):
        score_all(a, marks[a.application.title])
    assert ranking_rows(track) == {
        "SME202301": [("A1", 1, 90.0), ("A2", 2, 70.0), ("A3", 3, 50.0)],
        "SME202302": [("B1", 1, 80.0), ("B2", 2, 60.0)],
    }
    # Finals are filled by advancement only.
    with pytest.raises(StageNotReady):
        open_stage(stage=finals, actor=officer)
    outcome = advance_stage(stage=track, actor=officer, tier_counts={"first": 1, "second": 1, "third": 1})
    assert (outcome.advanced, outcome.not_advanced, outcome.next_stage) == (2, 3, finals)
    a1 = StageEntry.objects.get(stage=track, application__title="A1")
    assert (a1.status, a1.reason["code"], a1.reason["tier"]) == (EntryStatus.ADVANCED, "won_tier", "first")
    with translation.override("zh-hans"):  # the tier's name in the reader's language, not the other one
        assert reason_text(a1.reason) == "获得奖项等级 一等奖"
    with translation.override("en"):
        assert reason_text(a1.reason) == "Won the prize tier First prize"
    assert sorted(StageEntry.objects.filter(stage=finals).values_list("application__title", flat=True)) == ["A1", "B1"]

    # Every judge scores every finalist (the same panel for all).
    run_assignment(stage=finals, actor=officer, k=5, group_by_direction=True)
    assert Assignment.objects.filter(stage=finals).count() == 10
    finals_marks = {"A1": [9, 8.5, 9.5, 7, 10], "B1": [8, 8, 8, 8, 8]}
    for title, values in finals_marks.items():
        for judge, value in zip(judges, values, strict=True):
            score_all(assignment_of(finals, title, judge), value)
    entries_now = live_entries(finals)
    assert current_entry(entries_now) is not None
    for _ in range(5):
        reveal_next(stage=finals, actor=officer)
    a1_live = next(e for e in live_entries(finals) if e.application.title == "A1")
    assert [s.score for s in a1_live.display.revealed] == [90.0, 85.0, 95.0, 70.0, 100.0]
    assert [s.dropped for s in a1_live.display.revealed] == [None, None, None, "lowest", "highest"]
    assert a1_live.display.final == 90.0
    for _ in range(5):
        reveal_next(stage=finals, actor=officer)
    with pytest.raises(StageNotReady):
        reveal_next(stage=finals, actor=officer)
    assert ranking_rows(finals) == {"": [("A1", 1, 90.0), ("B1", 2, 80.0)]}


def test_seed_003_expert_review_after_the_formal_check_avoids_same_institution_experts(
    load_seed: Callable[[str], Call],
) -> None:
    call = load_seed("003")
    officer = staff(call)
    university = create_organisation(name={"zh-hans": "同济测试大学"}, type=OrgType.UNIVERSITY)
    checked_application(call, direction="1.1", title="中法碳中和联合研究", email="p1@example.com", organisation=university)
    checked_application(call, direction="1.1", title="中德氢能储运", email="p2@example.com")
    checked_application(call, direction="1.2", title="中意文化遗产数字化", email="p3@example.com")
    stage = ReviewStage.objects.get(call=call, code="expert-review")
    close_submissions(stage.call)
    assert open_stage(stage=stage, actor=officer) == 3
    experts = [add_expert(call, f"x{i}@example.com", officer=officer) for i in range(4)]
    add_membership(user=experts[0], organisation=university)
    outcome = run_assignment(stage=stage, actor=officer)  # the stage asks for 3 reviewers each
    assert (outcome.created, outcome.short) == (9, 0)
    assert not Assignment.objects.filter(stage=stage, application__title="中法碳中和联合研究", reviewer=experts[0]).exists()
    conflicts = stage_conflicts(stage)
    assert [(c["application"].title, c["reviewer"].email, c["reasons"][0].detail) for c in conflicts] == [
        ("中法碳中和联合研究", "x0@example.com", "同济测试大学")
    ]
    for a in Assignment.objects.filter(stage=stage).select_related("application"):
        score_all(a, {"中法碳中和联合研究": 8, "中德氢能储运": 6, "中意文化遗产数字化": 7}[a.application.title])
    assert ranking_rows(stage) == {
        "1.1": [("中法碳中和联合研究", 1, 80.0), ("中德氢能储运", 2, 60.0)],
        "1.2": [("中意文化遗产数字化", 1, 70.0)],
    }
    spread = {d.label: (d.n, d.mean, d.low, d.high) for d in stage_ranking(stage).by_direction}
    assert spread == {"1.1": (6, 70.0, 60.0, 80.0), "1.2": (3, 70.0, 70.0, 70.0)}
    with pytest.raises(StageNotReady) as last:
        advance_stage(stage=stage, actor=officer)
    assert str(last.value) == "这是最后一个阶段。"


def test_seed_004_screening_shortlist_signed_by_the_chair_goes_to_the_final_review(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("004")
    officer = staff(call)
    chair = staff(call, ProgramRoleKind.COMMITTEE_CHAIR, "chair@example.com")
    lists = {"先锋一": "enterprise-pioneer-engine", "先锋二": "enterprise-pioneer-engine", "园区一": "government-sci-tech-park"}
    for i, (title, code) in enumerate(lists.items()):
        checked_application(call, direction=code, title=title, email=f"c{i}@example.com")
    screening = ReviewStage.objects.get(call=call, code="screening")
    final = ReviewStage.objects.get(call=call, code="final")
    close_submissions(screening.call)
    open_stage(stage=screening, actor=officer)
    ids = dict(StageEntry.objects.filter(stage=screening).values_list("application__title", "application_id"))
    sign_off_shortlist(
        stage=screening, direction=call.directions.get(code="enterprise-pioneer-engine"), advanced=[ids["先锋一"]], actor=chair
    )
    with pytest.raises(StageNotReady) as unsigned:
        advance_stage(stage=screening, actor=officer)
    assert str(unsigned.value) == "主席尚未签署以下名单：government-sci-tech-park。"
    sign_off_shortlist(
        stage=screening, direction=call.directions.get(code="government-sci-tech-park"), advanced=[ids["园区一"]], actor=chair
    )
    outcome = advance_stage(stage=screening, actor=officer)
    assert (outcome.advanced, outcome.not_advanced) == (2, 1)
    assert sorted(StageEntry.objects.filter(stage=final).values_list("application__title", flat=True)) == ["先锋一", "园区一"]
    experts = [add_expert(call, f"j{i}@example.com", officer=officer) for i in range(3)]
    run_assignment(stage=final, actor=officer, k=3)
    for a in Assignment.objects.filter(stage=final).select_related("application"):
        score_all(a, 9 if a.application.title == "先锋一" else 6)
    assert ranking_rows(final) == {
        "enterprise-pioneer-engine": [("先锋一", 1, 90.0)],
        "government-sci-tech-park": [("园区一", 1, 60.0)],
    }
    assert len(experts) == 3


def test_seed_001_finals_ranking_maps_to_the_prize_tiers_the_committee_sets(load_seed: Callable[[str], Call]) -> None:
    from django.test import Client

    call = load_seed("001")
    officer = staff(call)
    finals = ReviewStage.objects.get(call=call, code="finals")
    for i, title in enumerate(["甲", "乙", "丙", "丁"]):
        application = checked_application(call, direction="SME202301", title=title, email=f"f{i}@example.com")
        StageEntry.objects.create(stage=finals, application=application)
    add_expert(call, "judge@example.com", officer=officer)
    run_assignment(stage=finals, actor=officer, k=1)
    for a in Assignment.objects.filter(stage=finals).select_related("application"):
        score_all(a, {"甲": 9, "乙": 8, "丙": 8, "丁": 5}[a.application.title])
    client = Client()
    client.force_login(officer)
    page = client.get(f"/staff/stages/{finals.pk}/ranking/").content.decode()
    assert "本征集未说明各奖项的数量" in page  # seed 001 leaves the counts open
    page = client.get(f"/staff/stages/{finals.pk}/ranking/?tier-first=1&tier-second=1&tier-third=1").content.decode()
    assert 'class="tier">一等奖<' in page and 'class="tier">三等奖<' in page
    # 乙 and 丙 tie on 80 and on every criterion; the earlier submission ranks first, so no tie spans a tier.
    assert "同分跨越奖项分界" not in page
