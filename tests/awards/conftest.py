"""Fixtures shared by the awards tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_application
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.services.definitions import load_call_definition


@pytest.fixture
def rejected(ready_application: Callable[..., Application]) -> Application:
    """A submitted seed-000 application that failed the formal check, in a call with a 10-day 复审 window."""
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="主管")
    decide_formal_check(applications=[application], outcome="fail", reason="不符合申报条件", actor=officer)
    data = application.call.definition
    data["selection"]["reconsideration_days"] = 10
    load_call_definition(definition=parse_definition(data))
    application.refresh_from_db()
    return application
