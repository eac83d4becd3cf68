"""Rules the product invented (trimmed mean at 001's finals, ±10 % for "about", three reviewers for
003, the first-criterion tie-break for 000) are marked as the platform's default in the seeds'
definitions, shown to staff with a badge, and changeable by the program's staff without editing
code: a new definition version, audited (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.calls.definition.load import parse_file
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, CallDefinitionVersion, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.calls.services.rule_defaults import RuleSetting, rule_settings
from shenbao.core.models import AuditEntry
from shenbao.reviews.queries.board import reviewers_per_application
from tests.reviews.fixtures import add_expert

DEFINITIONS = Path(__file__).resolve().parents[2] / "src/shenbao/calls/definitions"


def test_the_seeds_mark_the_rules_the_platform_invented() -> None:
    smeie = parse_file(DEFINITIONS / "smeie-2023.yaml")
    finals = next(s for s in smeie.review_stages if s.code == "finals")
    assert (finals.aggregation, finals.platform_defaults) == ("trimmed_mean", ["aggregation"])
    most = parse_file(DEFINITIONS / "most-intl-2025-2.yaml")
    review = next(s for s in most.review_stages if s.code == "expert-review")
    assert (review.reviewers_per_application, review.platform_defaults) == (3, ["reviewers_per_application"])
    assert (most.selection.about_tolerance_percent, most.selection.platform_defaults) == (10, ["about_tolerance_percent"])
    xiaomi = parse_file(DEFINITIONS / "xiaomi-jbgs-2025.yaml")
    committee = xiaomi.review_stages[0]
    assert committee.platform_defaults == ["tie_break"]
    assert committee.tie_break == []  # the platform's order: the first criterion's mean first
    assert RuleSetting("expert-committee", "tie_break", "innovation-feasibility", True) in rule_settings(xiaomi)
    assert RuleSetting("", "about_tolerance_percent", 10, True) in rule_settings(most)


def test_a_setting_the_call_states_has_no_badge() -> None:
    most = parse_file(DEFINITIONS / "most-intl-2025-2.yaml")
    assert RuleSetting("expert-review", "aggregation", "mean", False) in rule_settings(most)


ROLES = ["applicant", "other_applicant", "reviewer", "institution_officer", "chair", "other_program_staff", "staff"]


@pytest.fixture
def world(load_seed: Callable[[str], Call]) -> dict[str, Any]:
    call = load_seed("003")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    applicant = register_user(email="applicant@example.com", password="pass-Word-123", name="申请人")
    organisation = create_organisation(name={"zh-hans": "某大学"}, type=OrgType.UNIVERSITY)
    institution_officer = register_user(email="io@example.com", password="pass-Word-123", name="单位管理员")
    add_membership(user=institution_officer, organisation=organisation, role=MembershipRole.OFFICER)
    other = load_seed("001")
    other_staff = register_user(email="other@example.com", password="pass-Word-123", name="其他项目主管")
    grant_program_role(program=other.program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    chair = register_user(email="chair@example.com", password="pass-Word-123", name="主席")
    grant_program_role(program=call.program, user=chair, role=ProgramRoleKind.COMMITTEE_CHAIR)
    users: dict[str, User | None] = {
        "anonymous": None,
        "applicant": applicant,
        "other_applicant": register_user(email="other-applicant@example.com", password="pass-Word-123", name="另一申请人"),
        "chair": chair,
        "reviewer": add_expert(call, "expert@example.com", officer=officer),
        "institution_officer": institution_officer,
        "other_program_staff": other_staff,
        "staff": officer,
    }
    return {"call": call, "users": users}


def _state(call: Call) -> tuple[Any, ...]:
    call.refresh_from_db()
    return (call.version, call.definition_hash, CallDefinitionVersion.objects.count(), AuditEntry.objects.count())


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


CHANGE = {"reviewers_per_application-expert-review": "5", "about_tolerance_percent": "20"}


@pytest.mark.parametrize("role", ["anonymous", *ROLES[:-1]])
def test_only_the_programs_staff_may_change_the_settings_refusal_changes_nothing(world: dict[str, Any], role: str) -> None:
    call = world["call"]
    before = _state(call)
    response = _client(world["users"][role]).post(f"/staff/calls/{call.code}/review/settings/", CHANGE)
    assert response.status_code == (302 if role == "anonymous" else 404)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    assert _state(call) == before


def test_staff_change_a_platform_default_as_a_new_audited_version(world: dict[str, Any]) -> None:
    call = world["call"]
    version = call.version
    client = _client(world["users"]["staff"])
    with translation.override("en"):
        page = client.get(f"/staff/calls/{call.code}/review/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-setting="reviewers_per_application-expert-review"' in html
    assert html.count('class="badge platform-default"') == 2  # three reviewers; ±10 % for "about"
    response = client.post(f"/staff/calls/{call.code}/review/settings/", CHANGE)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.version == version + 1
    definition = current_definition(call)
    review = next(s for s in definition.review_stages if s.code == "expert-review")
    assert (review.reviewers_per_application, review.platform_defaults) == (5, [])
    assert (definition.selection.about_tolerance_percent, definition.selection.platform_defaults) == (20, [])
    assert reviewers_per_application(ReviewStage.objects.get(call=call, code="expert-review")) == 5
    audit = AuditEntry.objects.get(action="shenbao.call.rule_defaults_changed")
    assert audit.actor_id == world["users"]["staff"].pk
    assert audit.data["changes"] == [
        {"stage": "", "setting": "about_tolerance_percent", "from": 10, "to": 20},
        {"stage": "expert-review", "setting": "reviewers_per_application", "from": 3, "to": 5},
    ]
    assert AuditEntry.objects.filter(action="shenbao.call.definition_updated").count() == 1
    # The badges are gone: the values are the program's own now.
    assert 'class="badge platform-default"' not in client.get(f"/staff/calls/{call.code}/review/").content.decode()


def test_saving_the_same_values_or_an_invalid_one_changes_nothing(world: dict[str, Any]) -> None:
    call = world["call"]
    client = _client(world["users"]["staff"])
    before = _state(call)
    client.post(f"/staff/calls/{call.code}/review/settings/", {"reviewers_per_application-expert-review": "3"})
    assert _state(call) == before
    client.post(f"/staff/calls/{call.code}/review/settings/", {"about_tolerance_percent": "250"})
    client.post(f"/staff/calls/{call.code}/review/settings/", {"aggregation-expert-review": "max"})
    client.post(f"/staff/calls/{call.code}/review/settings/", {"about_tolerance_percent": "ten"})
    assert _state(call) == before


def test_seed_001_finals_aggregation_badge_on_the_ranking_page(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="officer")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    finals = ReviewStage.objects.get(call=call, code="finals")
    track = ReviewStage.objects.get(call=call, code="track")
    client = _client(officer)
    assert 'class="badge platform-default"' in client.get(f"/staff/stages/{finals.pk}/ranking/").content.decode()
    assert 'class="badge platform-default"' not in client.get(f"/staff/stages/{track.pk}/ranking/").content.decode()
    # Staff set the finals' own rule: the median.
    client.post(f"/staff/calls/{call.code}/review/settings/", {"aggregation-finals": "median"})
    finals_def = next(s for s in current_definition(Call.objects.get(pk=call.pk)).review_stages if s.code == "finals")
    assert (finals_def.aggregation, finals_def.platform_defaults) == ("median", [])


def test_selection_page_shows_the_about_tolerance_as_the_platform_default(world: dict[str, Any]) -> None:
    call = world["call"]
    client = _client(world["users"]["staff"])
    page = client.get(f"/staff/calls/{call.code}/results/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = page[page.index('data-setting="about_tolerance_percent"') :].split("</p>")[0]
    assert "N ± 10 % (rounded up)" in line and "platform default" in line
    stage = ReviewStage.objects.get(call=call, code="expert-review")
    board = client.get(f"/staff/stages/{stage.pk}/board/").content.decode()
    assert 'id="id_k" min="1" value="3" class="narrow"><span class="badge platform-default">' in board
