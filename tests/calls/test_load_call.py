"""Loading a definition into the database: create, update, idempotence, audit."""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.calls.definition.load import DefinitionInvalid, parse_definition
from shenbao.calls.errors import CallInAnotherProgram
from shenbao.calls.models import (
    Call,
    CallDefinitionVersion,
    Direction,
    EligibilityCriterion,
    Program,
    ReviewCriterion,
    ReviewStage,
    TimelineItem,
)
from shenbao.calls.services.definitions import load_call_definition
from shenbao.core.models import AuditEntry
from tests.conftest import seed_data

pytestmark = pytest.mark.django_db


def load(data: dict[str, Any]) -> Any:
    return load_call_definition(definition=parse_definition(data), source="test")


def test_first_load_creates_call_program_parts_and_audit() -> None:
    result = load(seed_data("003"))
    call = result.call
    assert (result.created, result.changed, result.version) == (True, True, 1)
    assert call.program.code == "most-intl-stic"
    assert call.directions.count() == 19
    assert call.criteria.count() == 80  # with the Horizon grant agreement when the project is funded (2.3)
    assert TimelineItem.objects.filter(call=call).count() == 1
    assert ReviewStage.objects.filter(call=call).count() == 2
    assert CallDefinitionVersion.objects.filter(call=call).count() == 1
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
        "shenbao.program.created",
        "shenbao.call.created",
    ]


def test_loading_the_same_definition_twice_changes_nothing() -> None:
    first = load(seed_data("004"))
    call = Call.objects.get(pk=first.call.pk)
    updated_at = call.updated_at
    audit_count = AuditEntry.objects.count()
    direction_ids = list(Direction.objects.filter(call=call).values_list("id", flat=True))

    second = load(seed_data("004"))

    assert (second.created, second.changed, second.version) == (False, False, 1)
    call.refresh_from_db()
    assert call.updated_at == updated_at
    assert AuditEntry.objects.count() == audit_count
    assert CallDefinitionVersion.objects.filter(call=call).count() == 1
    assert list(Direction.objects.filter(call=call).values_list("id", flat=True)) == direction_ids


def test_changed_definition_is_a_new_version_keeping_part_identities() -> None:
    load(seed_data("004"))
    call = Call.objects.get(code="thepaper-kcxf-2025")
    kept = Direction.objects.get(call=call, code="enterprise-pioneer-engine")
    data = seed_data("004")
    data["directions"][0]["title"]["en"] = "Pioneer Engine Brand of the Year"
    dropped = data["directions"].pop()["code"]
    data["directions"] = list(reversed(data["directions"]))

    result = load(data)

    assert (result.created, result.changed, result.version) == (False, True, 2)
    call.refresh_from_db()
    assert call.version == 2
    codes = list(call.directions.values_list("code", flat=True))
    assert codes == [d["code"] for d in data["directions"]]
    assert dropped not in codes
    updated = Direction.objects.get(call=call, code="enterprise-pioneer-engine")
    assert updated.pk == kept.pk
    assert updated.title["en"] == "Pioneer Engine Brand of the Year"
    assert CallDefinitionVersion.objects.filter(call=call).count() == 2
    entry = AuditEntry.objects.filter(action="shenbao.call.definition_updated").get()
    assert entry.data["version"] == 2


def test_review_criteria_follow_their_stage() -> None:
    load(seed_data("000"))
    data = seed_data("000")
    data["review_stages"][0]["criteria"][0]["weight"] = 2
    data["review_stages"][0]["criteria"].pop()
    load(data)
    stage = ReviewStage.objects.get(call__code="xiaomi-jbgs-2025")
    assert list(ReviewCriterion.objects.filter(stage=stage).values_list("code", "weight")) == [
        ("innovation-feasibility", 2),
        ("plan-and-output-value", 1),
    ]


def test_call_cannot_move_to_another_program() -> None:
    load(seed_data("004"))
    data = seed_data("004")
    data["program"]["code"] = "another-program"
    with pytest.raises(CallInAnotherProgram, match=r"thepaper-kcxf.*another-program"):
        load(data)
    assert Call.objects.get(code="thepaper-kcxf-2025").program.code == "thepaper-kcxf"
    assert not Program.objects.filter(code="another-program").exists()


def test_failed_load_leaves_the_previous_version_intact() -> None:
    load(seed_data("004"))
    data = seed_data("004")
    data["program"]["code"] = "another-program"
    with pytest.raises(CallInAnotherProgram):
        load(data)
    call = Call.objects.get(code="thepaper-kcxf-2025")
    assert call.version == 1
    assert EligibilityCriterion.objects.filter(call=call).count() == 10


def test_timeline_item_may_have_its_own_time_zone() -> None:
    data = seed_data("003")
    data["timeline"].append(
        {
            "kind": "other",
            "label": {"zh-hans": "欧方截止", "en": "EU-side deadline"},
            "at": "2025-06-15T17:00",
            "timezone": "Europe/Brussels",
        }
    )
    call = load(data).call
    item = call.timeline.get(kind="other")
    assert item.timezone == "Europe/Brussels"
    assert item.at is not None
    assert item.at.isoformat() == "2025-06-15T15:00:00+00:00"
    deadline = call.timeline.get(kind="deadline")
    assert (deadline.timezone, deadline.at.isoformat() if deadline.at else None) == ("Asia/Shanghai", "2025-06-29T16:00:00+00:00")


def test_unknown_item_time_zone_is_refused() -> None:
    data = seed_data("003")
    data["timeline"][0]["timezone"] = "Mars/Olympus"
    with pytest.raises(DefinitionInvalid) as info:
        parse_definition(data)
    assert [(e.path, e.type) for e in info.value.errors] == [("timeline.0.timezone", "timezone_unknown")]


def test_reloading_a_definition_without_directions_keeps_imported_topics() -> None:
    from shenbao.calls.services.directions import import_directions

    call = load(seed_data("000")).call
    rows = [
        {"code": "T-1", "title_zh": "课题一", "title_en": "Topic 1"},
        {"code": "T-2", "title_zh": "课题二", "title_en": "Topic 2"},
    ]
    import_directions(call=call, rows=rows, example=True)
    result = load(seed_data("000"))  # the YAML has no directions key
    assert result.changed is False
    assert list(Call.objects.get(code="xiaomi-jbgs-2025").directions.values_list("code", flat=True)) == ["T-1", "T-2"]
    data = seed_data("000")
    data["directions"] = []  # an explicit empty list removes them
    assert load(data).changed is True
    assert Call.objects.get(code="xiaomi-jbgs-2025").directions.count() == 0


def test_reloading_keeps_the_lifecycle_status() -> None:
    from shenbao.calls.services.status import change_call_status

    call = load(seed_data("004")).call
    change_call_status(call=call, to="open")
    change_call_status(call=call, to="closed")
    data = seed_data("004")
    data["call"]["summary"] = {"zh-hans": "更新后的简介", "en": "Updated summary"}
    assert load(data).changed is True
    call.refresh_from_db()
    assert call.status == "closed"
