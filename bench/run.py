"""Benchmarks, printed as JSON (never timed assertions in tests): `make bench`.

Measures, on a throw-away SQLite database: validating each seed definition, loading
seed 003 into the database (first load, then an unchanged reload), serving the
call list and the seed 003 call page (time and query count), writing and reading
seed 003's Word 申报表, and a 5,000-row export as .xlsx and .csv.
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
    documents(results)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (out / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(text)


def documents(results: dict[str, Any]) -> None:
    from shenbao.calls.models import Call
    from shenbao.calls.queries.definitions import current_definition
    from shenbao.documents.describe import form_spec
    from shenbao.documents.layout.docx_read import read_form
    from shenbao.documents.layout.docx_write import write_form
    from shenbao.documents.layout.tables import Column, to_csv, to_xlsx

    call = Call.objects.get(code="most-intl-2025-2")
    direction = call.directions.get(code="2.3")
    spec = form_spec(call=call, definition=current_definition(call), direction=direction, language="zh-hans", application=None)
    data = write_form(spec)
    results["docx_write_seed_003"] = {**timed(lambda: write_form(spec), 10), "bytes": len(data), "fields": len(spec.fields)}
    results["docx_read_seed_003"] = timed(lambda: read_form(spec, data), 10)
    columns = [Column("receipt", "受理编号", "Receipt number", 18), Column("title", "项目名称", "Project name", 40)]
    columns.append(Column("yuan", "申请经费（元）", "Requested (yuan)", 14))
    rows = [{"receipt": f"2025-001-{i:06d}", "title": "面向端侧大模型的高效推理", "yuan": 200_000 + i} for i in range(5000)]
    results["export_xlsx_5000_rows"] = {**timed(lambda: to_xlsx(columns, rows), 3), "bytes": len(to_xlsx(columns, rows))}
    results["export_csv_5000_rows"] = timed(lambda: to_csv(columns, rows), 3)


if __name__ == "__main__":
    main()
