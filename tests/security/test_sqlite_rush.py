"""SQLite under a small rush (issue 15, item 10): ten applicants submit at the same moment, each
request in its own thread with its own database connection, against a SQLite file database with the
options the settings give the default (WAL, IMMEDIATE transactions, a busy timeout).  All ten are
submitted, none answers "database is locked", and nothing is written twice.

Runs in a separate process so that the database is a real file under the project's own settings
(the suite's SQLite test database lives in memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
RUSH = 10

SCRIPT = """
import datetime as dt, json, sys, threading, traceback
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from shenbao.accounts.enums import EmploymentType, OrgType, Position
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.accounts.services.api_tokens import create_api_token
from shenbao.applications.models import Application, ApplicationRevision
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import make_ready_application, open_call

count = int(sys.argv[1])
call_command("migrate", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
options = settings.DATABASES["default"]["OPTIONS"]
call = open_call("000", code="rush-000", days_left=30)
university = create_organisation(name={"zh-hans": "压测大学"}, type=OrgType.UNIVERSITY)
rows = []
for i in range(count):
    user = register_user(
        email=f"rush{i}@example.com", password=None, name=f"压测申请人{i}", birth_date=dt.date(1990, 1, 1),
        position=Position.FACULTY, overseas_employment=False, employment_type=EmploymentType.FULL_TIME,
    )
    add_membership(user=user, organisation=university)
    application = make_ready_application(call=call, applicant=user, organisation=university, title=f"压测项目 {i}")
    rows.append((application.pk, create_api_token(user=user, name="rush").key))
connections.close_all()

start = threading.Barrier(count)
done = threading.Barrier(count, timeout=300)  # connections stay open until all are done: distinct ids
answers = [None] * count

def submit(index, pk, key):
    try:
        start.wait()
        response = Client().post(
            f"/api/v1/applications/{pk}/submit/", json.dumps({"key": f"k{pk}"}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}",
        )
        answers[index] = {"status": response.status_code, "body": response.content.decode()[:500],
                          "connection": id(connection.connection)}
    except Exception:
        answers[index] = {"status": None, "body": traceback.format_exc()[-1500:], "connection": None}
    finally:
        done.wait()
        connections.close_all()

threads = [threading.Thread(target=submit, args=(i, pk, key)) for i, (pk, key) in enumerate(rows)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()

pks = [pk for pk, _ in rows]
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "journal": journal,
    "options": {k: options.get(k) for k in ("timeout", "transaction_mode")},
    "answers": answers,
    "submitted": Application.objects.filter(pk__in=pks, state="submitted").count(),
    "revisions": sorted(ApplicationRevision.objects.filter(application_id__in=pks).values_list("application_id", flat=True)),
    "receipts": sorted(Application.objects.filter(pk__in=pks).values_list("receipt_number", flat=True)),
    "submit_audits": AuditEntry.objects.filter(action="shenbao.application.submitted").count(),
    "pks": sorted(pks),
}))
"""


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the suite runs on PostgreSQL here; the SQLite rush runs in the SQLite pass",
)
def test_ten_concurrent_submits_on_a_sqlite_file_all_succeed_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "shenbao.config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'rush.sqlite3'}",
            "SHENBAO_SECRET_KEY": "rush-test-only",
            "SHENBAO_MEDIA_ROOT": str(tmp_path / "media"),
            "SHENBAO_TASKS_BACKEND": "immediate",
            "SHENBAO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(RUSH)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    answers = report["answers"]
    locked = [a for a in answers if "database is locked" in a["body"]]
    print(
        f"\nsqlite rush: {RUSH} concurrent submits, {report['submitted']} submitted, "
        f"{len(locked)} 'database is locked', {len(report['revisions']) - len(set(report['revisions']))} duplicates"
    )
    assert (report["engine"], report["journal"]) == ("django.db.backends.sqlite3", "wal")
    assert report["options"] == {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    assert locked == []
    assert [a["status"] for a in answers] == [201] * RUSH, [a["body"] for a in answers if a["status"] != 201]
    assert len({a["connection"] for a in answers}) == RUSH  # each thread had its own connection
    assert report["submitted"] == RUSH
    assert report["revisions"] == report["pks"]  # exactly one revision per application: no duplicates
    assert len(set(report["receipts"])) == RUSH and "" not in report["receipts"]
    assert report["submit_audits"] == RUSH
