"""Permission predicates defined once (issue 13): "administrator" is one function, program roles are
read once per user object (one query however many objects a page checks), and the staff's list of
calls is filtered in the database."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.accounts.permissions import user_is_administrator
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ProgramRole
from shenbao.calls.queries.roles import calls_managed_by, has_program_role, program_roles
from shenbao.calls.services.roles import grant_program_role, revoke_program_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "shenbao"


def test_no_raw_superuser_or_staff_checks_outside_the_shared_predicate() -> None:
    """Services, queries, permissions and the API ask ``user_is_administrator`` (accounts/permissions.py)."""
    found = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative in ("accounts/permissions.py", "accounts/models/user.py", "accounts/admin.py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bis_superuser\b|\bis_staff\b", line):
                found.append(f"{relative}:{number}")
    assert found == []


def test_administrator_is_a_superuser_only() -> None:
    assert user_is_administrator(UserFactory(is_superuser=True)) is True
    assert user_is_administrator(UserFactory(is_staff=True)) is False
    assert user_is_administrator(UserFactory()) is False
    assert user_is_administrator(AnonymousUser()) is False


@pytest.fixture
def calls(load_seed: Callable[[str], Call]) -> list[Call]:
    return [load_seed("000"), load_seed("003"), load_seed("004")]


def test_program_roles_are_read_once_per_user_object(calls: list[Call], django_assert_num_queries: Any) -> None:
    officer = UserFactory()
    grant_program_role(program=calls[0].program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    officer = User.objects.get(pk=officer.pk)  # a fresh object, as each request has
    with django_assert_num_queries(1):
        answers = [officer.has_perm("calls.change_call", c) for c in calls for _ in range(3)]
        answers += [officer.has_perm("awards.select", c) for c in calls]
    assert answers == [True] * 3 + [False] * 6 + [True, False, False]


def test_granting_and_revoking_a_role_is_seen_at_once_by_the_same_user_object(calls: list[Call]) -> None:
    user = UserFactory()
    call = calls[0]
    assert user.has_perm("calls.change_call", call) is False
    role = grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    assert user.has_perm("calls.change_call", call) is True
    assert has_program_role(user, call.program_id, ProgramRoleKind.COMMITTEE_CHAIR) is False
    assert has_program_role(user, call.program_id) is True
    revoke_program_role(program_role=role)
    assert program_roles(User.objects.get(pk=user.pk)) == {}


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", []), ("user", []), ("officer", ["003"]), ("admin", ["000", "003", "004"])]
)
def test_calls_managed_by_matches_change_call(calls: list[Call], who: str, expected: list[str]) -> None:
    user: Any = AnonymousUser()
    if who == "user":
        user = UserFactory()
    elif who == "officer":
        user = UserFactory()
        ProgramRole.objects.create(program=calls[1].program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
        ProgramRole.objects.create(program=calls[2].program, user=user, role=ProgramRoleKind.JUDGE)
    elif who == "admin":
        user = UserFactory(is_superuser=True)
    seeds = {c.pk: seed for seed, c in zip(["000", "003", "004"], calls, strict=True)}
    managed = sorted(seeds[c.pk] for c in calls_managed_by(user))
    assert managed == expected
    assert managed == sorted(seeds[c.pk] for c in calls if user.has_perm("calls.change_call", c))


def test_staff_call_list_costs_the_same_queries_for_one_or_many_calls(client: Client, load_seed: Callable[[str], Call]) -> None:
    officer = UserFactory()
    first = load_seed("000")
    grant_program_role(program=first.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("web:staff_calls")).content.decode()
    assert page.count("<li><a href=") == 1
    bilateral = load_seed("003")
    for call in (bilateral, load_seed("004")):
        grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("web:staff_calls")).content.decode()
    assert page.count("<li><a href=") == 3
    assert page.count("partner-list") == 1
    assert reverse("web:partner_list", args=[bilateral.code]) in page
    assert len(three.captured_queries) == len(one.captured_queries)
