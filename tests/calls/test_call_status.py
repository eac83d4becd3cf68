from __future__ import annotations

from collections.abc import Callable

import pytest

from shenbao.calls.models import Call
from shenbao.calls.services.status import change_call_status
from shenbao.calls.transitions import CALL_TRANSITIONS
from shenbao.core.errors import InvalidTransition
from shenbao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_allowed_transition_changes_status_and_writes_audit(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("004")
    assert call.status == "published"
    change_call_status(call=call, to="open", reason="window opened")
    call.refresh_from_db()
    assert call.status == "open"
    entry = AuditEntry.objects.get(action="shenbao.call.status_changed")
    assert entry.data == {"from": "published", "to": "open", "reason": "window opened"}


def test_forbidden_transition_is_refused_and_nothing_changes(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("004")
    with pytest.raises(InvalidTransition):
        change_call_status(call=call, to="decided")
    call.refresh_from_db()
    assert call.status == "published"
    assert not AuditEntry.objects.filter(action="shenbao.call.status_changed").exists()


def test_transition_table_covers_every_status() -> None:
    assert set(CALL_TRANSITIONS) == {"draft", "published", "open", "closed", "in_review", "decided", "archived"}
    assert CALL_TRANSITIONS["archived"] == frozenset()
