"""Text affinity and keyword explanations (pure, no database)."""

from __future__ import annotations

import numpy as np
import pytest

from shenbao.reviews.algorithms.affinity import (
    affinity_candidates,
    char_ngrams,
    matched_keywords,
    matched_keywords_for_pairs,
    text_matrices,
    top_k_candidates,
)


def test_affinity_chinese_battery_application_prefers_battery_reviewer():
    candidates = affinity_candidates(["锂电池 储能"], ["电池材料 储能系统", "水稻 育种"], k=2)
    reviewers, affinity = candidates.row(0)
    assert reviewers.tolist() == [0]  # 水稻 育种 shares no n-gram: it is not a candidate at all
    assert 0.2 < affinity[0] <= 1.0


def test_affinity_unrelated_reviewer_scores_below_related_one_when_both_kept():
    candidates = affinity_candidates(
        ["锂电池储能系统的安全研究"], ["电池材料 储能系统", "水稻 育种 研究"], k=2, min_affinity=-1.0
    )
    scores = dict(zip(*candidates.row(0), strict=True))
    assert scores[0] > scores[1]


def test_affinity_traditional_characters_match_simplified():
    candidates = affinity_candidates(["鋰電池儲能"], ["锂电池储能", "水稻育种"], k=2)
    reviewers, affinity = candidates.row(0)
    assert reviewers.tolist() == [0]
    assert affinity[0] == pytest.approx(1.0)


def test_affinity_english_and_mixed_texts():
    candidates = affinity_candidates(
        ["Deep learning for 锂电池 battery health", "Rice breeding 水稻"],
        ["battery management, 储能", "rice genetics and breeding"],
        k=2,
    )
    assert candidates.row(0)[0][0] == 0
    assert candidates.row(1)[0][0] == 1


def test_char_ngrams_drop_padding_only_grams_and_punctuation():
    assert char_ngrams("锂电，AI") == ["锂", "电", " 锂", "锂电", "电 ", "a", "i", " a", "ai", "i "]


def test_top_k_candidates_blockwise_equals_dense_top_k():
    rng = np.random.default_rng(7)
    vocab = ["电池", "储能", "材料", "水稻", "育种", "芯片", "光刻", "算法", "模型", "机器人"]
    apps = ["".join(rng.choice(vocab, size=6)) for _ in range(40)]
    reviewers = ["".join(rng.choice(vocab, size=4)) for _ in range(25)]
    app_matrix, reviewer_matrix = text_matrices(apps, reviewers)
    dense = (app_matrix @ reviewer_matrix.T).toarray()
    # block_cells=30 forces one application per block.
    candidates = top_k_candidates(app_matrix, reviewer_matrix, k=5, block_cells=30)
    assert candidates.nnz <= 40 * 5
    for a in range(40):
        got_reviewers, got = candidates.row(a)
        expected = np.sort(dense[a])[::-1][: len(got)]
        np.testing.assert_allclose(got, expected, rtol=1e-5)
        assert (np.diff(got) <= 0).all()
        assert ((got >= 0) & (got <= 1)).all()
        np.testing.assert_allclose(dense[a, got_reviewers], got, rtol=1e-5)


def test_top_k_candidates_with_k_above_reviewers_keeps_all_positive():
    candidates = affinity_candidates(["电池", "电池储能"], ["电池", "储能"], k=10)
    assert candidates.nnz == 3  # 电池 vs 储能 has nothing in common


def test_matched_keywords_case_width_and_traditional_insensitive():
    text = "鋰電池儲能系統與ＡＩ預測 using Machine Learning"
    keywords = ["储能", "電池材料", "ai", "machine learning", "育种", "储能"]
    assert matched_keywords(keywords, text) == ["储能", "ai", "machine learning"]


def test_matched_keywords_latin_keywords_match_whole_words_only():
    assert matched_keywords(["AI", "rice"], "maintain the price") == []
    assert matched_keywords(["AI"], "AI-driven 育种") == ["AI"]


def test_matched_keywords_ignores_blank_keywords():
    assert matched_keywords(["", "  ", "水稻"], "水稻育种") == ["水稻"]


def test_matched_keywords_for_pairs_explains_each_assigned_pair():
    texts = ["锂电池储能系统", "水稻育种技术"]
    keywords = [["储能", "电池材料"], ["育种", "水稻"], ["芯片"]]
    assert matched_keywords_for_pairs([0, 0, 1, 1], [0, 2, 1, 0], app_texts=texts, reviewer_keywords=keywords) == [
        ["储能"],
        [],
        ["育种", "水稻"],
        [],
    ]
