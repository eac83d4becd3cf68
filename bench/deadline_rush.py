"""Deadline rush: N applicants submit in the last minute against gunicorn + PostgreSQL.

Prints JSON, for each connection policy (a new database connection per request, the product's
default, and persistent connections, ``SHENBAO_CONN_MAX_AGE=600``): unique submissions per second
and p95 latency for the rush (each applicant double-clicks: two concurrent requests with the same
key, counted as the one submission the applicant sees), the same for the floor, their ratio, and the
correctness counts: submitted exactly once, no duplicate revisions or receipts, every late
submission refused.

Two floors, bare WSGI views on the same server under the same connection policy, without the
product's middleware, URL resolution, authentication, DRF or views (``bench_wsgi``'s docstring):

- ``floor_one_row``: one audit row written through the ORM per request (one request per applicant);
- ``floor_same_io``: the statements one real submission and its double click sent to PostgreSQL
  (captured once from the product before the server starts), replayed for a fresh ready application,
  applicant and token per applicant: two concurrent requests per applicant, like the rush.

Each ratio is the rush's unique submissions per second over the floor's applicants per second.

    python bench/deadline_rush.py [--applicants 200] [--concurrency 16] [--late 40] [--warm 40] [--database NAME]

Both the rush and the floor are measured on warm workers: gunicorn preloads the application,
then ``--warm`` extra applications are submitted and as many floor requests made before any
timing, so neither figure includes a worker's first-request imports.

Needs PostgreSQL at 127.0.0.1:5432 (trust auth); uses and recreates its own database
(``shenbao_bench_rush`` unless ``--database`` or ``SHENBAO_BENCH_RUSH_DB`` names another) and listens
on a free port.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PORT = 0  # chosen when the server starts: a free port
DB = os.environ.get("SHENBAO_BENCH_RUSH_DB", "shenbao_bench_rush")
FLOOR = "/bench/floor/"
FLOOR_SAME_IO = "/bench/floor-same-io/"
DSN = f"postgres://postgres@127.0.0.1:5432/{DB}"
PLAN = ""  # the captured submission (bench_wsgi.capture_submission), for the server's same-I/O floor


def use_database(name: str) -> None:
    global DB, DSN
    DB = name
    DSN = f"postgres://postgres@127.0.0.1:5432/{name}"


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")


def setup_django() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)]
    os.environ["DATABASE_URL"] = DSN
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()


def prepare(count: int) -> tuple[list[tuple[int, str]], str]:
    """An open call and ``count`` ready applications, each with an API token."""
    import datetime as dt

    from django.core.management import call_command
    from tests.applications.fixtures import make_ready_application, open_call

    from shenbao.accounts.enums import EmploymentType, OrgType, Position
    from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
    from shenbao.accounts.services.api_tokens import create_api_token

    call_command("migrate", verbosity=0)
    call = open_call("000", code="rush-000", days_left=30)
    university = create_organisation(name={"zh-hans": "压测大学"}, type=OrgType.UNIVERSITY)
    rows = []
    for i in range(count):
        user = register_user(
            email=f"rush{i}@example.com",
            password=None,
            name=f"压测申请人{i}",
            birth_date=dt.date(1990, 1, 1),
            position=Position.FACULTY,
            overseas_employment=False,
            employment_type=EmploymentType.FULL_TIME,
        )
        add_membership(user=user, organisation=university)
        application = make_ready_application(call=call, applicant=user, organisation=university, title=f"压测项目 {i}")
        rows.append((application.pk, create_api_token(user=user, name="rush").key))
    return rows, call.code


def floor_targets(rows: list[tuple[int, str]]) -> list[tuple[int, str, int, int]]:
    """The same-I/O floor's targets: each ready application with its applicant's and token's ids."""
    from shenbao.accounts.models.api_token import ApiToken, token_digest
    from shenbao.applications.models import Application

    users = dict(Application.objects.filter(pk__in=[pk for pk, _ in rows]).values_list("pk", "applicant_id"))
    tokens = dict(ApiToken.objects.filter(digest__in=[token_digest(t) for _, t in rows]).values_list("digest", "pk"))
    return [(pk, token, users[pk], tokens[token_digest(token)]) for pk, token in rows]


