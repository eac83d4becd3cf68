"""Seeded synthetic instances for the assignment benchmark (clearly synthetic: no real people).

Applications and reviewers are drawn from T topics (application topics skewed, so popular
topics overload their reviewers and the caps bind); each application's top-K candidates are
mostly reviewers of its own topic with higher affinity, plus some from anywhere with lower
affinity.  Every application and reviewer belongs to an institution: same institution =
conflict.  Caps are heterogeneous (a few busy reviewers take 1), and a few "niche"
applications keep only 1–4 candidates, so some cannot get k reviewers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from shenbao.reviews.algorithms.candidates import Candidates


@dataclass(frozen=True)
class Spec:
    n_apps: int
    n_reviewers: int
    k: int
    topics: int
    top_k: int = 50


SIZES: dict[str, Spec] = {
    "S": Spec(2_000, 600, 3, 20),
    "M": Spec(10_000, 3_000, 3, 50),
    "L": Spec(20_000, 20_000, 4, 100),
    "XL": Spec(100_000, 20_000, 5, 200),
}


@dataclass(frozen=True)
class Instance:
    spec: Spec
    candidates: Candidates
    caps: np.ndarray
    app_institution: np.ndarray
    reviewer_institution: np.ndarray
    conflict_apps: np.ndarray
    conflict_reviewers: np.ndarray
    niche_apps: np.ndarray
    app_topic: np.ndarray
    reviewer_topic: np.ndarray


def topic_assignment(spec: Spec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    popularity = rng.dirichlet(np.full(spec.topics, 2.0))
    app_topic = rng.choice(spec.topics, size=spec.n_apps, p=popularity)
    reviewer_topic = rng.integers(0, spec.topics, size=spec.n_reviewers)
    return app_topic, reviewer_topic


def generate(spec: Spec, seed: int = 20261123) -> Instance:
    rng = np.random.default_rng(seed)
    n_apps, n_rev, kk = spec.n_apps, spec.n_reviewers, spec.top_k
    app_topic, reviewer_topic = topic_assignment(spec, rng)
    by_topic = np.argsort(reviewer_topic, kind="stable")
    topic_start = np.searchsorted(reviewer_topic[by_topic], np.arange(spec.topics + 1))
    topic_size = np.diff(topic_start)

    # Draw K candidates per application, in chunks so the (A, K) temporaries stay small.
    apps_out, revs_out, aff_out = [], [], []
    chunk = 20_000
    for lo in range(0, n_apps, chunk):
        hi = min(n_apps, lo + chunk)
        topics = app_topic[lo:hi, None]
        same = rng.random((hi - lo, kk)) < 0.7
        sizes = topic_size[topics]
        local = topic_start[topics] + np.floor(rng.random((hi - lo, kk)) * sizes).astype(np.int64)
        anywhere = rng.integers(0, n_rev, size=(hi - lo, kk))
        reviewers = np.where(same & (sizes > 0), by_topic[np.minimum(local, n_rev - 1)], anywhere)
        in_topic = reviewer_topic[reviewers] == topics
        affinity = np.where(in_topic, rng.beta(5.0, 2.0, size=reviewers.shape), rng.beta(1.5, 6.0, size=reviewers.shape))
        apps_out.append(np.repeat(np.arange(lo, hi), kk))
        revs_out.append(reviewers.ravel())
        aff_out.append(affinity.ravel())
    apps = np.concatenate(apps_out)
    revs = np.concatenate(revs_out)
    aff = np.concatenate(aff_out)

    # Niche applications: 0.3 % keep only their first 1–4 candidates.
    niche = rng.choice(n_apps, size=max(1, n_apps * 3 // 1000), replace=False)
    keep_n = np.full(n_apps, kk)
    keep_n[niche] = rng.integers(1, 5, size=niche.size)
    position = np.tile(np.arange(kk), n_apps)
    keep = position < keep_n[apps]
    candidates = Candidates.from_pairs(
        n_apps=n_apps, n_reviewers=n_rev, apps=apps[keep], reviewers=revs[keep], affinity=aff[keep]
    )
    del apps, revs, aff, keep, position

    # Heterogeneous caps: mean about 1.3 × the average need, 5 % busy reviewers take 1.
    mean_need = n_apps * spec.k / n_rev
    caps = rng.integers(max(1, int(np.ceil(0.6 * mean_need))), int(np.ceil(2.0 * mean_need)) + 1, size=n_rev)
    caps[rng.random(n_rev) < 0.05] = 1

    n_institutions = max(50, n_rev // 8)
    app_institution = rng.integers(0, n_institutions, size=n_apps)
    reviewer_institution = rng.integers(0, n_institutions, size=n_rev)
    c_apps = candidates.apps()
    same_institution = app_institution[c_apps] == reviewer_institution[candidates.reviewers]
    return Instance(
        spec=spec,
        candidates=candidates,
        caps=caps.astype(np.int64),
        app_institution=app_institution,
        reviewer_institution=reviewer_institution,
        conflict_apps=c_apps[same_institution].astype(np.int64),
        conflict_reviewers=candidates.reviewers[same_institution].astype(np.int64),
        niche_apps=np.sort(niche),
        app_topic=app_topic,
        reviewer_topic=reviewer_topic,
    )


# ---- synthetic Chinese texts for the affinity benchmark ----------------------------------

_PUNCTUATION = "，。、；："


def _vocabulary(rng: np.random.Generator, size: int, chars: np.ndarray) -> list[str]:
    lengths = rng.integers(2, 5, size=size)
    return ["".join(rng.choice(chars, size=n)) for n in lengths]


def synthetic_texts(
    n_apps: int, n_reviewers: int, topics: int, seed: int = 7
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Chinese-looking application texts (~300 chars) and reviewer profiles from topic vocabularies."""
    rng = np.random.default_rng(seed)
    chars = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])
    common = _vocabulary(rng, 300, chars)
    vocab = [_vocabulary(rng, 60, chars) for _ in range(topics)]
    spec = Spec(n_apps, n_reviewers, 3, topics)
    app_topic, reviewer_topic = topic_assignment(spec, rng)

    def text(topic: int, n_words: int, own_share: float) -> str:
        own = rng.random(n_words) < own_share
        words = [
            vocab[topic][i] if o else common[j]
            for o, i, j in zip(own, rng.integers(0, 60, n_words), rng.integers(0, 300, n_words), strict=True)
        ]
        marks = rng.choice(list(_PUNCTUATION), size=n_words)
        return "".join(w + (m if r < 0.15 else "") for w, m, r in zip(words, marks, rng.random(n_words), strict=True))

    apps = [text(int(t), 100, 0.5) for t in app_topic]
    reviewers = [text(int(t), 30, 0.8) for t in reviewer_topic]
    return apps, reviewers, app_topic, reviewer_topic


