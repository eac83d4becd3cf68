"""The permission matrix of issue 20's journey: after the discussion, the panel opinion, the
applicant's answer and a revised score (the browser walks it in
tests/browser/test_review_journey_browser.py), every page that could show any of it is asked by
every kind of person, and each sees exactly their share, nobody more."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.awards.models import PublicNotice
from shenbao.documents.exports.reviews import Filters, ranking_rows
from shenbao.reviews.models import ResponseWindow, Review
from shenbao.reviews.queries.discussion import Thread, participants
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.bids import place_bid
from shenbao.reviews.services.discussion import post_comment, write_panel_opinion
from shenbao.reviews.services.response import open_response_window, revise_review, submit_response
from tests.reviews.journey_fixtures import (
    ANSWER,
    COMMENT,
    CONFIDENTIAL,
    NOTE,
    OPINION,
    OTHER_COMMENT,
    REPLY,
    SHOWN_COMMENT,
    journey_world,
)

SECRETS = {
    "comment": COMMENT,
    "reply": REPLY,
    "opinion": OPINION,
    "note": NOTE,
    "confidential": CONFIDENTIAL,
    "answer": ANSWER,
    "review": SHOWN_COMMENT,
    "reviewer": "育种专家",
}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def walked(*, opinion_visible: bool = True) -> dict[str, Any]:
    """The world after the journey, made through the services the pages call."""
    w = journey_world(opinion_visible=opinion_visible)
    stage, mine, experts = w["stage"], w["mine"], w["experts"]
    rice, ai = experts["rice@example.com"], experts["ai@example.com"]
    first = post_comment(stage=stage, application=mine, author=rice, body=f"@模型专家 {COMMENT}")
    post_comment(stage=stage, application=mine, author=ai, body=REPLY, reply_to=first)
    write_panel_opinion(
        stage=stage, application=mine, author=experts["head@example.com"], opinion=OPINION, recommendation="with_changes"
    )
    window = open_response_window(stage=stage, actor=w["officer"])
    submit_response(window=window, application=mine, actor=mine.applicant, text=ANSWER)
    criteria = [c.code for c in stage_definition(stage).criteria]
    revise_review(
        assignment=w["a_rice"],
        actor=rice,
        expected_version=Review.objects.get(assignment=w["a_rice"]).version,
        scores=dict.fromkeys(criteria, 9.0),
        confidence=3,
        comment_to_applicant=SHOWN_COMMENT,
        comment_to_staff=CONFIDENTIAL,
        reason="答辩补充了试验规模",
    )
    # A reviewer added after all this, who has not reviewed yet: the stage says "after own review".
    w["a_late"] = assign_manually(
        stage=stage, application_id=mine.pk, reviewer=experts["battery@example.com"], actor=w["officer"]
    )
    now = timezone.now()
    PublicNotice.objects.create(call=w["call"], starts_at=now, ends_at=now + dt.timedelta(days=5))
    w["window"] = window
    return w


def pages(w: dict[str, Any]) -> dict[str, str]:
    stage, mine = w["stage"], w["mine"]
    return {
        "discussion": f"/review/discussion/{stage.pk}/{mine.pk}/",
        "notes": f"/staff/applications/{mine.pk}/notes/",
        "response": f"/applications/{mine.pk}/response/{stage.pk}/",
        "application": f"/applications/{mine.pk}/",
        "responses (staff)": f"/staff/stages/{stage.pk}/responses/",
        "review of rice": f"/review/assignments/{w['a_rice'].pk}/",
        "review of ai": f"/review/assignments/{w['a_ai'].pk}/",
        "review of late": f"/review/assignments/{w['a_late'].pk}/",
    }


def seen(user: User, w: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The pages ``user`` may open (200) and the secrets those pages show them."""
    client = client_of(user)
    opened, shown = set(), set()
    for name, path in pages(w).items():
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404), (name, response.status_code)
        if response.status_code != 200:
            continue
        opened.add(name)
        html = response.content.decode()
        shown |= {key for key, text in SECRETS.items() if text in html}
    return opened, shown


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    return walked()


