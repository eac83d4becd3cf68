"""Production settings from the environment (issue 15): debug off unless set, HTTPS hardening,
a content security policy, `check --deploy` clean under the production example, error pages in
both languages and JSON errors under /api/ — never a traceback."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from shenbao.web.errors import server_error

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "production.env.example"


def _example_env() -> dict[str, str]:
    # The suite's own variables (DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests) are no production setting.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "DATABASE_URL", "DJANGO_"))}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["SHENBAO_SECRET_KEY"] = secrets.token_urlsafe(50)  # the example's placeholder is refused by design
    env.pop("DATABASE_URL")  # checked without connecting to the example's host
    return env


def _settings_value(name: str, env: dict[str, str]) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    env = {**env, "DJANGO_SETTINGS_MODULE": "shenbao.config.settings"}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_debug_is_off_unless_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SHENBAO_DEBUG"}
    assert _settings_value("DEBUG", env) == "False"
    assert _settings_value("DEBUG", {**env, "SHENBAO_DEBUG": "1"}) == "True"


def test_check_deploy_is_clean_under_the_production_example() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_example_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_the_production_example_turns_on_https_hardening() -> None:
    env = _example_env()
    assert _settings_value("SECURE_HSTS_SECONDS", env) == "31536000"
    assert _settings_value("SECURE_SSL_REDIRECT", env) == "True"
    assert _settings_value("SESSION_COOKIE_SECURE", env) == "True"
    assert _settings_value("SECURE_PROXY_SSL_HEADER", env) == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy() -> None:
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("en", "Not found"), ("zh-hans", "未找到")])
def test_an_unknown_page_is_a_404_in_the_readers_language(language: str, title: str) -> None:
    response = Client().get("/no/such/page/", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert f"<h1>{title} <small>(404)</small></h1>" in response.content.decode()


@pytest.mark.django_db
def test_api_errors_are_json_with_a_code_and_a_detail() -> None:
    client = Client(headers={"Accept-Language": "en"})
    missing = client.get("/api/v1/no-such-endpoint/")
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "not_found", "detail": "There is no such page, or it is not open to you."},
    )
    anonymous = client.get("/api/v1/applications/")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert anonymous.json()["detail"] == "Authentication credentials were not provided."


def test_the_server_error_page_is_translated_and_shows_no_traceback() -> None:
    request = RequestFactory().get("/staff/")
    with translation.override("zh-hans"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in body and "Traceback" not in body
    api = server_error(RequestFactory().get("/api/v1/calls/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


def test_the_production_example_shares_the_abuse_limits_in_redis() -> None:
    assert _settings_value('CACHES["default"]["BACKEND"]', _example_env()) == "'django.core.cache.backends.redis.RedisCache'"
    assert _settings_value('CACHES["default"]["LOCATION"]', _example_env()) == "'redis://cache.example.org:6379/0'"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHENBAO_")}
    assert _settings_value('CACHES["default"]["BACKEND"]', env) == "'django.core.cache.backends.locmem.LocMemCache'"