def save(instance: Instance, path: str) -> None:
    """Write an instance as .npz, so the solver can be measured in a process that never generated it."""
    c = instance.candidates
    np.savez(
        path,
        spec=np.array(
            [instance.spec.n_apps, instance.spec.n_reviewers, instance.spec.k, instance.spec.topics, instance.spec.top_k]
        ),
        indptr=c.indptr,
        reviewers=c.reviewers,
        affinity=c.affinity,
        caps=instance.caps,
        app_institution=instance.app_institution,
        reviewer_institution=instance.reviewer_institution,
        conflict_apps=instance.conflict_apps,
        conflict_reviewers=instance.conflict_reviewers,
        niche_apps=instance.niche_apps,
        app_topic=instance.app_topic,
        reviewer_topic=instance.reviewer_topic,
    )


def load(path: str) -> Instance:
    data = np.load(path)
    n_apps, n_rev, k, topics, top_k = (int(v) for v in data["spec"])
    return Instance(
        spec=Spec(n_apps, n_rev, k, topics, top_k),
        candidates=Candidates(
            n_apps=n_apps, n_reviewers=n_rev, indptr=data["indptr"], reviewers=data["reviewers"], affinity=data["affinity"]
        ),
        caps=data["caps"],
        app_institution=data["app_institution"],
        reviewer_institution=data["reviewer_institution"],
        conflict_apps=data["conflict_apps"],
        conflict_reviewers=data["conflict_reviewers"],
        niche_apps=data["niche_apps"],
        app_topic=data["app_topic"],
        reviewer_topic=data["reviewer_topic"],
    )


@dataclass(frozen=True)
class SyntheticBids:
    """Bids (codes as in ``algorithms.bids.CODES``) with the text affinity of each bid pair."""

    apps: np.ndarray
    reviewers: np.ndarray
    codes: np.ndarray
    affinity: np.ndarray


def synthetic_bids(instance: Instance, seed: int = 20261203, share: float = 0.25, extra_eager: int = 3) -> SyntheticBids:
    """A quarter of the candidate pairs get a bid, drawn independently of their affinity (eager
    20 %, willing 35 %, not willing 40 %, conflict 5 %); every reviewer also bids eager on
    ``extra_eager`` applications of its own topic outside its candidates (affinity 0.05–0.3)."""
    rng = np.random.default_rng(seed)
    cand = instance.candidates
    chosen = np.flatnonzero(rng.random(cand.nnz) < share)
    apps = cand.apps()[chosen].astype(np.int64)
    reviewers = cand.reviewers[chosen].astype(np.int64)
    affinity = cand.affinity[chosen]
    codes = rng.choice(np.array([1, 2, 3, 4]), size=chosen.size, p=[0.20, 0.35, 0.40, 0.05])
    by_topic = {int(t): np.flatnonzero(instance.app_topic == t) for t in np.unique(instance.app_topic)}
    extra_apps, extra_revs = [], []
    for r in range(instance.spec.n_reviewers):
        pool = by_topic.get(int(instance.reviewer_topic[r]))
        if pool is None or pool.size == 0:
            continue
        extra_apps.append(rng.choice(pool, size=min(extra_eager, pool.size), replace=False))
        extra_revs.append(np.full(extra_apps[-1].size, r))
    e_apps = np.concatenate(extra_apps).astype(np.int64)
    e_revs = np.concatenate(extra_revs).astype(np.int64)
    keys = apps * instance.spec.n_reviewers + reviewers
    fresh = ~np.isin(e_apps * instance.spec.n_reviewers + e_revs, np.concatenate([keys, cand.keys()]))
    e_apps, e_revs = e_apps[fresh], e_revs[fresh]
    return SyntheticBids(
        apps=np.concatenate([apps, e_apps]),
        reviewers=np.concatenate([reviewers, e_revs]),
        codes=np.concatenate([codes, np.ones(e_apps.size, dtype=np.int64)]),
        affinity=np.concatenate([affinity, rng.uniform(0.05, 0.3, size=e_apps.size)]),
    )
