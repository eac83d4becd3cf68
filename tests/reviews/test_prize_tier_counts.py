"""Seed 001 states no number of prizes per track: the counts come from the call or from the
committee at advancement, and the number that goes to the finals follows them (issue 12, item 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.schema import PrizeTier
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.services.advancement import advance_stage
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.reviews.fixtures import add_expert, checked_application, score_all

# title: (track, score) — three entries in track 1, two in track 2
ENTRIES = {"A1": ("SME202301", 9), "A2": ("SME202301", 7), "A3": ("SME202301", 5), "B1": ("SME202302", 8), "B2": ("SME202302", 6)}


def judged(call: Call) -> tuple[ReviewStage, User]:
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="officer")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    for i, (title, (track, _)) in enumerate(ENTRIES.items()):
        checked_application(call, direction=track, title=title, email=f"t{i}@example.com")
    track = ReviewStage.objects.get(call=call, code="track")
    open_stage(stage=track, actor=officer)
    for i in range(3):
        add_expert(call, f"judge{i}@example.com", officer=officer)
    run_assignment(stage=track, actor=officer, k=3)
    for a in Assignment.objects.filter(stage=track).select_related("application"):
        score_all(a, ENTRIES[a.application.title][1])
    return track, officer


def finalists(call: Call) -> list[str]:
    finals = ReviewStage.objects.get(call=call, code="finals")
    return sorted(StageEntry.objects.filter(stage=finals).values_list("application__title", flat=True))


def test_seed_001_track_advancement_without_counts_stops_and_changes_nothing(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    track, officer = judged(call)
    with translation.override("en"):
        with pytest.raises(StageNotReady) as missing:
            advance_stage(stage=track, actor=officer)
        assert str(missing.value) == (
            "The call leaves the number of places open for First prize, Second prize, Third prize: "
            "enter the committee's numbers to advance."
        )
    with pytest.raises(StageNotReady) as missing_zh:
        advance_stage(stage=track, actor=officer, tier_counts={"first": 1})
    assert str(missing_zh.value) == "本征集未说明二等奖、三等奖的名额：请先填写评审委员会确定的名额，再进行晋级。"
    assert set(StageEntry.objects.filter(stage=track).values_list("status", flat=True)) == {EntryStatus.IN_REVIEW}
    assert finalists(call) == []
    assert not AuditEntry.objects.filter(action="shenbao.review.stage_advanced").exists()


def test_seed_001_committee_counts_decide_how_many_go_to_the_finals(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    track, officer = judged(call)
    outcome = advance_stage(stage=track, actor=officer, tier_counts={"first": 2, "second": 1, "third": 1})
    assert (outcome.advanced, outcome.not_advanced) == (4, 1)
    assert finalists(call) == ["A1", "A2", "B1", "B2"]
    tiers = {e.application.title: e.reason["tier"] for e in StageEntry.objects.filter(stage=track).select_related("application")}
    assert tiers == {"A1": "first", "A2": "first", "A3": "second", "B1": "first", "B2": "first"}
    audit = AuditEntry.objects.get(action="shenbao.review.stage_advanced")
    assert audit.data["tier_counts"] == {"first": 2, "second": 1, "third": 1}


def test_seed_001_tier_counts_stated_by_the_call_win(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    definition = current_definition(call)
    stated = [
        PrizeTier(code=t.code, name=t.name, count=count, prize=t.prize)
        for t, count in zip(definition.selection.prize_tiers, (1, 2, 2), strict=True)
    ]
    selection = definition.selection.model_copy(update={"prize_tiers": stated})
    load_call_definition(definition=definition.model_copy(update={"selection": selection}), source="test")
    track, officer = judged(call)
    # The committee's numbers do not override what the call states.
    outcome = advance_stage(stage=track, actor=officer, tier_counts={"first": 3})
    assert outcome.advanced == 2 and finalists(call) == ["A1", "B1"]
    a2 = StageEntry.objects.get(stage=track, application__title="A2")
    assert (a2.status, a2.reason["tier"]) == (EntryStatus.NOT_ADVANCED, "second")


def test_advance_form_carries_the_committees_tier_counts(load_seed: Callable[[str], Call], client: Client) -> None:
    call = load_seed("001")
    track, officer = judged(call)
    client.force_login(officer)
    page = client.get(f"/staff/stages/{track.pk}/ranking/")
    assert b'name="tier-first"' in page.content and b'id="id_advance_tier_first"' in page.content
    client.post(f"/staff/stages/{track.pk}/advance/", {"tier-first": "1", "tier-second": "1", "tier-third": "1"})
    assert finalists(call) == ["A1", "B1"]
