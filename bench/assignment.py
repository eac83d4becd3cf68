"""Reviewer-assignment benchmark, printed as JSON and written to bench/results/assignment.json.

    python bench/assignment.py [--sizes S,M,L,XL] [--no-lp] [--no-fair] [--no-affinity] [--no-bids] [--only-bids] [--sum-lp]

Each measurement runs in a fresh subprocess so its peak memory (ru_maxrss) is its own; an
instance is generated in one process and solved in another (loading it from .npz), so the
solver's peak is not the generator's.  Solves are repeated (``--repeat``, fastest kept, with
CPU time and the load average beside it) because the machine's 2 cores are shared.
Instances are synthetic (``assignment_synthetic.py``): candidate lists are generated
directly, not from texts, except for the affinity measurement on M.  For S and M the
optimum is checked against the transportation LP solved by HiGHS (scipy.optimize.linprog);
for L and XL the exact min-cost flow is itself the certificate (the constraint matrix is
totally unimodular, so the integral flow optimum equals the LP optimum).  Violations are
recomputed here from the result and the instance's institutions and caps, independently of
the solver's own bookkeeping.  Goals (2 shared cores): L solve ≤ 5 s and ≤ 0.5 GB; XL solve
≤ 30 s and ≤ 2 GB; LP ratio ≥ 0.999999; affinity top-K on M ≤ 60 s; fair on M raises the
weakest pair with the total within 1 %.  Group mode is measured on M in panels of 5.
Bids (``run_bids``): synthetic bids on M; the share of eager/willing pairs must rise against the
assignment without bids, and no "not willing" pair may be assigned where an alternative existed.

Both fairness measures (the weakest single pair; the weakest application's summed affinity,
FairFlow's) are reported for optimal, fair-by-pair and fair-by-sum at 1 % loss on S without its
niche applications, S and M; ``--sum-lp`` adds the LP bound of the sum measure on S (minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from assignment_synthetic import SIZES, Instance, generate, load, save, synthetic_bids, synthetic_texts  # noqa: E402

from shenbao.reviews.algorithms.assignment import assign_reviewers  # noqa: E402
from shenbao.reviews.algorithms.flow import SCALE  # noqa: E402
from shenbao.reviews.algorithms.problem import AssignmentProblem, AssignmentResult  # noqa: E402


def peak_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def problem_of(instance: Instance) -> AssignmentProblem:
    return AssignmentProblem(
        candidates=instance.candidates,
        k=instance.spec.k,
        default_cap=0,
        caps=instance.caps,
        conflicts=(instance.conflict_apps, instance.conflict_reviewers),
    )


def audit(instance: Instance, result: AssignmentResult) -> dict[str, Any]:
    """Quality and violations computed from the instance's own data, not the solver's."""
    spec, pairs = instance.spec, result.pairs
    n_apps, n_rev = spec.n_apps, spec.n_reviewers
    load = np.bincount(pairs.reviewers, minlength=n_rev)
    per_app = np.bincount(pairs.apps, minlength=n_apps)
    keys = pairs.apps.astype(np.int64) * n_rev + pairs.reviewers
    candidate_keys = instance.candidates.keys()
    sums = np.bincount(pairs.apps, weights=pairs.affinity, minlength=n_apps)
    full = per_app == spec.k
    return {
        "pairs": len(pairs),
        "objective": round(result.objective, 6),
        "conflict_violations": int(
            (instance.app_institution[pairs.apps] == instance.reviewer_institution[pairs.reviewers]).sum()
        ),
        "load_violations": int((load > instance.caps).sum()),
        "over_k_violations": int((per_app > spec.k).sum()),
        "duplicate_pairs": int(keys.size - np.unique(keys).size),
        "non_candidate_pairs": int((~np.isin(keys, candidate_keys)).sum()),
        "apps_short": len(result.shortfalls),
        "shortfall_reasons": {
            reason: sum(1 for s in result.shortfalls if s.reason == reason) for reason in ("too_few_eligible", "load_caps")
        },
        "reviews_missing": int(sum(s.missing for s in result.shortfalls)),
        "niche_apps": int(instance.niche_apps.size),
        "min_pair_affinity": round(float(pairs.affinity.min()), 6) if len(pairs) else None,
        "min_app_sum_affinity_full_apps": round(float(sums[full].min()), 6) if full.any() else None,
        "mean_pair_affinity": round(float(pairs.affinity.mean()), 6) if len(pairs) else None,
        "load_spread_max_minus_min": int(load.max() - load.min()),
        "load_std": round(float(load.std()), 4),
        "load_utilisation": round(float(load.sum() / instance.caps.sum()), 4),
    }


def lp_optimum(instance: Instance, result: AssignmentResult) -> dict[str, Any]:
    """The same transportation LP solved by HiGHS.

    The solver places as many reviews as possible first; the LP expresses that with a
    bypass variable per application whose penalty exceeds any affinity gain.
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    spec, cand = instance.spec, instance.candidates
    n_apps, n_rev = spec.n_apps, spec.n_reviewers
    keys = cand.keys()
    conflict_keys = instance.conflict_apps * n_rev + instance.conflict_reviewers
    keep = ~np.isin(keys, conflict_keys)
    apps, revs, aff = cand.apps()[keep], cand.reviewers[keep], cand.affinity[keep]
    n_edges = apps.size
    penalty = (SCALE + 1) * (min(n_apps, n_rev) + 2) / SCALE  # above any gain an exchange of reviewers can make
    cost = np.concatenate([-aff, np.full(n_apps, penalty)])
    rows = np.arange(n_edges)
    a_eq = sp.hstack(
        [sp.csr_matrix((np.ones(n_edges), (apps, rows)), shape=(n_apps, n_edges)), sp.identity(n_apps, format="csr")]
    )
    a_ub = sp.hstack([sp.csr_matrix((np.ones(n_edges), (revs, rows)), shape=(n_rev, n_edges)), sp.csr_matrix((n_rev, n_apps))])
    bounds = np.column_stack([np.zeros(n_edges + n_apps), np.concatenate([np.ones(n_edges), np.full(n_apps, spec.k)])])
    started = time.perf_counter()
    lp = linprog(
        cost,
        A_ub=a_ub.tocsr(),
        b_ub=instance.caps.astype(float),
        A_eq=a_eq.tocsr(),
        b_eq=np.full(n_apps, float(spec.k)),
        bounds=bounds,
        method="highs",
    )
    seconds = time.perf_counter() - started
    lp_affinity = float(aff @ lp.x[:n_edges])
    return {
        "lp_status": lp.status,
        "lp_seconds": round(seconds, 2),
        "lp_total_affinity": round(lp_affinity, 6),
        "lp_reviews_placed": round(float(lp.x[:n_edges].sum()), 3),
        "ratio_to_lp": round(result.objective / lp_affinity, 9),
    }


