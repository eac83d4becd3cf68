"""Health and observability (issue 18): ``/healthz`` answers without the database, ``/readyz`` checks
the database, the cache, the file storage and a task worker's heartbeat (JSON, 200 or 503), every
response carries a request id that log lines carry too (as JSON when set), and administrators see
the task queue, its failures and the workers."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shenbao.config.settings import _caches
from shenbao.core.logs import JsonFormatter, RequestIdFilter
from shenbao.core.models import WorkerHeartbeat
from shenbao.core.services.worker import record_heartbeat
from tests.factories import UserFactory
from tests.ops.s3 import S3Endpoint

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def beat(worker_id: str = "w1", seconds_ago: float = 0) -> None:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    record_heartbeat(worker_id=worker_id, hostname="app-1", pid=4321, queues="default", started_at=seen, now=seen)


def test_healthz_answers_without_the_database() -> None:
    # No django_db mark: any database access here would raise instead of answering.
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert len(response["X-Request-ID"]) == 32
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_readyz_is_200_when_every_check_passes() -> None:
    Client().get("/readyz")  # the first request of the process imports every view: not timed below
    beat(seconds_ago=3)
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "worker": "ok",
    }
    assert body["checks"]["storage"]["backend"] == "local"
    assert 3 <= body["checks"]["worker"]["seen_seconds_ago"] < 60
    assert all(isinstance(check["ms"], float) for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_503_without_a_worker_heartbeat_and_with_a_stale_one(settings: Any) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["worker"]["status"] == "fail"
    assert response.json()["checks"]["worker"]["error"] == "no task worker has reported"
    assert response.json()["checks"]["database"]["status"] == "ok"

    beat(seconds_ago=61)  # six beats of 10 s missed
    stale = Client().get("/readyz").json()["checks"]["worker"]
    assert stale["status"] == "fail" and stale["error"].startswith("the last task worker heartbeat is ")

    settings.SHENBAO_READYZ_WORKER = False  # workers watched elsewhere
    assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(settings: Any) -> None:
    beat()
    settings.CACHES = _caches("redis://127.0.0.1:1/0", "readyz-test")  # nothing listens on port 1
    response = Client().get("/readyz")
    assert response.status_code == 503
    cache_check = response.json()["checks"]["cache"]
    assert (cache_check["status"], cache_check["error"]) == ("fail", "ConnectionError")  # the class only, no host
    assert response.json()["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_readyz_checks_the_object_store(s3_endpoint: S3Endpoint, s3_bucket: str) -> None:
    beat()
    storage = Client().get("/readyz").json()["checks"]["storage"]
    assert (storage["status"], storage["backend"]) == ("ok", "s3")
    s3_endpoint.client().delete_bucket(Bucket=s3_bucket)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert (response.json()["checks"]["storage"]["status"], response.json()["checks"]["storage"]["error"]) == (
        "fail",
        "NoSuchBucket",
    )


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """The request log as the JSON handler of the settings writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("shenbao.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def test_a_request_id_from_the_proxy_is_echoed_and_carried_by_the_log_line(request_log: io.StringIO) -> None:
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response["X-Request-ID"] == "lb-7f3a.42"
    line = json.loads(request_log.getvalue().strip().splitlines()[-1])
    assert {k: line[k] for k in ("level", "logger", "request_id", "method", "path", "status")} == {
        "level": "INFO",
        "logger": "shenbao.request",
        "request_id": "lb-7f3a.42",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
    }
    assert line["message"] == "GET /healthz 200" and isinstance(line["duration_ms"], float)


def test_an_error_answer_logged_by_django_carries_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().post("/healthz", headers={"X-Request-ID": "probe-1"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 405
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert (line["logger"], line["request_id"], line["status_code"]) == ("django.request", "probe-1", 405)


def test_an_unusable_request_id_is_replaced(request_log: io.StringIO) -> None:
    for given in ("with space", "x" * 129, "<script>"):
        response = Client().get("/healthz", headers={"X-Request-ID": given})
        assert response["X-Request-ID"] != given and len(response["X-Request-ID"]) == 32
    first, second = Client().get("/healthz")["X-Request-ID"], Client().get("/healthz")["X-Request-ID"]
    assert first != second


def test_json_logs_are_selected_by_setting_and_carry_no_request_outside_one() -> None:
    code = (
        "import django, logging; django.setup(); logging.getLogger('shenbao.test').warning('已提交 %s', 3, extra={'call': 'x'})"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "shenbao.config.settings", "SHENBAO_LOG_FORMAT": "json"})
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert {k: line[k] for k in ("level", "logger", "message", "request_id", "call")} == {
        "level": "WARNING",
        "logger": "shenbao.test",
        "message": "已提交 3",
        "request_id": "-",
        "call": "x",
    }
    text = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "SHENBAO_LOG_FORMAT": "text"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert text.stderr.strip().endswith("WARNING shenbao.test [-] 已提交 3")
    wrong = subprocess.run(
        [sys.executable, "-c", code], env={**env, "SHENBAO_LOG_FORMAT": "xml"}, cwd=ROOT, capture_output=True, text=True
    )
    assert wrong.returncode != 0 and "SHENBAO_LOG_FORMAT must be text or json." in wrong.stderr


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_runs_and_forgets_its_heartbeat_when_it_stops(settings: Any) -> None:
    from tests.ops.tasks import heartbeats_seen

    settings.TASKS = DATABASE_TASKS
    queued = heartbeats_seen.enqueue()
    call_command("db_worker", "--batch", "--worker-id", "worker-test", "--no-startup-delay", verbosity=0)
    result = DBTaskResult.objects.get(pk=queued.id)
    assert (result.status, result.return_value, result.worker_ids) == ("SUCCESSFUL", ["worker-test"], ["worker-test"])
    assert WorkerHeartbeat.objects.count() == 0  # stopped cleanly: no stale heartbeat


def _failed_task(number: int) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="FAILED",
        task_path="shenbao.notifications.tasks.send_message",
        args_kwargs={"args": [], "kwargs": {"message_id": number}},
        backend_name="default",
        run_after=now,
        finished_at=now,
        worker_ids=[f"w{number}"],
        exception_class_path="smtplib.SMTPConnectError",
        traceback="Traceback (most recent call last):\nsmtplib.SMTPConnectError: (421, 'mail server busy')",
    )


@pytest.mark.django_db
def test_administrators_see_the_queue_its_failures_and_the_workers(settings: Any) -> None:
    admin = UserFactory(is_superuser=True)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(admin)
    url = reverse("web:operations")
    _failed_task(1)
    beat("app-1-worker", seconds_ago=2)
    beat("old-worker", seconds_ago=600)
    settings.TASKS = DATABASE_TASKS
    from tests.ops.tasks import heartbeats_seen

    heartbeats_seen.enqueue()
    heartbeats_seen.enqueue()

    page = client.get(url).content.decode()

    assert '<dd data-count="ready">2</dd>' in page
    assert '<dd data-count="running">0</dd>' in page
    assert '<dd data-count="failed-last-day">1</dd>' in page
    assert "SMTPConnectError" in page and "(421, &#x27;mail server busy&#x27;)" in page
    assert 'data-worker="app-1-worker"' in page and 'class="worker-alive">alive<' in page
    assert 'data-worker="old-worker"' in page and 'class="worker-gone">silent<' in page
    chinese = Client(headers={"Accept-Language": "zh-hans"})
    chinese.force_login(admin)
    assert "任务队列" in chinese.get(url).content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(2, 8):
        _failed_task(number)
        beat(f"more-{number}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count('class="failure"') == 7
    assert len(many) == len(few)


@pytest.mark.django_db
def test_only_administrators_see_the_operations_page() -> None:
    url = reverse("web:operations")
    assert Client().get(url).status_code == 302  # to the log-in
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    assert staff.get(url).status_code == 404
    applicant = Client()
    applicant.force_login(UserFactory())
    assert applicant.get(url).status_code == 404
