"""The call editor offers the stage's discussion and panel-opinion flags, labelled in both
languages, and refuses an inconsistent combination with the schema's translated error (issue 20)."""

from __future__ import annotations

from collections.abc import Callable

from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from tests.web.test_call_editor import _state, browser_post, client_for, officer_of


def test_the_editor_sets_the_discussion_and_panel_opinion_flags(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("000")
    client = client_for(officer_of(call))
    url = f"/staff/calls/{call.code}/editor/stages/0/"
    page = client.get(url)
    html = page.content.decode()
    assert "评审专家讨论每份申报书" in html and "在本人提交评审意见之后 (after_own)" in html
    assert "向申请人展示专家组意见" in html

    before = _state(call)
    refused = client.post(url, browser_post(page, panel_opinion_visible_to_applicant="on"))
    assert refused.status_code == 400
    assert "只有设有专家组意见的评审阶段，才能向申请人展示专家组意见。" in refused.content.decode()
    assert _state(call) == before

    saved = client.post(url, browser_post(page, reviewer_discussion="after_own", panel_opinion="on"))
    assert saved.status_code == 302
    call.refresh_from_db()
    stage = current_definition(call).review_stages[0]
    assert (stage.reviewer_discussion.value, stage.panel_opinion, stage.panel_opinion_visible_to_applicant) == (
        "after_own",
        True,
        False,
    )
