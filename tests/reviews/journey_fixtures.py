"""One stage with everything of issue 20 switched on at once: a discussion after one's own review,
a panel opinion released to the applicant, and an applicant response (答辩) with revisions.

Used by the browser journey (tests/browser/test_review_journey_browser.py) and by the permission
matrix (tests/web/test_review_journey_matrix.py), so both look at the same world."""

from __future__ import annotations

from typing import Any

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.discussion import add_internal_note, appoint_panel_head
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.fixtures import add_expert, checked_application
from tests.reviews.response_fixtures import submit_scored

# Texts the applicant must never read, and the ones they must.
SHOWN_COMMENT = "育种路线清楚，但田间试验规模偏小。"
OTHER_COMMENT = "创新性强。"
CONFIDENTIAL = "保密意见：团队经验不足"
NOTE = "内部备注：预算需核查"
COMMENT = "预算部分偏高，请看第三节。"
REPLY = "同意，建议压缩设备费。"
OPINION = "创新性突出，预算需压缩后资助。"
ANSWER = "感谢专家意见。我们已将田间试验扩大到三个试验点。"


def journey_world(*, opinion_visible: bool = True) -> dict[str, Any]:
    """The call, its people, and the application under discussion (reviews of two reviewers in).

    ``battery@example.com`` is in the pool but not assigned; ``head@example.com`` heads the panel of
    the application's direction without reviewing it."""

    def edit(data: dict[str, Any]) -> None:
        stage = data["review_stages"][0]
        assert stage["code"] == "expert-committee"
        stage.update(
            reviewer_discussion="after_own",
            panel_opinion=True,
            panel_opinion_visible_to_applicant=opinion_visible,
            applicant_response={"duration_days": 7, "max_characters": 500, "applicant_sees": ["comments"]},
        )

    call = open_call("000", code="journey-000", edit=edit)
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    observer = register_user(email="observer@example.com", password="pass-Word-123", name="观察员")
    grant_program_role(program=call.program, user=observer, role=ProgramRoleKind.OBSERVER)
    mine = checked_application(call, direction="XM-T1", title="水稻抗病育种", email="applicant@example.com")
    theirs = checked_application(call, direction="XM-T1", title="端侧大模型推理", email="other@example.com")
    stage = ReviewStage.objects.select_related("call").get(call=call, code="expert-committee")
    close_submissions(stage.call)
    open_stage(stage=stage, actor=officer)
    experts = {
        e: add_expert(call, e, officer=officer)
        for e in ("rice@example.com", "ai@example.com", "battery@example.com", "general@example.com", "head@example.com")
    }
    for expert in experts.values():
        expert.set_password("pass-Word-123")  # invited experts set theirs on the invitation page (tested elsewhere)
        expert.save(update_fields=["password"])
    a_rice = assign_manually(stage=stage, application_id=mine.pk, reviewer=experts["rice@example.com"], actor=officer)
    a_ai = assign_manually(stage=stage, application_id=mine.pk, reviewer=experts["ai@example.com"], actor=officer)
    a_theirs = assign_manually(stage=stage, application_id=theirs.pk, reviewer=experts["general@example.com"], actor=officer)
    submit_scored(a_rice, 6, SHOWN_COMMENT, CONFIDENTIAL)
    submit_scored(a_ai, 8, OTHER_COMMENT)
    submit_scored(a_theirs, 7, "推理加速方案可行。")
    stage = ReviewStage.objects.select_related("call").get(pk=stage.pk)
    appoint_panel_head(stage=stage, user=experts["head@example.com"], actor=officer, direction=mine.direction)
    add_internal_note(application=mine, author=officer, body=NOTE)
    return {
        "call": call,
        "stage": stage,
        "officer": officer,
        "observer": observer,
        "mine": mine,
        "theirs": theirs,
        "experts": experts,
        "a_rice": a_rice,
        "a_ai": a_ai,
        "a_theirs": a_theirs,
    }
