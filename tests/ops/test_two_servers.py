"""Several app servers (issue 18): two gunicorn servers on free ports share one PostgreSQL database,
one Redis cache and one S3 object store (moto's server mode).  A deadline rush goes through both,
alternating, while some applicants double-click (one click reaching each server): nothing is lost,
nothing is submitted twice.  A file uploaded through one server downloads through the other, and a
session opened on one is valid on the other.

Needs PostgreSQL (``DATABASE_URL``; the suite runs on PostgreSQL first in CI, then on SQLite, where
this test is skipped) and Redis (``SHENBAO_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/13``).
It creates and drops a database of its own, ``shenbao_two_servers_<random>``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from tests.applications.fixtures import docx_bytes
from tests.ops.s3 import S3Endpoint, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SHENBAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
APPLICANTS = 16
PASSWORD = "two-Servers-123"
ON_PG = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = pytest.mark.skipif(
    not ON_PG, reason="needs PostgreSQL (DATABASE_URL): several app servers share one; CI runs the suite on PostgreSQL first"
)

# Run in a separate process against the new database: migrate, then APPLICANTS ready applications with
# API tokens, and one applicant with a password for the session test.  Or, with "verify", count.
SCRIPT = """
import datetime as dt, json, sys
import django
django.setup()
from django.core.management import call_command

from shenbao.accounts.enums import EmploymentType, OrgType, Position
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.accounts.services.api_tokens import create_api_token
from shenbao.applications.models import Application, ApplicationRevision
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import make_ready_application, open_call

mode, count = sys.argv[1], int(sys.argv[2])
if mode == "prepare":
    call_command("migrate", verbosity=0)
    call = open_call("000", code="two-servers-000", days_left=30)
    university = create_organisation(name={"zh-hans": "双服务器大学"}, type=OrgType.UNIVERSITY)
    rows = []
    for i in range(count + 1):
        user = register_user(
            email=f"rush{i}@example.com", password=sys.argv[3] if i == count else None, name=f"申请人{i}",
            birth_date=dt.date(1990, 1, 1), position=Position.FACULTY, overseas_employment=False,
            employment_type=EmploymentType.FULL_TIME,
        )
        add_membership(user=user, organisation=university)
        application = make_ready_application(call=call, applicant=user, organisation=university, title=f"项目 {i}")
        rows.append({"pk": application.pk, "token": create_api_token(user=user, name="rush").key, "email": user.email})
    print(json.dumps(rows))
else:
    pks = json.loads(sys.argv[3])
    print(json.dumps({
        "submitted": Application.objects.filter(pk__in=pks, state="submitted").count(),
        "revisions": sorted(ApplicationRevision.objects.filter(application_id__in=pks).values_list("application_id", flat=True)),
        "receipts": sorted(r or "" for r in Application.objects.filter(pk__in=pks).values_list("receipt_number", flat=True)),
        "submit_audits": AuditEntry.objects.filter(action="shenbao.application.submitted").count(),
    }))