def run_generate(size: str, path: str) -> dict[str, Any]:
    started = time.perf_counter()
    instance = generate(SIZES[size])
    seconds = time.perf_counter() - started
    save(instance, path)
    return {"generate_s": round(seconds, 3), "generate_peak_rss_mb": peak_mb()}


def run_instance(size: str, path: str, with_lp: bool, repeat: int) -> dict[str, Any]:
    """Solve a saved instance: this process's peak RSS is the instance's arrays plus the solver."""
    load_average = os.getloadavg()[0]
    baseline = peak_mb()
    instance = load(path)
    after_load = peak_mb()
    problem = problem_of(instance)
    runs = []
    for _ in range(repeat):
        cpu = time.process_time()
        result = assign_reviewers(problem, mode="optimal")
        runs.append((result.timings.solve, time.process_time() - cpu, result))
    solve_s, assign_cpu_s, result = min(runs, key=lambda run: run[0])
    out: dict[str, Any] = {
        "instance": size,
        "apps": instance.spec.n_apps,
        "reviewers": instance.spec.n_reviewers,
        "k": instance.spec.k,
        "candidates": instance.candidates.nnz,
        "conflicts": int(instance.conflict_apps.size),
        "build_s": round(result.timings.build, 3),
        "solve_s": round(solve_s, 3),
        "solve_s_runs": [round(run[0], 3) for run in runs],
        "extract_s": round(result.timings.extract, 3),
        "total_assign_s": round(result.timings.build + solve_s + result.timings.extract, 3),
        "assign_cpu_s": round(assign_cpu_s, 3),
        "load_average_1m_at_start": round(load_average, 2),
        "peak_rss_mb": peak_mb(),
        "rss_after_imports_mb": baseline,
        "rss_after_loading_instance_mb": after_load,
        **audit(instance, result),
    }
    if with_lp:
        out.update(lp_optimum(instance, result))
    else:
        out["certificate"] = "exact min-cost flow (totally unimodular transportation LP: integral optimum = LP optimum)"
    return out


