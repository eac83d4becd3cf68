"""Issue 19: the call editor edits a budget field's table like any other part of the schema."""

from __future__ import annotations

import html
from collections.abc import Callable

from shenbao.calls.models import Call
from tests.web.test_call_editor import browser_post, client_for, officer_of


def test_the_editor_shows_the_budget_table_and_saves_a_changed_source(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("003")
    client = client_for(officer_of(call))
    index = next(i for i, f in enumerate(call.definition["form"]) if f["code"] == "budget_table")
    url = f"/staff/calls/{call.code}/editor/form/{index}/"
    page = client.get(url)
    assert page.status_code == 200
    fields = page.context["form"].fields
    assert [c[0] for c in fields["budget.sources"].choices] == [
        "grant",
        "self_raised",
        "enterprise",
        "local_government",
        "partner",
    ]
    assert page.context["form"]["budget.sources"].value() == ["grant", "self_raised", "enterprise"]
    response = client.post(url, browser_post(page, **{"budget.sources": ["grant", "enterprise", "partner"]}))
    assert response.status_code == 302
    call.refresh_from_db()
    saved = call.definition["form"][index]["budget"]
    assert saved["sources"] == ["grant", "enterprise", "partner"]
    assert [c["code"] for c in saved["categories"]] == ["equipment", "operating", "labour", "indirect"]

    # Dropping the grant is refused with the schema's code, in the user's language, and nothing is saved.
    page = client.get(url)
    refused = client.post(url, browser_post(page, **{"budget.sources": ["enterprise"]}), headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    assert html.escape("A budget's sources must include the grant requested (grant).") in refused.content.decode()
    call.refresh_from_db()
    assert call.definition["form"][index]["budget"]["sources"] == ["grant", "enterprise", "partner"]
