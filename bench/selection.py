"""Selection-optimiser benchmark, printed as JSON and written to bench/results/selection.json.

    python bench/selection.py [--sizes 20000,100000] [--check-size 400] [--seed 7] [--full-model-up-to 20000]
                              [--no-institution-cap]

A synthetic call shaped like seed 003 (MOST 2025 batch 2): its 19 directions with their
quotas (exact / at most / about ± 2) and budgets, the total of 34,890 万元, requests drawn
around each direction's average, one partner country per application, at most one project
per partner country in 1.5 and 1.6, and exclusivity of the Arab African states between
1.5 and 1.6.  Applications are spread over directions in proportion to their quotas.
A second set of runs adds a per-institution cap of 2 over the whole call (2,000 institutions),
the case where dominance fixing cannot help.  Goals (2 shared cores): 20,000 applications optimal in ≤ 10 s; 100,000 in ≤ 60 s.  The
optimum of a small instance is checked against HiGHS (scipy.optimize.milp) on the same
rules and weights, with dominance fixing off so the CP-SAT model is the full one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from selection_milp import milp_optimum  # noqa: E402

from shenbao.awards.algorithms.selection import select_awards  # noqa: E402
from shenbao.awards.algorithms.selection_types import (  # noqa: E402
    Candidate,
    Cap,
    CapKind,
    Exclusivity,
    ExclusivityKey,
    GroupRules,
    Quota,
    QuotaKind,
    SelectionProblem,
    SolverOptions,
)

WAN = 10_000
# code, quota kind, quota value, budget in 万元 (seed 003)
DIRECTIONS = [
    ("1.1", "exact", 6, 1080),
    ("1.2", "exact", 15, 3000),
    ("1.3", "exact", 5, 1250),
    ("1.4", "exact", 3, 900),
    ("1.5", "at_most", 5, 1000),
    ("1.6", "at_most", 10, 2000),
    ("1.7", "at_most", 30, 6000),
    ("1.8", "at_most", 2, 600),
    ("1.9", "at_most", 10, 2000),
    ("2.0", "exact", 6, 600),
    ("2.1", "exact", 2, 1500),
    ("2.2", "exact", 15, 3000),
    ("2.3", "about", 10, 3000),
    ("2.4", "at_most", 4, 160),
    ("2.5", "exact", 6, 900),
    ("2.6", "exact", 30, 3000),
    ("2.7", "exact", 10, 3000),
    ("2.8", "exact", 2, 400),
    ("2.9", "exact", 5, 1500),
]
ARAB_AFRICAN = ["DZ", "EG", "DJ", "LY", "MR", "MA", "SD", "SO", "TN", "KM"]
ARAB_ONLY = ["SA", "AE", "QA", "KW", "OM", "BH", "JO", "LB", "IQ", "SY", "YE", "PS"]
AFRICAN_ONLY = ["NG", "KE", "ET", "GH", "TZ", "UG", "SN", "CI", "CM", "ZM", "ZW", "AO", "MZ", "RW", "BW", "NA", "ML", "NE"]


def generate(n: int, seed: int, *, institution_cap: int | None = None) -> SelectionProblem:
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    total_quota = sum(d[2] for d in DIRECTIONS)
    cands: list[Candidate] = []
    groups = []
    for k, (code, kind, value, budget_wan) in enumerate(DIRECTIONS):
        size = max(value * 2, round(n * value / total_quota)) if k < len(DIRECTIONS) - 1 else n - len(cands)
        size = max(size, value * 2)
        avg = budget_wan * WAN / value
        if code == "1.5":
            countries = ARAB_AFRICAN + ARAB_ONLY
        elif code == "1.6":
            countries = ARAB_AFRICAN + AFRICAN_ONLY
        else:
            countries = [f"P{k}"]
        for r in range(1, size + 1):
            requested = round(avg * rng.uniform(0.5, 1.3) / WAN) * WAN
            cands.append(
                Candidate(
                    application=f"{code}-{r}",
                    group=code,
                    rank=r,
                    requested_yuan=requested,
                    institution=f"inst{rng.randrange(2000)}",
                    partner_countries=frozenset({rng.choice(countries)}),
                )
            )
        quota = Quota(QuotaKind(kind), value, tolerance=2 if kind == "about" else 0)
        groups.append(GroupRules(code, quota=quota, budget_yuan=budget_wan * WAN))
    return SelectionProblem(
        candidates=tuple(cands),
        groups=tuple(groups),
        total_budget_yuan=34_890 * WAN,
        caps=(Cap(CapKind.PARTNER_COUNTRY, 1, ("1.5", "1.6")),)
        + ((Cap(CapKind.INSTITUTION, institution_cap),) if institution_cap else ()),
        exclusivity=(Exclusivity(ExclusivityKey.PARTNER_COUNTRY, ("1.5", "1.6"), frozenset(ARAB_AFRICAN)),),
    )


def audit(problem: SelectionProblem, selected: set[str]) -> dict[str, int]:
    """Rule violations recomputed from the problem's data, not the solver's bookkeeping."""
    by_app = {c.application: c for c in problem.candidates}
    chosen = [by_app[a] for a in selected]
    v = {"quota": 0, "budget": 0, "cap": 0, "exclusivity": 0}
    for g in problem.groups:
        mine = [c for c in chosen if c.group == g.group]
        q = g.quota
        if q is not None and (len(mine) < q.lower or (q.upper is not None and len(mine) > q.upper)):
            v["quota"] += 1
        if g.budget_yuan is not None and sum(c.requested_yuan for c in mine) > g.budget_yuan:
            v["budget"] += 1
    if problem.total_budget_yuan is not None and sum(c.requested_yuan for c in chosen) > problem.total_budget_yuan:
        v["budget"] += 1
    seen: dict[str, int] = {}
    groups_of: dict[str, set[object]] = {}
    for c in chosen:
        if c.group in ("1.5", "1.6"):
            for k in c.partner_countries:
                seen[k] = seen.get(k, 0) + 1
                if k in ARAB_AFRICAN:
                    groups_of.setdefault(k, set()).add(c.group)
    v["cap"] = sum(1 for n in seen.values() if n > 1)
    for cap in problem.caps:
        if cap.kind == CapKind.INSTITUTION:
            per: dict[str | None, int] = {}
            for c in chosen:
                per[c.institution] = per.get(c.institution, 0) + 1
            v["cap"] += sum(1 for n in per.values() if n > cap.max)
    v["exclusivity"] = sum(1 for g in groups_of.values() if len(g) > 1)
    return v


def measure(n: int, seed: int, *, full_model: bool, institution_cap: int | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    problem = generate(n, seed, institution_cap=institution_cap)
    t1 = time.perf_counter()
    result = select_awards(problem, SolverOptions(max_deterministic_time=300))
    t2 = time.perf_counter()
    again = select_awards(problem, SolverOptions(max_deterministic_time=300)) if n <= 20_000 and not institution_cap else None
    stats = result.stats
    assert stats is not None
    out: dict[str, Any] = {
        "applications": n,
        "institution_cap": institution_cap,
        "generate_seconds": round(t1 - t0, 3),
        "total_seconds": round(t2 - t1, 3),
        "build_seconds": stats.build_seconds,
        "solve_seconds": stats.solve_seconds,
        "deterministic_time": stats.deterministic_time,
        "variables": stats.variables,
        "fixed_by_dominance": stats.fixed_by_dominance,
        "status": result.status.value,
        "proven_optimal": result.proven_optimal,
        "objective": result.objective,
        "bound": result.bound,
        "selected": len(result.selected),
        "awarded_yuan": sum(e.amount_yuan for e in result.explanations if e.selected),
        "violations": audit(problem, {str(a) for a in result.selected}),
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if again is not None:
        out["repeat_same_selection"] = again.selected == result.selected and again.explanations == result.explanations
    if full_model:
        t3 = time.perf_counter()
        full = select_awards(problem, SolverOptions(max_deterministic_time=300, prune_dominated=False))
        t4 = time.perf_counter()
        assert full.stats is not None
        out["without_dominance_fixing"] = {
            "total_seconds": round(t4 - t3, 3),
            "solve_seconds": full.stats.solve_seconds,
            "variables": full.stats.variables,
            "status": full.status.value,
            "objective": full.objective,
            "same_objective": full.objective == result.objective,
        }
    return out


def check(n: int, seed: int, *, institution_cap: int | None = None) -> dict[str, Any]:
    problem = generate(n, seed, institution_cap=institution_cap)
    full = select_awards(problem, SolverOptions(prune_dominated=False))
    pruned = select_awards(problem)
    t0 = time.perf_counter()
    highs, _ = milp_optimum(problem, full.weights)
    t1 = time.perf_counter()
    return {
        "applications": n,
        "institution_cap": institution_cap,
        "cp_sat_objective": full.objective,
        "cp_sat_pruned_objective": pruned.objective,
        "highs_objective": highs,
        "highs_seconds": round(t1 - t0, 3),
        "same_optimum": highs is not None and round(highs) == full.objective == pruned.objective,
        "proven_optimal": full.proven_optimal and pruned.proven_optimal,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--check-size", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-institution-cap", dest="institution_cap", action="store_false", help="skip the stress case")
    parser.add_argument(
        "--full-model-up-to", type=int, default=20_000, help="also solve without dominance fixing up to this size"
    )
    args = parser.parse_args()
    report: dict[str, Any] = {
        "goals": {"20000_seconds": 10, "100000_seconds": 60},
        "runs": [measure(int(s), args.seed, full_model=int(s) <= args.full_model_up_to) for s in args.sizes.split(",") if s],
        # The stress case: every institution at most 2 awards over the whole call gives each
        # application its own key, so dominance fixing removes almost nothing.
        "runs_with_institution_cap": [
            measure(int(s), args.seed, full_model=False, institution_cap=2)
            for s in args.sizes.split(",")
            if s and args.institution_cap
        ],
        "independent_check": check(args.check_size, args.seed),
        "independent_check_institution_cap": check(args.check_size, args.seed, institution_cap=1),
    }
    text = json.dumps(report, indent=2)
    print(text)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "selection.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