"""


def _redis_or_skip() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        reason = f"Redis is not reachable at {REDIS_URL} ({error}); .ci/run starts one"
        if os.environ.get("SHENBAO_TEST_REDIS_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return client


@pytest.fixture
def database_url() -> Iterator[str]:
    """A database of this test's own on the suite's PostgreSQL server, dropped afterwards."""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"shenbao_two_servers_{uuid.uuid4().hex[:8]}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    server = f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = _redis_or_skip()
    prefix = f"shenbao-two-servers-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def _script(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """As long as the server needs (imports on a loaded machine), while its process lives."""
    while server.poll() is None:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"gunicorn at {base} exited: {log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def two_servers(
    database_url: str, redis_prefix: str, s3_endpoint: S3Endpoint, tmp_path: Path
) -> Iterator[tuple[list[str], dict[str, str], str]]:
    bucket = s3_endpoint.new_bucket()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "shenbao.config.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DATABASE_URL": database_url,
            "SHENBAO_SECRET_KEY": uuid.uuid4().hex * 2,  # one key for both servers, as docs/deploy.md says
            "SHENBAO_CACHE_URL": REDIS_URL,
            "SHENBAO_CACHE_KEY_PREFIX": redis_prefix,
            "SHENBAO_MEDIA_ROOT": str(tmp_path / "media-not-used"),
            "SHENBAO_TASKS_BACKEND": "database",  # mails wait in the queue: no worker runs here
            "SHENBAO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SHENBAO_DEBUG": "0",
            **s3_endpoint.env(bucket),
        }
    )
    servers: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"gunicorn-{name}.log"
            with log.open("wb") as out:
                servers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "shenbao.config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                         "--timeout", "300", "--log-level", "warning"],
                        env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True,
                    )
                )  # fmt: skip
            bases.append(f"http://127.0.0.1:{port}")
        for base, server, name in zip(bases, servers, "ab", strict=True):
            _wait_until_up(base, server, tmp_path / f"gunicorn-{name}.log")
        yield bases, env, bucket
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


def test_two_app_servers_share_submissions_files_and_sessions(
    two_servers: tuple[list[str], dict[str, str], str], s3_endpoint: S3Endpoint
) -> None:
    (server_a, server_b), env, bucket = two_servers
    rows = _script(env, "prepare", str(APPLICANTS), PASSWORD)
    rushing, other = rows[:APPLICANTS], rows[APPLICANTS]

    # The rush: every applicant submits, alternating between the servers; every second one
    # double-clicks, the second click reaching the other server at the same moment.
    requests_to_send = []
    for i, row in enumerate(rushing):
        first, second = (server_a, server_b) if i % 2 == 0 else (server_b, server_a)
        requests_to_send.append((i, first, row))
        if i % 2 == 0:
            requests_to_send.append((i, second, row))

    def submit(job: tuple[int, str, dict[str, Any]]) -> tuple[int, str, int]:
        i, base, row = job
        answer = requests.post(
            f"{base}/api/v1/applications/{row['pk']}/submit/",
            json={"key": f"rush-{row['pk']}"},
            headers={"Authorization": f"Token {row['token']}"},
            timeout=300,
        )
        return i, base, answer.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(submit, requests_to_send))

    by_applicant: dict[int, list[int]] = {}
    for i, _, code in answers:
        by_applicant.setdefault(i, []).append(code)
    assert {base for _, base, _ in answers} == {server_a, server_b}
    for i, codes in by_applicant.items():
        # One submission per applicant; the double click's other request answers with the same receipt.
        assert sorted(codes) == ([200, 201] if i % 2 == 0 else [201]), (i, codes)
    counts = _script(env, "verify", "0", json.dumps([row["pk"] for row in rushing]))
    assert counts["submitted"] == APPLICANTS  # none lost
    assert counts["revisions"] == sorted(row["pk"] for row in rushing)  # none twice
    assert len(set(counts["receipts"])) == APPLICANTS and "" not in counts["receipts"]
    assert counts["submit_audits"] == APPLICANTS

    # A file uploaded through server A downloads through server B, from the shared object store.
    token = {"Authorization": f"Token {other['token']}"}
    data = docx_bytes() + b"two servers"
    uploaded = requests.post(
        f"{server_a}/api/v1/applications/{other['pk']}/attachments/",
        data={"document": "application-form"},
        files={"file": ("申报表.docx", data)},
        headers=token,
        timeout=300,
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    attachment = uploaded.json()["id"]
    download = requests.get(
        f"{server_b}/api/v1/applications/{other['pk']}/attachments/{attachment}/",
        headers=token,
        allow_redirects=False,
        timeout=300,
    )
    assert download.status_code == 302
    assert download.headers["Location"].startswith(f"{s3_endpoint.url}/{bucket}/applications/{other['pk']}/")
    fetched = requests.get(download.headers["Location"], timeout=60)
    assert (fetched.status_code, fetched.content) == (200, data)
    stranger = {"Authorization": f"Token {rushing[0]['token']}"}
    refused = requests.get(
        f"{server_b}/api/v1/applications/{other['pk']}/attachments/{attachment}/",
        headers=stranger,
        allow_redirects=False,
        timeout=300,
    )
    assert refused.status_code == 404 and "Location" not in refused.headers

    # A session opened on server A is valid on server B (database sessions, one secret key).
    browser = requests.Session()
    form = browser.get(f"{server_a}/accounts/login/", timeout=300).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert csrf is not None
    logged_in = browser.post(
        f"{server_a}/accounts/login/",
        data={"login": other["email"], "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1)},
        headers={"Referer": f"{server_a}/accounts/login/"},
        allow_redirects=False,
        timeout=300,
    )
    assert logged_in.status_code == 302, logged_in.text[-2000:]
    session = {"sessionid": browser.cookies["sessionid"]}
    on_b = requests.get(f"{server_b}/me/applications/", cookies=session, allow_redirects=False, timeout=300)
    assert on_b.status_code == 200
    assert f'data-application="{other["pk"]}"' in on_b.text
    without = requests.get(f"{server_b}/me/applications/", allow_redirects=False, timeout=300)
    assert without.status_code == 302 and "/accounts/login/" in without.headers["Location"]
