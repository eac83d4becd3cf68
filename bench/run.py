"""Benchmarks, printed as JSON (never timed assertions in tests): `make bench`.

Measures, on a throw-away SQLite database: validating each seed definition, loading
seed 003 into the database (first load, then an unchanged reload), and serving the
call list and the seed 003 call page (time and query count).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
_tmp = tempfile.mkdtemp(prefix="shenbao-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shenbao.calls.definition.load import parse_file  # noqa: E402
from shenbao.calls.definitions import SEED_FILES  # noqa: E402
from shenbao.calls.services.definitions import load_call_definition  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(samples), 3), "min_ms": round(min(samples), 3), "runs": repeat}


def main() -> None:
    call_command("migrate", verbosity=0)
    results: dict[str, Any] = {"python": sys.version.split()[0], "database": "sqlite"}
    for seed, path in SEED_FILES.items():
        results[f"validate_seed_{seed}"] = timed(lambda path=path: parse_file(path), 20)
    definition = parse_file(SEED_FILES["003"])
    results["load_seed_003_first"] = timed(lambda: load_call_definition(definition=definition), 1)
    results["load_seed_003_unchanged"] = timed(lambda: load_call_definition(definition=definition), 20)
    for seed in ("000", "001", "004"):
        load_call_definition(definition=parse_file(SEED_FILES[seed]))
    client = Client()
    for name, url in (("page_call_list", "/"), ("page_call_seed_003", "/calls/most-intl-2025-2/")):
        reset_queries()  # the query log is a bounded deque, full after the loads above
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        results[name] = {**timed(lambda url=url: client.get(url), 20), "queries": len(queries.captured_queries)}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (out / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
