"""The staff outbox styles its actions by what they do: "Send now" is the ordinary (blue) action and
"Discard", which loses the mail, the destructive (red) one (issue 17)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.applications.models import Application
from shenbao.calls.models import Call
from tests.applications.fixtures import matrix_users

pytestmark = pytest.mark.django_db

STAFF_CSS = Path(__file__).resolve().parents[2] / "src/shenbao/web/static/web/staff.css"


def test_discard_is_the_red_button_and_send_now_the_blue_one(
    client: Client, xiaomi_call: Call, ready_application: Callable[..., Application], university: Any
) -> None:
    officer = matrix_users(ready_application(), university)["program_officer"]
    client.force_login(officer)
    page = client.get(reverse("web:call_outbox", args=[xiaomi_call.code]), headers={"accept-language": "en"}).content.decode()
    assert '<button type="submit" name="action" value="discard" class="destructive">Discard</button>' in page
    assert '<button type="submit" name="action" value="send" class="send">Send now</button>' in page
    css = STAFF_CSS.read_text(encoding="utf-8")
    # Pico's buttons are blue; only the destructive class turns one red (and "primary" is not used here).
    assert ".pico button.destructive { --pico-background-color: #b3261e;" in css
    assert ".pico button.send" not in css
