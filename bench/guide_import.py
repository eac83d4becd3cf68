"""Guide-import accuracy and speed, printed as JSON: `python bench/guide_import.py`.

Accuracy: for every case in bench/guides/cases.yaml, the document is imported and compared
with its hand-written definition, per field (direction count, ids, quotas, qualifiers,
budgets, durations, deadlines, eligibility rule kinds per direction) as precision and recall;
directions are matched by title.
"ids" count a direction's code: seed 004's lists have no ids in the document (its hand-written
definition gives them slugs), so those 8 are misses by construction.
Speed: extraction time of a 40,000-character guide (seed 003's text repeated).
Scaling: extraction time of seed 003's text repeated to 0.5, 1, 2 and 5 MB (UTF-8, as uploaded), in
CPU seconds (the machine may be shared: wall seconds are printed too) and per MB; the ratio of the
time per MB at the largest size to that at the smallest is about 1 when the work grows linearly
(before the quadratic scans were removed it was 3.6, and 5 MB took 34 CPU seconds). `python bench/guide_import.py --scaling` runs
only this part.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shenbao.calls.definition.load import parse_file  # noqa: E402
from shenbao.calls.definition.schema import CallDefinition, TimelineKind  # noqa: E402
from shenbao.guides.parser.extract import extract_guide  # noqa: E402
from shenbao.guides.parser.reading import read_document  # noqa: E402

FIELDS = ("ids", "quotas", "qualifiers", "budgets", "durations", "deadlines", "rules")


def _facts(definition: CallDefinition) -> dict[str, set[tuple[Any, ...]]]:
    out: dict[str, set[tuple[Any, ...]]] = {f: set() for f in FIELDS}
    for d in definition.directions:
        key = (d.title.zh_hans or "").replace(" ", "")
        out["ids"].add((key, d.code))
        if d.quota is not None:
            out["quotas"].add((key, d.quota.qualifier.value, d.quota.value, d.quota.min, d.quota.max))
            out["qualifiers"].add((key, d.quota.qualifier.value, d.quota.in_principle))
        if d.budget is not None and d.budget.total is not None:
            out["budgets"].add((key, d.budget.total.yuan, d.budget.total.qualifier.value))
        if d.duration is not None:
            out["durations"].add(
                (key, d.duration.qualifier, d.duration.value, d.duration.min, d.duration.max, d.duration.in_principle)
            )
    titles = {d.code: (d.title.zh_hans or "").replace(" ", "") for d in definition.directions}
    for c in definition.eligibility:
        # A rule kind and where it applies (direction titles; the whole call when none).
        where = tuple(sorted(titles.get(code, code) for code in c.directions)) or ("*",)
        for key in where:
            out["rules"].add((c.rule.kind, key))
    for item in definition.timeline:
        if item.kind == TimelineKind.DEADLINE and not item.tentative:
            out["deadlines"].add((item.at.isoformat() if item.at else None,))
    return out


def _score(got: set[Any], want: set[Any]) -> dict[str, float | int | None]:
    hit = len(got & want)
    return {
        "expected": len(want),
        "found": len(got),
        "correct": hit,
        "precision": round(hit / len(got), 3) if got else None,
        "recall": round(hit / len(want), 3) if want else None,
    }


def accuracy() -> dict[str, Any]:
    cases = yaml.safe_load((ROOT / "bench" / "guides" / "cases.yaml").read_text(encoding="utf-8"))
    per_case = []
    totals: dict[str, list[set[Any]]] = {f: [set(), set()] for f in FIELDS}
    count_ok = 0
    for case in cases:
        document = read_document((ROOT / case["document"]).read_bytes())
        extraction = extract_guide(document.text)
        want = parse_file(ROOT / case["expected"])
        got = extraction.definition
        got_facts = _facts(got) if got is not None else {f: set() for f in FIELDS}
        want_facts = _facts(want)
        n_ok = got is not None and len(got.directions) == len(want.directions)
        count_ok += n_ok
        scores = {f: _score(got_facts[f], want_facts[f]) for f in FIELDS}
        for f in FIELDS:
            totals[f][0] |= {(case["name"], *x) for x in got_facts[f]}
            totals[f][1] |= {(case["name"], *x) for x in want_facts[f]}
        per_case.append(
            {
                "case": case["name"],
                "direction_count": {
                    "expected": len(want.directions),
                    "found": len(got.directions) if got else 0,
                    "correct": n_ok,
                },
                **scores,
            }
        )
    overall = {f: _score(totals[f][0], totals[f][1]) for f in FIELDS}
    overall["direction_count"] = {"cases": len(cases), "correct": count_ok}
    return {"cases": per_case, "overall": overall}


SCALING_MB = (0.5, 1, 2, 5)


def scaling(sizes: tuple[float, ...] = SCALING_MB) -> dict[str, Any]:
    base = (ROOT / "tests" / "guides" / "fixtures" / "003_a7087ae94b46a538.txt").read_text(encoding="utf-8")
    extract_guide(base)  # warm up opencc's dictionaries and the regular expressions
    runs: list[dict[str, Any]] = []
    for mb in sizes:
        target = int(mb * 1_000_000)
        copies = [base]
        size = len(base.encode("utf-8"))
        while size < target:
            copies.append(base)
            size += len(base.encode("utf-8")) + 1
        text = "\n".join(copies)
        wall, cpu = time.perf_counter(), time.process_time()
        extraction = extract_guide(text)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        runs.append(
            {
                "mb": mb,
                "bytes": len(text.encode("utf-8")),
                "characters": len(text),
                "directions": len(extraction.data.get("directions", [])),
                "cpu_s": round(cpu, 2),
                "wall_s": round(wall, 2),
                "cpu_s_per_mb": round(cpu / mb, 3),
            }
        )
    first, last = runs[0], runs[-1]
    return {
        "text": "seed 003 repeated",
        "runs": runs,
        # Time per MB at the largest size over that at the smallest: about 1 when linear, about
        # (largest / smallest) when quadratic.
        "linearity_ratio": round(last["cpu_s_per_mb"] / first["cpu_s_per_mb"], 2),
        "size_ratio": round(last["mb"] / first["mb"], 1),
    }


def speed(repeat: int = 7) -> dict[str, Any]:
    base = (ROOT / "tests" / "guides" / "fixtures" / "003_a7087ae94b46a538.txt").read_text(encoding="utf-8")
    text = base
    while len(text) < 40_000:
        text += "\n" + base
    text = text[:40_000]
    extract_guide(text)  # warm up opencc's dictionaries and the regular expressions
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        extract_guide(text)
        times.append(time.perf_counter() - start)
    out: dict[str, Any] = {
        "characters": len(text),
        "runs": repeat,
        "extract_median_s": round(statistics.median(times), 3),
        "extract_max_s": round(max(times), 3),
    }
    # Reading and extracting together, per format (the .docx and .pdf are built as the tests build them).
    sys.path.insert(0, str(ROOT))
    from tests.guides.documents import make_docx, make_pdf, traditional

    files = {
        "txt": text.encode("utf-8"),
        "txt_traditional": traditional(text).encode("utf-8"),
        "docx": make_docx(text.split("\n")),
        "pdf": make_pdf(text.split("\n")),
    }
    for name, data in files.items():
        extract_guide(read_document(data).text)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            extract_guide(read_document(data).text)
            runs.append(time.perf_counter() - start)
        out[f"read_and_extract_{name}_median_s"] = round(statistics.median(runs), 3)
    return out


if __name__ == "__main__":
    if "--scaling" in sys.argv[1:]:
        result: dict[str, Any] = {"scaling": scaling()}
    else:
        result = {"accuracy": accuracy(), "speed_40k_chars": speed(), "scaling": scaling()}
    print(json.dumps({"guide_import": result}, ensure_ascii=False, indent=2))
