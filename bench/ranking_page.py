"""The staff ranking page at growing stage sizes, printed as JSON: `python bench/ranking_page.py`.

On a throw-away SQLite database: seed 000's call with a stage of N synthetic applications (3
submitted reviews each, 12 reviewers; `tests/reviews/bulk.py`), then a staff member opens the
stage's ranking page: its first page (the default page size) and its largest page size.  Reports
CPU seconds of the request (process time, median of the runs), wall time and the query count.
`--sizes 250,1000,2000` (default) chooses the stage sizes; results also go to
`bench/results/ranking_page.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="shenbao-bench-ranking-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.config.settings")
os.environ.setdefault("SHENBAO_TASKS_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def measure(client: Client, url: str, repeat: int) -> dict[str, Any]:
    cpu, wall = [], []
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = response.content.count(b"<tr data-application=")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        client.get(url)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {
        "cpu_s": round(statistics.median(cpu), 3),
        "wall_s": round(statistics.median(wall), 3),
        "queries": len(queries),
        "rows_rendered": rows,
        "runs": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="250,1000,2000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from tests.reviews.bulk import seed_reviewed_stage

    from shenbao.accounts.services.accounts import register_user
    from shenbao.calls.definition.load import parse_definition
    from shenbao.calls.definitions import SEED_FILES
    from shenbao.calls.models import ReviewStage
    from shenbao.calls.services.definitions import load_call_definition

    staff = register_user(email="bench-staff@example.com", password=None, name="bench staff")
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(staff)
    results: dict[str, Any] = {"python": sys.version.split()[0], "database": "sqlite", "sizes": {}}
    for n in (int(s) for s in args.sizes.split(",")):
        data = yaml.safe_load(SEED_FILES["000"].read_text(encoding="utf-8"))
        data["call"]["code"] = f"bench-ranking-{n}"
        call = load_call_definition(definition=parse_definition(data)).call
        stage = ReviewStage.objects.get(call=call, code="expert-committee")
        seed_reviewed_stage(call, stage, applications=n)
        url = f"/staff/stages/{stage.pk}/ranking/"
        results["sizes"][str(n)] = {
            "first_page": measure(client, url, args.repeat),
            "largest_page": measure(client, f"{url}?per=200", args.repeat),
        }
        print(json.dumps({n: results["sizes"][str(n)]}), file=sys.stderr)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (out / "ranking_page.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
