"""The abuse limits are shared by all processes when ``SHENBAO_CACHE_URL`` names a Redis (issue 15):
failed log-ins, API calls and objections counted by one process (here: a separate Python process
with its own cache client) count in every other.  Without it each process counts alone.

Runs against the Redis at ``SHENBAO_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/13``), under
a key prefix of its own that is removed afterwards.  Skipped only when that Redis is unreachable;
CI sets ``SHENBAO_TEST_REDIS_REQUIRED=1`` so there it fails instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from shenbao.accounts.services.accounts import register_user
from shenbao.config.settings import _caches
from shenbao.web.public.results import OBJECTIONS_PER_HOUR, _objection_allowed

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SHENBAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "pass-Word-123"
LOCKED = "此地址登录失败次数过多，已锁定五分钟，即使密码正确也无法登录。请稍后再试，或重设密码。"

# Run in another process: count failed log-ins, API calls or objections there, print what it used.
ELSEWHERE = """
import json, sys, types
import django
django.setup()
from django.conf import settings
from django.test import RequestFactory
from allauth.account.adapter import get_adapter
from shenbao.api.throttling import UserBurstThrottle
from shenbao.web.public.results import _objection_allowed

what, arg, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
answers = []
for _ in range(times):
    if what == "login":  # what a failed log-in counts (a successful one takes its count back)
        request = RequestFactory().post("/accounts/login/")
        get_adapter(request).pre_authenticate(request, email=arg, password="wrong-password")
        answers.append(True)
    elif what == "api":
        request = RequestFactory().get("/api/v1/calls/")
        request.user = types.SimpleNamespace(pk=int(arg), is_authenticated=True)
        answers.append(UserBurstThrottle().allow_request(request, None))
    elif what == "objection":
        answers.append(_objection_allowed(RequestFactory().post("/", REMOTE_ADDR=arg)))
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "answers": answers}))
"""


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the test Redis; its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        reason = f"Redis is not reachable at {REDIS_URL} ({error}); .ci/run starts one"
        if os.environ.get("SHENBAO_TEST_REDIS_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    prefix = f"shenbao-test-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        assert list(client.scan_iter(match=f"{prefix}:*")) == []
        client.close()


def elsewhere(what: str, arg: object, times: int, env: dict[str, str]) -> dict[str, Any]:
    """Run ``ELSEWHERE`` in a separate process with the environment ``env`` added."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-c", ELSEWHERE, what, str(arg), str(times)],
        env={**base, "DJANGO_SETTINGS_MODULE": "shenbao.config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def shared_env(prefix: str) -> dict[str, str]:
    return {"SHENBAO_CACHE_URL": REDIS_URL, "SHENBAO_CACHE_KEY_PREFIX": prefix, "SHENBAO_API_RATE_USER_BURST": "5/minute"}


def log_in(email: str, password: str) -> tuple[bool, str]:
    client = Client()
    response = client.post(reverse("web:login"), {"login": email, "password": password})
    return "_auth_user_id" in client.session, response.content.decode()


def test_the_cache_url_selects_redis_and_memory_stays_the_default() -> None:
    assert _caches("", "shenbao") == {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _caches("redis://127.0.0.1:6379/0", "site-a")["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "KEY_PREFIX": "site-a",
        "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
    }
    with pytest.raises(ImproperlyConfigured, match="SHENBAO_CACHE_URL must be a redis://"):
        _caches("memcached://127.0.0.1:11211", "shenbao")


@pytest.mark.django_db
def test_failed_log_ins_counted_in_another_process_lock_the_address_here(redis_prefix: str) -> None:
    register_user(email="target@example.com", password=PASSWORD, name="被攻击者")
    register_user(email="bystander@example.com", password=PASSWORD, name="旁人")
    there = elsewhere("login", "target@example.com", 5, shared_env(redis_prefix))
    assert there == {"backend": "django.core.cache.backends.redis.RedisCache", "answers": [True] * 5}
    with override_settings(CACHES=_caches(REDIS_URL, redis_prefix)):
        logged_in, body = log_in("target@example.com", PASSWORD)
        assert logged_in is False
        assert LOCKED in body, " ".join(re.sub(r"<[^>]+>", " ", body).split())[:2000]
        assert log_in("bystander@example.com", PASSWORD)[0] is True


@pytest.mark.django_db
def test_without_a_shared_cache_each_process_counts_alone(redis_prefix: str) -> None:
    """The reason for the setting: another process's failures are not seen in per-process memory."""
    register_user(email="target@example.com", password=PASSWORD, name="被攻击者")
    there = elsewhere("login", "target@example.com", 5, {})
    assert there == {"backend": "django.core.cache.backends.locmem.LocMemCache", "answers": [True] * 5}
    assert log_in("target@example.com", PASSWORD)[0] is True


@pytest.mark.django_db
def test_api_calls_counted_in_another_process_throttle_the_user_here(redis_prefix: str) -> None:
    user = register_user(email="busy@example.com", password=None, name="用户")
    other = register_user(email="calm@example.com", password=None, name="用户")
    there = elsewhere("api", user.pk, 5, shared_env(redis_prefix))
    assert there["answers"] == [True] * 5
    rates = {"user_burst": "5/minute", "user_day": None, "anonymous": None}
    with override_settings(CACHES=_caches(REDIS_URL, redis_prefix), SHENBAO_API_RATES=rates):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        refused = client.get("/api/v1/calls/")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        client.force_authenticate(other)
        assert client.get("/api/v1/calls/").status_code == 200


def test_objections_counted_in_another_process_count_here(redis_prefix: str) -> None:
    there = elsewhere("objection", "10.7.7.7", OBJECTIONS_PER_HOUR, shared_env(redis_prefix))
    assert there["answers"] == [True] * OBJECTIONS_PER_HOUR
    with override_settings(CACHES=_caches(REDIS_URL, redis_prefix)):
        assert _objection_allowed(RequestFactory().post("/", REMOTE_ADDR="10.7.7.7")) is False
        assert _objection_allowed(RequestFactory().post("/", REMOTE_ADDR="10.7.7.8")) is True
