"""The discussion of an application in a stage, staff's internal notes and the panel opinion
(issue 20): who sees and writes what (a role matrix that also checks nothing changed), mentions,
the blinded identity, the stage flags' validation and the texts released to the applicant."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.load import DefinitionInvalid, parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.audit import AuditEntry
from shenbao.core.errors import NotAllowed
from shenbao.notifications.models import Message, Notification
from shenbao.reviews.algorithms.mentions import Person, find_mentions
from shenbao.reviews.models import Assignment, DiscussionComment, InternalNote, PanelOpinion
from shenbao.reviews.queries.discussion import Thread, texts_for_applicant, thread_allows
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.discussion import (
    IdentityInComment,
    ReviewsNotIn,
    TextInvalid,
    add_internal_note,
    appoint_panel_head,
    post_comment,
    write_panel_opinion,
)
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.conftest import seed_data
from tests.reviews.fixtures import add_expert, checked_application, score_all

STAGE = "expert-committee"


def set_stage(call: Call, **flags: Any) -> None:
    data = call.definition
    for stage in data["review_stages"]:
        if stage["code"] == STAGE:
            stage.update(flags)
    load_call_definition(definition=parse_definition(data))


def restage(p: dict[str, Any], **flags: Any) -> None:
    """Change the stage's flags and take the stage as stored now (its call carries the definition)."""
    set_stage(p["call"], **flags)
    p["call"] = Call.objects.get(pk=p["call"].pk)
    p["stage"] = ReviewStage.objects.select_related("call").get(pk=p["stage"].pk)
    p["thread"] = Thread(p["stage"], p["application"])


def person(email: str, name: str) -> User:
    return register_user(email=email, password="pass-Word-123", name=name)


