"""The report review's ``due_days`` in the call editor (issue 19): saved through the one schema on the
report-review page, shown back, and a bad value refused on the field in the user's language with the
definition unchanged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shenbao.calls.models import Call
from tests.web.test_call_editor import browser_post, client_for, officer_of


def test_staff_give_the_experts_days_and_read_them_back(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("003")
    client = client_for(officer_of(call))
    url = f"/staff/calls/{call.code}/editor/report-reviews/0/"
    page = client.get(url)
    assert 'name="due_days"' in page.content.decode()
    response = client.post(url, browser_post(page, due_days="21"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.definition["report_reviews"][0]["due_days"] == 21
    again = client.get(url)
    assert again.context["form"]["due_days"].value() == 21
    assert "专家评审期限（天）" in again.content.decode()
    # Cleared, the review has no due date again.
    assert client.post(url, browser_post(again, due_days="")).status_code == 302
    call.refresh_from_db()
    assert call.definition["report_reviews"][0].get("due_days") is None


@pytest.mark.parametrize(("language", "message"), [("zh-hans", "不得小于 1。"), ("en", "Must be at least 1.")])
def test_days_below_one_are_refused_on_the_field(load_seed: Callable[[str], Call], language: str, message: str) -> None:
    call = load_seed("003")
    client = client_for(officer_of(call))
    client.cookies["django_language"] = language
    url = f"/staff/calls/{call.code}/editor/report-reviews/0/"
    before = (call.version, call.definition_hash)
    response = client.post(url, browser_post(client.get(url), due_days="0"))
    assert response.status_code in (200, 400)
    assert message in " ".join(str(e) for e in response.context["form"].errors.get("due_days", []))
    assert 'value="0"' in response.content.decode()
    call.refresh_from_db()
    assert (call.version, call.definition_hash) == before
