"""Bidding (issue 20): who may bid, what a bid does to the assignment, conflict bids in the 回避 board."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.services.definitions import load_call_definition
from shenbao.reviews.enums import AssignmentStatus, ConflictKind
from shenbao.reviews.errors import BadBidWeight, BidNeedsReason, NotInPool, UnknownBid
from shenbao.reviews.models import Assignment, AssignmentRun, Bid, ConflictSource, DeclaredConflict
from shenbao.reviews.queries.board import stage_conflicts
from shenbao.reviews.queries.conflicts import Conflict
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.bids import place_bid
from tests.reviews.fixtures import ReviewSetup


def pairs(setup: ReviewSetup) -> set[tuple[str, str]]:
    return {
        (a.application.title, a.reviewer.email)
        for a in Assignment.objects.filter(stage=setup.stage, status=AssignmentStatus.ACTIVE).select_related(
            "application", "reviewer"
        )
    }


def set_identity_hidden(setup: ReviewSetup, hidden: bool) -> None:
    data = setup.call.definition
    for stage in data["review_stages"]:
        if stage["code"] == "expert-committee":
            stage["applicant_identity_hidden"] = hidden
    load_call_definition(definition=parse_definition(data))


def test_pool_reviewer_bids_and_changes_the_bid(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["ai@example.com"]
    app = setup.applications[1]
    bid = place_bid(stage=setup.stage, application_id=app.pk, reviewer=expert, kind="eager")
    assert bid is not None and bid.kind == "eager" and bid.reason == ""
    place_bid(stage=setup.stage, application_id=app.pk, reviewer=expert, kind="not_willing", reason="ignored")
    assert list(Bid.objects.values_list("kind", "reason")) == [("not_willing", "")]
    assert place_bid(stage=setup.stage, application_id=app.pk, reviewer=expert, kind="") is None
    assert not Bid.objects.exists()


def test_outsiders_unknown_kinds_and_conflicts_without_reason_are_refused(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    applicant = setup.applications[0].applicant
    with pytest.raises(NotInPool) as refused:
        place_bid(stage=setup.stage, application_id=setup.applications[1].pk, reviewer=applicant, kind="eager")
    assert str(refused.value) == "只有已接受本指南专家库邀请的专家才能对申请表达评审意愿。"
    expert = setup.experts["rice@example.com"]
    with pytest.raises(UnknownBid):
        place_bid(stage=setup.stage, application_id=setup.applications[2].pk, reviewer=expert, kind="maybe")
    with pytest.raises(BidNeedsReason) as no_reason:
        place_bid(stage=setup.stage, application_id=setup.applications[2].pk, reviewer=expert, kind="conflict", reason="  ")
    assert str(no_reason.value) == "请说明您与该申请存在何种利益冲突。"
    assert not Bid.objects.exists() and not DeclaredConflict.objects.exists()


def test_conflict_bid_goes_to_the_board_with_its_reason_and_back(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["battery@example.com"]
    app = setup.applications[0]
    place_bid(stage=setup.stage, application_id=app.pk, reviewer=expert, kind="conflict", reason="曾指导申请人")
    declared = DeclaredConflict.objects.get()
    assert (declared.application_id, declared.reviewer_id, declared.reason, declared.source) == (
        app.pk,
        expert.pk,
        "曾指导申请人",
        ConflictSource.BID,
    )
    rows = stage_conflicts(setup.stage)
    assert [(r["application"].pk, r["reviewer"].pk, r["reasons"]) for r in rows] == [
        (app.pk, expert.pk, [Conflict(ConflictKind.REVIEWER_DECLARED, "曾指导申请人", source="bid")])
    ]
    # The best match by text is never assigned once the conflict is declared.
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert (app.title, "battery@example.com") not in pairs(setup)
    # Taking the bid back removes the conflict it made, and only that one.
    other = DeclaredConflict.objects.create(call=setup.call, reviewer=expert, application=setup.applications[3], reason="另一个")
    place_bid(stage=setup.stage, application_id=app.pk, reviewer=expert, kind="willing")
    assert list(DeclaredConflict.objects.values_list("pk", flat=True)) == [other.pk]


def test_conflict_bid_withdraws_an_active_assignment(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assignment = Assignment.objects.get(application=setup.applications[2], status=AssignmentStatus.ACTIVE)
    assert assignment.reviewer.email == "rice@example.com"
    place_bid(
        stage=setup.stage, application_id=setup.applications[2].pk, reviewer=assignment.reviewer, kind="conflict", reason="亲属"
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT


def test_not_willing_is_avoided_when_another_expert_can_take_it(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert ("锂电池储能系统的热管理", "battery@example.com") in pairs(setup)
    place_bid(
        stage=setup.stage,
        application_id=setup.applications[0].pk,
        reviewer=setup.experts["battery@example.com"],
        kind="not_willing",
    )
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert ("锂电池储能系统的热管理", "battery@example.com") not in pairs(setup)
    assert len(pairs(setup)) == 4  # the application still got a reviewer


def test_not_willing_is_assigned_when_nobody_else_can(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review(experts=("battery@example.com",))
    place_bid(
        stage=setup.stage,
        application_id=setup.applications[0].pk,
        reviewer=setup.experts["battery@example.com"],
        kind="not_willing",
    )
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    assert outcome.short == 0
    assert ("锂电池储能系统的热管理", "battery@example.com") in pairs(setup)


def test_eager_bid_counts_with_the_weight_staff_choose(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    app = setup.applications[1]  # 端侧大模型的高效推理: the AI expert by text
    place_bid(stage=setup.stage, application_id=app.pk, reviewer=setup.experts["general@example.com"], kind="eager")
    run_assignment(stage=setup.stage, actor=setup.officer, k=1, bid_weight=0)
    assert (app.title, "ai@example.com") in pairs(setup)
    assert AssignmentRun.objects.first().parameters["bid_weight"] == 0
    run_assignment(stage=setup.stage, actor=setup.officer, k=1, bid_weight=5)
    assert (app.title, "general@example.com") in pairs(setup)
    chosen = Assignment.objects.get(application=app, status=AssignmentStatus.ACTIVE)
    assert chosen.explanation["bid"] == "eager"
    assert chosen.affinity is not None and chosen.affinity < 0.5  # the text match is stored, not the bid's bonus
    run = AssignmentRun.objects.first()
    assert (run.parameters["bid_weight"], run.parameters["bids"]) == (5.0, 1)


@pytest.mark.parametrize("weight", [-0.1, 5.5, float("nan")])
def test_bad_bid_weights_are_refused(in_review: Callable[..., ReviewSetup], weight: float) -> None:
    setup = in_review()
    with pytest.raises(BadBidWeight) as refused:
        run_assignment(stage=setup.stage, actor=setup.officer, k=1, bid_weight=weight)
    assert str(refused.value) == "评审意愿的权重应为 0 到 5 之间的数。"
    assert not Assignment.objects.exists()


# --- pages and permissions ---------------------------------------------------------------


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pool_reviewer_sees_titles_and_identity_only_where_the_stage_shows_it(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    client = logged_in(setup.experts["ai@example.com"])
    overview = client.get("/review/bidding/")
    assert f'data-stage="{setup.stage.pk}"' in overview.content.decode()
    set_identity_hidden(setup, False)
    page = client.get(f"/review/stages/{setup.stage.pk}/bids/").content.decode()
    assert all(a.title in page for a in setup.applications)
    assert "申请人1" in page and "data-identity-hidden" not in page
    set_identity_hidden(setup, True)
    blind = client.get(f"/review/stages/{setup.stage.pk}/bids/").content.decode()
    assert all(a.title in blind for a in setup.applications)
    assert "申请人1" not in blind and "第2大学" not in blind and "data-identity=" not in blind
    assert "data-identity-hidden" in blind


def test_bid_through_the_page_and_its_conflict_on_the_staff_board(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    app = setup.applications[3]
    client = logged_in(setup.experts["general@example.com"])
    response = client.post(
        f"/review/stages/{setup.stage.pk}/bids/", {"application": app.pk, "kind": "conflict", "reason": "合作项目"}
    )
    assert response.status_code == 302
    assert DeclaredConflict.objects.filter(application=app, source=ConflictSource.BID, reason="合作项目").count() == 1
    board = logged_in(setup.officer).get(f"/staff/stages/{setup.stage.pk}/board/").content.decode()
    assert "合作项目" in board and 'data-source="bid"' in board
    # Every kind is counted on the board, none left blank.
    assert '<span data-bid-count="conflict">存在利益冲突 1</span>' in board
    assert '<span data-bid-count="eager">非常愿意评审 0</span>' in board
    refused = client.post(
        f"/review/stages/{setup.stage.pk}/bids/", {"application": app.pk, "kind": "conflict", "reason": ""}, follow=True
    )
    assert "请说明您与该申请存在何种利益冲突。" in refused.content.decode()
    assert Bid.objects.get().reason == "合作项目"  # the refused change lost nothing


def test_reviewer_outside_the_pool_cannot_bid_and_applicant_cannot_see_bids(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review(experts=("ai@example.com", "rice@example.com"))
    place_bid(
        stage=setup.stage, application_id=setup.applications[0].pk, reviewer=setup.experts["ai@example.com"], kind="not_willing"
    )
    # An expert invited to another call only, and an applicant, are not in this call's pool.
    from shenbao.reviews.models import PoolMember
    from tests.reviews.fixtures import add_expert

    outsider = add_expert(setup.call, "battery@example.com", officer=setup.officer)
    PoolMember.objects.filter(user=outsider).delete()
    applicant = setup.applications[0].applicant
    for user in (outsider, applicant):
        client = logged_in(user)
        assert client.get(f"/review/stages/{setup.stage.pk}/bids/").status_code == 404
        post = client.post(f"/review/stages/{setup.stage.pk}/bids/", {"application": setup.applications[0].pk, "kind": "eager"})
        assert post.status_code == 404
        assert f'data-stage="{setup.stage.pk}"' not in client.get("/review/bidding/").content.decode()
    assert list(Bid.objects.values_list("reviewer_id", "kind")) == [(setup.experts["ai@example.com"].pk, "not_willing")]
    # Bids are shown only on the staff board, which an applicant cannot open.
    assert logged_in(applicant).get(f"/staff/stages/{setup.stage.pk}/board/").status_code == 404
    assert not applicant.has_perm("reviews.view_bids", setup.stage)
    assert setup.officer.has_perm("reviews.view_bids", setup.stage)
    # An invited expert who has not accepted cannot bid either.
    PoolMember.objects.filter(user=setup.experts["rice@example.com"]).update(status="invited")
    assert logged_in(setup.experts["rice@example.com"]).get(f"/review/stages/{setup.stage.pk}/bids/").status_code == 404


def test_staff_choose_the_weight_on_the_board(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    client = logged_in(setup.officer)
    board = client.get(f"/staff/stages/{setup.stage.pk}/board/").content.decode()
    assert 'name="bid_weight"' in board and "专家评审意愿的权重（0：不考虑）" in board
    refused = client.post(
        f"/staff/stages/{setup.stage.pk}/assign/", {"mode": "optimal", "k": "1", "bid_weight": "abc"}, follow=True
    )
    assert "评审意愿的权重应为 0 到 5 之间的数。" in refused.content.decode()
    assert not AssignmentRun.objects.exists()
    client.post(f"/staff/stages/{setup.stage.pk}/assign/", {"mode": "optimal", "k": "1", "bid_weight": "2.5"})
    assert AssignmentRun.objects.get().parameters["bid_weight"] == 2.5
    client.post(f"/staff/stages/{setup.stage.pk}/assign/", {"mode": "optimal", "k": "1", "bid_weight": ""})
    assert AssignmentRun.objects.first().parameters["bid_weight"] == 0.5  # the default
