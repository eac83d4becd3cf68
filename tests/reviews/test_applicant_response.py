"""The applicant's response to the reviews (答辩): the stage's settings, opening the window, answering
within the limit and the deadline, and reviewers revising their scores with the earlier ones kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from shenbao.calls.definition.load import DefinitionInvalid, parse_definition
from shenbao.calls.messages import error_message
from shenbao.core.models import AuditEntry
from shenbao.notifications.models import Message
from shenbao.reviews.errors import (
    ResponseDeadlinePassed,
    ResponseEmpty,
    ResponseNotEnabled,
    ResponseNothingToAnswer,
    ResponseNotInvited,
    ResponseTooLong,
    ResponseWindowAlreadyOpen,
    ResponseWindowClosed,
    ReviewConflict,
    RevisionNotOpen,
)
from shenbao.reviews.models import ApplicantResponse, ApplicantResponseRevision, Review, ReviewRevision
from shenbao.reviews.queries.response import reviews_for_applicant
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.response import open_response_window, revise_review, submit_response
from tests.conftest import seed_data

World = Callable[..., dict[str, Any]]


def _errors(response: dict[str, Any]) -> list[tuple[str, str]]:
    data = seed_data("000")
    data["review_stages"][0]["applicant_response"] = response
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    return [(e.path, e.type) for e in info.value.errors]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"duration_days": 7, "deadline": "2027-06-01T17:00"}, "response_deadline_one"),
        ({"max_characters": 500}, "response_deadline_one"),
        ({"deadline": "2027-06-01T17:00+08:00"}, "timeline_offset"),
        ({"duration_days": 7, "applicant_sees": []}, "too_short"),
        ({"duration_days": 7, "applicant_sees": ["comments", "comments"]}, "duplicate_code"),
        ({"duration_days": 7, "applicant_sees": ["names"]}, "enum"),
        ({"duration_days": 7, "max_characters": 50}, "greater_than_equal"),
        ({"duration_days": 0}, "greater_than_equal"),
    ],
)
def test_response_settings_refuse_bad_values_with_their_code(response: dict[str, Any], expected: str) -> None:
    errors = _errors(response)
    assert [t for _p, t in errors] == [expected], errors
    assert errors[0][0].startswith("review_stages.0.applicant_response")


def test_a_stage_without_criteria_cannot_take_responses() -> None:
    data = seed_data("000")
    data["review_stages"][0]["criteria"] = []
    data["review_stages"][0]["kind"] = "screening"
    data["review_stages"][0]["applicant_response"] = {"duration_days": 7}
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    assert [(e.path, e.type) for e in info.value.errors] == [("review_stages.0", "response_needs_reviews")]
    with translation.override("zh-hans"):
        assert error_message(info.value.errors[0]) == "答辩针对已打分的评审意见：该评审阶段需要有评审标准。"
    with translation.override("en"):
        assert error_message(info.value.errors[0]) == "An applicant's response answers scored reviews: the stage needs criteria."


def test_valid_settings_are_read_with_their_defaults() -> None:
    data = seed_data("000")
    data["review_stages"][0]["applicant_response"] = {"deadline": "2027-06-01T17:00"}
    settings = parse_definition(data).review_stages[0].applicant_response
    assert settings is not None
    assert (settings.enabled, settings.max_characters, settings.deadline, settings.duration_days) == (
        True,
        3000,
        dt.datetime(2027, 6, 1, 17, 0),
        None,
    )
    assert [str(p) for p in settings.applicant_sees] == ["comments"]
    assert settings.reviewers_may_revise is True


def test_opening_needs_the_stage_to_allow_responses(rebuttal: World) -> None:
    world = rebuttal(response=None)
    with pytest.raises(ResponseNotEnabled):
        open_response_window(stage=world["stage"], actor=world["officer"])
    assert not Message.objects.filter(template="response_window_opened").exists()


def test_a_disabled_setting_is_no_window(rebuttal: World) -> None:
    world = rebuttal(response={"enabled": False, "duration_days": 3})
    with pytest.raises(ResponseNotEnabled):
        open_response_window(stage=world["stage"], actor=world["officer"])


def test_opening_invites_the_reviewed_applications_and_tells_their_applicants(rebuttal: World) -> None:
    world = rebuttal()
    now = timezone.now()
    before = AuditEntry.objects.count()
    window = open_response_window(stage=world["stage"], actor=world["officer"], now=now)
    assert window.closes_at == now + dt.timedelta(days=7)
    assert window.applications == sorted([world["mine"].pk, world["theirs"].pk])  # not the unreviewed one
    mails = Message.objects.filter(template="response_window_opened").order_by("to")
    assert [m.to for m in mails] == ["applicant@example.com", "other@example.com"]
    assert f"/applications/{world['mine'].pk}/response/{world['stage'].pk}/" in mails[0].body
    assert "200" in mails[0].body  # the character limit
    entry = AuditEntry.objects.get(action="shenbao.review.response_window_opened")
    assert entry.data["applications"] == 2 and AuditEntry.objects.count() == before + 1
    with pytest.raises(ResponseWindowAlreadyOpen):
        open_response_window(stage=world["stage"], actor=world["officer"])
    assert Message.objects.filter(template="response_window_opened").count() == 2


def test_opening_before_any_review_is_refused(rebuttal: World) -> None:
    world = rebuttal()
    Review.objects.all().delete()
    with pytest.raises(ResponseNothingToAnswer):
        open_response_window(stage=world["stage"], actor=world["officer"])


def test_a_deadline_already_past_is_refused(rebuttal: World) -> None:
    world = rebuttal(response={"deadline": "2020-01-01T17:00"})
    with pytest.raises(ResponseDeadlinePassed) as info:
        open_response_window(stage=world["stage"], actor=world["officer"])
    assert "2020-01-01 17:00" in str(info.value)


def test_a_fixed_deadline_is_read_in_the_calls_time_zone(rebuttal: World) -> None:
    world = rebuttal(response={"deadline": "2100-06-01T17:00"})
    window = open_response_window(stage=world["stage"], actor=world["officer"])
    assert window.closes_at == dt.datetime(2100, 6, 1, 9, 0, tzinfo=dt.UTC)  # 17:00 Beijing time


def _open(world: dict[str, Any]) -> Any:
    return open_response_window(stage=world["stage"], actor=world["officer"])


def test_answer_is_saved_once_and_a_repeat_is_no_duplicate(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    mine, applicant = world["mine"], world["mine"].applicant
    first = submit_response(
        window=window, application=mine, actor=applicant, text="  感谢评审专家的意见。\r\n我们将扩大田间试验。  "
    )
    assert first.text == "感谢评审专家的意见。\n我们将扩大田间试验。"
    assert first.revision == 1
    again = submit_response(window=window, application=mine, actor=applicant, text="感谢评审专家的意见。\n我们将扩大田间试验。")
    assert again.pk == first.pk and again.revision == 1
    assert ApplicantResponse.objects.count() == 1 and ApplicantResponseRevision.objects.count() == 1
    assert AuditEntry.objects.filter(action="shenbao.application.response_submitted").count() == 1
    # Each reviewer of the application is told once, on the first answer.
    told = sorted(Message.objects.filter(template="response_received").values_list("to", flat=True))
    assert told == ["ai@example.com", "rice@example.com"]


def test_changing_the_answer_before_the_deadline_keeps_every_version(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    mine, applicant = world["mine"], world["mine"].applicant
    submit_response(window=window, application=mine, actor=applicant, text="第一稿")
    changed = submit_response(window=window, application=mine, actor=applicant, text="第二稿")
    assert changed.revision == 2 and changed.text == "第二稿"
    assert list(ApplicantResponseRevision.objects.order_by("number").values_list("number", "text")) == [
        (1, "第一稿"),
        (2, "第二稿"),
    ]
    assert AuditEntry.objects.filter(action="shenbao.application.response_changed").count() == 1
    assert Message.objects.filter(template="response_received").count() == 2  # not again for the change


def test_a_late_answer_is_refused_and_changes_nothing(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    mine, applicant = world["mine"], world["mine"].applicant
    submit_response(window=window, application=mine, actor=applicant, text="按时提交")
    with pytest.raises(ResponseWindowClosed) as info:
        submit_response(window=window, application=mine, actor=applicant, text="迟交的修改", now=window.closes_at)
    with translation.override("en"):
        assert str(info.value).startswith("The time to answer the reviews ended at ")
        assert str(info.value).endswith("; your answer was not saved.")
    assert ApplicantResponse.objects.get().text == "按时提交"
    assert ApplicantResponseRevision.objects.count() == 1


def test_an_answer_over_the_limit_is_refused_with_both_numbers(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    with pytest.raises(ResponseTooLong) as info:
        submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text="字" * 201)
    with translation.override("en"):
        assert str(info.value) == "Your answer has 201 characters; this stage allows at most 200. Shorten it and submit it again."
    assert not ApplicantResponse.objects.exists()
    exactly = submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text="字" * 200)
    assert len(exactly.text) == 200


def test_an_empty_answer_and_an_uninvited_application_are_refused(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    with pytest.raises(ResponseEmpty):
        submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text=" \n ")
    with pytest.raises(ResponseNotInvited):
        submit_response(window=window, application=world["unreviewed"], actor=world["unreviewed"].applicant, text="答复")
    assert not ApplicantResponse.objects.exists()


def test_the_applicant_sees_only_the_parts_the_stage_shows(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    shown = reviews_for_applicant(window, world["mine"])
    assert [(r.label_number, r.comment, r.total, r.scores) for r in shown] == [
        (1, "育种路线清楚，但田间试验规模偏小。", 60.0, []),
        (2, "创新性强。", 80.0, []),
    ]


def test_scores_are_shown_only_where_the_stage_says(rebuttal: World) -> None:
    world = rebuttal(response={"duration_days": 3, "applicant_sees": ["scores"]})
    window = _open(world)
    shown = reviews_for_applicant(window, world["mine"])
    criteria = stage_definition(world["stage"]).criteria
    assert [(r.comment, r.total) for r in shown] == [(None, None), (None, None)]
    assert [s["value"] for s in shown[0].scores] == [6] * len(criteria)


def _revise(assignment: Any, value: float, **extra: Any) -> Review:
    criteria = [c.code for c in stage_definition(assignment.stage).criteria]
    return revise_review(
        assignment=assignment,
        actor=assignment.reviewer,
        expected_version=Review.objects.get(assignment=assignment).version,
        scores=dict.fromkeys(criteria, value),
        confidence=4,
        comment_to_applicant=extra.get("comment", "答复后：田间试验计划已补充。"),
        comment_to_staff="",
        reason=extra.get("reason", "答辩补充了试验计划"),
    )


def test_a_reviewer_revises_after_the_response_and_the_earlier_review_is_kept(rebuttal: World) -> None:
    world = rebuttal()
    a_rice = world["a_rice"]
    with pytest.raises(RevisionNotOpen):
        _revise(a_rice, 9)  # no window yet
    window = _open(world)
    with pytest.raises(RevisionNotOpen):
        _revise(a_rice, 9)  # the applicant has not answered
    submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text="补充了田间试验计划。")
    review = _revise(a_rice, 9)
    assert review.total == 90.0 and review.state == "submitted"
    assert review.comment_to_applicant == "答复后：田间试验计划已补充。"
    kept = ReviewRevision.objects.get(review=review)
    assert (kept.number, kept.total, kept.comment_to_applicant, kept.comment_to_staff, kept.reason) == (
        1,
        60.0,
        "育种路线清楚，但田间试验规模偏小。",
        "confidential: rice",
        "答辩补充了试验计划",
    )
    assert set(kept.scores.values()) == {6}
    entry = AuditEntry.objects.get(action="shenbao.review.revised")
    assert (entry.data["previous_total"], entry.data["total"], entry.data["revision"]) == (60.0, 90.0, 1)
    # The same values again: nothing new.
    same = _revise(a_rice, 9)
    assert same.version == review.version and ReviewRevision.objects.count() == 1
    # Another change: a second kept version.
    _revise(a_rice, 7, comment="再次修改")
    assert list(ReviewRevision.objects.order_by("number").values_list("number", "total")) == [(1, 60.0), (2, 90.0)]


def test_a_stale_revision_is_refused(rebuttal: World) -> None:
    world = rebuttal()
    window = _open(world)
    submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text="答复")
    criteria = [c.code for c in stage_definition(world["stage"]).criteria]
    with pytest.raises(ReviewConflict):
        revise_review(
            assignment=world["a_rice"],
            actor=world["a_rice"].reviewer,
            expected_version=1,
            scores=dict.fromkeys(criteria, 9),
        )
    assert Review.objects.get(assignment=world["a_rice"]).total == 60.0 and not ReviewRevision.objects.exists()


def test_a_stage_that_forbids_revisions_keeps_the_scores(rebuttal: World) -> None:
    world = rebuttal(response={"duration_days": 3, "reviewers_may_revise": False})
    window = _open(world)
    submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text="答复")
    with pytest.raises(RevisionNotOpen):
        _revise(world["a_rice"], 9)
    assert Review.objects.get(assignment=world["a_rice"]).total == 60.0
