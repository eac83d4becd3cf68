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

_FOOTER = re.compile(
    r"^\s*(?:[—\-–－]+\s*\d{1,3}\s*[—\-–－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_LINK = re.compile(r"^\s*(?:https?://|mailto:|www\.)\S*")
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


@dataclass
class _Line:
    chars: list[str]
    origin: list[int]
    newline_at: int  # the offset of the line break after it (for the joined text)

    @property
    def text(self) -> str:
        return "".join(self.chars)


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


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def normalise(original: str) -> NormalisedText:
    traditional = looks_traditional(original)
    converted = original
    if traditional:
        converted = to_simplified(original)
        if len(converted) != len(original):  # phrase conversions that change length: go char by char
            converted = "".join(to_simplified(ch) if len(to_simplified(ch)) == 1 else ch for ch in original)
    chars = [_FULLWIDTH.get(ch, ch) for ch in converted]
    removed: Counter[str] = Counter()

    # Split into lines, keeping each character's origin.
    lines: list[_Line] = []
    current = _Line([], [], 0)
    for i, ch in enumerate(chars):
        if ch == "\n":
            current.newline_at = i
            lines.append(current)
            current = _Line([], [], 0)
        else:
            current.chars.append(ch)
            current.origin.append(i)
    current.newline_at = len(chars)
    lines.append(current)

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
        if _LINK.match(text) and " " not in text.strip():
            removed["links"] += 1
            continue
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
    out_chars: list[str] = []
    out_origin: list[int] = []
    for n, line in enumerate(joined):
        if n:
            out_chars.append("\n")
            out_origin.append(joined[n - 1].newline_at)
        out_chars.extend(line.chars)
        out_origin.extend(line.origin)
    return NormalisedText("".join(out_chars), out_origin, original, traditional, dict(removed))


def _strip(line: _Line) -> None:
    while line.chars and line.chars[0].isspace():
        line.chars.pop(0)
        line.origin.pop(0)
    while line.chars and line.chars[-1].isspace():
        line.chars.pop()
        line.origin.pop()


def _squeeze_cjk_spaces(line: _Line) -> None:
    text = line.text
    if " " not in text:
        return
    drop = {i for m in _CJK_SPACE.finditer(text) for i in range(m.start(), m.end())}
    if not drop:
        return
    line.chars = [c for i, c in enumerate(line.chars) if i not in drop]
    line.origin = [o for i, o in enumerate(line.origin) if i not in drop]


def _full_width(lines: list[_Line]) -> int:
    """The width of a full line: most lines of a hard-wrapped document end near it."""
    widths = sorted(_width(line.text) for line in lines if _width(line.text) >= 16)
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
    for line in lines[1:]:
        prev = out[-1]
        ptext, ntext = prev.text, line.text
        split_number = bool(re.search(r"\d$", ptext)) and (
            (bool(re.match(r"\d", ntext)) and not _MARKER_START.match(ntext)) or bool(re.match(r"[亿万元个项年月日号%]", ntext))
        )
        wrapped = (
            _width(ptext) >= full - 6
            and not ptext.endswith(_PARAGRAPH_END)
            and not _MARKER_START.match(ntext)
            and (ptext.endswith(("，", "、", "（", "(")) or not re.match(r"^[\u4e00-\u9fff]{2,12}[：:]", ntext))
        )
        if wrapped and ptext.endswith(("；", ";", "，", ",")):
            # After a list separator, only a line that itself reads on (or is full) belongs to it;
            # a short fragment is more likely the next table cell.
            wrapped = ntext.endswith(_SENTENCE_END) or _width(ntext) >= full - 6
        if split_number or wrapped or re.match(r"^[，。、；：）)%]", ntext):
            removed["line_wraps"] += 1
            prev.chars.extend(line.chars)
            prev.origin.extend(line.origin)
            prev.newline_at = line.newline_at
            continue
        out.append(line)
    return out
