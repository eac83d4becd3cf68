"""Numbers as Chinese documents write them: quotas, money, durations (pure).

Each parser takes a phrase and returns plain data for the call-definition schema, or None
when the phrase states no number of that kind: a number that is not understood stays a
visible gap, never a zero.
"""

from __future__ import annotations

import re
from typing import Any

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "[零〇一二两三四五六七八九十百千]+"
NUM = rf"(?:\d[\d,]*(?:\.\d+)?|{CN_NUM})"


def cn_int(text: str) -> int | None:
    """一百七十六 → 176, 十二 → 12, 二〇二五 → 2025; None when not a Chinese numeral."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS and ch != "万" for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:  # digit by digit: 二〇二五
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit if digit is not None else 1) * _UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
    return total + section + (digit or 0)


def to_number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    value = cn_int(text)
    return None if value is None else float(value)


def _clean_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


_IN_PRINCIPLE = re.compile(r"原则上|一般|通常")
_AT_MOST = re.compile(r"不超过|不多于|不高于|最多|至多|最高|上限|以内|以下|不得超过|不超出")
_AT_LEAST = re.compile(r"不少于|不低于|至少|最少|以上|起")
_ABOUT = re.compile(r"约|左右|上下|大约|大概")
_RANGE_SEP = r"\s*(?:-|~|～|—|–|至|到)\s*"

QUOTA_UNIT = r"(?:个|项|支|家|名|组|件|篇)"
_QUOTA = re.compile(
    rf"(?P<pre>约|大约|不超过|不多于|最多|至多|不少于|至少|原则上不超过|一般不超过|原则上|一般为|一般)?\s*"
    rf"(?P<a>{NUM})(?:{_RANGE_SEP}(?P<b>{NUM}))?\s*(?P<unit>{QUOTA_UNIT})\s*(?P<post>左右|上下|以内|以上|以下)?"
)


def _qualifier(pre: str, post: str, *, range_: bool) -> str:
    if range_:
        return "range"
    words = f"{pre} {post}"
    if _ABOUT.search(words):
        return "about"
    if re.search(r"不超过|不多于|最多|至多|以内|以下", words):
        return "at_most"
    if re.search(r"不少于|至少|以上", words):
        return "at_least"
    return "exact"


def parse_quota(text: str) -> dict[str, Any] | None:
    """ "6个", "不超过30个", "10个左右", "约176个", "8-20个", "若干" → a Quantity's data."""
    match = _QUOTA.search(text)
    if match is None:
        if re.search(r"若干|多个|不限|不定", text):
            return {"qualifier": "unspecified"}
        return None
    a = to_number(match.group("a"))
    b = to_number(match.group("b")) if match.group("b") else None
    if a is None:
        return None
    pre, post = match.group("pre") or "", match.group("post") or ""
    qualifier = _qualifier(pre, post, range_=b is not None)
    data: dict[str, Any] = {"qualifier": qualifier}
    if b is not None:
        data["min"], data["max"] = _clean_number(a), _clean_number(b)
    else:
        data["value"] = _clean_number(a)
    if _IN_PRINCIPLE.search(text[: match.start()] + pre):
        data["in_principle"] = True
    return data


_MONEY = re.compile(
    rf"(?P<pre>约|大约|不超过|不多于|最高|最多|至多|不少于|至少|共|总计|合计)?\s*(?:人民币|RMB|CNY)?\s*"
    rf"(?P<n>{NUM})\s*(?P<unit>亿元|亿|千万元|百万元|万元|万|元)\s*(?P<cur>人民币|美元|欧元)?\s*(?P<post>左右|上下|以内|以下)?"
)
_UNIT_WAN = {"亿元": 10_000, "亿": 10_000, "千万元": 1000, "百万元": 100, "万元": 1, "万": 1, "元": 0.0001}
PER_PROJECT = re.compile(
    r"每个?(?:项目|方案|课题|团队|案例)|每项|单个项目|单项|/\s*(?:项目|方案|项|个|课题)|资助强度|支持强度|项目经费上限"
)