@pytest.fixture
def panel(db: None) -> dict[str, Any]:
    """One application with two reviewers (the second has submitted), an unassigned expert, the
    program's officer, chair and observer, a panel head for the direction, and another applicant."""
    call = open_call("000", code="discussion-000")
    officer = person("officer@example.com", "项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    chair = person("chair@example.com", "主任委员")
    grant_program_role(program=call.program, user=chair, role=ProgramRoleKind.COMMITTEE_CHAIR)
    observer = person("observer@example.com", "监督员")
    grant_program_role(program=call.program, user=observer, role=ProgramRoleKind.OBSERVER)
    application = checked_application(call, direction="XM-T1", title="讨论测试", email="owner@example.com")
    other = checked_application(call, direction="XM-T1", title="另一项", email="other@example.com")
    stage = ReviewStage.objects.get(call=call, code=STAGE)
    close_submissions(stage.call)
    open_stage(stage=stage, actor=officer)
    first, second, unassigned, head = (
        add_expert(call, f"{n}@example.com", officer=officer) for n in ("first", "second", "unassigned", "head")
    )
    a1 = assign_manually(stage=stage, application_id=application.pk, reviewer=first, actor=officer)
    a2 = assign_manually(stage=stage, application_id=application.pk, reviewer=second, actor=officer)
    score_all(a2, 8)
    p = {
        "call": call,
        "stage": stage,
        "application": application,
        "thread": Thread(stage, application),
        "a1": a1,
        "a2": a2,
        "anonymous": None,
        "applicant": application.applicant,
        "other applicant": other.applicant,
        "reviewer not assigned": unassigned,
        "reviewer before own review": first,
        "reviewer after own review": second,
        "panel head": head,
        "officer": officer,
        "chair": chair,
        "observer": observer,
    }
    restage(p, reviewer_discussion="after_own", panel_opinion=True, applicant_identity_hidden=True)
    appoint_panel_head(stage=p["stage"], user=head, actor=officer, direction=application.direction)
    return p


def url(p: dict[str, Any], suffix: str = "") -> str:
    return f"/review/discussion/{p['stage'].pk}/{p['application'].pk}/{suffix}"


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


#: Who reads the discussion (after_own), writes the panel opinion, reads it, reads the notes.
MATRIX = {
    "anonymous": (False, False, False, False),
    "applicant": (False, False, False, False),
    "other applicant": (False, False, False, False),
    "reviewer not assigned": (False, False, False, False),
    "reviewer before own review": (False, False, False, False),
    "reviewer after own review": (True, False, True, False),
    "panel head": (True, True, True, False),
    "officer": (True, False, True, True),
    "chair": (True, False, True, True),
    "observer": (False, False, False, False),
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_the_role_matrix_of_discussion_opinion_and_notes(panel: dict[str, Any], role: str) -> None:
    reads, writes_opinion, reads_opinion, reads_notes = MATRIX[role]
    post_comment(stage=panel["stage"], application=panel["application"], author=panel["officer"], body="请各位专家讨论创新性。")
    add_internal_note(application=panel["application"], author=panel["officer"], body="内部备忘：预算偏高")
    user = panel[role]
    thread = panel["thread"]
    if user is not None:
        assert thread_allows(user, "reviews.view_discussion", thread) is reads
        assert thread_allows(user, "reviews.post_discussion", thread) is reads
        assert thread_allows(user, "reviews.write_panel_opinion", thread) is writes_opinion
        assert thread_allows(user, "reviews.view_panel_opinion", thread) is reads_opinion
        assert user.has_perm("reviews.view_internal_notes", panel["application"]) is reads_notes
    client = client_of(user)
    page = client.get(url(panel))
    if user is None:
        assert page.status_code == 302  # to the log-in
    else:
        assert page.status_code == (200 if reads or reads_opinion else 404)
        assert ("请各位专家讨论创新性。" in page.content.decode()) is reads
    before = (DiscussionComment.objects.count(), InternalNote.objects.count(), PanelOpinion.objects.count())
    posted = client.post(url(panel), {"body": "我也来说一句"})
    client.post(url(panel, "opinion/"), {"opinion": "同意资助", "recommendation": "recommend"})
    client.post(f"/staff/applications/{panel['application'].pk}/notes/", {"body": "偷偷加一条"})
    notes_page = client.get(f"/staff/applications/{panel['application'].pk}/notes/")
    after = (DiscussionComment.objects.count(), InternalNote.objects.count(), PanelOpinion.objects.count())
    # the panel head may write the opinion only after every review is in: it is not yet
    assert after == (before[0] + (1 if reads else 0), before[1] + (1 if reads_notes else 0), before[2])
    if not reads:
        assert posted.status_code in (302, 404) and (user is None or posted.status_code == 404)
    if user is not None:
        assert notes_page.status_code == (200 if reads_notes else 404)
        assert ("内部备忘：预算偏高" in notes_page.content.decode()) is reads_notes


def test_internal_notes_are_never_on_a_reviewers_or_applicants_page(panel: dict[str, Any]) -> None:
    add_internal_note(application=panel["application"], author=panel["officer"], body="内部备忘：预算偏高")
    for role, path in (
        ("reviewer after own review", f"/review/assignments/{panel['a2'].pk}/"),
        ("reviewer after own review", url(panel)),
        ("panel head", url(panel)),
        ("applicant", f"/applications/{panel['application'].pk}/"),
    ):
        html = client_of(panel[role]).get(path).content.decode()
        assert "内部备忘" not in html, (role, path)
        assert "data-notes-link" not in html
    assert "data-notes-link" in client_of(panel["officer"]).get(f"/applications/{panel['application'].pk}/").content.decode()


def test_a_reviewer_joins_the_discussion_after_their_own_review(panel: dict[str, Any]) -> None:
    first = panel["reviewer before own review"]
    assert client_of(first).get(url(panel)).status_code == 404
    assert "data-discussion-link" not in client_of(first).get(f"/review/assignments/{panel['a1'].pk}/").content.decode()
    score_all(Assignment.objects.get(pk=panel["a1"].pk), 6)
    assert client_of(first).get(url(panel)).status_code == 200
    assert "data-discussion-link" in client_of(first).get(f"/review/assignments/{panel['a1'].pk}/").content.decode()


@pytest.mark.parametrize(("visibility", "before_own"), [("always", True), ("never", False)])
def test_the_stage_flag_decides_when_reviewers_discuss(panel: dict[str, Any], visibility: str, before_own: bool) -> None:
    restage(panel, reviewer_discussion=visibility, panel_opinion=False)
    thread = panel["thread"]
    assert thread_allows(panel["reviewer before own review"], "reviews.view_discussion", thread) is before_own
    assert thread_allows(panel["officer"], "reviews.view_discussion", thread) is (visibility != "never")
    if visibility == "never":
        with pytest.raises(NotAllowed):
            post_comment(stage=panel["stage"], application=panel["application"], author=panel["officer"], body="x")
        assert DiscussionComment.objects.count() == 0


def test_replies_thread_under_their_comment(panel: dict[str, Any]) -> None:
    second = panel["reviewer after own review"]
    root = post_comment(stage=panel["stage"], application=panel["application"], author=panel["officer"], body="第一条")
    post_comment(stage=panel["stage"], application=panel["application"], author=second, body="回复第一条", reply_to=root)
    html = client_of(second).get(url(panel)).content.decode()
    root_at = html.index(f'data-comment="{root.pk}"')
    assert root_at < html.index("回复第一条") and 'class="replies"' in html[root_at:]
    audit = AuditEntry.objects.filter(action="shenbao.review.discussion_commented").order_by("pk")
    assert [e.data["reply_to"] for e in audit] == [None, root.pk]
    assert [e.actor_id for e in audit] == [panel["officer"].pk, second.pk]


def test_a_mention_notifies_only_who_may_read_the_discussion(panel: dict[str, Any]) -> None:
    second = panel["reviewer after own review"]
    html = client_of(second).get(url(panel)).content.decode()
    listed = html[html.index("data-mentionable") :].split("</p>")[0]
    # who may read it now: the officer, the chair and the panel head, not the first reviewer yet
    assert [n for n in ("@项目主管", "@主任委员", "@head", "@first", "@second", "@监督员") if n in listed] == [
        "@项目主管",
        "@主任委员",
        "@head",
    ]
    body = "@first 和 @officer@example.com 请看预算，@unassigned 不在此列"
    comment = post_comment(stage=panel["stage"], application=panel["application"], author=second, body=body)
    # first has not submitted (after_own), unassigned is not a reviewer of it: neither is told
    assert comment.mentioned == [panel["officer"].pk]
    mails = Message.objects.filter(template="discussion_mention")
    assert [m.to for m in mails] == ["officer@example.com"]
    note = Notification.objects.get(user=panel["officer"])
    assert note.link == url(panel)
    assert "second" in mails[0].subject and panel["application"].receipt_number in mails[0].subject
    score_all(Assignment.objects.get(pk=panel["a1"].pk), 6)
    post_comment(stage=panel["stage"], application=panel["application"], author=second, body="@first 请补充意见")
    assert sorted(Message.objects.filter(template="discussion_mention").values_list("to", flat=True)) == [
        "first@example.com",
        "officer@example.com",
    ]


def test_a_blinded_stage_refuses_a_comment_that_names_the_applicant(panel: dict[str, Any]) -> None:
    application = panel["application"]
    lead = application.lead_organisation.name["zh-hans"]
    for body in ("owner 的团队很强", f"{lead}有基础"):
        with pytest.raises(IdentityInComment):
            post_comment(stage=panel["stage"], application=application, author=panel["officer"], body=body)
        with pytest.raises(IdentityInComment):
            post_comment(stage=panel["stage"], application=application, author=panel["reviewer after own review"], body=body)
    assert DiscussionComment.objects.count() == 0
    # over the web the text is kept in the box with the reason
    page = client_of(panel["officer"]).post(url(panel), {"body": "owner 的团队很强"})
    assert page.status_code == 200 and "owner 的团队很强</textarea>" in page.content.decode()
    assert DiscussionComment.objects.count() == 0
    html = client_of(panel["reviewer after own review"]).get(url(panel)).content.decode()
    assert 'data-identity="hidden"' in html and "owner@example.com" not in html and lead not in html
    restage(panel, applicant_identity_hidden=False)
    post_comment(stage=panel["stage"], application=application, author=panel["officer"], body="owner 的团队很强")
    assert DiscussionComment.objects.count() == 1


def test_empty_or_overlong_text_is_refused(panel: dict[str, Any]) -> None:
    for body in ("  ", "长" * 10_001):
        with pytest.raises(TextInvalid):
            post_comment(stage=panel["stage"], application=panel["application"], author=panel["officer"], body=body)
        with pytest.raises(TextInvalid):
            add_internal_note(application=panel["application"], author=panel["officer"], body=body)
    assert DiscussionComment.objects.count() == InternalNote.objects.count() == 0


def test_the_panel_head_writes_the_opinion_after_every_review(panel: dict[str, Any]) -> None:
    head = panel["panel head"]
    kwargs = {"stage": panel["stage"], "application": panel["application"], "author": head}
    with pytest.raises(ReviewsNotIn):
        write_panel_opinion(**kwargs, opinion="同意", recommendation="recommend")
    score_all(Assignment.objects.get(pk=panel["a1"].pk), 6)
    with pytest.raises(NotAllowed):
        write_panel_opinion(**{**kwargs, "author": panel["officer"]}, opinion="同意", recommendation="recommend")
    response = client_of(head).post(
        url(panel, "opinion/"), {"opinion": "创新性突出，建议资助。", "recommendation": "with_changes"}
    )
    assert response.status_code == 302
    opinion = PanelOpinion.objects.get()
    assert (opinion.opinion, opinion.recommendation, opinion.author_id) == ("创新性突出，建议资助。", "with_changes", head.pk)
    write_panel_opinion(**kwargs, opinion="建议资助。", recommendation="recommend")
    entries = AuditEntry.objects.filter(action="shenbao.review.panel_opinion_written").order_by("pk")
    assert [e.data["before"] for e in entries] == [
        None,
        {"opinion": "创新性突出，建议资助。", "recommendation": "with_changes"},
    ]
    html = client_of(panel["reviewer after own review"]).get(url(panel)).content.decode()
    assert "建议资助。" in html and 'id="opinion-form"' not in html


def test_a_head_of_another_direction_or_a_conflicted_head_does_not_write(panel: dict[str, Any]) -> None:
    from shenbao.calls.models import Direction
    from shenbao.reviews.models import DeclaredConflict

    stage, head = panel["stage"], panel["panel head"]
    elsewhere = Direction.objects.filter(call=panel["call"]).exclude(pk=panel["application"].direction_id).first()
    assert elsewhere is not None
    outsider = person("outsider@example.com", "别组组长")
    appoint_panel_head(stage=stage, user=outsider, actor=panel["officer"], direction=elsewhere)
    assert not thread_allows(outsider, "reviews.view_discussion", panel["thread"])
    assert thread_allows(head, "reviews.write_panel_opinion", panel["thread"])
    DeclaredConflict.objects.create(call=panel["call"], reviewer=head, application=panel["application"], reason="同事")
    assert not thread_allows(head, "reviews.write_panel_opinion", panel["thread"])
    assert not thread_allows(head, "reviews.view_discussion", panel["thread"])


def test_only_officers_appoint_panel_heads(panel: dict[str, Any]) -> None:
    for role in ("chair", "observer", "reviewer after own review"):
        with pytest.raises(NotAllowed):
            appoint_panel_head(stage=panel["stage"], user=panel[role], actor=panel[role])
        assert client_of(panel[role]).get(f"/staff/stages/{panel['stage'].pk}/panel-heads/").status_code == 404
    page = client_of(panel["officer"]).post(f"/staff/stages/{panel['stage'].pk}/panel-heads/", {"email": "chair@example.com"})
    assert page.status_code == 302
    assert AuditEntry.objects.filter(action="shenbao.review.panel_head_appointed").count() == 2


def test_the_applicant_reads_the_opinion_and_statement_only_where_the_stage_allows(panel: dict[str, Any]) -> None:
    from shenbao.reviews.models import ShortlistSignOff

    score_all(Assignment.objects.get(pk=panel["a1"].pk), 6)
    write_panel_opinion(
        stage=panel["stage"],
        application=panel["application"],
        author=panel["panel head"],
        opinion="建议资助。",
        recommendation="recommend",
    )
    ShortlistSignOff.objects.create(
        stage=panel["stage"], direction=panel["application"].direction, signed_by=panel["chair"], statement="经委员会审议通过。"
    )
    assert texts_for_applicant(panel["application"], "zh-hans") == {"panel_opinions": [], "sign_off_statements": []}
    restage(
        panel,
        panel_opinion_visible_to_applicant=True,
        chair_sign_off=True,
        sign_off_statement_visible_to_applicant=True,
    )
    assert texts_for_applicant(panel["application"], "zh-hans") == {
        "panel_opinions": ["专家委员会评审 — 推荐资助：建议资助。"],
        "sign_off_statements": ["专家委员会评审: 经委员会审议通过。"],
    }
    assert texts_for_applicant(panel["application"], "en")["panel_opinions"] == [
        "Expert committee review — Recommended for funding: 建议资助。"
    ]


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ({"panel_opinion_visible_to_applicant": True}, "panel_opinion_not_written"),
        ({"sign_off_statement_visible_to_applicant": True}, "sign_off_not_given"),
        ({"kind": "formal_check", "criteria": [], "reviewer_discussion": "always"}, "discussion_needs_reviewers"),
        ({"kind": "formal_check", "criteria": [], "panel_opinion": True}, "discussion_needs_reviewers"),
        ({"reviewer_discussion": "sometimes"}, "enum"),
    ],
)
def test_the_stage_flags_are_checked_with_error_codes(flags: dict[str, Any], code: str) -> None:
    data = seed_data("000")
    stage = next(s for s in data["review_stages"] if s["code"] == STAGE)
    stage.update(flags)
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    assert [e.type for e in info.value.errors] == [code]


