"""Deadline rush: N applicants submit in the last minute against gunicorn + PostgreSQL.

Prints JSON: submissions/s and p95 latency for the rush (each applicant double-clicks:
two concurrent requests with the same key), the same for a bare one-row view on the same
server (the floor), the ratio, and the correctness counts: submitted exactly once, no
duplicate revisions or receipts, and every late submission refused.

    python bench/deadline_rush.py [--applicants 200] [--concurrency 16] [--late 40] [--warm 40]

Both the rush and the floor are measured on warm workers: gunicorn preloads the application,
then ``--warm`` extra applications are submitted and as many floor requests made before any
timing, so neither figure includes a worker's first-request imports.

Needs PostgreSQL at 127.0.0.1:5432 (trust auth); uses and recreates the database
``shenbao_bench``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PORT = 8899
DB = "shenbao_bench"
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


def wait_for_server() -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/api/v1/calls/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=200, help="per round")
    parser.add_argument("--rounds", type=int, default=3, help="rush then floor, this many times (noise shows as spread)")
    parser.add_argument("--late", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warm", type=int, default=40, help="untimed submissions (and floor requests) first")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    args = parser.parse_args()

    recreate_database()
    setup_django()
    applicants = args.applicants * args.rounds
    rows, code = prepare(args.warm + applicants + args.late)
    warm, on_time, late = rows[: args.warm], rows[args.warm : args.warm + applicants], rows[args.warm + applicants :]
    env = {
        **os.environ,
        "DATABASE_URL": DSN,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SHENBAO_DEBUG": "0",
        "SHENBAO_SECRET_KEY": "bench-only",
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench"), str(ROOT)])
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
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
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        wait_for_server()
        # Warm every worker on both paths (imports, caches), untimed.
        run([(f"/api/v1/applications/{pk}/submit/", token, {"key": f"k{pk}"}) for pk, token in warm], args.concurrency)
        run([("/bench/floor/", None, {}) for _ in warm], args.concurrency)
        # Each applicant double-clicks: two concurrent requests with the same key. Rounds alternate
        # the rush and the floor, so that a slow spell of the machine falls on both.
        rush_all: list[tuple[int, float]] = []
        floor_all: list[tuple[int, float]] = []
        rush_seconds = floor_seconds = 0.0
        rounds = []
        for r in range(args.rounds):
            batch = on_time[r * args.applicants : (r + 1) * args.applicants]
            rush = [(f"/api/v1/applications/{pk}/submit/", token, {"key": f"k{pk}"}) for pk, token in batch for _ in range(2)]
            rush_results, rush_elapsed = timed(rush, args.concurrency)
            floor_results, floor_elapsed = timed([("/bench/floor/", None, {}) for _ in rush], args.concurrency)
            rush_all += rush_results
            floor_all += floor_results
            rush_seconds += rush_elapsed
            floor_seconds += floor_elapsed
            ratio = (len(rush_results) / rush_elapsed) / (len(floor_results) / floor_elapsed)
            rounds.append(
                {
                    "rush_requests_per_s": round(len(rush_results) / rush_elapsed, 1),
                    "floor_requests_per_s": round(len(floor_results) / floor_elapsed, 1),
                    "throughput_ratio": round(ratio, 3),
                }
            )
        rush_result = summary(rush_all, rush_seconds)
        floor_result = summary(floor_all, floor_seconds)

        from django.utils import timezone

        from shenbao.applications.models import Application, ApplicationRevision
        from shenbao.calls.models import Call

        Call.objects.filter(code=code).update(deadline=timezone.now())  # the deadline passes
        late_result = run(
            [(f"/api/v1/applications/{pk}/submit/", token, {"key": f"k{pk}"}) for pk, token in late], args.concurrency
        )

        on_time_ids = [pk for pk, _ in on_time]
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
            "applicants": applicants,
            "concurrency": args.concurrency,
            "warm_up_requests": len(warm),
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            # The product's default is a new database connection per request (0); with persistent
            # connections (e.g. SHENBAO_CONN_MAX_AGE=600) both figures rise and the floor far more.
            "conn_max_age": int(os.environ.get("SHENBAO_CONN_MAX_AGE", "0")),
            "database": "postgresql",
            "rush_submit": rush_result,
            "floor_one_row": floor_result,
            "throughput_ratio": round(rush_result["requests_per_s"] / floor_result["requests_per_s"], 3),
            "rounds": rounds,
            "median_round_ratio": round(statistics.median(r["throughput_ratio"] for r in rounds), 3),
            "late_submit": late_result,
            "correct": {
                "submitted_once": submitted,
                "revisions": revisions,
                "distinct_receipts": receipts,
                "lost": applicants - submitted,
                "duplicated": revisions - submitted,
                "late_accepted": late_submitted,
            },
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2)
    (out / "deadline_rush.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