def worst_per_app(result: AssignmentResult, n_apps: int) -> np.ndarray:
    worst = np.full(n_apps, np.inf)
    np.minimum.at(worst, result.pairs.apps, result.pairs.affinity)
    return worst


def run_fair(size: str) -> dict[str, Any]:
    instance = generate(SIZES[size])
    problem = problem_of(instance)
    n_apps, k = instance.spec.n_apps, instance.spec.k
    optimal = assign_reviewers(problem, mode="optimal")
    fair = assign_reviewers(problem, mode="fair")
    drawn = assign_reviewers(problem, mode="random", seed=2026)
    redrawn = assign_reviewers(problem, mode="random", seed=2026)
    o, f, r = audit(instance, optimal), audit(instance, fair), audit(instance, drawn)
    # Each application's ceiling (its k-th best non-conflicted candidate), recomputed here.
    cand = instance.candidates
    eligible = cand.without(
        np.isin(cand.keys(), instance.conflict_apps * instance.spec.n_reviewers + instance.conflict_reviewers)
    )
    count = np.diff(eligible.indptr)
    ceiling = np.where(count > 0, eligible.affinity[eligible.indptr[:-1] + np.clip(np.minimum(count, k) - 1, 0, None)], 0.0)
    unlimited = (count >= k) & (ceiling >= (fair.threshold or 0.0))

    def worst_stats(result: AssignmentResult) -> dict[str, Any]:
        worst = worst_per_app(result, n_apps)
        assigned = np.isfinite(worst)
        return {
            "weakest_pair": round(float(worst[assigned].min()), 6),
            "weakest_pair_apps_not_limited_by_own_candidates": round(float(worst[unlimited & assigned].min()), 6),
            "p1_app_worst_pair": round(float(np.percentile(worst[assigned], 1)), 6),
            "apps_worst_pair_below_0.3": int((worst[assigned] < 0.3).sum()),
        }

    ow, fw = worst_stats(optimal), worst_stats(fair)
    return {
        "instance": size,
        "weakest_definition": "min over applications of their worst assigned reviewer; each application is asked for at most its own k-th best candidate",
        "optimal": {"objective": o["objective"], "apps_short": o["apps_short"], **ow},
        "fair": {
            **{key: f[key] for key in ("objective", "apps_short", "conflict_violations", "load_violations")},
            **fw,
            "threshold": fair.threshold,
            "apps_limited_by_own_candidates": int((~unlimited).sum()),
            "solve_s_with_threshold_search": round(fair.timings.solve, 3),
            "total_vs_optimal": round(fair.objective / optimal.objective, 6),
        },
        "fair_weakest_ge_optimal": fw["weakest_pair"] >= ow["weakest_pair"]
        and fw["weakest_pair_apps_not_limited_by_own_candidates"] >= ow["weakest_pair_apps_not_limited_by_own_candidates"],
        "fair_total_within_1pct": fair.objective >= 0.99 * optimal.objective,
        "random": {
            **{key: r[key] for key in ("objective", "min_pair_affinity", "apps_short", "conflict_violations", "load_violations")},
            "seed": drawn.seed,
            "reproducible": drawn.pairs.as_tuples() == redrawn.pairs.as_tuples(),
            "solve_s": round(drawn.timings.solve, 3),
        },
        "peak_rss_mb": peak_mb(),
    }


