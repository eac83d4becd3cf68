"""A seed-000 stage whose applicants may answer the reviews (答辩): two reviewed applications, one not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shenbao.accounts.services.accounts import register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.reviews import review_for, save_and_submit_review
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.fixtures import add_expert, checked_application

DEFAULT_RESPONSE: dict[str, Any] = {"duration_days": 7, "max_characters": 200, "applicant_sees": ["comments", "totals"]}


def submit_scored(assignment: Any, value: float, comment: str, staff_comment: str = "") -> None:
    criteria = [c.code for c in stage_definition(assignment.stage).criteria]
    save_and_submit_review(
        assignment=assignment,
        actor=assignment.reviewer,
        expected_version=review_for(assignment).version,
        scores=dict.fromkeys(criteria, value),
        confidence=3,
        comment_to_applicant=comment,
        comment_to_staff=staff_comment,
    )


@pytest.fixture
def rebuttal(db: None, settings: Any, tmp_path: Any) -> Callable[..., dict[str, Any]]:
    settings.MEDIA_ROOT = tmp_path

    def make(response: dict[str, Any] | None = DEFAULT_RESPONSE) -> dict[str, Any]:
        def edit(data: dict[str, Any]) -> None:
            if response is not None:
                data["review_stages"][0]["applicant_response"] = response

        call = open_call("000", code="rebuttal-000", edit=edit)
        officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
        grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
        chair = register_user(email="chair@example.com", password="pass-Word-123", name="主席")
        grant_program_role(program=call.program, user=chair, role=ProgramRoleKind.COMMITTEE_CHAIR)
        mine = checked_application(call, direction="XM-T1", title="水稻抗病育种", email="applicant@example.com")
        theirs = checked_application(call, direction="XM-T1", title="端侧大模型推理", email="other@example.com")
        unreviewed = checked_application(call, direction="XM-T2", title="固态电解质", email="third@example.com")
        stage = ReviewStage.objects.get(call=call, code="expert-committee")
        close_submissions(stage.call)
        open_stage(stage=stage, actor=officer)
        experts = {
            e: add_expert(call, e, officer=officer)
            for e in ("rice@example.com", "ai@example.com", "general@example.com", "battery@example.com")
        }
        a_rice = assign_manually(stage=stage, application_id=mine.pk, reviewer=experts["rice@example.com"], actor=officer)
        a_ai = assign_manually(stage=stage, application_id=mine.pk, reviewer=experts["ai@example.com"], actor=officer)
        a_theirs = assign_manually(stage=stage, application_id=theirs.pk, reviewer=experts["ai@example.com"], actor=officer)
        a_unreviewed = assign_manually(
            stage=stage, application_id=unreviewed.pk, reviewer=experts["battery@example.com"], actor=officer
        )
        submit_scored(a_rice, 6, "育种路线清楚，但田间试验规模偏小。", "confidential: rice")
        submit_scored(a_ai, 8, "创新性强。", "confidential: ai")
        submit_scored(a_theirs, 7, "推理加速方案可行。")
        return {
            "call": call,
            "stage": stage,
            "officer": officer,
            "chair": chair,
            "mine": mine,
            "theirs": theirs,
            "unreviewed": unreviewed,
            "experts": experts,
            "a_rice": a_rice,
            "a_ai": a_ai,
            "a_theirs": a_theirs,
            "a_unreviewed": a_unreviewed,
        }

    return make
