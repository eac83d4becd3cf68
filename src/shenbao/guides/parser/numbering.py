"""Heading and list numbering in the styles Chinese documents use (pure).

1.1 / 2.0 · 一、 · （一） · 1、 · 1． / 1. · (1) / 1) · ① · 第一条 · codes such as SME202301 ·
【企业类】 bracketed headers · bullets (•, -).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shenbao.guides.parser.numbers import CN_NUM, cn_int

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第\s*({CN_NUM}|\d+)\s*[条章节部分]\s*")),
    ("cn_comma", re.compile(rf"^({CN_NUM})\s*[、·．.]\s*")),
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
