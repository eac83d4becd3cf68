"""Selection end to end at 20,000 applications, through the product's service, on PostgreSQL.

    python bench/selection_e2e.py [--applications 20000] [--reviews 3]

Seeds a synthetic stage (clearly not real data) in its own database ``shenbao_bench_select``
(recreated): seed 003 (MOST 2025 batch 2, 19 directions with quotas, budgets, the per-country cap
and the Arab-African exclusivity), closed, with the applications spread over the directions in
proportion to their quotas, each with a request around its direction's average, one foreign
partner (its country drawn as in ``bench/selection.py``), an entry in the expert-review stage and
``--reviews`` submitted reviews scored on the stage's criteria.  Then, in a fresh process so its
peak memory is the run's own, ``awards.services.selection.run_selection`` does what staff trigger
with one click: read the ranking (loading reviews, aggregating, ranking), build the problem, solve,
save the run with its inputs and result, audit.  Prints JSON with the wall and CPU time of each
phase, the number of SQL statements, the peak resident memory and the outcome.

Goal (issue 18): 20,000 applications in at most 30 s.  Needs PostgreSQL at 127.0.0.1:5432 (trust);
drops and creates the database ``shenbao_bench_select``, or the one named by ``SHENBAO_BENCH_DB``
(sessions sharing a machine each take their own).  ``stored_bytes`` are the run's columns as
PostgreSQL stores them (``pg_column_size``: after its own compression) and as text.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
DB = os.environ.get("SHENBAO_BENCH_DB", "shenbao_bench_select")
DSN = f"postgres://postgres@127.0.0.1:5432/{DB}"
CALL_CODE = "scale-select"


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")


def setup_django() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ["DATABASE_URL"] = DSN
    os.environ["DJANGO_SETTINGS_MODULE"] = "shenbao.config.settings"
    import django

    django.setup()


def seed(applications: int, reviews: int) -> dict[str, Any]:
    """Bulk-insert the stage: what is measured is the selection, not the seeding."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone
    from selection import AFRICAN_ONLY, ARAB_AFRICAN, ARAB_ONLY, DIRECTIONS, WAN
    from tests.applications.fixtures import close_submissions, open_call

    from shenbao.accounts.models import Membership, Organisation, User
    from shenbao.applications.enums import ApplicationState, PartnerSide
    from shenbao.applications.models import Application, Partner
    from shenbao.calls.models import Direction, ReviewStage
    from shenbao.reviews.enums import AssignmentMode, AssignmentStatus, EntryStatus, ReviewState
    from shenbao.reviews.models import Assignment, Review, StageEntry
    from shenbao.reviews.queries.stages import stage_definition
    from shenbao.reviews.scoring import evaluate_scores

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call = open_call("003", code=CALL_CODE, days_left=30)
    close_submissions(call)
    stage = ReviewStage.objects.get(call=call, code="expert-review")
    criteria = [c.code for c in stage_definition(stage).criteria]
    directions = {d.code: d for d in Direction.objects.filter(call=call)}
    rng = random.Random(20261203)  # noqa: S311 - synthetic data, not secrets
    organisations = Organisation.objects.bulk_create(
        [Organisation(name={"zh-hans": f"压测单位{i}", "en": f"Bench institution {i}"}, type="university") for i in range(2000)]
    )
    password = make_password(None)
    n_reviewers = max(reviews, applications * reviews // 30)  # thirty reviews each
    users = User.objects.bulk_create(
        [User(email=f"applicant{i}@bench.example", password=password) for i in range(applications)]
        + [User(email=f"expert{i}@bench.example", password=password) for i in range(n_reviewers)],
        batch_size=2000,
    )
    applicants, experts = users[:applications], users[applications:]
    home = {u.pk: rng.choice(organisations) for u in applicants}
    Membership.objects.bulk_create([Membership(user=u, organisation=home[u.pk]) for u in applicants], batch_size=2000)
    total_quota = sum(d[2] for d in DIRECTIONS)
    rows: list[tuple[str, int, list[str]]] = []  # direction, request in yuan, partner countries
    for i, (code, _kind, quota, budget_wan) in enumerate(DIRECTIONS):
        size = round(applications * quota / total_quota) if i < len(DIRECTIONS) - 1 else applications - len(rows)
        countries = (
            ARAB_AFRICAN + ARAB_ONLY if code == "1.5" else ARAB_AFRICAN + AFRICAN_ONLY if code == "1.6" else ["DE", "FR", "JP"]
        )
        for _ in range(size):
            rows.append((code, round(budget_wan * WAN / quota * rng.uniform(0.5, 1.3) / WAN) * WAN, countries))
    now = timezone.now()
    apps = Application.objects.bulk_create(
        [
            Application(
                call=call,
                direction=directions[code],
                applicant=u,
                lead_organisation=home[u.pk],
                state=ApplicationState.CHECK_PASSED,
                revision=1,
                receipt_number=f"SEL-{i:06d}",
                title=f"压测申报{i}",
                requested_yuan=request,
                submitted_at=now,
            )
            for i, (u, (code, request, _c)) in enumerate(zip(applicants, rows, strict=True))
        ],
        batch_size=2000,
    )
    Partner.objects.bulk_create(
        [
            Partner(application=a, side=PartnerSide.FOREIGN, name="合作方", type="university", country=rng.choice(countries))
            for a, (_d, _r, countries) in zip(apps, rows, strict=True)
        ],
        batch_size=2000,
    )
    StageEntry.objects.bulk_create(
        [StageEntry(stage=stage, application=a, status=EntryStatus.IN_REVIEW) for a in apps], batch_size=2000
    )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                stage=stage,
                application=a,
                reviewer=experts[(i * reviews + j) % n_reviewers],
                status=AssignmentStatus.ACTIVE,
                mode=AssignmentMode.OPTIMAL,
            )
            for i, a in enumerate(apps)
            for j in range(reviews)
        ],
        batch_size=5000,
    )
    definition = stage_definition(stage)
    marks = []
    for a in assignments:
        scores = {c: rng.choice((6, 7, 8, 9, 10)) for c in criteria}
        marks.append(
            Review(
                assignment=a,
                state=ReviewState.SUBMITTED,
                scores=scores,
                total=evaluate_scores(definition, scores),
                confidence=rng.choice((3, 4, 5)),
                submitted_at=now,
            )
        )
    Review.objects.bulk_create(marks, batch_size=5000)
    # Fresh statistics, as autovacuum's analyze gives a table that just grew by 20,000 rows: without
    # them the planner takes each table for empty and joins partners to applications in a nested loop.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "call": call.pk,
        "applications": len(apps),
        "directions": len(directions),
        "reviewers": n_reviewers,
        "reviews": len(marks),
        "institutions": len(organisations),
    }


