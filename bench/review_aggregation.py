"""Benchmark of the pure review arithmetic, printed as JSON: `python bench/review_aggregation.py`.

A synthetic stage (clearly not real data): 5,000 applications in 50 directions, 5 reviews
each from a pool of 300 reviewers, half-point totals on 0–100 with confidences.  Times every
aggregation method, the ranking with two tie rules, and top-10 advancement per direction.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from shenbao.reviews.algorithms.advancement import advance
from shenbao.reviews.algorithms.aggregation import AggregationSettings, Method, Review, aggregate
from shenbao.reviews.algorithms.ranking import Entry, TieRule, TieRuleKind, rank

APPLICATIONS, PER_APPLICATION, REVIEWERS, DIRECTIONS = 5000, 5, 300, 50


def timed(fn: Callable[[], Any], repeat: int = 3) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(runs), 4), "max_s": round(max(runs), 4)}


def main() -> None:
    rng = random.Random(20261123)  # noqa: S311 - synthetic scores, not secrets
    reviews = [
        Review(app, reviewer, round(rng.uniform(40, 100) * 2) / 2, rng.randint(1, 5))
        for app in range(APPLICATIONS)
        for reviewer in rng.sample(range(REVIEWERS), PER_APPLICATION)
    ]
    out: dict[str, Any] = {"applications": APPLICATIONS, "reviews": len(reviews), "directions": DIRECTIONS}
    for method in Method:
        out[f"aggregate_{method.value}"] = timed(lambda m=method: aggregate(reviews, AggregationSettings(m)))
    aggregates = aggregate(reviews, AggregationSettings(Method.CALIBRATED)).aggregates
    entries = [Entry(a.application, a.value, int(a.application) % DIRECTIONS, a.n_reviews) for a in aggregates.values()]
    rules = [TieRule(TieRuleKind.MORE_REVIEWS), TieRule(TieRuleKind.EARLIER_SUBMISSION)]
    out["rank"] = timed(lambda: rank(entries, tie_rules=rules))
    rankings = rank(entries, tie_rules=rules)
    out["advance_top_10"] = timed(lambda: advance(rankings, n=10))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
