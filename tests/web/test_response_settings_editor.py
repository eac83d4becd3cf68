"""The stage's applicant-response settings (答辩) in the call editor: saved through the one schema,
and a bad combination refused with its translated message on the form, the definition unchanged."""

from __future__ import annotations

from collections.abc import Callable

from shenbao.calls.models import Call
from tests.web.test_call_editor import browser_post, client_for, officer_of


def test_staff_enable_the_response_window_of_a_stage(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("000")
    client = client_for(officer_of(call))
    url = f"/staff/calls/{call.code}/editor/stages/0/"
    page = client.get(url)
    assert "申报人答辩" in page.content.decode()
    data = browser_post(page)
    data.update(
        {
            "applicant_response.duration_days": "5",
            "applicant_response.max_characters": "800",
            "applicant_response.applicant_sees": ["comments", "totals"],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.definition["review_stages"][0]["applicant_response"] == {
        "max_characters": 800,
        "duration_days": 5,
        "applicant_sees": ["comments", "totals"],
    }


def test_a_deadline_and_a_duration_together_are_refused_on_the_form(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("000")
    client = client_for(officer_of(call))
    url = f"/staff/calls/{call.code}/editor/stages/0/"
    before = (call.version, call.definition_hash)
    data = browser_post(client.get(url))
    data.update({"applicant_response.duration_days": "5", "applicant_response.deadline": "2027-06-01T17:00"})
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "答辩须给出 deadline（截止时间）或 duration_days（开放天数）之一，且只能给出一个。" in html
    call.refresh_from_db()
    assert (call.version, call.definition_hash) == before
    assert "applicant_response" not in call.definition["review_stages"][0]
