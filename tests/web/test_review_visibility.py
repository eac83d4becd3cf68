"""What a reviewer sees follows the stage: the applicant's identity, and the other reviews
(never / after their own / always); and the applicant's own requests to exclude experts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.models import Assignment, ExclusionRequest
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.fixtures import add_expert, checked_application, score_all


def set_stage(call: Call, **flags: Any) -> None:
    data = call.definition
    for stage in data["review_stages"]:
        if stage["code"] == "expert-committee":
            stage.update(flags)
    load_call_definition(definition=parse_definition(data))


@pytest.fixture
def two_reviewers(db: None) -> dict[str, Any]:
    call = open_call("000", code="visibility-000")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    application = checked_application(call, direction="XM-T1", title="可见性测试", email="owner@example.com")
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    close_submissions(stage.call)
    open_stage(stage=stage, actor=officer)
    first, second = (add_expert(call, f"r{i}@example.com", officer=officer) for i in (1, 2))
    a1 = assign_manually(stage=stage, application_id=application.pk, reviewer=first, actor=officer)
    a2 = assign_manually(stage=stage, application_id=application.pk, reviewer=second, actor=officer)
    score_all(a2, 9)  # the second reviewer has submitted
    return {"call": call, "a1": a1, "a2": a2, "first": first}


def page(setup: dict[str, Any]) -> str:
    client = Client()
    client.force_login(setup["first"])
    return client.get(f"/review/assignments/{setup['a1'].pk}/").content.decode()


@pytest.mark.parametrize(
    ("visibility", "before_own", "after_own"),
    [("never", False, False), ("after_own", False, True), ("always", True, True)],
)
def test_other_reviews_follow_the_stage(
    two_reviewers: dict[str, Any], visibility: str, before_own: bool, after_own: bool
) -> None:
    set_stage(two_reviewers["call"], reviewers_see_other_reviews=visibility)
    assert ("other-review" in page(two_reviewers)) is before_own
    score_all(Assignment.objects.get(pk=two_reviewers["a1"].pk), 6)
    assert ("other-review" in page(two_reviewers)) is after_own


@pytest.mark.parametrize("hidden", [True, False])
def test_applicant_identity_follows_the_stage(two_reviewers: dict[str, Any], hidden: bool) -> None:
    set_stage(two_reviewers["call"], applicant_identity_hidden=hidden)
    html = page(two_reviewers)
    assert ('data-identity="hidden"' in html) is hidden
    assert ('aria-labelledby="who"' in html) is not hidden  # the applicant section


def test_applicant_asks_to_exclude_experts_up_to_the_cap(db: None, client: Client) -> None:
    call = open_call("000", code="exclusions-000")
    application = checked_application(call, direction="XM-T1", title="回避测试", email="owner@example.com")
    Application.objects.filter(pk=application.pk).update(state="draft")
    client.force_login(application.applicant)
    url = f"/applications/{application.pk}/exclusions/"
    for i in range(3):
        client.post(url, {"name": f"专家{i}", "organisation": "某大学", "reason": "竞争关系"})
    refused = client.post(url, {"name": "专家3", "reason": "竞争关系"}, follow=True)
    assert "本征集最多允许申请人要求 3 名专家回避" in refused.content.decode()
    assert ExclusionRequest.objects.filter(application=application).count() == 3
    stranger = register_user(email="stranger@example.com", password="pass-Word-123", name="路人")
    other = Client()
    other.force_login(stranger)
    assert other.post(url, {"name": "x", "reason": "y"}).status_code == 404
    first = ExclusionRequest.objects.filter(application=application).first()
    assert first is not None
    client.post(url, {"remove": str(first.pk)})
    assert ExclusionRequest.objects.filter(application=application).count() == 2