def test_mentions_take_the_longest_name_and_whole_addresses() -> None:
    people = [Person(1, "张三", "zs@example.com"), Person(2, "张三丰", "zsf@example.com"), Person(3, "li", "li@example.com")]
    assert find_mentions("@张三丰 请看，@张三 也看", people) == [2, 1]
    assert find_mentions("请 @LI@example.com 看；@lisa 不是", people) == [3]
    assert find_mentions("@li, 你好 @li", people) == [3]
    assert find_mentions("no mention zs@example.com", people) == []


def test_the_decision_letter_carries_the_panel_opinion_and_the_chairs_statement() -> None:
    from shenbao.notifications.overrides import render_mail
    from shenbao.notifications.registry import sample_context

    context = {**sample_context("decision"), "panel_opinions": ["函评 — 推荐资助：建议资助。"], "sign_off_statements": []}
    body = render_mail("decision", "zh-hans", context, call_id=None, program_id=None).body
    assert "专家组意见:\n- 函评 — 推荐资助：建议资助。\n" in body
    assert "主任委员意见" not in body


def test_the_rankings_export_carries_the_panel_opinion_and_the_chairs_statement(panel: dict[str, Any]) -> None:
    from shenbao.documents.exports.base import Filters
    from shenbao.documents.exports.reviews import ranking_rows
    from shenbao.reviews.models import ShortlistSignOff

    score_all(Assignment.objects.get(pk=panel["a1"].pk), 6)
    write_panel_opinion(
        stage=panel["stage"],
        application=panel["application"],
        author=panel["panel head"],
        opinion="建议资助。",
        recommendation="recommend",
    )
    ShortlistSignOff.objects.create(
        stage=panel["stage"], direction=panel["application"].direction, signed_by=panel["chair"], statement="经委员会审议通过。"
    )
    rows = {r["receipt"]: r for r in ranking_rows(panel["call"], Filters())}
    row = rows[panel["application"].receipt_number]
    assert (row["panel_recommendation"], row["panel_opinion"], row["chair_statement"]) == (
        "推荐资助",
        "建议资助。",
        "经委员会审议通过。",
    )


