"""Seed 003 through the service and the staff page: directions short of applications are explained,
and only a quota the call marks as a minimum stops the selection, naming the direction and numbers."""

from __future__ import annotations

from typing import Any

from django.test import Client

from shenbao.accounts.models import User
from shenbao.awards.services.selection import run_selection
from shenbao.calls.definition.base import Quantity
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.services.definitions import load_call_definition
from tests.e2e.test_selection_flow import officer_of, ranked  # noqa: F401 - the fixture and its helper

__all__ = ["officer_of"]


def test_seed_003_run_lists_every_direction_short_of_its_number_on_the_staff_page(
    ranked: tuple[Call, User],  # noqa: F811
) -> None:
    call, officer = ranked
    run = run_selection(call=call, actor=officer)
    assert run.result["status"] == "optimal" and len(run.result["selected"]) == 3
    short = {s["group"]: s for s in run.result["shortfalls"]}
    # 1.1 (6), nobody applied; 1.5 (at most 5) selects one per country; the others have none.
    assert (short["1.1"]["ranked"], short["1.1"]["selected"], short["1.1"]["causes"]) == (0, 0, ["no_applications"])
    assert short["1.5"]["kind"] == "at_most" and short["1.5"]["target"] == 5 and short["1.5"]["selected"] == 1
    assert short["1.5"]["causes"] == ["fewer_ranked", "blocked"] and short["1.5"]["blocked_by"] == ["cap_taken", "exclusivity"]
    assert len(short) == 19
    client = Client()
    client.force_login(officer)
    page = client.get(f"/staff/calls/{call.code}/results/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Directions below their number of projects" in page
    assert (
        "The other ranked applications are held back by a limit per partner country or institution, exclusive directions" in page
    )
    zh = client.get(f"/staff/calls/{call.code}/results/").content.decode()
    assert "其余进入排名的申请受以下规则限制：每个合作国别或单位的限额、互斥方向" in zh


def test_seed_003_minimum_quota_stops_the_run_and_names_the_direction(ranked: tuple[Call, User]) -> None:  # noqa: F811
    call, officer = ranked
    definition = current_definition(call)
    directions = [
        d.model_copy(update={"quota": Quantity(qualifier="exact", value=6, minimum=True)}) if d.code == "1.1" else d
        for d in definition.directions
    ]
    load_call_definition(definition=definition.model_copy(update={"directions": directions}), source="test")
    run = run_selection(call=Call.objects.get(pk=call.pk), actor=officer)
    assert run.result["status"] == "infeasible" and run.result["selected"] == []
    conflicts: list[dict[str, Any]] = run.result["conflicts"]
    assert [(c["code"], c["group"], c["needed"], c["limit"]) for c in conflicts] == [("quota_unreachable", "1.1", 6, 0)]
    client = Client()
    client.force_login(officer)
    page = client.get(f"/staff/calls/{call.code}/results/").content.decode()
    assert "1.1：名额要求 6 个，但只有 0 项申请可入选" in page