def capture_plan(call_code: str) -> str:
    """One more applicant submits through the product in this process (both clicks) while its
    statements are recorded; the plan is written to a file for the server's ``floor_same_io``.
    Its ids are moved out of the others' range first (``bench_wsgi.CAPTURE_IDS``)."""
    import datetime as dt

    import bench_wsgi
    from django.db import connection, connections
    from rush_profile import call_wsgi
    from tests.applications.fixtures import make_ready_application

    from shenbao.accounts.enums import EmploymentType, Position
    from shenbao.accounts.models import Organisation, User
    from shenbao.accounts.models.api_token import ApiToken
    from shenbao.accounts.services.accounts import add_membership, register_user
    from shenbao.accounts.services.api_tokens import create_api_token
    from shenbao.applications.models import Application
    from shenbao.calls.models import Call
    from shenbao.notifications.models import Message

    ids = bench_wsgi.CAPTURE_IDS
    with connection.cursor() as cursor:
        for model, name in ((User, "user"), (Application, "application"), (ApiToken, "token"), (Message, "message")):
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [model._meta.db_table, ids[name]])
    call = Call.objects.get(code=call_code)
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    user = register_user(
        email="rush-capture@example.com",
        password=None,
        name="压测申请人0",
        birth_date=dt.date(1990, 1, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
    add_membership(user=user, organisation=organisation)
    application = make_ready_application(call=call, applicant=user, organisation=organisation, title="压测项目 0")
    token = create_api_token(user=user, name="rush").key
    assert (user.pk, application.pk) == (ids["user"], ids["application"])
    plan = bench_wsgi.capture_submission(bench_wsgi.application, call_wsgi, application.pk, token)
    assert Message.objects.filter(pk=ids["message"]).exists()
    path = tempfile.NamedTemporaryFile(prefix="rush-plan-", suffix=".pickle", delete=False).name
    bench_wsgi.write_plan(plan, path)
    connections.close_all()
    return path


def post(path: str, token: str | None, body: dict[str, Any]) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    start = time.perf_counter()
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - start) * 1000


def timed(requests: list[tuple[str, str | None, dict[str, Any]]], concurrency: int) -> tuple[list[tuple[int, float]], float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda r: post(*r), requests))
    return results, time.perf_counter() - start


def summary(results: list[tuple[int, float]], elapsed: float) -> dict[str, Any]:
    latencies = sorted(ms for _, ms in results)
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "requests": len(results),
        "seconds": round(elapsed, 3),
        "requests_per_s": round(len(results) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "statuses": statuses,
    }


def run(requests: list[tuple[str, str | None, dict[str, Any]]], concurrency: int) -> dict[str, Any]:
    return summary(*timed(requests, concurrency))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_server(server: subprocess.Popen[bytes], log: Path, limit: float = 600) -> None:
    """As long as the server needs (a loaded machine preloads slowly), unless it dies."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/api/v1/calls/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {limit:.0f} s")


def start_server(args: argparse.Namespace, conn_max_age: int) -> tuple[subprocess.Popen[bytes], Path]:
    global PORT
    PORT = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": DSN,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SHENBAO_DEBUG": "0",
        "SHENBAO_SECRET_KEY": "bench-only",
        "SHENBAO_CONN_MAX_AGE": str(conn_max_age),
        "SHENBAO_BENCH_FLOOR_PLAN": PLAN,
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)])
    log = Path(tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False).name)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench_wsgi",
                "--preload",
                "-b",
                f"127.0.0.1:{PORT}",
                "-w",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    return server, log


def submits(rows: list[tuple[int, str]], clicks: int = 1) -> list[tuple[str, str | None, dict[str, Any]]]:
    return [(f"/api/v1/applications/{pk}/submit/", token, {"key": f"k{pk}"}) for pk, token in rows for _ in range(clicks)]


def same_io(targets: list[tuple[int, str, int, int]]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """The same-I/O floor's requests: per applicant its submission and its double click, adjacent
    (so concurrent) like the rush's two clicks."""
    return [
        (FLOOR_SAME_IO, token, {"click": click, "application": pk, "user": user, "token": token_id})
        for pk, token, user, token_id in targets
        for click in (1, 2)
    ]


