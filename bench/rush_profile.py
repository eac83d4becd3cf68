"""Where a deadline-rush submission spends its time, in one process, without the network.

Drives the same WSGI application as ``deadline_rush.py`` (``bench_wsgi.application``) directly:
each applicant's submission through the API with a token, double-clicked (the second click finds
it submitted), and as many requests to each floor (``bench_wsgi``: ``floor_one_row``, one audit row;
``floor_same_io``, a captured submission's statements replayed for fresh keys, both clicks).  Prints
JSON: statements per submission and per floor request, wall and CPU milliseconds per submission and
per floor unit (Python + the database's answers, one client), and with ``--profile`` the functions
with the most cumulative time.

    python bench/rush_profile.py [--applicants 200] [--conn-max-age 600] [--profile 40] [--database NAME]

Needs PostgreSQL at 127.0.0.1:5432 (trust auth); uses and recreates its own database
(``shenbao_bench_rush_profile`` unless ``--database`` names another).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def call_wsgi(app: Any, path: str, token: str | None, body: bytes) -> int:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Token {token}"
    status: list[str] = []
    result = app(environ, lambda s, h, exc_info=None: status.append(s))
    b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return int(status[0].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions by cumulative time")
    parser.add_argument("--profile-click", type=int, default=0, help="profile only the first (1) or second (2) click")
    parser.add_argument("--profile-out", default="", help="write the profile here (pstats)")
    parser.add_argument("--server-side-binding", action="store_true", help="experiment: psycopg prepares repeated statements")
    parser.add_argument("--database", default="shenbao_bench_rush_profile")
    args = parser.parse_args()

    os.environ["SHENBAO_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.server_side_binding:
        os.environ["SHENBAO_BENCH_SERVER_SIDE_BINDING"] = "1"
    os.environ.setdefault("SHENBAO_SECRET_KEY", "bench-only")
    os.environ["SHENBAO_DEBUG"] = "0"
    import deadline_rush

    deadline_rush.DB = args.database
    deadline_rush.DSN = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    deadline_rush.recreate_database()
    deadline_rush.setup_django()
    rows, code = deadline_rush.prepare(2 * (args.warm + args.applicants))
    rows, targets = rows[: args.warm + args.applicants], deadline_rush.floor_targets(rows[args.warm + args.applicants :])
    import bench_wsgi

    os.environ[bench_wsgi.PLAN_ENV] = deadline_rush.capture_plan(code)
    from django.db import connection, connections

    connections.close_all()
    app = bench_wsgi.application
    statements: Counter[str] = Counter()

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[sql.split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    def backend_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend (same machine: /proc), 0 if unreadable."""
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    clicks = [0.0, 0.0]
    nonlocal_profiler: list[Any] = [None]  # CPU seconds of the first clicks (the submissions) and of the second ones

    def submit(pk: int, token: str) -> None:
        profiler = nonlocal_profiler[0]
        body = json.dumps({"key": f"k{pk}"}).encode()
        cpu = time.process_time()
        if profiler and args.profile_click == 2:
            profiler.disable()
        assert call_wsgi(app, f"/api/v1/applications/{pk}/submit/", token, body) == 201
        if profiler and args.profile_click == 2:
            profiler.enable()
        middle = time.process_time()
        if profiler and args.profile_click == 1:
            profiler.disable()
        assert call_wsgi(app, f"/api/v1/applications/{pk}/submit/", token, body) == 200
        if profiler and args.profile_click == 1:
            profiler.enable()
        clicks[0] += middle - cpu
        clicks[1] += time.process_time() - middle

    def floor() -> None:
        assert call_wsgi(app, bench_wsgi.FLOOR_PATH, None, b"{}") == 200

    def floor_same_io(target: tuple[int, str, int, int]) -> None:
        pk, token, user, token_id = target
        for click in (1, 2):
            body = json.dumps({"click": click, "application": pk, "user": user, "token": token_id}).encode()
            assert call_wsgi(app, bench_wsgi.FLOOR_SAME_IO_PATH, token, body) == 200

    warm, timed = rows[: args.warm], rows[args.warm :]
    warm_targets, timed_targets = targets[: args.warm], targets[args.warm :]
    for (pk, token), target in zip(warm, warm_targets, strict=True):
        submit(pk, token)
        floor()
        floor_same_io(target)
    # statements of one submission (both clicks) and one floor request
    with connection.execute_wrapper(count):
        submit(*timed[0])
    per_submission = dict(statements)
    statements.clear()
    with connection.execute_wrapper(count):
        floor()
    per_floor = dict(statements)
    statements.clear()
    with connection.execute_wrapper(count):
        floor_same_io(timed_targets[0])
    per_floor_same_io = dict(statements)
    timed, timed_targets = timed[1:], timed_targets[1:]

    clicks[:] = [0.0, 0.0]
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    nonlocal_profiler[0] = profiler
    backend = backend_cpu()
    cpu0, start = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for pk, token in timed:
        submit(pk, token)
    if profiler:
        profiler.disable()
    rush_wall, rush_cpu = time.perf_counter() - start, time.process_time() - cpu0
    rush_db = backend_cpu() - backend
    backend = backend_cpu()
    cpu0, start = time.process_time(), time.perf_counter()
    for _ in timed:
        floor()
    floor_wall, floor_cpu = time.perf_counter() - start, time.process_time() - cpu0
    floor_db = backend_cpu() - backend
    backend = backend_cpu()
    cpu0, start = time.process_time(), time.perf_counter()
    for target in timed_targets:
        floor_same_io(target)
    same_wall, same_cpu = time.perf_counter() - start, time.process_time() - cpu0
    same_db = backend_cpu() - backend
    n = len(timed)
    result: dict[str, Any] = {
        "applicants": n,
        "conn_max_age": args.conn_max_age,
        "statements_per_submission_both_clicks": per_submission,
        "statements_per_floor_one_row_request": per_floor,
        "statements_per_floor_same_io_both_clicks": per_floor_same_io,
        "submission_ms_wall": round(1000 * rush_wall / n, 2),
        "submission_ms_python_cpu": round(1000 * rush_cpu / n, 2),
        "first_click_ms_python_cpu": round(1000 * clicks[0] / n, 2),
        "second_click_ms_python_cpu": round(1000 * clicks[1] / n, 2),
        "submission_ms_database_cpu": round(1000 * rush_db / n, 2),
        "floor_one_row_ms_wall": round(1000 * floor_wall / n, 2),
        "floor_one_row_ms_python_cpu": round(1000 * floor_cpu / n, 2),
        "floor_one_row_ms_database_cpu": round(1000 * floor_db / n, 2),
        "floor_same_io_ms_wall": round(1000 * same_wall / n, 2),
        "floor_same_io_ms_python_cpu": round(1000 * same_cpu / n, 2),
        "floor_same_io_ms_database_cpu": round(1000 * same_db / n, 2),
        "profiled": bool(profiler),
        "server_side_binding": args.server_side_binding,
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        if args.profile_out:
            stats.dump_stats(args.profile_out)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue(), file=sys.stderr)
    connections.close_all()


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "bench")]
    main()