class Phases:
    """Wall and CPU time spent inside the named functions of the selection service."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.depth: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Time the outermost call only (``_plain`` recurses through the wrapped name)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth[name] += 1
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth[name] -= 1
                if not self.depth[name]:
                    self.wall[name] += time.perf_counter() - wall
                    self.cpu[name] += time.process_time() - cpu

        return timed


def run(call_id: int) -> dict[str, Any]:
    """The measured part, in its own process: one click of "compute the selection"."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shenbao.accounts.models import User
    from shenbao.awards.algorithms.selection_record import candidate_count
    from shenbao.awards.models import SelectionRun
    from shenbao.awards.services import selection as service
    from shenbao.calls.models import Call

    phases = Phases()
    # Loading = the ranking (reviews read, aggregated, ranked) and the rest of the problem's inputs;
    # solving = the optimiser; saving = the run's JSON (problem record and result) and its row, the audit entry.
    service.stage_ranking = phases.wrap("load: stage ranking (reviews, aggregation, ranks)", service.stage_ranking)
    service.build_problem = phases.wrap("load: build problem (total)", service.build_problem)
    service.select_awards = phases.wrap("solve: select_awards", service.select_awards)
    service._plain = phases.wrap("save: problem and result as JSON", service._plain)
    # The problem's record (by column, with its digest) is built apart from _plain: timed under the same name.
    service.problem_record = phases.wrap("save: problem and result as JSON", service.problem_record)
    manager = SelectionRun.objects
    manager.create = phases.wrap("save: insert the run", manager.create)  # type: ignore[method-assign]
    service.log_action = phases.wrap("save: audit entry", service.log_action)
    call = Call.objects.get(pk=call_id)
    actor = User.objects.get(email="expert0@bench.example")
    load_average = os.getloadavg()[0]  # the machine's 2 cores are shared: wall time follows the load
    wall, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        outcome = service.run_selection(call=call, actor=actor)
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    stored = stored_bytes(outcome)
    w = dict(phases.wall)
    ranking = w.pop("load: stage ranking (reviews, aggregation, ranks)", 0.0)
    problem = w.pop("load: build problem (total)", 0.0)
    w["load: stage ranking (reviews, aggregation, ranks)"] = ranking
    w["load: the rest of the problem (applications, partners, rules)"] = problem - ranking
    w["save: problem and result as JSON"] = w.get("save: problem and result as JSON", 0.0)
    accounted = sum(w.values())
    return {
        "wall_s": round(total_wall, 2),
        "cpu_s": round(total_cpu, 2),
        "load_average_1m_at_start": round(load_average, 2),
        "sql_statements": len(queries.captured_queries),
        "sql_wall_s": round(sum(float(q["time"]) for q in queries.captured_queries), 2),
        "slowest_sql": [
            {"s": float(q["time"]), "sql": q["sql"][:160]}
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
        ],
        "stored_bytes": stored,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "phases_wall_s": {name: round(v, 2) for name, v in sorted(w.items(), key=lambda i: -i[1])}
        | {"other (readiness, final stage, definition)": round(total_wall - accounted, 2)},
        "phases_cpu_s": {name: round(v, 2) for name, v in sorted(phases.cpu.items(), key=lambda i: -i[1])},
        "status": outcome.result["status"],
        "proven_optimal": outcome.result["proven_optimal"],
        "selected": len(outcome.result["selected"]),
        "candidates": candidate_count(outcome.inputs),
        "solver_stats": outcome.result["stats"],
        "results_page": results_page(call),
    }


