"""The corpus of public call documents and its scorer (bench/guide_corpus.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guide_corpus", ROOT / "bench" / "guide_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("guide_corpus", module)
    spec.loader.exec_module(module)
    return module


scorer = _scorer()
TRUTHS = sorted(scorer.CORPUS.glob("*.yaml"))


@pytest.mark.parametrize("path", TRUTHS, ids=[p.stem for p in TRUTHS])
def test_truth_file_is_valid_and_its_text_imports(path: Path) -> None:
    truth = scorer.load_truth(path)
    assert truth["source"].startswith(("http://", "https://"))
    data = scorer._extract(path.with_suffix(".txt").read_text(encoding="utf-8"))
    assert data, "the importer produced no valid draft"


def test_every_text_has_a_truth_file() -> None:
    assert [p.name for p in scorer.CORPUS.glob("*.txt") if not p.with_suffix(".yaml").exists()] == []


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("一", "1"),
        ("（二）", "2"),
        ("十", "10"),
        ("十二", "12"),
        ("二十一", "21"),
        ("方向一", "1"),
        ("方向", "方向"),
        ("课题12", "12"),
        ("2.1", "2.1"),
        ("2.1.", "2.1"),
        ("21", "21"),
        ("A1", "a1"),
        ("d1", "d1"),
        (3, "3"),
        (None, None),
    ],
)
def test_printed_numbers_compare_as_numbers(printed: object, key: str | None) -> None:
    assert scorer.id_key(printed) == key


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("重點(diǎn)項(xiàng)目", "重点项目"),
        ("地震构gòu造与孕震环huán境", "地震构造与孕震环境"),
        ("基于数字高程模型DEM的模拟", "基于数字高程模型dem的模拟"),  # plain letters are kept
        ("Régions ultrapériphériques", "régionsultrapériphériques"),  # accents after Latin letters are kept
    ],
)
def test_pinyin_glosses_of_a_converting_mirror_are_not_part_of_a_title(printed: str, key: str) -> None:
    assert scorer.title_key(printed) == key


def test_titles_match_across_scripts_numbering_and_a_short_tail() -> None:
    want = [scorer.title_key(t) for t in ("人工智能", "生物醫藥", "新材料")]
    got = [scorer.title_key(t) for t in ("（一）人工智能。", "2. 生物医药", "先进制造")]
    assert scorer.match_titles(want, got) == {0: 0, 1: 1}


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2024-03-15", "2024-03-16T00:00"),
        ("2024-03-15T17:00", "2024-03-15T17:00"),
        ("2024-03-15 24:00", "2024-03-16T00:00"),
    ],
)
def test_deadline_instants(value: str, instant: str) -> None:
    assert scorer._instant(value, "t") == instant


def test_malformed_truth_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("文本", encoding="utf-8")
    (tmp_path / "x.yaml").write_text(
        "source: https://e.org\nkind: guide\nscript: simplified\ndirections:\n  - {title: A, quota: {qualifier: range, min: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(scorer.TruthError, match=r"a range needs min and max"):
        scorer.load_truth(tmp_path / "x.yaml")


def test_score_counts_found_expected_and_correct_per_field() -> None:
    truth = {
        "directions": [
            {"id": "一", "title": "人工智能", "quota": {"qualifier": "at_most", "value": 2}},
            {"id": "二", "title": "生物医药", "per_project": {"amount_wan": 100, "qualifier": "at_most"}},
        ],
        "call": {"directions": 2},
        "deadlines": [{"at": "2024-03-15T17:00"}],
    }
    draft = {
        "directions": [
            {"code": "1", "title": "人工智能", "quota": {"qualifier": "exact", "value": 2}},
            {"code": "2", "title": "生物医药", "budget": {"per_project": {"amount": 1_000_000, "qualifier": "at_most"}}},
            {"code": "3", "title": "联系方式"},
        ],
        "stated_totals": {"directions": 2},
        "timeline": [{"kind": "deadline", "at": "2024-03-15T17:00:00"}, {"kind": "deadline", "at": "2024-02-01T00:00:00"}],
    }
    counts, misses = scorer.score(scorer.truth_facts(truth), scorer.extracted_facts(draft))
    got = {f: (c.correct, c.found, c.expected) for f, c in counts.items()}
    assert got == {
        "directions": (2, 3, 2),
        "ids": (2, 3, 2),
        "quotas": (0, 1, 1),  # the qualifier is part of the fact
        "budgets": (1, 1, 1),
        "durations": (0, 0, 0),
        "deadlines": (1, 2, 1),
        "totals": (1, 1, 1),
    }
    assert misses["directions_extra"] == ["联系方式"]


def test_batches_are_chosen_by_document_number() -> None:
    numbers = [
        101,
        102,
        401,
        515,
        524,
        601,
        643,
        702,
        803,
        904,
        1003,
        1107,
        1209,
        1304,
        1410,
        1502,
        1611,
        1703,
        1805,
        1912,
        2004,
        2111,
        2203,
        2318,
        2407,
    ]
    paths = [Path(f"{n}-doc.yaml") for n in numbers]

    def names(half: str | None) -> list[int]:
        return [scorer.document_number(p) for p in paths if scorer.in_half(p, half)]

    assert names("dev") == [101, 401]
    assert names("held") == [102]
    assert names("fresh") == [515, 524]
    assert names("sixth") == [601, 643]
    assert names("seventh") == [702]
    assert names("eighth") == [803]
    assert names("ninth") == [904]
    assert names("tenth") == [1003]  # four digits: the 10xx batch
    assert names("eleventh") == [1107]
    assert names("twelfth") == [1209]
    assert names("thirteenth") == [1304]
    assert names("fourteenth") == [1410]
    assert names("fifteenth") == [1502]
    assert names("sixteenth") == [1611]
    assert names("seventeenth") == [1703]
    assert names("eighteenth") == [1805]
    assert names("nineteenth") == [1912]
    assert names("twentieth") == [2004]
    assert names("twenty_first") == [2111]
    assert names("new") == [2203, 2318]  # the 22xx and 23xx batches
    assert names("newest") == [2407]  # the 24xx and 25xx batches
    assert names(None) == numbers  # every batch, in order


def test_the_held_out_batches_are_the_22xx_to_25xx_ones() -> None:
    assert scorer.HELD_OUT_FROM == 2200
    assert scorer.held_out(Path("2201-doc.yaml")) and scorer.held_out(Path("2320-doc.yaml"))
    assert scorer.held_out(Path("2520-doc.yaml"))
    assert not scorer.held_out(Path("2120-doc.yaml"))


def test_held_out_documents_never_list_their_misses() -> None:
    held = sorted(p for p in TRUTHS if scorer.held_out(p))
    studied = sorted(p for p in TRUTHS if scorer.document_number(p) < scorer.HELD_OUT_FROM)
    if not held:  # a blind batch is collected apart and merged later
        pytest.skip("no held-out document in the corpus yet")
    assert held and studied
    result = scorer.run(misses=True, only=held[0].stem)
    assert result["per_document"] and all("misses" not in d for d in result["per_document"])
    result = scorer.run(misses=True, only=studied[0].stem)
    assert all("misses" in d for d in result["per_document"])


def test_suggested_names_count_only_the_directions_the_draft_missed() -> None:
    want = scorer.Facts(titles=[scorer.title_key(t) for t in ("智能传感器", "工业软件", "新能源汽车电池")])
    got = scorer.Facts(titles=[scorer.title_key("智能传感器")])
    # Offered: one missed direction, one the draft already has, one that is no direction.
    count = scorer._suggestion_count(want, got, ["工业软件", "智能传感器", "加强组织领导"])
    assert (count.expected, count.found, count.correct) == (3, 3, 1)
    assert scorer._suggestion_count(want, got, []).correct == 0


def test_each_drafted_direction_is_counted_under_the_rule_that_found_it() -> None:
    rules: list[str] = []
    text = "关于征集2026年度示范项目的通知\n各有关单位：\n本次征集分为智能制造、生物医药和新材料三个方向。\n特此通知。\n"
    data = scorer._extract(text, rules=rules)
    assert [d["title"]["zh_hans"] for d in data["directions"]] == ["智能制造", "生物医药", "新材料"]
    assert rules == ["count", "count", "count"]
    # Over documents, the rules' counts add up to the directions drafted and the right ones among them.
    result = scorer.run(only="20")
    by_rule = result["direction_rules"]
    assert sum(r["found"] for r in by_rule.values()) == result["all"]["directions"]["found"]
    assert sum(r["correct"] for r in by_rule.values()) == result["all"]["directions"]["correct"]
    assert all(r["precision"] == round(r["correct"] / r["found"], 3) for r in by_rule.values())