def without_niche(instance: Instance) -> tuple[AssignmentProblem, int]:
    """The instance without its niche applications (renumbered), as the FairFlow comparison in issue 18."""
    from dataclasses import replace

    from shenbao.reviews.algorithms.candidates import Candidates

    n_apps = instance.spec.n_apps
    kept = np.ones(n_apps, dtype=bool)
    kept[instance.niche_apps] = False
    new_id = np.cumsum(kept) - 1
    cand = instance.candidates
    apps = cand.apps()
    on = kept[apps]
    candidates = Candidates.from_pairs(
        n_apps=int(kept.sum()),
        n_reviewers=instance.spec.n_reviewers,
        apps=new_id[apps[on]],
        reviewers=cand.reviewers[on],
        affinity=cand.affinity[on],
    )
    conflicted = kept[instance.conflict_apps]
    problem = replace(
        problem_of(instance),
        candidates=candidates,
        conflicts=(new_id[instance.conflict_apps[conflicted]], instance.conflict_reviewers[conflicted]),
    )
    return problem, int(kept.sum())


def sum_lp_bound(problem: AssignmentProblem, total_floor: float, n_apps: int) -> dict[str, Any]:
    """The LP relaxation of max–min over sums: maximise t with every application's summed affinity
    ≥ t, k reviewers each, the caps, and the total ≥ ``total_floor`` (HiGHS).  An upper bound on
    what any integral assignment reaches."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    cand = problem.candidates
    n_rev, k = problem.n_reviewers, problem.k
    keys = cand.keys()
    conflict_apps, conflict_revs = (np.asarray(x, dtype=np.int64) for x in (problem.conflicts or ((), ())))
    keep = ~np.isin(keys, conflict_apps * n_rev + conflict_revs)
    apps, revs, aff = cand.apps()[keep], cand.reviewers[keep], cand.affinity[keep]
    n_edges = apps.size
    rows = np.arange(n_edges)
    # Variables: x (one per pair), then t.  Minimise −t.
    cost = np.concatenate([np.zeros(n_edges), [-1.0]])
    per_app = sp.csr_matrix((np.ones(n_edges), (apps, rows)), shape=(n_apps, n_edges))
    sums = sp.csr_matrix((aff, (apps, rows)), shape=(n_apps, n_edges))
    a_ub = sp.vstack(
        [
            sp.hstack([sp.csr_matrix((np.ones(n_edges), (revs, rows)), shape=(n_rev, n_edges)), sp.csr_matrix((n_rev, 1))]),
            sp.hstack([-sums, sp.csr_matrix(np.ones((n_apps, 1)))]),  # t − sum_a ≤ 0
            sp.hstack([sp.csr_matrix(-aff.reshape(1, -1)), sp.csr_matrix((1, 1))]),  # −total ≤ −floor
        ]
    ).tocsr()
    b_ub = np.concatenate([problem.cap_vector().astype(float), np.zeros(n_apps), [-total_floor]])
    a_eq = sp.hstack([per_app, sp.csr_matrix((n_apps, 1))]).tocsr()
    started = time.perf_counter()
    lp = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=np.full(n_apps, float(k)),
        bounds=[(0, 1)] * n_edges + [(0, None)],
        method="highs",
    )
    return {
        "lp_status": int(lp.status),
        "lp_min_app_sum_bound": round(-float(lp.fun), 6),
        "lp_seconds": round(time.perf_counter() - started, 2),
    }


def run_fair_measures(size: str, with_lp: bool) -> dict[str, Any]:
    """Both fairness measures for optimal, fair by pair and fair by sum (1 % loss): the weakest single
    pair, the weakest application's summed affinity, and the total as a share of optimal's."""
    base, _, variant = size.partition("-")
    instance = generate(SIZES[base])
    if variant == "no_niche":
        problem, n_apps = without_niche(instance)
        niche = np.zeros(n_apps, dtype=bool)
    else:
        problem, n_apps = problem_of(instance), instance.spec.n_apps
        niche = np.zeros(n_apps, dtype=bool)
        niche[instance.niche_apps] = True
    k = problem.k

    def measures(result: AssignmentResult, optimum: float) -> dict[str, Any]:
        count = np.bincount(result.pairs.apps, minlength=n_apps)
        sums = np.bincount(result.pairs.apps, weights=result.pairs.affinity, minlength=n_apps)
        full = count == k
        return {
            "min_pair": round(float(result.pairs.affinity.min()), 6),
            "min_app_sum": round(float(sums[full].min()), 6),
            "min_app_sum_without_niche": round(float(sums[full & ~niche].min()), 6),
            "total": round(result.objective, 6),
            "total_share_of_optimal": round(result.objective / optimum, 6),
            "apps_short": len(result.shortfalls),
            "solve_s": round(result.timings.solve, 3),
        }

    optimal = assign_reviewers(problem, mode="optimal")
    out: dict[str, Any] = {
        "instance": size,
        "apps": n_apps,
        "k": k,
        "loss_allowed": 0.01,
        "optimal": measures(optimal, optimal.objective),
        "fair_pair": measures(assign_reviewers(problem, mode="fair", fair_max_loss=0.01), optimal.objective),
        "fair_sum": measures(assign_reviewers(problem, mode="fair", fair_measure="sum", fair_max_loss=0.01), optimal.objective),
    }
    if with_lp and base == "S":
        out["sum_lp_bound_at_1pct_loss"] = sum_lp_bound(problem, 0.99 * optimal.objective, n_apps)
    out["peak_rss_mb"] = peak_mb()
    return out


def run_group(size: str) -> dict[str, Any]:
    """Group mode: applications in panels of 5 (same topic where possible) share their reviewers."""
    from dataclasses import replace

    instance = generate(SIZES[size])
    n_apps = instance.spec.n_apps
    by_topic = np.argsort(instance.app_topic, kind="stable")
    groups = np.empty(n_apps, dtype=np.int64)
    groups[by_topic] = np.arange(n_apps) // 5
    # A group's reviewer reviews every member, so conflicts must cover every member, not only
    # the candidate pairs the generator lists: expand each group's candidates to its members.
    n_rev = instance.spec.n_reviewers
    cand = instance.candidates
    group_keys = np.unique(groups[cand.apps()] * n_rev + cand.reviewers)
    members = np.argsort(groups, kind="stable").reshape(-1, 5)
    g_of, r_of = group_keys // n_rev, group_keys % n_rev
    member_apps = members[g_of].ravel()
    member_revs = np.repeat(r_of, 5)
    clash = instance.app_institution[member_apps] == instance.reviewer_institution[member_revs]
    problem = replace(problem_of(instance), groups=groups, conflicts=(member_apps[clash], member_revs[clash]))
    result = assign_reviewers(problem, mode="optimal")
    order = np.lexsort((result.pairs.reviewers, result.pairs.apps))
    apps, reviewers = result.pairs.apps[order], result.pairs.reviewers[order]
    starts = np.searchsorted(apps, np.arange(n_apps + 1))
    member_sets = [tuple(reviewers[starts[a] : starts[a + 1]].tolist()) for a in range(n_apps)]
    differing = sum(1 for g in range(int(groups.max()) + 1) if len({member_sets[a] for a in np.flatnonzero(groups == g)}) > 1)
    audited = audit(instance, result)
    return {
        "instance": size,
        "groups": int(groups.max()) + 1,
        "group_size": 5,
        "exact": result.exact,
        "build_s": round(result.timings.build, 3),
        "solve_s": round(result.timings.solve, 3),
        "extract_s": round(result.timings.extract, 3),
        "groups_with_differing_sets": differing,
        "group_conflicts_given": int(clash.sum()),
        **{key: audited[key] for key in ("pairs", "objective", "conflict_violations", "load_violations", "apps_short")},
        "peak_rss_mb": peak_mb(),
    }


def run_affinity(size: str) -> dict[str, Any]:
    from shenbao.reviews.algorithms.affinity import text_matrices, top_k_candidates

    spec = SIZES[size]
    started = time.perf_counter()
    apps, reviewers, app_topic, reviewer_topic = synthetic_texts(spec.n_apps, spec.n_reviewers, spec.topics)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    app_matrix, reviewer_matrix = text_matrices(apps, reviewers)
    vectorised = time.perf_counter() - started
    started = time.perf_counter()
    candidates = top_k_candidates(app_matrix, reviewer_matrix, k=50)
    topk = time.perf_counter() - started
    best = candidates.reviewers[candidates.indptr[:-1][np.diff(candidates.indptr) > 0]]
    has = np.diff(candidates.indptr) > 0
    return {
        "instance": size,
        "app_texts": len(apps),
        "reviewer_texts": len(reviewers),
        "mean_app_chars": round(float(np.mean([len(t) for t in apps])), 1),
        "vocabulary": int(app_matrix.shape[1]),
        "generate_texts_s": round(generated, 2),
        "vectorise_s": round(vectorised, 2),
        "top_k_s": round(topk, 2),
        "affinity_total_s": round(vectorised + topk, 2),
        "candidates": candidates.nnz,
        "top1_same_topic_share": round(float((reviewer_topic[best] == app_topic[has]).mean()), 4),
        "peak_rss_mb": peak_mb(),
    }


def run_bids(size: str, weights: tuple[float, ...] = (0.5, 1.0)) -> dict[str, Any]:
    """Synthetic bids on the instance: assignment without bids against bids at each weight.

    Measured from the instance's own bids, independently of the solver: the share of assigned
    pairs whose reviewer bid eager or willing, how many "not willing" pairs were assigned, and
    the fewest "not willing" pairs any assignment placing as many reviews must use (a min-cost
    flow costing 1 per "not willing" arc and 0 otherwise, on the same eligible pairs): when the
    two are equal, no "not willing" pair was assigned where an alternative existed.
    """
    from dataclasses import replace

    from shenbao.reviews.algorithms.bids import CODES, BidKind, Bids, apply_bids, codes_for, unadjust
    from shenbao.reviews.algorithms.eligibility import eligible_pairs
    from shenbao.reviews.algorithms.flow import Network, max_placeable, solve_min_cost

    instance = generate(SIZES[size])
    synthetic = synthetic_bids(instance)
    bids = Bids(apps=synthetic.apps, reviewers=synthetic.reviewers, codes=synthetic.codes)
    n_rev, k = instance.spec.n_reviewers, instance.spec.k
    plain = problem_of(instance)

    def stats(result: AssignmentResult, weight: float) -> dict[str, Any]:
        keys = result.pairs.apps.astype(np.int64) * n_rev + result.pairs.reviewers
        codes = codes_for(keys, bids, n_rev)
        n = max(len(result.pairs), 1)
        text_affinity = unadjust(result.pairs.affinity, codes, weight)
        return {
            "pairs": len(result.pairs),
            "eager_share": round(float((codes == CODES[BidKind.EAGER]).sum() / n), 4),
            "eager_or_willing_share": round(float(np.isin(codes, [CODES[BidKind.EAGER], CODES[BidKind.WILLING]]).sum() / n), 4),
            "not_willing_pairs": int((codes == CODES[BidKind.NOT_WILLING]).sum()),
            "conflict_bid_pairs": int((codes == CODES[BidKind.CONFLICT]).sum()),
            "institution_conflict_violations": int(
                (instance.app_institution[result.pairs.apps] == instance.reviewer_institution[result.pairs.reviewers]).sum()
            ),
            "load_violations": int((np.bincount(result.pairs.reviewers, minlength=n_rev) > instance.caps).sum()),
            "mean_text_affinity": round(float(text_affinity.mean()), 6) if len(result.pairs) else None,
            "apps_short": len(result.shortfalls),
            "solve_s": round(result.timings.solve, 3),
        }

    baseline = assign_reviewers(plain, mode="optimal")
    out: dict[str, Any] = {
        "instance": size,
        "bids": int(bids.codes.size),
        "bids_by_kind": {kind.value: int((bids.codes == CODES[kind]).sum()) for kind in BidKind},
        "without_bids": stats(baseline, 0.0),
        "with_bids": {},
    }
    for weight in weights:
        adjusted = apply_bids(instance.candidates, bids, weight=weight, bid_affinity=synthetic.affinity)
        # The generator lists institution conflicts among candidate pairs only; bids add pairs.
        clash = instance.app_institution[bids.apps] == instance.reviewer_institution[bids.reviewers]
        conflicts = (
            np.concatenate([instance.conflict_apps, adjusted.conflicts[0], bids.apps[clash]]),
            np.concatenate([instance.conflict_reviewers, adjusted.conflicts[1], bids.reviewers[clash]]),
        )
        problem = replace(plain, candidates=adjusted.candidates, conflicts=conflicts, avoid=adjusted.avoid)
        result = assign_reviewers(problem, mode="optimal")
        eligible = eligible_pairs(problem)
        net = Network(
            need=np.full(instance.spec.n_apps, k, dtype=np.int64),
            rev_cap=eligible.caps,
            edge_left=eligible.apps,
            edge_rev=eligible.pairs.reviewers,
            edge_cap=np.ones(eligible.keys.shape[0], dtype=np.int64),
            edge_cost=eligible.is_avoided.astype(np.int64),
        )
        fewest = solve_min_cost(net)
        fewest_needed = int((fewest.edge_flow * eligible.is_avoided).sum())
        row = stats(result, weight)
        row["fewest_not_willing_needed"] = fewest_needed
        row["max_placeable"] = max_placeable(net)
        row["no_not_willing_where_alternative"] = (
            row["not_willing_pairs"] == fewest_needed and row["pairs"] == row["max_placeable"]
        )
        out["with_bids"][f"weight_{weight:g}"] = row
    out["eager_or_willing_share_rises"] = all(
        r["eager_or_willing_share"] > out["without_bids"]["eager_or_willing_share"] for r in out["with_bids"].values()
    )
    out["no_not_willing_where_alternative"] = all(r["no_not_willing_where_alternative"] for r in out["with_bids"].values())
    out["peak_rss_mb"] = peak_mb()
    return out


def child(task: str, size: str, with_lp: bool, path: str, repeat: int) -> None:
    if task == "generate":
        out = run_generate(size, path)
    elif task == "instance":
        out = run_instance(size, path, with_lp, repeat)
    elif task == "fair":
        out = run_fair(size)
    elif task == "group":
        out = run_group(size)
    elif task == "bids":
        out = run_bids(size)
    elif task == "fair_measures":
        out = run_fair_measures(size, with_lp)
    else:
        out = run_affinity(size)
    print(json.dumps(out))


def spawn(task: str, size: str, with_lp: bool = False, path: str = "", repeat: int = 1) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", task, "--size", size, "--path", path, "--repeat", str(repeat)]
    if with_lp:
        cmd.append("--lp")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"task": task, "instance": size, "error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--no-lp", action="store_true", help="skip the HiGHS LP check on S and M")
    parser.add_argument("--no-fair", action="store_true")
    parser.add_argument("--no-affinity", action="store_true")
    parser.add_argument("--no-bids", action="store_true")
    parser.add_argument("--only-bids", action="store_true", help="only the bids measurement on M")
    parser.add_argument("--sum-lp", action="store_true", help="the LP bound of the summed-affinity measure on S (HiGHS, minutes)")
    parser.add_argument("--repeat", type=int, default=3, help="solves per instance, fastest reported (XL: 1)")
    parser.add_argument(
        "--child",
        choices=["generate", "instance", "fair", "group", "affinity", "bids", "fair_measures"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    parser.add_argument("--lp", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.size, args.lp, args.path, args.repeat)
        return
    if args.only_bids:
        print(json.dumps({"bids_M": spawn("bids", "M")}, indent=2))
        return
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    # XL last: it is the one most likely to hit the machine's limits.
    sizes.sort(key=list(SIZES).index)
    results: dict[str, Any] = {"python": sys.version.split()[0], "instances": [], "goals": {}}
    for size in sizes:
        if size == "XL" and "M" in sizes:
            _extras(results, args)
        with tempfile.TemporaryDirectory(prefix="shenbao-assign-") as tmp:
            path = str(Path(tmp) / f"{size}.npz")
            generated = spawn("generate", size, path=path)
            solved = spawn(
                "instance",
                size,
                with_lp=size in ("S", "M") and not args.no_lp,
                path=path,
                repeat=1 if size == "XL" else args.repeat,
            )
        results["instances"].append({**solved, **generated})
        print(json.dumps(results["instances"][-1]), file=sys.stderr)
    if "M" in sizes and "XL" not in sizes:
        _extras(results, args)
    if not args.no_fair:
        # Both fairness measures (issue 18): S without niche applications (the FairFlow comparison), S and M.
        results["fair_measures"] = [
            spawn("fair_measures", size, with_lp=args.sum_lp) for size in ("S-no_niche", "S", "M") if size.split("-")[0] in sizes
        ]
        print(json.dumps(results["fair_measures"]), file=sys.stderr)
    results["goals"] = goals(results)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "assignment.json").write_text(text + "\n", encoding="utf-8")
    print(text)


def _extras(results: dict[str, Any], args: argparse.Namespace) -> None:
    if not args.no_fair:
        results["fair_M"] = spawn("fair", "M")
        print(json.dumps(results["fair_M"]), file=sys.stderr)
    results["group_M"] = spawn("group", "M")
    print(json.dumps(results["group_M"]), file=sys.stderr)
    if not args.no_bids:
        results["bids_M"] = spawn("bids", "M")
        print(json.dumps(results["bids_M"]), file=sys.stderr)
    if not args.no_affinity:
        results["affinity_M"] = spawn("affinity", "M")
        print(json.dumps(results["affinity_M"]), file=sys.stderr)


def goals(results: dict[str, Any]) -> dict[str, Any]:
    by_size = {r.get("instance"): r for r in results["instances"] if "error" not in r}
    out: dict[str, Any] = {}
    for size, seconds, megabytes in (("L", 5.0, 512.0), ("XL", 30.0, 2048.0)):
        if size in by_size:
            r = by_size[size]
            out[f"{size}_solve_le_{seconds:g}s"] = r["solve_s"] <= seconds
            out[f"{size}_peak_le_{megabytes:g}MB"] = r["peak_rss_mb"] <= megabytes
    for size in ("S", "M"):
        if size in by_size and "ratio_to_lp" in by_size[size]:
            out[f"{size}_ratio_ge_0.999999"] = by_size[size]["ratio_to_lp"] >= 0.999999
    out["zero_violations"] = all(
        r["conflict_violations"]
        == r["load_violations"]
        == r["over_k_violations"]
        == r["duplicate_pairs"]
        == r["non_candidate_pairs"]
        == 0
        for r in by_size.values()
    )
    if "group_M" in results and "conflict_violations" in results["group_M"]:
        g = results["group_M"]
        out["group_M_same_sets_and_zero_violations"] = (
            g["groups_with_differing_sets"] == g["conflict_violations"] == g["load_violations"] == 0
        )
    if "bids_M" in results and "no_not_willing_where_alternative" in results["bids_M"]:
        out["bids_M_eager_or_willing_share_rises"] = results["bids_M"]["eager_or_willing_share_rises"]
        out["bids_M_no_not_willing_where_alternative"] = results["bids_M"]["no_not_willing_where_alternative"]
    if "affinity_M" in results and "affinity_total_s" in results["affinity_M"]:
        out["affinity_M_le_60s"] = results["affinity_M"]["affinity_total_s"] <= 60
    for r in results.get("fair_measures", []):
        if "fair_sum" in r:
            out[f"fair_sum_{r['instance']}_weakest_sum_ge_optimal"] = r["fair_sum"]["min_app_sum"] >= r["optimal"]["min_app_sum"]
            out[f"fair_sum_{r['instance']}_total_within_1pct"] = r["fair_sum"]["total_share_of_optimal"] >= 0.99
    if "fair_M" in results and "fair_weakest_ge_optimal" in results["fair_M"]:
        out["fair_M_weakest_ge_optimal"] = results["fair_M"]["fair_weakest_ge_optimal"]
        out["fair_M_total_within_1pct"] = results["fair_M"]["fair_total_within_1pct"]
    return out


if __name__ == "__main__":
    main()
