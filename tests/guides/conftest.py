"""Fixtures of the guide-import pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from tests.factories import UserFactory


@pytest.fixture
def officer(load_seed: Callable[[str], Call]) -> Any:
    """A program officer (of seed 004's program) who uploads guides."""
    user = UserFactory()
    grant_program_role(program=load_seed("004").program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user
