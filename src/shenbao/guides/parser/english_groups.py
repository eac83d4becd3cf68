"""Directions of English notices named by a kind word and a code on lines of their own (pure).

"Category 1 – two year projects … the maximum grant per project is EUR 100 000", "• Topic A
“Advanced co-development with users” is open to …". A run is two lines or
more (blank lines between them are layout), each opening with the same kind word and the next code
(1, 2, 3 … or A, B, C …). The title is the quoted name after the code, else a short name filling
the rest of the line after a colon or dash, else the label itself ("Category 1"). The line's own amount (one grant's when it says
grant, per project or maximum; the direction's total when it says budget, total or available) and
its length ("two year projects", "agreements for three years") are that direction's. A sentence
before the run counting them ("There are two distinct and coherent topics") is the stated number of
directions when it counts exactly the lines found.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from shenbao.guides.parser.model import Line

# Words that name a funded line; "option", "objective", "action" or "measure" name ways to apply or aims as often.
_KIND_WORDS = (
    "category|topic|track|call|priority|lot|strand|theme|challenge|area|stream|panel|scheme|domain|module|window|cluster"
)
_LEAD = re.compile(
    rf"^[-•*·●▪]?\s*(?P<label>(?P<kind>(?:absolute\s+|competitive\s+|invitational\s+)?(?:{_KIND_WORDS}))\s+(?P<code>\d{{1,3}}|[A-Z]))",
    re.I,
)
_QUOTED = re.compile(r"^\s*[:–—-]?\s*[“\"‘'](?P<t>[^”\"’'\n]{2,120})[”\"’']")
# "Topic 1: Climate services" (the whole rest of the line); a sentence after the dash is a description.
_NAMED = re.compile(r"^\s*[:–—-]\s*(?P<t>[^.,;:\n]{2,80}?)\s*$")


@dataclass
class Group:
    code: str
    title: str
    start: int  # the title's span in the text
    end: int
    line_start: int
    line_end: int
    rest: str  # the line after the label
    rest_start: int
    facts: dict[str, Any] = field(default_factory=dict)


def _next_code(code: str) -> str:
    return str(int(code) + 1) if code.isdigit() else chr(ord(code) + 1)


def _lead(line: Line) -> tuple[str, str, int] | None:
    """(kind, code, end of the label in the line) of a line opening with a kind word and a code."""
    stripped = line.text.lstrip()
    m = _LEAD.match(stripped)
    if m is None:
        return None
    code = m.group("code")
    if not (code.isdigit() or code.isupper()) or stripped[m.end() :][:1].isalnum():
        return None  # "Topic areas", "Call 1st"
    return m.group("kind").lower(), code, len(line.text) - len(stripped) + m.end()


def kind_code_groups(lines: list[Line]) -> list[Group]:
    run: list[Group] = []
    kind: str | None = None
    for line in [*lines, None]:
        if line is not None and not line.text.strip() and run:
            continue  # blank lines between items are layout
        expected = _next_code(run[-1].code) if run else None
        found = _lead(line) if line is not None else None
        if line is not None and found is not None and run and found[0] == kind and found[1] == expected:
            run.append(_group(line, found))
            continue
        if len(run) >= 2:
            return run
        run, kind = [], None
        if line is not None and found is not None and found[1] in ("1", "A"):
            run, kind = [_group(line, found)], found[0]
    return []


def _group(line: Line, found: tuple[str, str, int]) -> Group:
    _kind, code, end = found
    indent = len(line.text) - len(line.text.lstrip())
    label = " ".join(line.text[indent:end].lstrip("-•*·●▪ ").split())
    label_start = line.start + end - len(line.text[indent:end].lstrip("-•*·●▪ "))
    rest, rest_start = line.text[end:], line.start + end
    title, start, stop = label, label_start, line.start + end
    if (q := _QUOTED.match(rest)) is not None:
        title, start, stop = q.group("t").strip(), rest_start + q.start("t"), rest_start + q.end("t")
    elif (n := _NAMED.match(rest)) is not None and len(n.group("t").split()) <= 10 and not re.search(r"\d", n.group("t")):
        title, start, stop = n.group("t").strip(), rest_start + n.start("t"), rest_start + n.end("t")
    return Group(code, title, start, stop, line.start, line.end, rest, rest_start)


def counted(text: str, groups: list[Group], number: str) -> str | None:
    """The number a sentence just before the run gives to its kind ("two distinct and coherent topics")."""
    kind = _LEAD.match(text[groups[0].line_start : groups[0].line_end].lstrip()) if groups else None
    if kind is None:
        return None
    word = kind.group("kind").split()[-1].lower()
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    before = text[max(0, groups[0].line_start - 300) : groups[0].line_start]
    found = list(re.finditer(rf"\b(?P<n>{number})\s+(?:[a-z-]+\s+){{0,4}}{plural}\b", before, re.I))
    return found[-1].group("n") if found else None


# "$500,000 under Absolute Priority 2; $1,000,000 under Absolute Priority 3", "To the first priority
# 2,67 million Euros is reserved, to the second priority 2,01 million Euros …": groups named in running
# text by a kind word and a code, or by their rank, each in a clause of its own with its amount.
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_MENTION = re.compile(
    rf"\b(?P<label>(?:absolute\s+|competitive\s+|invitational\s+)?(?P<kind>{_KIND_WORDS})\s+(?P<code>\d{{1,2}}|[A-Z])"
    rf"|(?P<ord>{'|'.join(_ORDINALS)})\s+(?P<kind2>{_KIND_WORDS}))\b",
    re.I,
)
_CLAUSE_END = re.compile(r";|\.\s|\n|,\s*(?:and\s+)?(?:to|for|under)\s+the\b|\band\s+(?:to|for|under)\s+the\b", re.I)


@dataclass
class Mention:
    code: str
    title: str
    start: int
    end: int
    clause_start: int
    clause_end: int


def named_in_text(text: str) -> list[list[Mention]]:
    """Each group named in running text (two or more, consecutive codes or ranks), with the clause naming
    it each time: bounded by ";", a sentence end, ", to the …" and by the mentions before and after it."""
    found: list[tuple[str, str, str, re.Match[str]]] = []
    for m in _MENTION.finditer(text):
        if m.group("ord"):
            kind, code = m.group("kind2").lower(), str(_ORDINALS.index(m.group("ord").lower()) + 1)
        else:
            kind, code = text[m.start("label") : m.start("code")].strip().lower(), m.group("code")
            if not (code.isdigit() or code.isupper()):
                continue
        found.append((kind, code, " ".join(m.group(0).split()), m))
    by_kind: dict[str, dict[str, list[Mention]]] = {}
    for i, (kind, code, title, m) in enumerate(found):
        floor = found[i - 1][3].end() if i else 0
        ceiling = found[i + 1][3].start() if i + 1 < len(found) else len(text)
        ends = [c.end() for c in _CLAUSE_END.finditer(text, max(floor, m.start() - 200), m.start())]
        begin = max(ends, default=max(floor, m.start() - 200))
        after = _CLAUSE_END.search(text, m.end(), ceiling)
        mention = Mention(code, title, m.start(), m.end(), begin, after.start() if after else ceiling)
        by_kind.setdefault(kind, {}).setdefault(code, []).append(mention)
    for groups in by_kind.values():
        codes = list(groups)
        if len(codes) >= 2 and all(_next_code(a) == b for a, b in itertools.pairwise(codes)):
            return [groups[c] for c in codes]
    return []