def parse_money(text: str) -> dict[str, Any] | None:
    """ "1080万元人民币", "3.489亿元", "3000万元人民币左右", "20 万元/方案" → Money data in 万元.

    The result carries ``per_project: True`` when the phrase is an amount per project
    ("每个项目不超过750万元", "20 万元/方案"), which is kept apart from direction totals.
    """
    match = _MONEY.search(text)
    if match is None:
        return None
    number = to_number(match.group("n"))
    if number is None:
        return None
    wan = number * _UNIT_WAN[match.group("unit")]
    wan = round(wan, 4)
    pre, post = match.group("pre") or "", match.group("post") or ""
    qualifier = _qualifier(pre, post, range_=False)
    if re.search(r"最高", pre):
        qualifier = "at_most"
    before = text[max(0, match.start() - 12) : match.start()]
    if qualifier == "exact" and re.search(r"不超过|最高|最多|上限", before):
        qualifier = "at_most"
    data: dict[str, Any] = {"amount_wan": _clean_number(wan)}
    if match.group("unit") == "元":
        data = {"amount": round(number)}
    currency = {"美元": "USD", "欧元": "EUR"}.get(match.group("cur") or "")
    if currency:
        data["currency"] = currency
    if qualifier != "exact":
        data["qualifier"] = qualifier
    window = text[max(0, match.start() - 16) : match.end() + 6]
    if PER_PROJECT.search(window):
        data["per_project"] = True
    return data


_DURATION = re.compile(
    rf"(?P<pre>原则上不超过|一般不超过|原则上不得超过|不得超过|不超过|最长|最多|不少于|至少|原则上|一般为|一般|为|期限为)?\s*"
    rf"(?P<a>{NUM}|半)(?:{_RANGE_SEP}(?P<b>{NUM}))?\s*(?P<unit>年|个月|月)(?P<post>以内|以下|以上|左右)?"
)
_DURATION_CONTEXT = re.compile(r"实施周期|执行期|执行周期|研究期限|项目周期|合作周期|实施期限|资助期限|项目期限|周期|期限")


def parse_duration(text: str) -> dict[str, Any] | None:
    """ "2年", "一般为3年", "不超过3年", "原则上不超过2年", "2~3年", "18个月" → Duration data."""
    for match in _DURATION.finditer(text):
        a_text = match.group("a")
        a = 0.5 if a_text == "半" else to_number(a_text)
        if a is None or a <= 0 or (match.group("unit") == "年" and a > 50):
            continue  # "2025年" is a date, not a duration
        b = to_number(match.group("b")) if match.group("b") else None
        pre, post = match.group("pre") or "", match.group("post") or ""
        data: dict[str, Any] = {"unit": "years" if match.group("unit") == "年" else "months"}
        if b is not None:
            data.update(qualifier="range", min=_clean_number(a), max=_clean_number(b))
        else:
            if re.search(r"不超过|不得超过|最长|最多|以内|以下", pre + post):
                data["qualifier"] = "at_most"
            elif re.search(r"不少于|至少|以上", pre + post):
                data["qualifier"] = "at_least"
            else:
                data["qualifier"] = "exact"
            data["value"] = _clean_number(a)
        lead = text[max(0, match.start() - 8) : match.start()] + pre
        if re.search(r"原则上|一般|通常", lead):
            data["in_principle"] = True
        return data
    return None


def find_duration(text: str) -> tuple[dict[str, Any], int, int] | None:
    """The first duration stated after a duration word (实施周期, 执行期 …) in a longer text."""
    for context in _DURATION_CONTEXT.finditer(text):
        window = text[context.end() : context.end() + 24]
        cut = re.search(r"[。；;]", window)
        if cut:
            window = window[: cut.start()]
        if re.match(r"^\s*内", window):  # 执行期内: a period, not its length
            continue
        data = parse_duration(window)
        if data is not None:
            return data, context.start(), context.end() + len(window)
    return None