def test_each_person_sees_exactly_their_share(world: dict[str, Any]) -> None:
    experts = world["experts"]
    everything = set(SECRETS)
    expected: dict[str, tuple[User, set[str], set[str]]] = {
        # who: (user, pages opened, secrets shown)
        "applicant": (world["mine"].applicant, {"response", "application"}, {"review", "answer", "opinion"}),
        "other applicant": (world["theirs"].applicant, set(), set()),
        "unassigned reviewer": (experts["general@example.com"], set(), set()),
        # The answer speaks to the other reviews: it waits for the late reviewer's own review.
        "reviewer before own review": (experts["battery@example.com"], {"review of late"}, set()),
        "observer": (world["observer"], set(), set()),
        # Within the discussion its members are named to each other (that is how they mention).
        "panel head": (experts["head@example.com"], {"discussion"}, {"comment", "reply", "opinion", "reviewer"}),
        "reviewer (revised)": (
            experts["rice@example.com"],
            {"discussion", "review of rice"},
            {"comment", "reply", "opinion", "answer", "review", "confidential", "reviewer"},  # their own confidential comment
        ),
        "other reviewer": (
            experts["ai@example.com"],
            {"discussion", "review of ai"},
            {"comment", "reply", "opinion", "answer", "reviewer"},
        ),
        "staff": (world["officer"], set(pages(world)) - {"response"}, everything - {"confidential"}),  # read in the exports
    }
    found = {who: seen(user, world) for who, (user, _, _) in expected.items()}
    assert found == {who: (opened, shown) for who, (_, opened, shown) in expected.items()}


def test_the_applicant_sees_the_opinion_only_where_the_stage_releases_it(db: None, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    w = walked(opinion_visible=False)
    opened, shown = seen(w["mine"].applicant, w)
    assert (opened, shown) == ({"response", "application"}, {"review", "answer"})


def test_the_revised_score_is_the_one_ranked_and_the_earlier_kept(world: dict[str, Any]) -> None:
    rows = {r["receipt"]: r for r in ranking_rows(world["call"], Filters())}
    row = rows[world["mine"].receipt_number]
    review = Review.objects.get(assignment=world["a_rice"])
    assert review.total == 90.0 and [r.total for r in review.revisions.all()] == [60.0]
    assert row["panel_opinion"] == OPINION
    assert float(row["mean"]) == pytest.approx(85.0), row  # (90 + 80) / 2: the revised score, not the first
    assert OTHER_COMMENT not in str(row.get("panel_opinion"))
    assert ResponseWindow.objects.get().applications == sorted([world["mine"].pk, world["theirs"].pk])


def test_a_conflict_bid_takes_the_reviewer_out_of_the_discussion(world: dict[str, Any]) -> None:
    ai = world["experts"]["ai@example.com"]
    thread = Thread(world["stage"], world["mine"])
    assert ai in participants(thread)
    place_bid(stage=world["stage"], application_id=world["mine"].pk, reviewer=ai, kind="conflict", reason="同一课题组")
    assert ai not in participants(thread)
    opened, shown = seen(ai, world)
    assert (opened, shown) == (set(), set())
    # A later mention of them notifies nobody outside the discussion.
    comment = post_comment(
        stage=world["stage"], application=world["mine"], author=world["experts"]["rice@example.com"], body="@模型专家 请看"
    )
    assert comment.mentioned == []


def test_the_late_reviewer_reads_the_answer_and_the_discussion_once_their_review_is_in(world: dict[str, Any]) -> None:
    from tests.reviews.response_fixtures import submit_scored

    late = world["experts"]["battery@example.com"]
    path = f"/review/assignments/{world['a_late'].pk}/"
    assert ANSWER not in client_of(late).get(path).content.decode()
    assert ANSWER in client_of(world["officer"]).get(path).content.decode()  # staff read it on any review
    submit_scored(world["a_late"], 7, "补充试验可行。")
    opened, shown = seen(late, world)
    assert opened == {"discussion", "review of late"}
    assert {"answer", "comment", "reply", "opinion"} <= shown and not {"note", "confidential"} & shown


def test_a_conflict_bid_of_the_panel_head_takes_them_out_too(world: dict[str, Any]) -> None:
    from shenbao.core.errors import NotAllowed

    head = world["experts"]["head@example.com"]
    place_bid(stage=world["stage"], application_id=world["mine"].pk, reviewer=head, kind="conflict", reason="曾合作")
    assert head not in participants(Thread(world["stage"], world["mine"]))
    assert seen(head, world) == (set(), set())
    with pytest.raises(NotAllowed):
        write_panel_opinion(
            stage=world["stage"], application=world["mine"], author=head, opinion="改写", recommendation="recommend"
        )
