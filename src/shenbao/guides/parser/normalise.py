"""Normalise a guide's text for extraction while remembering where every character came from.

Steps: traditional → simplified (opencc), full-width digits, letters and a few marks →
half-width, page footers ("— 9 —", "第 9 页", a lone page number), page headers repeated on
every page, stray link lines, spaces between Chinese characters, and hard line wraps inside
sentences and numbers.  ``origin[i]`` is the offset in the original text of character ``i``,
so a span found in the normalised text can be shown in the document as uploaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({"．": ".", "％": "%", "～": "~", "－": "-", "＋": "+", "／": "/", "\u3000": " ", "\t": " ", "\xa0": " "})
_FULLWIDTH.update({"＠": "@", "＝": "=", "＜": "<", "＞": ">", "﹣": "-", "\u2002": " ", "\u2003": " "})
_WIDE_CHARS = re.compile("[" + re.escape("".join(_FULLWIDTH)) + "]+")

_FOOTER = re.compile(
    r"^\s*(?:[—\-–－]+\s*\d{1,3}\s*[—\-–－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_LINK = re.compile(r"^\s*(?:https?://|mailto:|www\.)\S*")
# A line that is only an address (a browser's print footer, a stray link): the address, then at most
# punctuation. Text after the address ("https://…html）。申报单位应…") is the document's and stays.
_LINK_ONLY = re.compile(r"^\s*(?:https?://|mailto:|www\.)[\x21-\x7e]*[^\w\s]*\s*$")
_HAN = "\u3400-\u9fff\uf900-\ufaff"
# Spaces next to Chinese punctuation are layout; between two characters they may separate table cells.
_CJK_SPACE = re.compile(
    rf"(?<=[，。；：、（）“”《》])[ ]+(?=[{_HAN}，。；：、（）“”《》])|(?<=[{_HAN}])[ ]+(?=[，。；：、（）“”《》])"
)
_SENTENCE_END = tuple("。；！？：:;!?")
_RUNNING_TEXT = re.compile(r"[，。；：、！？,;:（）()]")
# A full line ending in ；or ，is still inside its paragraph (a list running on to the next line).
_PARAGRAPH_END = tuple("。！？：:!?")
_MARKER_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、·．.]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．)）](?!\d)|\d{1,2}\.\d{1,2}(?![\d.])"
    r"|[①-⑳]|[•·\-*]\s|第[一二三四五六七八九十\d]+[条章节]|【|附件|[A-Z]{2,}\d{3,})"
)


@dataclass
class NormalisedText:
    text: str
    origin: list[int]
    original: str
    traditional: bool = False
    removed: dict[str, int] = field(default_factory=dict)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text that normalised ``text[start:end]`` came from."""
        if not self.origin or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.origin) - 1))
        end = max(start + 1, min(end, len(self.origin)))
        return (self.origin[start], self.origin[end - 1] + 1)


@dataclass(slots=True)
class _Line:
    """A line as pieces of text, each with the range of the original it came from (not a list per character)."""

    parts: list[str]
    ranges: list[tuple[int, int]]  # origin ranges, one per character run, in order
    newline_at: int  # the offset of the line break after it (for the joined text)
    _text: str | None = None  # ``parts`` joined, kept until they change
    _cached_width: int | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self.parts)
            self.parts = [self._text]
        return self._text

    @property
    def width(self) -> int:
        if self._cached_width is None:
            self._cached_width = _width(self.text)
        return self._cached_width

    @property
    def last(self) -> str:
        return self.parts[-1][-1:] if self.parts else ""

    def keep(self, spans: list[tuple[int, int]]) -> None:
        """Keep only the characters in ``spans`` (sorted offsets into ``text``), with their origins."""
        text = self.text
        self.parts = [text[a:b] for a, b in spans if a < b]
        self.ranges = [r for a, b in spans if a < b for r in _cut(self.ranges, a, b)]
        self._text = self._cached_width = None

    def extend(self, other: _Line) -> None:
        width = self.width + other.width
        self.parts.extend(other.parts)
        self.ranges.extend(other.ranges)
        self.newline_at = other.newline_at
        self._text, self._cached_width = None, width