def results_page(call: Any) -> dict[str, Any]:
    """The staff results page showing this run, as a program officer opens it (the second request: the
    first warms the process): one page of candidates, whatever the run's size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shenbao.accounts.services.accounts import register_user
    from shenbao.calls.enums import ProgramRoleKind
    from shenbao.calls.services.roles import grant_program_role

    officer = register_user(email="officer@bench.example", password="bench-Pass-123", name="officer")  # noqa: S106 - a bench account
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)
    url = f"/staff/calls/{call.code}/results/"
    client.get(url)
    wall, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "status": response.status_code,
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "sql_statements": len(queries.captured_queries),
        "html_bytes": len(response.content),
    }


def stored_bytes(run: Any) -> dict[str, dict[str, int]]:
    """Each stored field of the run: bytes on disk (``pg_column_size``) and as text."""
    from django.db import connection, models

    fields = [f.column for f in type(run)._meta.concrete_fields if isinstance(f, models.JSONField | models.BinaryField)]
    table = connection.ops.quote_name(type(run)._meta.db_table)
    sizes = {}
    with connection.cursor() as cursor:
        for column in fields:
            name = connection.ops.quote_name(column)
            cursor.execute(f"SELECT pg_column_size({name}), octet_length({name}::text) FROM {table} WHERE id = %s", [run.pk])  # noqa: S608 (names from the model)
            on_disk, as_text = cursor.fetchone()
            sizes[column] = {"on_disk": on_disk or 0, "as_text": as_text or 0}
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--applications", type=int, default=20000)
    parser.add_argument("--reviews", type=int, default=3, help="submitted reviews per application")
    parser.add_argument("--run-call", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.run_call:
        setup_django()
        print(json.dumps(run(args.run_call)))
        return
    recreate_database()
    setup_django()
    seeded = seed(args.applications, args.reviews)
    child = subprocess.run(
        [sys.executable, __file__, "--run-call", str(seeded["call"])], check=False, capture_output=True, text=True
    )
    if child.returncode != 0:
        sys.exit(child.stderr[-3000:])
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    result = {
        "configuration": "PostgreSQL 127.0.0.1, one process, Django ORM, the product's settings",
        "seed": seeded,
        "selection": measured,
        "goal": {"wall_s": 30},
        "goal_met": measured["wall_s"] <= 30,
    }
    out = ROOT / "bench" / "results" / "selection_e2e.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
