"""Affinity between applications and reviewers from their texts, Chinese first.

Why character n-grams and not a word segmenter: Chinese has no spaces, and a segmenter
(jieba) needs a dictionary that splits domain terms inconsistently (锂电池 / 锂 电池) and
adds a dependency.  Character 1–2-grams catch the two-character words that carry most of
the meaning in technical Chinese (电池, 储能, 育种), still work for English and mixed text,
and TF-IDF with sublinear tf keeps a long profile from drowning a short one.  Vectors are
L2-normalised and non-negative, so a dot product is a cosine in [0, 1].

Scoring every pair at 10k × 3k is fine, at 100k × 20k it is not: the product is taken in
blocks of applications, and only each application's top-K reviewers are kept, so memory is
bounded by one block × reviewers, never applications × reviewers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache, partial
from typing import Any, Literal

import numpy as np
import opencc
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from shenbao.reviews.algorithms.candidates import Candidates

Analyzer = Literal["char", "char_wb"]

# A dense block of at most this many float32 scores (~16 MB) is materialised at a time.
_BLOCK_CELLS = 4_000_000
# Below this many texts document frequencies say nothing about stop-characters.
_MIN_TEXTS_FOR_MAX_DF = 20


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    return opencc.OpenCC("t2s")


def normalise_text(text: str) -> str:
    """One comparable form: simplified characters, half-width forms (NFKC), case-folded.

    Applicants write in traditional characters too (seed 002) and paste full-width Latin
    letters; without this 鋰電池 and 锂电池, or ＡＩ and ai, would never meet.
    """
    return unicodedata.normalize("NFKC", _to_simplified().convert(text)).casefold()


_NON_WORD = re.compile(r"[\W_]+")


def char_ngrams(text: str, *, ngram_range: tuple[int, int] = (1, 2), word_bounded: bool = True) -> list[str]:
    """Character n-grams of the normalised text, punctuation and spaces removed.

    Like scikit-learn's ``char_wb`` (or ``char``), except that an n-gram made only of
    padding is dropped: scikit-learn's would give every pair of texts a shared " " unigram,
    so 锂电池 would look slightly like 水稻.
    """
    min_n, max_n = ngram_range
    words = _NON_WORD.sub(" ", normalise_text(text)).split()
    pieces = [f" {word} " for word in words] if word_bounded else [" ".join(words)]
    grams: list[str] = []
    for piece in pieces:
        length = len(piece)
        for n in range(min_n, max_n + 1):
            grams.extend(g for g in (piece[i : i + n] for i in range(length - n + 1)) if not g.isspace())
    return grams


def build_vectoriser(
    *,
    analyzer: Analyzer = "char_wb",
    ngram_range: tuple[int, int] = (1, 2),
    max_df: float = 0.5,
) -> TfidfVectorizer:
    """The TF-IDF vectoriser every affinity in the product uses.

    ``max_df`` drops n-grams present in more than half of the texts (的, 研究, "the"): they
    make every pair look alike and make the score matrix dense.
    """
    return TfidfVectorizer(
        analyzer=partial(char_ngrams, ngram_range=ngram_range, word_bounded=analyzer == "char_wb"),
        sublinear_tf=True,
        norm="l2",
        max_df=max_df,
        dtype=np.float32,
    )


def text_matrices(
    app_texts: Sequence[str],
    reviewer_texts: Sequence[str],
    *,
    vectoriser: TfidfVectorizer | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """L2-normalised TF-IDF rows for applications and reviewers, fitted on both together.

    Fitting on both sides gives one vocabulary and one IDF: an n-gram common among
    reviewers but rare among applications still counts as informative.
    """
    vec = clone(vectoriser) if vectoriser is not None else build_vectoriser()
    n_texts = len(app_texts) + len(reviewer_texts)
    if n_texts < _MIN_TEXTS_FOR_MAX_DF:
        # In a handful of texts a shared n-gram is the signal, not noise: 电池 in one
        # application and one of two reviewers is in 2/3 of the texts.
        vec.set_params(max_df=1.0)
    try:
        matrix = vec.fit_transform([*app_texts, *reviewer_texts])
    except ValueError:
        # Every n-gram was pruned (empty or identical texts): nothing is similar to anything.
        matrix = sp.csr_matrix((n_texts, 1), dtype=np.float32)
    matrix = sp.csr_matrix(matrix)
    return matrix[: len(app_texts)], matrix[len(app_texts) :]


def top_k_candidates(
    app_matrix: sp.csr_matrix,
    reviewer_matrix: sp.csr_matrix,
    *,
    k: int,
    min_affinity: float = 0.0,
    block_cells: int = _BLOCK_CELLS,
    sample_seed: int | None = None,
) -> Candidates:
    """For each application, its ``k`` best reviewers by cosine (only pairs above ``min_affinity``).

    Applications are processed in blocks sized so one dense block of scores stays under
    ``block_cells`` cells; the top-K of a row is found with argpartition (linear time), then
    only those K are sorted.

    With ``sample_seed`` the ``k`` reviewers of each application are drawn uniformly at random
    instead (the seeded random draw: every reviewer equally likely whatever the pool size), with
    their affinities; the same seed draws the same sample.
    """
    n_apps, n_reviewers = app_matrix.shape[0], reviewer_matrix.shape[0]
    if k <= 0 or n_apps == 0 or n_reviewers == 0:
        return Candidates.from_pairs(n_apps=n_apps, n_reviewers=n_reviewers, apps=[], reviewers=[], affinity=[])
    k = min(k, n_reviewers)
    reviewers_t = sp.csc_matrix(reviewer_matrix.T)
    block = max(1, block_cells // n_reviewers)
    rng = np.random.default_rng(sample_seed) if sample_seed is not None else None
    out_apps: list[np.ndarray] = []
    out_revs: list[np.ndarray] = []
    out_aff: list[np.ndarray] = []
    for lo in range(0, n_apps, block):
        hi = min(n_apps, lo + block)
        scores = np.asarray((app_matrix[lo:hi] @ reviewers_t).toarray(), dtype=np.float32)
        if k < n_reviewers:
            keys = rng.random(scores.shape, dtype=np.float32) if rng is not None else -scores
            top = np.argpartition(keys, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(n_reviewers), (hi - lo, n_reviewers))
        top_scores = np.take_along_axis(scores, top, axis=1)
        keep = top_scores > min_affinity
        rows = np.broadcast_to(np.arange(lo, hi)[:, None], top.shape)
        out_apps.append(rows[keep])
        out_revs.append(top[keep])
        out_aff.append(top_scores[keep])
    return Candidates.from_pairs(
        n_apps=n_apps,
        n_reviewers=n_reviewers,
        apps=np.concatenate(out_apps),
        reviewers=np.concatenate(out_revs),
        # float32 sums of unit vectors can overshoot 1 by an ulp; from_pairs clips.
        affinity=np.concatenate(out_aff).astype(np.float64),
    )


def affinity_candidates(
    app_texts: Sequence[str],
    reviewer_texts: Sequence[str],
    *,
    k: int = 50,
    min_affinity: float = 0.0,
    vectoriser: TfidfVectorizer | None = None,
    sample_seed: int | None = None,
) -> Candidates:
    """Texts in, sparse top-K candidates out: the one call the Django layer needs
    (``sample_seed``: a seeded uniform sample of ``k`` reviewers per application instead)."""
    apps, reviewers = text_matrices(app_texts, reviewer_texts, vectoriser=vectoriser)
    return top_k_candidates(apps, reviewers, k=k, min_affinity=min_affinity, sample_seed=sample_seed)


@lru_cache(maxsize=65536)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Latin keywords match whole words only ("AI" must not match "maintain"); Chinese has no
    # word boundaries, so a Chinese keyword matches anywhere.
    body = re.escape(keyword)
    left = r"(?<![0-9a-z])" if keyword[:1].isascii() and keyword[:1].isalnum() else ""
    right = r"(?![0-9a-z])" if keyword[-1:].isascii() and keyword[-1:].isalnum() else ""
    return re.compile(left + body + right)


def matched_keywords(keywords: Iterable[str], text: str) -> list[str]:
    """The reviewer's declared keywords that occur in ``text``, in the reviewer's own spelling.

    Matching ignores case, full-/half-width forms and traditional vs simplified characters.
    Used to explain an assignment ("matched: 储能, 电池材料"), not to score it.
    """
    return _matches(keywords, normalise_text(text))


@lru_cache(maxsize=65536)
def _needle(keyword: str) -> str:
    """A keyword in the comparable form (experts' keywords repeat across thousands of pairs)."""
    return normalise_text(keyword).strip()


def _matches(keywords: Iterable[str], haystack: str) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    for keyword in keywords:
        needle = _needle(keyword)
        if not needle or needle in seen:
            continue
        seen.add(needle)
        if _keyword_pattern(needle).search(haystack):
            found.append(keyword.strip())
    return found


def matched_keywords_for_pairs(
    apps: Iterable[int],
    reviewers: Iterable[int],
    *,
    app_texts: Sequence[str],
    reviewer_keywords: Sequence[Sequence[str]],
) -> list[list[str]]:
    """``matched_keywords`` for each assigned pair, e.g. for ``AssignmentResult.pairs``.

    Texts are normalised once per application, not once per pair: an application has k
    reviewers, and keyword lists are short.
    """
    normalised: dict[int, str] = {}
    out: list[list[str]] = []
    for app, reviewer in zip(apps, reviewers, strict=True):
        a = int(app)
        if a not in normalised:
            normalised[a] = normalise_text(app_texts[a])
        out.append(_matches(reviewer_keywords[int(reviewer)], normalised[a]))
    return out
