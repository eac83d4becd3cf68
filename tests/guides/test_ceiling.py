"""The ceilings of the guide importer's routes (bench/guide_ceiling.py): plain candidates and the keep-or-offer bound."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _ceiling() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guide_ceiling", ROOT / "bench" / "guide_ceiling.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("guide_ceiling", module)  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


ceiling = _ceiling()
corpus = ceiling.corpus  # bench/guide_corpus.py, as the script imports it


def test_plain_candidates_are_every_line_title_and_every_listed_item() -> None:
    text = "一、支持方向\n1. 人工智能：面向大模型的研究。\n2.“新材料”\n本次重点支持新能源、生物医药和高端装备等3个领域。"
    assert ceiling.plain_candidates(text) == [
        "支持方向",
        "人工智能",
        "新材料",
        "本次重点支持新能源、生物医药和高端装备等3个领域",
        "新能源",
        "生物医药",
        "高端装备",
    ]


def test_plain_candidates_skip_too_short_and_too_long_titles_and_lists_of_one() -> None:
    assert ceiling.plain_candidates("甲\n" + "很" * 61) == []
    assert ceiling.plain_candidates("重点支持：新能源、A。") == ["重点支持"]  # "A" is too short: a list of one is no list


def _document(titles: list[str], drafted: list[dict[str, object]], **call: object) -> object:
    want = corpus.truth_facts({"directions": [{"id": n + 1, "title": t} for n, t in enumerate(titles)]})
    data = {"directions": drafted, **call}
    return ceiling.Document(want, corpus.extracted_facts(data), data, [], [])


def test_keep_or_offer_removes_the_wrong_direction_with_its_values_and_keeps_the_rest() -> None:
    wrong = {"code": "1", "title": "申报材料", "quota": {"qualifier": "exact", "value": 1}}
    right = {"code": "2", "title": "人工智能", "quota": {"qualifier": "at_most", "value": 2}}
    per_project = {"per_project": {"amount_wan": 50, "qualifier": "at_most"}}
    # The right direction is second in the draft and first in the truth: kept by its match, not its place.
    doc = _document(["人工智能", "新材料"], [wrong, right], budget=per_project)
    kept = ceiling._without_wrong_directions(doc)
    assert kept.titles == ["人工智能"]
    assert kept.quotas == [("at_most", 2.0, None, None)]
    assert kept.call_budgets == doc.got.call_budgets == {("per_project", "CNY", 500_000, "at_most")}
    assert ceiling._total([doc], lambda d: d.got) == {
        "expected": 2 + 2,  # two titles, one id each
        "found": 2 + 2 + 2 + 1,  # two titles, two ids, two quotas, the call's per-project amount
        "correct": 1,  # 人工智能 (its id 2 is not the truth's 1, its quota is not in the truth)
        "precision": 0.143,
        "recall": 0.25,
        "f1": 0.182,
    }
    assert ceiling._total([doc], ceiling._without_wrong_directions) == {
        "expected": 4,
        "found": 4,
        "correct": 1,
        "precision": 0.25,
        "recall": 0.25,
        "f1": 0.25,
    }


def test_coverage_counts_drafted_then_offered_then_plain_candidates() -> None:
    doc = _document(["人工智能", "新材料", "生物医药"], [{"code": "1", "title": "人工智能"}])
    doc.offered.append("新材料")
    doc.candidates.append("生物医药")
    assert ceiling._coverage([doc]) == {
        "truth_directions": 3,
        "drafted": 0.333,
        "with_offered": 0.667,
        "with_plain_candidates": 1.0,
    }


def test_run_on_a_batch_takes_out_exactly_the_facts_of_unmatched_directions() -> None:
    result = ceiling.run("ninth")
    assert result["documents"] == sum(1 for p in corpus.CORPUS.glob("*.yaml") if 900 <= corpus.document_number(p) < 1000)
    now, bound, precise = result["now"], result["keep_or_offer"], result["all_precise"]
    assert bound["correct"] == now["correct"] and bound["expected"] == now["expected"]
    unmatched_facts = 0  # counted here from the draft itself: a title, its id, quota, amounts and duration
    for doc in ceiling._documents("ninth"):
        got = doc.got
        matched = set(corpus.match_titles(doc.want.titles, got.titles).values())
        for j in set(range(len(got.titles))) - matched:
            unmatched_facts += 1 + (got.ids[j] is not None) + bool(got.quotas[j]) + len(got.budgets[j]) + bool(got.durations[j])
    assert unmatched_facts > 0
    assert now["found"] - bound["found"] == unmatched_facts
    assert precise == {
        "precision": 1.0,
        "recall": now["recall"],
        "f1": round(2 * now["correct"] / (now["expected"] + now["correct"]), 3),
    }
