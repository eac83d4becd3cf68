"""The call editor (issue 16): sections as forms over the one schema, versions, diff, YAML, permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django import forms
from django.test import Client

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.calls.definition.load import parse_definition, parse_text
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, CallDefinitionVersion
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.web.staff.call_editor import SECTIONS


def browser_post(response: Any, **extra: Any) -> dict[str, Any]:
    """What a browser posts for the page's editor form left as it is."""
    form = response.context["form"]
    data: dict[str, Any] = {"base_version": str(response.context["base_version"])}
    for name, f in form.fields.items():
        if f.disabled:
            continue  # browsers do not send disabled fields
        value = form[name].value()
        if isinstance(f, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(f, forms.MultipleChoiceField):
            data[name] = [str(v) for v in value or []]
        else:
            data[name] = "" if value is None else str(value)
    data.update(extra)
    return data


def _errors(response: Any) -> Any:
    context = response.context
    return (dict(context["form"].errors), context.get("other_errors"), str(context.get("stale") or ""))


def officer_of(call: Call, email: str = "officer@example.com") -> User:
    user = register_user(email=email, password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def export(client: Client, call: Call) -> str:
    response = client.get(f"/staff/calls/{call.code}/editor/yaml/export/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_each_seed_round_trips_through_every_section_unchanged(load_seed: Callable[[str], Call], seed: str) -> None:
    call = load_seed(seed)
    client = client_for(officer_of(call))
    before = export(client, call)
    version = call.version
    pages = 0
    for section in SECTIONS.values():
        base = f"/staff/calls/{call.code}/editor/{section.slug}/"
        urls = [base] if section.key is None else [f"{base}{i}/" for i in range(len(call.definition.get(section.key, [])))]
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, url
            response = client.post(url, browser_post(page))
            assert response.status_code == 302, (url, _errors(response))
            pages += 1
    call.refresh_from_db()
    assert call.version == version  # nothing changed: no new version
    assert export(client, call) == before
    assert parse_text(before).model_dump() == parse_definition(call.definition).model_dump()
    assert pages > len(SECTIONS)


ROLES = ["anonymous", "applicant", "other_program_officer", "observer"]


@pytest.fixture
def world(load_seed: Callable[[str], Call]) -> dict[str, Any]:
    call = load_seed("001")
    other = load_seed("000")
    observer = register_user(email="observer@example.com", password="pass-Word-123", name="观察员")
    grant_program_role(program=call.program, user=observer, role=ProgramRoleKind.OBSERVER)
    return {
        "call": call,
        "officer": officer_of(call),
        "users": {
            "anonymous": None,
            "applicant": register_user(email="applicant@example.com", password="pass-Word-123", name="申请人"),
            "other_program_officer": officer_of(other, "other@example.com"),
            "observer": observer,
        },
    }


def _state(call: Call) -> tuple[Any, ...]:
    call.refresh_from_db()
    return (call.version, call.definition_hash, CallDefinitionVersion.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize("role", ROLES)
def test_only_the_programs_staff_open_or_save_the_editor(world: dict[str, Any], role: str) -> None:
    call = world["call"]
    client = client_for(world["users"][role])
    before = _state(call)
    base = f"/staff/calls/{call.code}/editor/"
    gets = [
        base,
        base + "general/",
        base + "directions/",
        base + "directions/0/",
        base + "directions/new/",
        base + "versions/",
        base + "diff/?from=1&to=1",
        base + "yaml/",
        base + "yaml/export/",
    ]
    posts = [
        (base + "general/", {"base_version": call.version}),
        (base + "directions/0/", {"base_version": call.version}),
        (base + "directions/move/", {"base_version": call.version, "index": 0, "action": "delete"}),
        (base + "yaml/", {"base_version": call.version, "definition": "schema_version: 1"}),
        (base + "explain/", {"rule.kind": "trl"}),
        (base + "restore/", {"version": 1, "base_version": call.version}),
        (base + "directions/new/", {"base_version": call.version, "code": "x", "title.zh-hans": "x"}),
    ]
    for url in gets:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 404, url
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == (302 if role == "anonymous" else 404), url
    assert _state(call) == before


def test_an_edit_is_a_new_audited_version_with_a_diff(world: dict[str, Any]) -> None:
    call = world["call"]
    officer = world["officer"]
    client = client_for(officer)
    url = f"/staff/calls/{call.code}/editor/directions/0/"
    page = client.get(url)
    old_title = call.definition["directions"][0]["title"]["zh-hans"]
    response = client.post(url, browser_post(page, **{"title.zh-hans": "新的赛项名称", "comment": "改名"}))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.version == 2
    assert call.definition["directions"][0]["title"]["zh-hans"] == "新的赛项名称"
    assert call.directions.get(code=call.definition["directions"][0]["code"]).title["zh-hans"] == "新的赛项名称"
    version = CallDefinitionVersion.objects.get(call=call, version=2)
    assert (version.comment, version.source, version.created_by_id) == ("改名", "editor: directions", officer.pk)
    audit = AuditEntry.objects.get(action="shenbao.call.definition_updated")
    assert (audit.actor_id, audit.data["version"], audit.data["comment"]) == (officer.pk, 2, "改名")
    versions = client.get(f"/staff/calls/{call.code}/editor/versions/").content.decode()
    assert "改名" in versions and "v2" in versions
    diff = client.get(f"/staff/calls/{call.code}/editor/diff/?from=1&to=2").content.decode()
    assert f'<span class="diff-remove">−     zh-hans: {old_title}</span>' in diff
    assert '<span class="diff-add">+     zh-hans: 新的赛项名称</span>' in diff
    old_export = client.get(f"/staff/calls/{call.code}/editor/yaml/export/?version=1").content.decode()
    assert old_title in old_export and "新的赛项名称" not in old_export


def test_an_invalid_save_shows_errors_on_the_fields_in_the_users_language_and_keeps_the_input(
    world: dict[str, Any],
) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    url = f"/staff/calls/{call.code}/editor/directions/0/"
    page = client.get(url)
    before = _state(call)
    data = browser_post(page, **{"quota.qualifier": "range", "quota.min": "9", "quota.max": "3", "title.en": "Kept text"})
    data.pop("quota.value", None)
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert "min (9.0) must not be greater than max (3.0)." in html
    assert 'id="quota.qualifier-errors"' in html  # on the quota's first field
    assert "Kept text</textarea>" in html and 'value="9"' in html and 'value="3"' in html
    assert _state(call) == before
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "min（9.0）不得大于 max（3.0）。" in response.content.decode()


def test_a_reference_broken_elsewhere_is_refused_and_named(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    url = f"/staff/calls/{call.code}/editor/stages/1/"
    page = client.get(url)
    before = _state(call)
    response = client.post(url, browser_post(page, code="renamed-stage"))  # the timeline names "finals"
    assert response.status_code == 400
    assert (
        "review_stages.1.advancement.to_stage" in response.content.decode() or "advancement.to_stage" in response.content.decode()
    )
    assert _state(call) == before


def test_a_save_based_on_an_old_version_is_refused_and_keeps_the_input(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    url = f"/staff/calls/{call.code}/editor/directions/0/"
    page = client.get(url)
    first = browser_post(page, **{"title.en": "First editor"})
    second = browser_post(page, **{"title.en": "Second editor"})
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Second editor" in html
    assert response.context["stale"].base == 1 and response.context["stale"].current == 2
    assert "/editor/diff/?from=1&amp;to=2" in html
    call.refresh_from_db()
    assert call.version == 2 and call.definition["directions"][0]["title"]["en"] == "First editor"
    # The form now carries the current version: saving again on purpose replaces the part.
    assert f'name="base_version" value="{call.version}"' in html


def test_items_are_added_reordered_and_deleted_each_as_a_version(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    base = f"/staff/calls/{call.code}/editor/documents/"
    page = client.get(base + "new/")
    response = client.post(
        base + "new/",
        browser_post(page, code="plan", type="proposal", **{"name.zh-hans": "实施方案", "formats": ["pdf", "docx"]}),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    documents = call.definition["required_documents"]
    assert documents[-1] == {"code": "plan", "name": {"zh-hans": "实施方案"}, "type": "proposal", "formats": ["docx", "pdf"]}
    count = len(documents)
    if count > 1:
        client.post(base + "move/", {"index": count - 1, "action": "up", "base_version": call.version})
        call.refresh_from_db()
        assert call.definition["required_documents"][count - 2]["code"] == "plan"
    client.post(base + "move/", {"index": count - 2 if count > 1 else 0, "action": "delete", "base_version": call.version})
    call.refresh_from_db()
    assert "plan" not in [d["code"] for d in call.definition.get("required_documents", [])]
    # A move from a stale page is refused.
    response = client.post(base + "move/", {"index": 0, "action": "delete", "base_version": 1})
    call.refresh_from_db()
    assert len(call.definition.get("required_documents", [])) == count - 1


def test_yaml_import_validates_and_versions(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    url = f"/staff/calls/{call.code}/editor/yaml/"
    text = export(client, call)
    data = yaml.safe_load(text)
    data["call"]["batch"] = 0
    response = client.post(url, {"definition": yaml.safe_dump(data, allow_unicode=True), "base_version": call.version})
    assert response.status_code == 400
    assert "call.batch" in response.content.decode()
    data["call"]["batch"] = 2
    response = client.post(url, {"definition": yaml.safe_dump(data, allow_unicode=True), "base_version": call.version})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.version, call.batch) == (2, 2)
    response = client.post(url, {"definition": text, "base_version": 1})
    assert response.status_code == 400 and call.version == 2


def test_the_rule_explanation_is_bilingual_and_follows_the_form(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    response = client.post(f"/staff/calls/{call.code}/editor/explain/", {"rule.kind": "trl", "rule@trl.max": "4"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The technology readiness level is at most N." in html
    assert 'data-language="zh-hans"' in html and 'data-language="en"' in html
    assert "<dd>4</dd>" in html


def test_a_new_call_starts_as_an_audited_draft_of_a_program_the_user_runs(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    page = client.get("/staff/editor/new-call/")
    assert [c[0].value for c in page.context["form"].fields["program"].choices if c[0]] == [call.program.pk]
    data = {
        "program": call.program.pk,
        "code": "new-call",
        "title_zh": "新指南",
        "year": "2026",
        "direction_label_zh": "方向",
        "deadline": "2026-13-01T17:00",
    }
    response = client.post("/staff/editor/new-call/", data)
    assert response.status_code == 400 and response.context["form"].errors["deadline"]
    assert not Call.objects.filter(code="new-call").exists()
    response = client.post("/staff/editor/new-call/", {**data, "deadline": "2026-09-30T17:00"})
    assert response.status_code == 302 and response["Location"] == "/staff/calls/new-call/editor/"
    new = Call.objects.get(code="new-call")
    assert (new.status, new.program_id, new.version, new.title) == ("draft", call.program.pk, 1, {"zh-hans": "新指南"})
    assert AuditEntry.objects.filter(action="shenbao.call.created", actor_id=world["officer"].pk).count() == 1
    response = client.post("/staff/editor/new-call/", {**data, "deadline": "2026-09-30T17:00"})
    assert response.status_code == 400 and "new-call" in str(response.context["form"].non_field_errors())
    # Another program's officer cannot create a call in this program; someone who runs none gets no page.
    other = client_for(world["users"]["other_program_officer"])
    response = other.post("/staff/editor/new-call/", {**data, "code": "intruder", "deadline": "2026-09-30T17:00"})
    assert response.status_code == 400 and not Call.objects.filter(code="intruder").exists()
    assert client_for(world["users"]["applicant"]).get("/staff/editor/new-call/").status_code == 403


@pytest.mark.parametrize("role", ["officer", *ROLES])
def test_the_new_call_link_and_page_are_for_those_who_run_a_program(world: dict[str, Any], role: str) -> None:
    user = world["officer"] if role == "officer" else world["users"][role]
    client = client_for(user)
    runs_one = role in ("officer", "other_program_officer")
    calls = client.get("/staff/")
    if user is None:
        assert calls.status_code == 302
    else:
        assert ('class="new-call"' in calls.content.decode()) is runs_one
    page = client.get("/staff/editor/new-call/")
    assert page.status_code == (200 if runs_one else 302 if user is None else 403)
    before = Call.objects.count()
    client.post("/staff/editor/new-call/", {"code": "by-" + role.replace("_", "-"), "year": "2026"})
    assert Call.objects.count() == before


def test_clearing_a_part_removes_it(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    url = f"/staff/calls/{call.code}/editor/directions/0/"
    code = call.definition["directions"][0]["code"]
    assert "quota" not in call.definition["directions"][0]
    response = client.post(url, browser_post(client.get(url), **{"quota.qualifier": "at_most", "quota.value": "5"}))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.definition["directions"][0]["quota"] == {"qualifier": "at_most", "value": 5.0}
    assert call.directions.get(code=code).quota_qualifier == "at_most"
    response = client.post(url, browser_post(client.get(url), **{"quota.qualifier": "exact", "quota.value": ""}))
    assert response.status_code == 302
    call.refresh_from_db()
    assert "quota" not in call.definition["directions"][0]
    assert call.directions.get(code=code).quota_qualifier == ""


def test_the_versions_and_item_lists_do_not_query_per_row(world: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = world["call"]
    client = client_for(world["officer"])

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    versions = f"/staff/calls/{call.code}/editor/versions/"
    directions = f"/staff/calls/{call.code}/editor/directions/"
    before = (queries(versions), queries(directions))
    url = f"/staff/calls/{call.code}/editor/directions/new/"
    for n in range(3):
        page = client.get(url)
        response = client.post(url, browser_post(page, code=f"extra-{n}", **{"title.zh-hans": f"新增方向{n}"}))
        assert response.status_code == 302
    call.refresh_from_db()
    assert call.version == 4 and len(call.definition["directions"]) == 9
    assert (queries(versions), queries(directions)) == before


def test_a_save_after_someone_moved_items_lands_on_the_same_item(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    codes = [d["code"] for d in call.definition["directions"]]
    url = f"/staff/calls/{call.code}/editor/directions/1/"
    page = client.get(url)
    assert f'name="item_code" value="{codes[1]}"' in page.content.decode()
    mine = browser_post(page, item_code=codes[1], **{"title.en": "Edited second"})
    other = client_for(officer_of(call, "colleague@example.com"))
    response = other.post(
        f"/staff/calls/{call.code}/editor/directions/move/", {"index": 0, "action": "delete", "base_version": call.version}
    )
    assert response.status_code == 302
    refused = client.post(url, mine)
    assert refused.status_code == 409
    response = client.post(url, {**mine, "base_version": refused.context["base_version"]})
    assert response.status_code == 302 and response["Location"].endswith("/editor/directions/0/")
    call.refresh_from_db()
    directions = call.definition["directions"]
    assert [d["code"] for d in directions] == codes[1:]
    assert directions[0]["title"]["en"] == "Edited second" and directions[1]["title"].get("en") != "Edited second"


def test_an_earlier_version_is_restored_as_a_new_version(world: dict[str, Any]) -> None:
    call = world["call"]
    client = client_for(world["officer"])
    original = export(client, call)
    url = f"/staff/calls/{call.code}/editor/directions/0/"
    assert client.post(url, browser_post(client.get(url), **{"title.en": "Changed"})).status_code == 302
    diff = client.get(f"/staff/calls/{call.code}/editor/diff/?from=1&to=2").content.decode()
    assert 'name="version" value="1"' in diff
    response = client.post(f"/staff/calls/{call.code}/editor/restore/", {"version": 1, "base_version": 1})
    call.refresh_from_db()
    assert response.status_code == 302 and call.version == 2  # a stale restore is refused
    response = client.post(
        f"/staff/calls/{call.code}/editor/restore/", {"version": 1, "base_version": 2}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    call.refresh_from_db()
    assert response.status_code == 302 and call.version == 3
    assert export(client, call) == original
    assert CallDefinitionVersion.objects.get(call=call, version=3).comment == "已恢复第 1 版。"
    outsider = client_for(world["users"]["other_program_officer"])
    assert outsider.post(f"/staff/calls/{call.code}/editor/restore/", {"version": 2, "base_version": 3}).status_code == 404
