"""Hostile structured input (issue 15, items 3, 4, 9 and 10): nesting deep enough to crash a
parser, text that is not valid Unicode, unhashable YAML keys, and SQLite under concurrent writers.
Each is refused with a clear error and nothing is stored."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.utils import translation
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.applications.models import Application, Partner
from shenbao.calls.definition.load import DefinitionInvalid, parse_text
from shenbao.calls.messages import error_message
from shenbao.core.input_limits import MAX_DEPTH, LimitExceeded, check_data, check_text, check_yaml_depth
from tests.factories import api_token_key

DEEP_YAML = "title: " + "[" * 30_000 + "]" * 30_000


def _error(text: str) -> tuple[str, dict[str, object]]:
    with pytest.raises(DefinitionInvalid) as caught:
        parse_text(text)
    (error,) = caught.value.errors
    return error.type, error.context


def test_yaml_nested_30000_levels_is_refused_before_the_constructor_runs() -> None:
    assert _error(DEEP_YAML) == ("too_deep", {"max_depth": MAX_DEPTH, "line": 1})


def test_yaml_nested_in_block_style_is_refused_too() -> None:
    text = "".join(f"{'  ' * level}k{level}:\n" for level in range(MAX_DEPTH + 2)) + "  " * (MAX_DEPTH + 2) + "x: 1\n"
    assert _error(text)[0] == "too_deep"


def test_yaml_at_the_depth_limit_is_read_as_usual() -> None:
    data = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    check_yaml_depth(data)  # no exception: the limit itself is allowed
    with pytest.raises(LimitExceeded):
        check_yaml_depth("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_yaml_with_a_lone_surrogate_is_refused() -> None:
    assert _error('title: "\ud800 project"\n') == ("invalid_text", {"position": 8})
    assert _error('title: "\\ud800 project"\n')[0] == "syntax"  # libyaml refuses the escape itself


def test_yaml_with_an_unhashable_key_is_a_syntax_error_not_a_crash() -> None:
    kind, context = _error("? [a, b]\n: c\n")
    assert kind == "syntax"
    assert context["problem"] == "a key must be a plain value, not a list or mapping"


def test_oversize_text_is_refused_with_its_size() -> None:
    with pytest.raises(LimitExceeded) as caught:
        check_text("x" * (3 * 1024 * 1024), max_bytes=2 * 1024 * 1024)
    assert (caught.value.code, caught.value.context) == ("too_large", {"size_mb": 3.0, "max_mb": 2.0})


def test_check_data_is_iterative_and_finds_deep_lists_and_bad_keys() -> None:
    deep: list[object] = []
    node = deep
    for _ in range(100_000):  # deeper than the recursion limit: the walk must not recurse
        child: list[object] = []
        node.append(child)
        node = child
    with pytest.raises(LimitExceeded) as caught:
        check_data(deep)
    assert caught.value.code == "too_deep"
    with pytest.raises(LimitExceeded) as bad_key:
        check_data({"ok": {"\udc80": 1}})
    assert bad_key.value.code == "invalid_text"
    check_data({"title": "中文 and English", "n": [1, 2, {"a": None}]})


def test_definition_error_messages_for_the_new_codes_in_both_languages() -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        parse_text(DEEP_YAML)
    (error,) = caught.value.errors
    with translation.override("en"):
        assert error_message(error) == f"The text is nested more than {MAX_DEPTH} levels deep, which no definition needs."
    with translation.override("zh-hans"):
        assert error_message(error) == f"文本嵌套超过 {MAX_DEPTH} 层，任何定义都不需要这么深。"


def test_validate_call_command_reports_deep_nesting_without_crashing(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP_YAML, encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_call", str(path), stderr=errors)
    assert f"The text is nested more than {MAX_DEPTH} levels deep" in errors.getvalue()


def _client(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    key = api_token_key(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.django_db
def test_api_json_nested_100000_levels_answers_400_and_stores_nothing(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = _client(scholar).post(f"/api/v1/applications/{application.pk}/partners/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == f"The JSON body is nested more than {MAX_DEPTH} levels deep."
    assert not Partner.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_api_json_with_a_lone_surrogate_answers_400_and_stores_nothing(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    body = '{"side": "foreign", "name": "ETH \\ud800", "type": "university", "country": "CH", "legal_person": true}'
    response = _client(scholar).post(f"/api/v1/applications/{application.pk}/partners/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The JSON body holds a character that is not valid Unicode (a lone surrogate); nothing was saved."
    )
    assert not Partner.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_sqlite_default_runs_in_wal_with_immediate_transactions_and_a_busy_timeout(tmp_path: Path) -> None:
    """The options the settings give the default SQLite database, applied to a real file."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on PostgreSQL: the SQLite options apply only to SQLite")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert (options["timeout"], options["transaction_mode"]) == (20, "IMMEDIATE")
    wrapper = DatabaseWrapper({**settings.DATABASES["default"], "NAME": str(tmp_path / "rush.sqlite3")}, alias="rush")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
        assert isinstance(wrapper.connection, sqlite3.Connection)
        assert wrapper.transaction_mode == "IMMEDIATE"  # atomic blocks begin with BEGIN IMMEDIATE
    finally:
        wrapper.close()
