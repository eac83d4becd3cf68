"""Deadline rush: N applicants submit in the last minute against gunicorn + PostgreSQL.

Prints JSON, for each connection policy (a new database connection per request, the product's
default, and persistent connections, ``SHENBAO_CONN_MAX_AGE=600``): unique submissions per second
and p95 latency for the rush (each applicant double-clicks: two concurrent requests with the same
key, counted as the one submission the applicant sees), the same for the floor, their ratio, and the
correctness counts: submitted exactly once, no duplicate revisions or receipts, every late
submission refused.

The floor (``bench_wsgi.floor``) is a bare WSGI view on the same server that writes one row through
the same ORM and connection policy, without the product's middleware, URL resolution or views.

    python bench/deadline_rush.py [--applicants 200] [--concurrency 16] [--late 40] [--warm 40]

Both the rush and the floor are measured on warm workers: gunicorn preloads the application,
then ``--warm`` extra applications are submitted and as many floor requests made before any
timing, so neither figure includes a worker's first-request imports.

Needs PostgreSQL at 127.0.0.1:5432 (trust auth); uses and recreates its own database
``shenbao_bench_rush`` and listens on a free port.
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
DB = "shenbao_bench_rush"
FLOOR = "/bench/floor/"
DSN = f"postgres://postgres@127.0.0.1:5432/{DB}"


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


def measure(args: argparse.Namespace, warm: list[tuple[int, str]], on_time: list[tuple[int, str]]) -> dict[str, Any]:
    """Warm every worker on both paths (imports, caches), untimed; then rounds alternating the rush
    and the floor, so that a slow spell of the machine falls on both."""
    run(submits(warm), args.concurrency)
    run([(FLOOR, None, {}) for _ in warm], args.concurrency)
    rush_all: list[tuple[int, float]] = []
    floor_all: list[tuple[int, float]] = []
    rush_seconds = floor_seconds = 0.0
    rounds = []
    for r in range(args.rounds):
        batch = on_time[r * args.applicants : (r + 1) * args.applicants]
        rush_results, rush_elapsed = timed(submits(batch, clicks=2), args.concurrency)
        floor_results, floor_elapsed = timed([(FLOOR, None, {}) for _ in batch], args.concurrency)
        rush_all += rush_results
        floor_all += floor_results
        rush_seconds += rush_elapsed
        floor_seconds += floor_elapsed
        rounds.append(
            {
                "submissions_per_s": round(len(batch) / rush_elapsed, 1),
                "floor_writes_per_s": round(len(batch) / floor_elapsed, 1),
                "ratio": round(floor_elapsed / rush_elapsed, 3),
            }
        )
    submissions = len(on_time)
    return {
        "rush": summary(rush_all, rush_seconds) | {"submissions": submissions},
        "submissions_per_s": round(submissions / rush_seconds, 1),
        "floor": summary(floor_all, floor_seconds),
        "floor_writes_per_s": round(len(floor_all) / floor_seconds, 1),
        "ratio": round((submissions / rush_seconds) / (len(floor_all) / floor_seconds), 3),
        "rounds": rounds,
        "median_round_ratio": round(statistics.median(r["ratio"] for r in rounds), 3),
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
    args = parser.parse_args()

    policies = [int(v) for v in args.conn_max_age.split(",")]
    recreate_database()
    setup_django()
    per_policy = args.warm + args.applicants * args.rounds
    rows, code = prepare(per_policy * len(policies) + args.late)
    late = rows[per_policy * len(policies) :]
    configurations: dict[str, Any] = {}
    on_time_ids: list[int] = []
    server = None
    try:
        for n, conn_max_age in enumerate(policies):
            mine = rows[n * per_policy : (n + 1) * per_policy]
            warm, on_time = mine[: args.warm], mine[args.warm :]
            on_time_ids += [pk for pk, _ in on_time]
            server, log = start_server(args, conn_max_age)
            wait_for_server(server, log)
            configurations[f"conn_max_age_{conn_max_age}"] = measure(args, warm, on_time)
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
        result = {
            "configuration": (
                f"gunicorn sync, {args.workers} workers x {args.threads} threads, --preload, on "
                f"{os.cpu_count()} CPUs shared with the load generator; PostgreSQL 127.0.0.1; "
                "submissions through the API with a token, each double-clicked"
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