def _cut(ranges: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The origin ranges of characters [start, end) of a line made of ``ranges``."""
    out: list[tuple[int, int]] = []
    pos = 0
    for a, b in ranges:
        lo, hi = max(start - pos, 0), min(end - pos, b - a)
        if lo < hi:
            out.append((a + lo, a + hi))
        pos += b - a
        if pos >= end:
            break
    return out


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:
    import opencc  # the binding loads its dictionaries once

    return opencc.OpenCC(config)


def looks_traditional(text: str) -> bool:
    sample = text[:20000]
    simplified = _converter("t2s").convert(sample)
    changed = sum(1 for a, b in zip(sample, simplified, strict=False) if a != b)
    return changed >= 5 and changed > len(sample) * 0.002


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    return str(_converter("s2t").convert(text))


_NARROW = re.compile("[\x00-\u2e7f]+")


def _width(text: str) -> int:
    """Display width: characters from U+2E80 on (CJK) count twice."""
    return 2 * len(text) - len("".join(_NARROW.findall(text)))


def normalise(original: str) -> NormalisedText:
    traditional = looks_traditional(original)
    converted = original
    if traditional:
        converted = to_simplified(original)
        if len(converted) != len(original):  # phrase conversions that change length: go char by char
            converted = "".join(to_simplified(ch) if len(to_simplified(ch)) == 1 else ch for ch in original)
    # One character for one, so offsets stay those of the original (only runs that change are visited).
    widened = _WIDE_CHARS.sub(lambda m: "".join(_FULLWIDTH[ch] for ch in m.group()), converted)
    removed: Counter[str] = Counter()

    # Split into lines, keeping where each came from.
    lines: list[_Line] = []
    pos = 0
    for part in widened.split("\n"):
        lines.append(_Line([part], [(pos, pos + len(part))], pos + len(part)))
        pos += len(part) + 1

    for line in lines:
        _strip(line)
        _squeeze_cjk_spaces(line)

    stripped = [line.text for line in lines]
    counts = Counter(t for t in stripped if t)
    kept: list[_Line] = []
    seen_repeats: set[str] = set()
    for line, text in zip(lines, stripped, strict=True):
        if not text:
            continue
        if _FOOTER.match(text):
            removed["footers"] += 1
            continue
        if _LINK_ONLY.match(text):
            removed["links"] += 1
            continue
        # The same line starting with an address, again and again: a page artefact, not text.
        if _LINK.match(text) and text.count("http") == 1 and counts[text] > 1:
            removed["links"] += 1
            continue
        # A short line that recurs on many pages is a running header; keep its first use (the title).
        # Boilerplate repeated in several directions is text, not a header: headers carry no punctuation.
        if counts[text] >= 3 and _width(text) <= 60 and not _RUNNING_TEXT.search(text) and not _MARKER_START.match(text):
            if text in seen_repeats:
                removed["headers"] += 1
                continue
            seen_repeats.add(text)
        kept.append(line)

    joined = _join_wrapped(kept, removed)
    origin: list[int] = []
    for n, line in enumerate(joined):
        if n:
            origin.append(joined[n - 1].newline_at)
        for a, b in line.ranges:
            origin.extend(range(a, b))
    return NormalisedText("\n".join(line.text for line in joined), origin, original, traditional, dict(removed))


def _strip(line: _Line) -> None:
    text = line.text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if start or end < len(text):
        line.keep([(start, max(start, end))])


def _squeeze_cjk_spaces(line: _Line) -> None:
    text = line.text
    if " " not in text:
        return
    keep: list[tuple[int, int]] = []
    pos = 0
    for m in _CJK_SPACE.finditer(text):
        keep.append((pos, m.start()))
        pos = m.end()
    if pos:
        keep.append((pos, len(text)))
        line.keep(keep)


def _full_width(lines: list[_Line]) -> int:
    """The width of a full line: most lines of a hard-wrapped document end near it."""
    widths = sorted(w for w in (line.width for line in lines) if w >= 16)
    if len(widths) < 5:
        return 10**6
    counts = Counter(w // 4 for w in widths)
    dominant = [bucket for bucket, n in counts.items() if n >= len(widths) * 0.15]
    if not dominant or max(dominant) * 4 < 40:  # no dominant width, or short lines: nothing is wrapped
        return 10**6
    return max(dominant) * 4


def _join_wrapped(lines: list[_Line], removed: Counter[str]) -> list[_Line]:
    if not lines:
        return []
    full = _full_width(lines)
    out: list[_Line] = [lines[0]]
    # Only the end and the width of the line joined so far are looked at, and the width is kept as lines
    # are joined: joining or measuring a long paragraph again for each of its lines is quadratic.
    for line in lines[1:]:
        prev = out[-1]
        last, ntext = prev.last, line.text
        split_number = bool(re.match(r"\d", last)) and (
            (bool(re.match(r"\d", ntext)) and not _MARKER_START.match(ntext)) or bool(re.match(r"[亿万元个项年月日号%]", ntext))
        )
        wrapped = (
            prev.width >= full - 6
            and not last.endswith(_PARAGRAPH_END)
            and not _MARKER_START.match(ntext)
            and (last.endswith(("，", "、", "（", "(")) or not re.match(r"^[\u4e00-\u9fff]{2,12}[：:]", ntext))
        )
        if wrapped and last.endswith(("；", ";", "，", ",")):
            # After a list separator, only a line that itself reads on (or is full) belongs to it;
            # a short fragment is more likely the next table cell.
            wrapped = ntext.endswith(_SENTENCE_END) or line.width >= full - 6
        if split_number or wrapped or re.match(r"^[，。、；：）)%]", ntext):
            removed["line_wraps"] += 1
            prev.extend(line)
            continue
        out.append(line)
    return out
