"""Normalise a guide's text for extraction while remembering where every character came from.

Steps: traditional → simplified (opencc), full-width digits, letters and a few marks →
half-width, corner quotes 「」『』 → “”‘’, half-width Chinese punctuation (",", ":", ";" next to Chinese text, as web relays and
mirrors store it) → full-width, inline pinyin glosses of converting mirrors ("实(shí)施"),
Taiwan's Republic-of-China years ("113年9月" → "2024年9月") in traditional text, page footers
("— 9 —", "第 9 页", a lone page number), page headers repeated on
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
# Corner quotes (Taiwan, Hong Kong, Macao) read as the double and single quotes of mainland text.
_FULLWIDTH.update({"「": "“", "」": "”", "『": "‘", "』": "’"})
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
    r"^(?:[一二三四五六七八九十]+[、·．.]|[壹贰叁参肆伍陆柒捌玖拾]{1,3}[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．)）](?!\d)|\d{1,2}\.\d{1,2}(?![\d.])"
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

    def add_space(self) -> None:
        """A space standing for the line break after this line."""
        width = self.width + 1
        self.parts.append(" ")
        self.ranges.append((self.newline_at, self.newline_at + 1))
        self._text, self._cached_width = None, width

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

    roc = traditional or "民国" in converted or "民國" in converted
    for line in lines:
        _strip(line)
        _drop_glosses(line, removed)
        _drop_emoji(line, removed)
        _cjk_punctuation(line)
        if roc:
            _roc_years(line)
            _roc_weekdays(line)
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


def _edit(line: _Line, edits: list[tuple[int, int, str]]) -> None:
    """Apply non-overlapping edits ``(start, end, new)`` to ``line``: new characters keep the origins of
    the ones they replace (one for one, or all on the first when the length changes)."""
    if not edits:
        return
    text, ranges = line.text, line.ranges
    parts: list[str] = []
    new_ranges: list[tuple[int, int]] = []
    pos = 0
    for start, end, new in sorted(edits):
        if start > pos:
            parts.append(text[pos:start])
            new_ranges += _cut(ranges, pos, start)
        if new:
            if len(new) == end - start:
                new_ranges += _cut(ranges, start, end)
            else:
                olds = [o for a, b in (_cut(ranges, start, end) or _cut(ranges, max(0, start - 1), start)) for o in range(a, b)]
                olds = olds or [line.newline_at]
                new_ranges += [(olds[min(k, len(olds) - 1)], olds[min(k, len(olds) - 1)] + 1) for k in range(len(new))]
            parts.append(new)
        pos = end
    if pos < len(text):
        parts.append(text[pos:])
        new_ranges += _cut(ranges, pos, len(text))
    line.parts, line.ranges = parts, new_ranges
    line._text = line._cached_width = None


# Half-width punctuation in Chinese text (web pages stored through NFKC-like filters) reads as
# the full-width mark the rest of the parser expects; "2,000", "17:00" and "a,b" stay as they are.
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_CJK_MARKS = "，。；：、（）“”《》「」『』【】！？"
_IS_HAN = re.compile(f"[{_HAN}]")


_HALF_MARK = re.compile("[,;:!?]")


def _cjk_punctuation(line: _Line) -> None:
    chars = line.text
    if _HALF_MARK.search(chars) is None:
        return  # nothing to widen (most lines): no walk over each character
    edits: list[tuple[int, int, str]] = []
    for i, ch in enumerate(chars):
        full = _HALF_TO_FULL.get(ch)
        if full is None:
            continue
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        after_han = bool(prev) and (_IS_HAN.match(prev) is not None or prev in _CJK_MARKS)
        before_han = bool(nxt) and (_IS_HAN.match(nxt) is not None or nxt in "“《「『【（")
        if after_han or (before_han and not (prev.isascii() and prev.isalpha())):
            edits.append((i, i + 1, full))
    _edit(line, edits)


# One pinyin syllable (tone marks folded first): an optional initial and a final.
_SYLLABLE = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|üan|ai|ei|ao|ou|an|en|in|un|ün|ia|ie|iu|ua|uo|ui|üe|ue|er|a|o|e|i|u|ü|v)"
    r"[1-5]?)+"
)
_TONE_MARKS = (("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"), ("ü", "ǖǘǚǜ"))
_TONES = {v: base for base, vs in _TONE_MARKS for v in vs}
_GLOSS = re.compile(rf"(?<=[{_HAN}])[（(]\s*([a-zü{''.join(_TONES)}1-5' ]{{1,30}}?)\s*[）)]")


def _is_pinyin(gloss: str) -> bool:
    """ "shí", "shi2", "shí shī": syllables with a tone mark or a tone number ("(word)" is not pinyin)."""
    if not any(ch in _TONES or ch.isdigit() for ch in gloss):
        return False
    plain = "".join(_TONES.get(ch, ch) for ch in gloss)
    return all(_SYLLABLE.fullmatch(part) for part in re.split(r"[\s']+", plain) if part)


def _drop_glosses(line: _Line, removed: Counter[str]) -> None:
    """ "实(shí)施" → "实施", "一(yī)、" → "一、": converting mirrors gloss characters with pinyin."""
    text = line.text
    if "(" not in text and "（" not in text:
        return
    edits = [(m.start(), m.end(), "") for m in _GLOSS.finditer(text) if _is_pinyin(m.group(1))]
    if edits:
        removed["pinyin"] += len(edits)
        _edit(line, edits)


# Pictographs a mirror sprinkles into the text ("课题⚠️,资助额度", "👨🏽"): pictographs, their skin tones,
# joiners and presentation selectors. ★ ☆ and the circled or dingbat numbers (①, ❶) are kept: they number items.
_EMOJI = re.compile("(?:[\U0001f000-\U0001faff\u2600-\u2604\u2607-\u26ff\u2700-\u2775\u2794-\u27bf\ufe0f\u200d])+")


def _drop_emoji(line: _Line, removed: Counter[str]) -> None:
    text = line.text
    if text.isascii():
        return
    edits = [(m.start(), m.end(), "") for m in _EMOJI.finditer(text)]
    if edits:
        removed["emoji"] += len(edits)
        _edit(line, edits)


# Taiwan dates count years from 1912 (民国 1): "113年9月10日", "114年度", "民国113年", "本(108)年".
_ROC_YEAR = re.compile(r"(?<![\d.])(?P<era>民[国國]\s*)?[(（]?(?P<n>\d{2,3})[)）]?(?=\s*年)")
_ROC_AFTER = re.compile(r"\s*年\s*(?:\d{1,2}\s*月|度)")


def roc_year(year: int) -> int:
    """The Gregorian year of a Republic-of-China year (113 → 2024)."""
    return year + 1911


def _roc_years(line: _Line) -> None:
    text = line.text
    edits: list[tuple[int, int, str]] = []
    for m in _ROC_YEAR.finditer(text):
        n = int(m.group("n"))
        if m.group("era") is None and not (50 <= n <= 150 and _ROC_AFTER.match(text, m.end())):
            continue
        if not 1 <= n <= 200:
            continue
        edits.append((m.start("n"), m.end("n"), str(roc_year(n))))
    _edit(line, edits)


# Taiwan writes the weekday after a date as a bare numeral in brackets: "12月23日(五)中午12時前".
# It is spelled out as "(周五)" so the date readers see a weekday, not a numbered item "(五)".
_ROC_WEEKDAY = re.compile(r"(?<=\d日)\s*[(（](?P<d>[一二三四五六日天])[)）]")


def _roc_weekdays(line: _Line) -> None:
    _edit(line, [(m.start("d"), m.end("d"), "周" + m.group("d")) for m in _ROC_WEEKDAY.finditer(line.text)])


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
    full = max(dominant) * 4
    # A hard-wrapped text has no paragraph running far past its width: several lines that do (a web
    # page's paragraphs, each one line) show the "dominant" width is only a few headings alike.
    if sum(1 for w in widths if w > full + 8) > max(2, len(widths) // 10):
        return 10**6
    return full


# A field of an English notice: a short label and a colon opening the line ("Opening date: 12 October 2023").
_EN_LABEL_LINE = re.compile(r"^[A-Z][A-Za-z][A-Za-z0-9 ()/&'’-]{0,48}:(?:\s|$)")
# "October 28, 2024: Deadline to submit LOI", "Early April, 2025: …", "3 May 2025 – …": an entry of an English
# timeline, its date first; each is a line of its own however long the previous one is.
_EN_DATE_LINE = re.compile(
    r"^(?:[A-Z][A-Za-z-]*(?:\s+[A-Za-z-]+)?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\.?,?)"
    r"\s+(?:19|20)\d{2}\s*(?::|\s[–—-]\s)"
)


_ASCII_LETTER = re.compile("[A-Za-z]")
_HAN_CHAR = re.compile("[\u4e00-\u9fa5]")  # every one a letter (isalpha)


def _latin(text: str) -> bool:
    """A line of English text (most of its letters Latin)."""
    # Every Chinese character is a letter: a line with no more Latin letters than Chinese characters is
    # not English, which two regular-expression scans tell without looking at each character in Python.
    latin = len(_ASCII_LETTER.findall(text))
    if not latin or latin <= len(_HAN_CHAR.findall(text)):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(1 for ch in letters if ch.isascii()) * 2 > len(letters)


# The patterns _join_wrapped tries on every line, compiled once.
_DIGIT = re.compile(r"\d")
_UNIT_START = re.compile(r"[亿万元个项年月日号%]")
_CJK_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,12}[：:]")
_EN_SENTENCE_END = re.compile(r"[A-Za-z0-9)\]'\"][.!?]$")
# "2\t绿色能源\t3", "2 | 绿色能源 | 3": the next row of a table (its number, a cell separator, a name).
_TABLE_ROW = re.compile(r"\d{1,3}(?:\s*[|｜]\s*|\t\s*|\s+)(?=[^\d\s|｜])")
_CONTINUATION = re.compile(r"^[，。、；：）)%]")
_EN_WORD_START = re.compile(r"[A-Za-z0-9(]")


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
        split_number = bool(_DIGIT.match(last)) and (
            (bool(_DIGIT.match(ntext)) and not _MARKER_START.match(ntext) and not _TABLE_ROW.match(ntext))
            or bool(_UNIT_START.match(ntext))
        )
        wrapped = (
            prev.width >= full - 6
            and not last.endswith(_PARAGRAPH_END)
            and not _MARKER_START.match(ntext)
            and (last.endswith(("，", "、", "（", "(")) or not _CJK_LABEL.match(ntext))
        )
        tail = prev.parts[-1] if prev.parts else ""  # the previous line's own text (joining it all again is quadratic)
        if wrapped and (_EN_LABEL_LINE.match(ntext) or _EN_DATE_LINE.match(ntext)) and _latin(ntext):
            wrapped = False  # "Deadline date: …", "Budget overview: …": each field of an English notice is a line
        if wrapped and _latin(tail) and _EN_SENTENCE_END.search(tail):
            wrapped = False  # an English sentence ends the line
        if wrapped and last.endswith(("；", ";", "，", ",")):
            # After a list separator, only a line that itself reads on (or is full) belongs to it;
            # a short fragment is more likely the next table cell.
            wrapped = ntext.endswith(_SENTENCE_END) or line.width >= full - 6
        if split_number or wrapped or _CONTINUATION.match(ntext):
            removed["line_wraps"] += 1
            if wrapped and not split_number and _latin(tail) and _EN_WORD_START.match(ntext):
                prev.add_space()  # English words wrapped at the end of a line stay apart
            prev.extend(line)
            continue
        out.append(line)
    return out
