"""The review permission matrix: every reviewer and staff page and API endpoint, for every role.

A refused request leaves the reviews, assignments, entries and the audit log exactly as they were."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import Assignment, PoolMember, Review, StageEntry
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.fixtures import add_expert, checked_application

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer_unassigned",
    "reviewer_assigned",
    "institution_officer",
    "other_program_staff",
    "chair",
    "staff",
]


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A seed-000 stage with two applications in review, three experts, one assignment to the rice expert."""
    call = open_call("000", code="matrix-000")
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    mine = checked_application(call, direction="XM-T1", title="水稻抗病育种", email="applicant@example.com")
    theirs = checked_application(call, direction="XM-T1", title="端侧大模型推理", email="other@example.com")
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    close_submissions(stage.call)
    open_stage(stage=stage, actor=officer)
    experts = {e: add_expert(call, e, officer=officer) for e in ("rice@example.com", "ai@example.com", "general@example.com")}
    assignment = assign_manually(stage=stage, application_id=mine.pk, reviewer=experts["rice@example.com"], actor=officer)
    assign_manually(stage=stage, application_id=theirs.pk, reviewer=experts["ai@example.com"], actor=officer)
    institution_officer = register_user(email="io@example.com", password="pass-Word-123", name="单位管理员")
    add_membership(user=institution_officer, organisation=mine.lead_organisation, role=MembershipRole.OFFICER)
    other = open_call("003", code="other-program")
    other_staff = register_user(email="other-staff@example.com", password="pass-Word-123", name="其他项目主管")
    grant_program_role(program=other.program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    chair = register_user(email="chair@example.com", password="pass-Word-123", name="主席")
    grant_program_role(program=call.program, user=chair, role=ProgramRoleKind.COMMITTEE_CHAIR)
    users: dict[str, User | None] = {
        "anonymous": None,
        "applicant": mine.applicant,
        "other_applicant": theirs.applicant,
        "reviewer_unassigned": experts["general@example.com"],
        "reviewer_assigned": assignment.reviewer,
        "institution_officer": institution_officer,
        "other_program_staff": other_staff,
        "chair": chair,
        "staff": officer,
    }
    return {"call": call, "stage": stage, "assignment": assignment, "users": users, "mine": mine, "experts": experts}


def _state() -> tuple[Any, ...]:
    return (
        sorted(Review.objects.values_list("assignment_id", "state", "version", "total")),
        sorted(Assignment.objects.values_list("pk", "status", "locked")),
        sorted(StageEntry.objects.values_list("pk", "status")),
        sorted(PoolMember.objects.values_list("pk", "load_limit", "available")),
        AuditEntry.objects.count(),
    )


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# (name, method, url template, data, {role: status}) — roles not listed expect 404; anonymous expects the login redirect.
OK_REVIEWER = {"reviewer_assigned": 200}
PAGES: list[tuple[str, str, str, dict[str, Any], dict[str, int]]] = [
    ("my_reviews", "get", "/review/", {}, {r: 200 for r in ROLES if r != "anonymous"}),
    ("assignment", "get", "/review/assignments/{a}/", {}, {"reviewer_assigned": 200, "staff": 200}),
    (
        "assignment_save",
        "post",
        "/review/assignments/{a}/save/",
        {"version": "1", "score-team-capacity": "5"},
        {"reviewer_assigned": 302},
    ),
    ("assignment_submit", "post", "/review/assignments/{a}/submit/", {}, {"reviewer_assigned": 302}),
    ("assignment_conflict", "post", "/review/assignments/{a}/conflict/", {"reason": "x"}, {"reviewer_assigned": 302}),
    ("review_overview", "get", "/staff/calls/{call}/review/", {}, {"staff": 200}),
    ("pool_invite", "post", "/staff/calls/{call}/review/invite/", {"email": "new@example.com"}, {"staff": 302}),
    ("pool_update", "post", "/staff/calls/{call}/review/pool/{member}/", {"load_limit": "2"}, {"staff": 302}),
    ("stage_open", "post", "/staff/stages/{stage}/open/", {}, {"staff": 302}),
    ("stage_board", "get", "/staff/stages/{stage}/board/", {}, {"staff": 200}),
    ("stage_assign", "post", "/staff/stages/{stage}/assign/", {"mode": "optimal", "k": "1"}, {"staff": 302}),
    (
        "stage_assign_manual",
        "post",
        "/staff/stages/{stage}/assign/manual/",
        {"application": "{app}", "reviewer": "{general}"},
        {"staff": 302},
    ),
    ("assignment_change", "post", "/staff/stages/{stage}/assignments/{a}/", {"action": "lock"}, {"staff": 302}),
    ("stage_ranking", "get", "/staff/stages/{stage}/ranking/", {}, {"staff": 200, "chair": 200}),
    ("stage_sign_off", "post", "/staff/stages/{stage}/sign-off/", {"direction": "XM-T1"}, {"chair": 302}),
    ("stage_advance", "post", "/staff/stages/{stage}/advance/", {}, {"staff": 302}),
    ("live_reveal", "get", "/staff/stages/{stage}/live/", {}, {"staff": 200, "chair": 200}),
    ("live_panel", "get", "/staff/stages/{stage}/live/panel/", {}, {"staff": 200, "chair": 200}),
    ("live_reveal_next", "post", "/staff/stages/{stage}/live/reveal/", {}, {"staff": 302}),
]


def _fill(text: str, world: dict[str, Any]) -> str:
    general = world["experts"]["general@example.com"]
    member = PoolMember.objects.get(call=world["call"], user=general)
    return text.format(
        a=world["assignment"].pk,
        call=world["call"].code,
        stage=world["stage"].pk,
        member=member.pk,
        app=world["mine"].pk,
        general=general.pk,
    )


def _ordered(allowed: dict[str, int]) -> list[str]:
    """Refused roles first, so every refusal is checked against the untouched state; the allowed last."""
    return [r for r in ROLES if r not in allowed] + [r for r in ROLES if r in allowed]


@pytest.mark.parametrize(("name", "method", "url", "data", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_review_page_permissions(
    world: dict[str, Any], name: str, method: str, url: str, data: dict[str, Any], allowed: dict[str, int]
) -> None:
    for role in _ordered(allowed):
        before = _state()
        response = getattr(_client(world["users"][role]), method)(
            _fill(url, world), {k: _fill(v, world) for k, v in data.items()}
        )
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        else:
            assert response.status_code == allowed.get(role, 404), (name, role)
        if role not in allowed or method == "get":
            assert _state() == before, (name, role)


API: list[tuple[str, str, str, dict[str, Any], dict[str, int]]] = [
    ("stages", "get", "/api/v1/stages/", {}, {r: 200 for r in ROLES if r != "anonymous"}),
    ("stage_assignments", "get", "/api/v1/stages/{stage}/assignments/", {}, {"staff": 200, "chair": 403}),
    ("stage_assign", "post", "/api/v1/stages/{stage}/assign/", {"k": 1}, {"staff": 201, "chair": 403}),
    ("stage_ranking", "get", "/api/v1/stages/{stage}/ranking/", {}, {"staff": 200, "chair": 200}),
    ("reviews", "get", "/api/v1/reviews/", {}, {r: 200 for r in ROLES if r != "anonymous"}),
    ("review", "get", "/api/v1/reviews/{a}/", {}, {"reviewer_assigned": 200, "staff": 200}),
    (
        "review_patch",
        "patch",
        "/api/v1/reviews/{a}/",
        {"version": 1, "scores": {"team-capacity": 5}},
        {"reviewer_assigned": 200, "staff": 403},
    ),
    ("review_submit", "post", "/api/v1/reviews/{a}/submit/", {}, {"reviewer_assigned": 400, "staff": 403}),
]


@pytest.mark.parametrize(("name", "method", "url", "data", "allowed"), API, ids=[p[0] for p in API])
def test_review_api_permissions(
    world: dict[str, Any], name: str, method: str, url: str, data: dict[str, Any], allowed: dict[str, int]
) -> None:
    for role in _ordered({r: s for r, s in allowed.items() if s in (200, 201)}):
        client = APIClient()
        user = world["users"][role]
        if user is not None:
            client.force_authenticate(user)
        before = _state()
        response = getattr(client, method)(_fill(url, world), data, format="json")
        expected = 401 if role == "anonymous" else allowed.get(role, 404)
        assert response.status_code == expected, (name, role, response.content[:200])
        if expected not in (200, 201) or method == "get":
            assert _state() == before, (name, role)


def test_reviewers_see_only_their_assignments_and_staff_only_their_programs_stages(world: dict[str, Any]) -> None:
    client = APIClient()
    client.force_authenticate(world["users"]["reviewer_assigned"])
    assert [r["assignment"] for r in client.get("/api/v1/reviews/").json()] == [world["assignment"].pk]
    client.force_authenticate(world["users"]["other_program_staff"])
    codes = {s["call"] for s in client.get("/api/v1/stages/").json()}
    assert codes == {"other-program"}
