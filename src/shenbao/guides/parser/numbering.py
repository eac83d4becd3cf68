"""Heading and list numbering in the styles Chinese documents use (pure).

1.1 / 2.0 · 一、 · （一） · 1、 · 1． / 1. · (1) / 1) · ① · 第一条 · codes such as SME202301 ·
【企业类】 bracketed headers · bullets (•, -) · 壹、贰、叁 (the formal numerals Taiwanese documents
use for the level above 一、).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shenbao.guides.parser.numbers import CN_NUM, cn_int

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Formal numerals (after traditional → simplified: 貳 → 贰, 參 → 参); 拾 is ten.
_FORMAL_DIGITS = {"壹": 1, "贰": 2, "貳": 2, "貮": 2, "叁": 3, "参": 3, "參": 3, "叄": 3, "肆": 4, "伍": 5}
_FORMAL_DIGITS.update({"陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9})
_FORMAL = "".join(_FORMAL_DIGITS) + "拾"


def formal_int(text: str) -> int | None:
    """壹 → 1, 拾 → 10, 拾贰 → 12, 贰拾壹 → 21; None when not a formal numeral up to 99."""
    tens, ten, ones = text.partition("拾")
    if not ten:
        return _FORMAL_DIGITS.get(text) if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _FORMAL_DIGITS) or (ones and ones not in _FORMAL_DIGITS):
        return None
    return (_FORMAL_DIGITS[tens] if tens else 1) * 10 + (_FORMAL_DIGITS[ones] if ones else 0)


_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第\s*({CN_NUM}|\d+)\s*[条章节部分]\s*")),
    ("cn_comma", re.compile(rf"^({CN_NUM})\s*[、·．.]\s*")),
    ("cn_formal", re.compile(rf"^([{_FORMAL}]+)\s*[、·．.]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*({CN_NUM})\s*[）)]\s*")),
    ("decimal", re.compile(r"^(\d{1,2}\.\d{1,2})(?![\d.%])\s*(?=[^\d\s.%万亿元年个月])")),
    ("arabic_paren", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("arabic_half_paren", re.compile(r"^(\d{1,2})\s*[)）]\s*")),
    ("arabic_comma", re.compile(r"^(\d{1,2})\s*、\s*")),
    ("arabic_dot", re.compile(r"^(\d{1,2})\s*[.．](?!\d)\s*")),
    ("circled", re.compile(rf"^([{_CIRCLED}])\s*")),
    ("code", re.compile(r"^([A-Z]{2,8}[-_]?\d{3,10})(?=\s|[\u4e00-\u9fff]|$)\s*")),
    ("bracket", re.compile(r"^【([^】]{1,20})】\s*$")),
    ("bullet", re.compile(r"^([•●○◆■▪·*\-])\s+")),
]
_BULLET_PREFIX = re.compile(r"^[-*•]\s+(?=[(（]?\d|[①-⑳])")


@dataclass(frozen=True)
class Marker:
    style: str
    label: str  # as written: "1.1", "一", "SME202301"
    number: float | None  # its position where it has one (1.1 → 1.1, 三 → 3, ③ → 3)
    rest: str  # the line after the marker
    offset: int  # where ``rest`` starts in the line


def strip_bullet(line: str) -> tuple[str, int]:
    """Markdown-style bullets in front of a numbered item ("- 2) 高端装备")."""
    match = _BULLET_PREFIX.match(line)
    return (line[match.end() :], match.end()) if match else (line, 0)


def read_marker(line: str) -> Marker | None:
    body, shift = strip_bullet(line)
    for style, pattern in _STYLES:
        match = pattern.match(body)
        if not match:
            continue
        label = match.group(1)
        number: float | None
        if style == "decimal":
            number = float(label)
        elif style == "circled":
            number = float(_CIRCLED.index(label) + 1)
        elif style == "cn_formal":
            formal = formal_int(label)
            if formal is None:
                continue
            number = float(formal)
        elif style in ("chapter", "cn_comma", "cn_paren"):
            value = cn_int(label) if not label.isdigit() else int(label)
            if value is None:
                continue
            number = float(value)
        elif label.isdigit():
            number = float(label)
        else:
            number = None
        return Marker(style, label, number, body[match.end() :], shift + match.end())
    return None
