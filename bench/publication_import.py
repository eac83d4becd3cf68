"""Importing a reviewer's BibTeX list, printed as JSON: `python bench/publication_import.py`.

On a throw-away SQLite database: one reviewer imports a synthetic BibTeX list of N entries
(`--sizes 200,1000`, default; every tenth entry co-authored with one of 50 named applicants of a
call of 50 applications), then the call's conflicts are computed.  Reported per size: the time
to parse the file alone, the whole import (parse, dedupe, insert, audit entry; median of
`--repeat` runs, each on a fresh user), and the conflict search that finds the co-authors.
Goal (issue 20): 200 entries imported in under a second.  Results also go to
`bench/results/publication_import.json`.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="shenbao-bench-publications-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.config.settings")
os.environ.setdefault("SHENBAO_TASKS_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def bibtex(n: int, coauthors: list[str]) -> bytes:
    year = time.gmtime().tm_year
    entries = []
    for i in range(n):
        partner = coauthors[(i // 10) % len(coauthors)] if i % 10 == 0 else f"Stranger{i}, A."
        entries.append(
            f"@article{{key{i},\n  title = {{Thermal management of {{L}}ithium batteries and solid electrolytes, part {i}}},\n"
            f'  author = {{Reviewer, The and {partner} and M{{\\"u}}ller, Hans and Zhang, San}},\n'
            f"  journal = {{Journal of Energy Storage}},\n  year = {{{year - i % 6}}}\n}}\n"
        )
    return "\n".join(entries).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="200,1000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from tests.applications.fixtures import open_call
    from tests.reviews.fixtures import checked_application

    from shenbao.accounts.publications import parse_publications
    from shenbao.accounts.services.accounts import register_user
    from shenbao.accounts.services.publications import import_publications
    from shenbao.calls.models import Call
    from shenbao.reviews.models import PoolMember
    from shenbao.reviews.queries.conflicts import conflicts_for_call

    call: Call = open_call("000", code="bench-publications")
    names = [f"申请人{i}" for i in range(50)]
    for i, name in enumerate(names):
        application = checked_application(call, direction="XM-T1", title=f"储能课题{i}", email=f"owner{i}@example.com")
        person = application.applicant.person
        person.name = name
        person.save(update_fields=["name"])
    results: dict[str, Any] = {"python": sys.version.split()[0], "runs": []}
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        data = bibtex(size, names)
        parse_s, import_s, conflict_s, found = [], [], [], 0
        for run in range(args.repeat):
            started = time.perf_counter()
            parse_publications(data, filename="list.bib")
            parse_s.append(time.perf_counter() - started)
            user = register_user(email=f"reviewer{size}-{run}@example.com", password=None, name="Reviewer, The")
            started = time.perf_counter()
            outcome = import_publications(user=user, data=data, filename="list.bib", actor=user)
            import_s.append(time.perf_counter() - started)
            PoolMember.objects.create(call=call, user=user, status="accepted", token=f"bench-{size}-{run}")
            started = time.perf_counter()
            conflicts = conflicts_for_call(call, reviewer_ids=[user.pk])
            conflict_s.append(time.perf_counter() - started)
            found = len(conflicts)
            assert outcome.added == size
        results["runs"].append(
            {
                "entries": size,
                "parse_s_median": round(statistics.median(parse_s), 4),
                "import_s_median": round(statistics.median(import_s), 4),
                "import_s_max": round(max(import_s), 4),
                "conflict_search_s_median": round(statistics.median(conflict_s), 4),
                "coauthor_conflicts_found": found,
                "repeat": args.repeat,
            }
        )
        print(json.dumps(results["runs"][-1]), file=sys.stderr)
    by_size = {r["entries"]: r for r in results["runs"]}
    if 200 in by_size:
        results["goal_200_entries_import_lt_1s"] = by_size[200]["import_s_max"] < 1.0
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "publication_import.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