def measure(
    args: argparse.Namespace,
    warm: list[tuple[int, str]],
    on_time: list[tuple[int, str]],
    targets: list[tuple[int, str, int, int]],
) -> dict[str, Any]:
    """Warm every worker on all three paths (imports, caches), untimed; then rounds of the rush, the
    one-row floor and the same-I/O floor, so that a slow spell of the machine falls on all three.
    ``targets``: the same-I/O floor's fresh applications, as many as ``warm`` and ``on_time``."""
    run(submits(warm), args.concurrency)
    run([(FLOOR, None, {}) for _ in warm], args.concurrency)
    run(same_io(targets[: len(warm)]), args.concurrency)
    targets = targets[len(warm) :]
    totals: dict[str, list[Any]] = {"rush": [[], 0.0], "floor_one_row": [[], 0.0], "floor_same_io": [[], 0.0]}
    rounds = []
    for r in range(args.rounds):
        batch = on_time[r * args.applicants : (r + 1) * args.applicants]
        floor_batch = targets[r * args.applicants : (r + 1) * args.applicants]
        elapsed = {}
        for name, requests in (
            ("rush", submits(batch, clicks=2)),
            ("floor_one_row", [(FLOOR, None, {}) for _ in batch]),
            ("floor_same_io", same_io(floor_batch)),
        ):
            results, seconds = timed(requests, args.concurrency)
            totals[name][0] += results
            totals[name][1] += seconds
            elapsed[name] = seconds
        rounds.append(
            {
                "submissions_per_s": round(len(batch) / elapsed["rush"], 1),
                "floor_one_row_per_s": round(len(batch) / elapsed["floor_one_row"], 1),
                "floor_same_io_per_s": round(len(batch) / elapsed["floor_same_io"], 1),
                "ratio_one_row": round(elapsed["floor_one_row"] / elapsed["rush"], 3),
                "ratio_same_io": round(elapsed["floor_same_io"] / elapsed["rush"], 3),
            }
        )
    applicants = len(on_time)
    per_s = {name: applicants / seconds for name, (_, seconds) in totals.items()}
    return {
        "rush": summary(*totals["rush"]) | {"submissions": applicants},
        "submissions_per_s": round(per_s["rush"], 1),
        "floor_one_row": summary(*totals["floor_one_row"]) | {"applicants": applicants},
        "floor_one_row_per_s": round(per_s["floor_one_row"], 1),
        "floor_same_io": summary(*totals["floor_same_io"]) | {"applicants": applicants},
        "floor_same_io_per_s": round(per_s["floor_same_io"], 1),
        "ratio_one_row": round(per_s["rush"] / per_s["floor_one_row"], 3),
        "ratio_same_io": round(per_s["rush"] / per_s["floor_same_io"], 3),
        "rounds": rounds,
        "median_round_ratio_one_row": round(statistics.median(r["ratio_one_row"] for r in rounds), 3),
        "median_round_ratio_same_io": round(statistics.median(r["ratio_same_io"] for r in rounds), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=200, help="per round")
    parser.add_argument("--rounds", type=int, default=3, help="rush then floor, this many times (noise shows as spread)")
    parser.add_argument("--late", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warm", type=int, default=40, help="untimed submissions (and floor requests) first")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    parser.add_argument("--conn-max-age", default="0,600", help="connection policies to measure, in seconds")
    parser.add_argument("--database", default=DB, help="its own database, dropped and created again")
    args = parser.parse_args()

    global PLAN
    use_database(args.database)
    policies = [int(v) for v in args.conn_max_age.split(",")]
    recreate_database()
    setup_django()
    per_policy = args.warm + args.applicants * args.rounds
    rows, code = prepare(2 * per_policy * len(policies) + args.late)  # the rush's, the floor's, the late ones
    late = rows[2 * per_policy * len(policies) :]
    targets = floor_targets(rows[per_policy * len(policies) : 2 * per_policy * len(policies)])
    PLAN = capture_plan(code)
    configurations: dict[str, Any] = {}
    on_time_ids: list[int] = []
    target_ids: list[int] = []
    server = None
    try:
        for n, conn_max_age in enumerate(policies):
            mine = rows[n * per_policy : (n + 1) * per_policy]
            warm, on_time = mine[: args.warm], mine[args.warm :]
            on_time_ids += [pk for pk, _ in on_time]
            floor_mine = targets[n * per_policy : (n + 1) * per_policy]
            target_ids += [t[0] for t in floor_mine]
            server, log = start_server(args, conn_max_age)
            wait_for_server(server, log)
            configurations[f"conn_max_age_{conn_max_age}"] = measure(args, warm, on_time, floor_mine)
            if n < len(policies) - 1:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=60)

        from django.utils import timezone

        from shenbao.applications.models import Application, ApplicationRevision
        from shenbao.calls.models import Call

        Call.objects.filter(code=code).update(deadline=timezone.now())  # the deadline passes
        late_result = run(submits(late), args.concurrency)
        late_ids = [pk for pk, _ in late]
        submitted = Application.objects.filter(pk__in=on_time_ids, state="submitted").count()
        revisions = ApplicationRevision.objects.filter(application_id__in=on_time_ids).count()
        receipts = (
            Application.objects.filter(pk__in=on_time_ids)
            .exclude(receipt_number=None)
            .values("receipt_number")
            .distinct()
            .count()
        )
        late_submitted = Application.objects.filter(pk__in=late_ids).exclude(state="draft").count()
        replayed = Application.objects.filter(pk__in=target_ids, state="submitted").count()
        replayed_revisions = ApplicationRevision.objects.filter(application_id__in=target_ids).count()
        result = {
            "configuration": (
                f"gunicorn sync, {args.workers} workers x {args.threads} threads, --preload, on "
                f"{os.cpu_count()} CPUs shared with the load generator; PostgreSQL 127.0.0.1; "
                "submissions through the API with a token, each double-clicked; floors: bare WSGI views, "
                "same connection policy"
            ),
            "applicants_per_policy": args.applicants * args.rounds,
            "concurrency": args.concurrency,
            "warm_up_requests": args.warm,
            "database": "postgresql",
            **configurations,
            "late_submit": late_result,
            "correct": {
                "submitted_once": submitted,
                "revisions": revisions,
                "distinct_receipts": receipts,
                "lost": len(on_time_ids) - submitted,
                "duplicated": revisions - submitted,
                "late_accepted": late_submitted,
            },
            # the same-I/O floor wrote each of its targets' submission once (its replay did its work)
            "floor_same_io_check": {
                "targets": len(target_ids),
                "submitted": replayed,
                "revisions": replayed_revisions,
            },
        }
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2)
    (out / "deadline_rush.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