def test_the_applicant_page_shows_the_released_texts_once_results_are_published(panel: dict[str, Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    from shenbao.awards.models import PublicNotice

    score_all(Assignment.objects.get(pk=panel["a1"].pk), 6)
    write_panel_opinion(
        stage=panel["stage"],
        application=panel["application"],
        author=panel["panel head"],
        opinion="建议资助。",
        recommendation="recommend",
    )
    restage(panel, panel_opinion_visible_to_applicant=True)
    path = f"/applications/{panel['application'].pk}/"
    assert "data-released-texts" not in client_of(panel["applicant"]).get(path).content.decode()
    now = timezone.now()
    PublicNotice.objects.create(call=panel["call"], starts_at=now, ends_at=now + dt.timedelta(days=5))
    html = client_of(panel["applicant"]).get(path).content.decode()
    assert "data-released-texts" in html and "推荐资助：建议资助。" in html
    assert "head@example.com" not in html  # the panel head stays anonymous to the applicant
    assert client_of(panel["other applicant"]).get(path).status_code == 404
    restage(panel, panel_opinion_visible_to_applicant=False)
    assert "data-released-texts" not in client_of(panel["applicant"]).get(path).content.decode()


def test_the_discussion_page_costs_the_same_queries_however_many_comments(panel: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(panel["officer"])
    post_comment(stage=panel["stage"], application=panel["application"], author=panel["officer"], body="第一条")
    client.get(url(panel))
    with CaptureQueriesContext(connection) as few:
        client.get(url(panel))
    root = DiscussionComment.objects.get()
    for i in range(6):
        post_comment(
            stage=panel["stage"],
            application=panel["application"],
            author=panel["reviewer after own review"],
            body=f"回复{i}",
            reply_to=root,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url(panel))
    assert page.content.decode().count('class="comment"') == 7
    assert len(many) == len(few)


def test_a_reviewer_who_declares_a_conflict_leaves_the_discussion(panel: dict[str, Any]) -> None:
    from shenbao.reviews.services.pool import declare_conflict

    restage(panel, reviewer_discussion="always")
    first = panel["reviewer before own review"]
    assert thread_allows(first, "reviews.view_discussion", panel["thread"])
    declare_conflict(assignment=Assignment.objects.get(pk=panel["a1"].pk), reason="同一课题组", actor=first)
    assert not thread_allows(first, "reviews.view_discussion", panel["thread"])
    assert not thread_allows(first, "reviews.view_panel_opinion", panel["thread"])
    assert client_of(first).get(url(panel)).status_code == 404
    with pytest.raises(NotAllowed):
        post_comment(stage=panel["stage"], application=panel["application"], author=first, body="还能说吗")
    assert DiscussionComment.objects.count() == 0
