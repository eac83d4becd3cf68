"""How far the guide importer's current routes can go on unseen documents: ceilings, printed as JSON.

    python bench/guide_ceiling.py --half new        # the 22xx-23xx held-out batch
    python bench/guide_ceiling.py --half newest     # the 24xx-25xx held-out batch
    python bench/guide_ceiling.py --half studied    # the 1xx-21xx documents, studied
    python bench/guide_ceiling.py                   # all 504 documents

Every figure is an aggregate over the chosen documents; no document's misses are printed, so a held-out
batch stays unread. Scoring is ``bench/guide_corpus.py``'s.

- ``now``: the importer as it is (overall F1 / precision / recall over the seven fields).
- ``keep_or_offer``: the same draft with every drafted direction that matches no truth title removed,
  with its values: a perfect filter of the drafted directions (every wrong one moved to the names offered
  beside the draft, by a rule's blind precision or a learned score; the offered names stay out).
- ``all_precise``: F1 if every wrong fact of every field were removed (precision 1.0 at today's recall):
  the bound of any change that only removes wrong facts, each right one keeping its match.
- ``direction_candidates``: the share of the truth's directions matched by the drafted directions, by
  those and the names offered beside the draft, and by those and the plain candidates: every line's text
  after its number cut at the first 。：；，( or " - ", and every item of a sentence listing with 、. The
  last figure bounds what any chooser over such candidates (a rule or a learned score) can find.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import guide_corpus as corpus

from shenbao.guides.parser.normalise import normalise
from shenbao.guides.parser.numbering import read_marker

# Where a plain candidate's title ends: the first 。：；，( or " - ".
_CUT = re.compile(r"[。：:；;，,（(]|\s[-–—]\s")
_QUOTES = ' \u3000"“”「」《》'
# A sentence listing with 、: the items follow the last of these words, and a closing count is no item.
_LIST_OPENING = re.compile(r"[：:]|包括|包含|分为|涉及|聚焦|围绕|设置|设立|支持|面向")
_LIST_COUNT = re.compile(
    r"等?[0-9一二三四五六七八九十两]*\s*(?:个|大|项|类|条)?\s*(?:重点)?(?:方向|领域|赛道|类别|专题|主题|任务|类|组别|板块|产业|方面).*$"
)
_JOINERS = re.compile(r"、|以及|和|及|与")
_SENTENCE_END = re.compile(r"[。；;!！?？]")


def plain_candidates(text: str) -> list[str]:
    """Every line's title (after its number, cut at the first 。：；，( or " - ") and every item of a
    sentence listing with 、 (after its last opening word, without a closing count): no rule decides."""
    out: list[str] = []
    for line in normalise(text).text.split("\n"):
        marker = read_marker(line)
        body = marker.rest if marker else line
        cut = _CUT.search(body)
        title = (body[: cut.start()] if cut else body).strip(_QUOTES)
        if 2 <= len(title) <= 60:
            out.append(title)
        for sentence in _SENTENCE_END.split(line):
            if "、" not in sentence:
                continue
            listed = _LIST_COUNT.sub("", _LIST_OPENING.split(sentence)[-1])
            items = [re.sub(r"^[“\"「《（(]|[”\"」》）)]$", "", item.strip()) for item in _JOINERS.split(listed)]
            items = [item for item in items if 2 <= len(item) <= 30]
            if len(items) >= 2:
                out.extend(items)
    return out


@dataclass
class Document:
    want: corpus.Facts
    got: corpus.Facts
    data: dict[str, Any]
    offered: list[str]
    candidates: list[str]


def _documents(half: str | None) -> list[Document]:
    out = []
    for path in sorted(corpus.CORPUS.glob("*.yaml"), key=corpus.document_number):
        wanted = not corpus.held_out(path) if half == "studied" else corpus.in_half(path, half)
        if not wanted:
            continue
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        offered: list[str] = []
        try:
            data = corpus._extract(text, offered)
        except Exception:  # a crash scores as an empty draft, as in guide_corpus
            data = {}
        want = corpus.truth_facts(corpus.load_truth(path))
        out.append(Document(want, corpus.extracted_facts(data), data, offered, plain_candidates(text)))
    return out


def _total(docs: list[Document], draft: Any) -> dict[str, Any]:
    overall = corpus.Count()
    for doc in docs:
        counts, _missed = corpus.score(doc.want, draft(doc))
        for count in counts.values():
            overall.add(count)
    return overall.report()


def _without_wrong_directions(doc: Document) -> corpus.Facts:
    right = set(corpus.match_titles(doc.want.titles, doc.got.titles).values())
    kept = dict(doc.data, directions=[d for j, d in enumerate(doc.data.get("directions") or []) if j in right])
    return corpus.extracted_facts(kept)


def _coverage(docs: list[Document]) -> dict[str, Any]:
    expected = drafted = offered = plain = 0
    for doc in docs:
        want = doc.want.titles
        names = doc.got.titles + [corpus.title_key(t) for t in doc.offered]
        expected += len(want)
        drafted += len(corpus.match_titles(want, doc.got.titles))
        offered += len(corpus.match_titles(want, names))
        plain += len(corpus.match_titles(want, names + [corpus.title_key(c) for c in doc.candidates]))

    def share(n: int) -> float | None:
        return round(n / expected, 3) if expected else None

    return {
        "truth_directions": expected,
        "drafted": share(drafted),
        "with_offered": share(offered),
        "with_plain_candidates": share(plain),
    }


def run(half: str | None) -> dict[str, Any]:
    docs = _documents(half)
    now = _total(docs, lambda d: d.got)
    correct, expected = now["correct"], now["expected"]
    return {
        "half": half or "all",
        "documents": len(docs),
        "now": now,
        "keep_or_offer": _total(docs, _without_wrong_directions),
        "all_precise": {
            "precision": 1.0,
            "recall": now["recall"],
            "f1": round(2 * correct / (expected + correct), 3) if expected else None,
        },
        "direction_candidates": _coverage(docs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--half",
        choices=("studied", "dev", "held", *corpus.BATCHES),
        help="studied: every document before the held-out batches; the others as in bench/guide_corpus.py",
    )
    args = parser.parse_args()
    print(json.dumps({"guide_ceiling": run(args.half)}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
