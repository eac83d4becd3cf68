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
#: "不得逾" / "不逾" (must not exceed, traditional usage) and a bare "不超" before a number ("不超250万元")
#: or at the end of the words before one.
_NOT_OVER = r"不(?:得|可|能|应)?(?:超过|超出|逾|超(?=\s*(?:[\d一二三四五六七八九十两百千万]|$)))"
_AT_MOST = re.compile(rf"{_NOT_OVER}|不多于|不高于|最多|至多|最高|上限|以内|以下")
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


_CURRENCY_WORDS = {
    "人民币": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "港元": "HKD",
    "港币": "HKD",
    "HK$": "HKD",
    "澳门元": "MOP",
    "澳门币": "MOP",
    "澳元": "AUD",  # not a currency of the schema: such an amount is not read
    "新台币": "TWD",
    "NT$": "TWD",
}
_CURRENCY = "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True))
_MONEY = re.compile(
    rf"(?P<pre>约|大约|不超过|不多于|最高|最多|至多|不少于|至少|共|总计|合计)?\s*(?P<cur0>{_CURRENCY})?\s*"
    rf"(?P<n>{NUM})\s*(?:亿\s*(?P<n2>{NUM})\s*(?=万))?(?P<unit>亿元|亿|千万元|百万元|万元|万|千元|元)\s*(?P<cur>{_CURRENCY})?\s*"
    rf"(?:[（(]\s*含\s*[）)])?\s*(?P<post>左右|上下|以内|以下|以上|为上限|为限|[（(]?封顶[）)]?)?"
)
# The start of a range's second amount right after the first ("5万元至10万元"): read the second.
_RANGE_ON = re.compile(rf"{_RANGE_SEP}(?:{_CURRENCY})?\s*{NUM}\s*(?:亿元|亿|千万元|百万元|万元|万|千元|元)")
_UNIT_WAN = {"亿元": 10_000, "亿": 10_000, "千万元": 1000, "百万元": 100, "万元": 1, "万": 1, "千元": 0.1, "元": 0.0001}
PER_PROJECT = re.compile(
    r"每个?(?:项目|方案|课题|团队|案例)|每项|每件|每案|单个项目|单项|/\s*(?:项目|方案|项|个|课题)|资助强度|支持强度|项目经费上限"
)


def _unit_label(text: str, match: re.Match[str]) -> bool:
    """ "(港币百万元)", "单位：千元": a bare 百/千 before the unit names the unit of a table, not an amount."""
    return match.group("n") in ("百", "千") and not match.group("n2")


def parse_money(text: str) -> dict[str, Any] | None:
    """ "1080万元人民币", "3.489亿元", "3000万元人民币左右", "20 万元/方案", "约为500万元",
    "6亿6,000万元", "新台币2,000万元" → Money data in 万元 (元 for a bare 元 amount).

    The result carries ``per_project: True`` when the phrase is an amount per project
    ("每个项目不超过750万元", "20 万元/方案"), which is kept apart from direction totals; an
    amount in brackets after it ("500万元（每个项目不超过100万元）") does not make it one.
    """
    # "资助金额（港币百万元）", "(新台币千元)": a table's unit in a header, a bare 百 / 千 with no amount.
    match = next(
        (
            m
            for m in _MONEY.finditer(text)
            if m.group("n") not in ("百", "千") and not _unit_label(text, m) and not _RANGE_ON.match(text, m.end())
        ),
        None,
    )
    if match is None:
        return None
    if re.match(r"\s*不等", text[match.end() :]):
        return None  # "1千-2万元不等": a spread of amounts, neither a cap nor one amount
    if re.match(r"\s*/\s*(?:年|月|天|日|人)", text[match.end() :]):
        return None  # "20万元/年": a rate per year or person, neither a total nor one project's amount
    number = to_number(match.group("n"))
    if number is None:
        return None
    if match.group("n2"):  # 6亿6,000万元
        rest = to_number(match.group("n2"))
        if rest is None:
            return None
        wan = number * 10_000 + rest
    else:
        wan = number * _UNIT_WAN[match.group("unit")]
    wan = round(wan, 4)
    pre, post = match.group("pre") or "", match.group("post") or ""
    qualifier = _qualifier(pre, post, range_=False)
    if re.search(r"最高", pre) or post in ("为上限", "为限") or "封顶" in post:
        qualifier = "at_most"
    # The words before the amount in its own clause: "不超过", "最高", "上限", "约为".
    before = re.split(r"[，,。；;（(）)]", text[max(0, match.start() - 12) : match.start()])[-1]
    if qualifier == "exact" and re.search(rf"{_NOT_OVER}|最高|最多|上限", before):
        qualifier = "at_most"
    elif qualifier == "exact" and re.search(r"约|大约|平均", before):
        qualifier = "about"
    elif qualifier == "exact" and re.search(r"不低于|不少于|至少|最少|最低", before):
        qualifier = "at_least"  # "自筹经费不低于8万元": a floor, not the amount
    if re.search(rf"{NUM}\s*(?:亿元|亿|万元|万|元)?{_RANGE_SEP}$", text[max(0, match.start() - 12) : match.start()]):
        qualifier = "at_most"  # "60—80万元": at most the top of the range
    data: dict[str, Any] = {"amount_wan": _clean_number(wan)}
    if match.group("unit") in ("元", "千元") and not match.group("n2"):
        data = {"amount": round(number * (1000 if match.group("unit") == "千元" else 1))}
    word = match.group("cur") or match.group("cur0") or ""
    if not word:
        prefix = re.search(rf"(?:{_CURRENCY})\s*$", text[max(0, match.start() - 6) : match.start()])
        word = prefix.group(0).strip() if prefix else ""
    currency = _CURRENCY_WORDS.get(word, "CNY")
    if currency == "AUD":
        return None
    if currency != "CNY":
        data["currency"] = currency
    if qualifier != "exact":
        data["qualifier"] = qualifier
    after = re.split(r"[，,。；;（(]", text[match.end() : match.end() + 6])[0]
    window = text[max(0, match.start() - 16) : match.start()] + match.group(0) + after
    if PER_PROJECT.search(window) or re.match(r"\s*/", text[match.end() :]):
        data["per_project"] = True  # "20万元/方案", "1万元/…": a rate per something, never a total
    return data


_DURATION = re.compile(
    rf"(?P<a>{NUM}|半)(?:{_RANGE_SEP}(?P<b>{NUM}))?\s*(?P<unit>年|个月|月)(?P<half>半)?(?:[（(]\s*含\s*[）)])?\s*(?P<post>以内|以下|以上|左右|上下|为限|为原则|为宜)?"
)
_DURATION_AT_MOST = re.compile(r"不(?:得|应|宜|能|可)?超过|不多于|不超出|最长|最多|至多|以内|以下|为限")
_DURATION_AT_LEAST = re.compile(r"不少于|不低于|至少|最短|以上")
_DURATION_ABOUT = re.compile(r"约|左右|上下|大概")
_DURATION_CONTEXT = re.compile(
    r"实施周期|执行周期|研究周期|建设周期|项目周期|合作周期|实施期限|执行期限|研究期限|资助期限|项目期限|资助年限|研究年限|"
    r"完成时限|资助为期|实施期|执行期|资助期|补助期间|补助期|研究期间|期程|周期|期限|(?:完成|研究|实施|执行)时间"
)
# "研究期间：自7月1日起至次年2月底止，计8个月": the length the window adds up to, after its dates.
_WINDOW_TALLY = re.compile(r"[^。；;]{6,40}?止\s*[，,]\s*(?:共计|合计|计|共)\s*")


def _is_date(text: str, match: re.Match[str]) -> bool:
    """ "2025年", "1月1日", "2019年1月": a date, not a length of time."""
    a = to_number(match.group("a")) if match.group("a") != "半" else 0.5
    if match.group("unit") == "年":
        return a is None or a > 50 or text[match.end() : match.end() + 1] in ("度", "级", "底", "初")
    if match.group("unit") == "月":  # "个月" is always a length
        after = text[match.end() : match.end() + 4]
        before = text[max(0, match.start() - 1) : match.start()]
        return bool(re.match(r"\s*\d{1,2}\s*[日号]|份|底|初|中旬|上旬|下旬", after)) or before == "年"
    return False


def _read_duration(text: str, match: re.Match[str]) -> dict[str, Any] | None:
    a_text = match.group("a")
    a = 0.5 if a_text == "半" else to_number(a_text)
    if a is None or a <= 0 or _is_date(text, match):
        return None
    b = to_number(match.group("b")) if match.group("b") else None
    if b is not None and b > 50 and match.group("unit") == "年":
        return None
    if match.group("half"):  # "一年半", "2年半"
        if b is not None or match.group("unit") != "年":
            return None
        a += 0.5
    post = match.group("post") or ""
    # The qualifier words stand between the clause's start and the number ("最长以1年为原则").
    lead = re.split(r"[，,。；;：:、]", text[max(0, match.start() - 10) : match.start()])[-1]
    data: dict[str, Any] = {"unit": "years" if match.group("unit") == "年" else "months"}
    if b is not None:
        data.update(qualifier="range", min=_clean_number(a), max=_clean_number(b))
    else:
        if _DURATION_AT_MOST.search(lead + " " + post):
            data["qualifier"] = "at_most"
        elif _DURATION_AT_LEAST.search(lead + " " + post):
            data["qualifier"] = "at_least"
        elif _DURATION_ABOUT.search(lead + " " + post):
            data["qualifier"] = "about"
        else:
            data["qualifier"] = "exact"
        data["value"] = _clean_number(a)
    if re.search(r"原则上|一般|通常", lead) or post == "为原则":
        data["in_principle"] = True
    return data


def parse_duration(text: str) -> dict[str, Any] | None:
    """ "2年", "一般为3年", "不超过3年", "原则上不超过2年", "2~3年", "18个月", "约3年",
    "最长以1年为原则" → Duration data; dates ("2025年", "1月1日") are skipped."""
    for match in _DURATION.finditer(text):
        if _ordinal(text, match):
            continue
        data = _read_duration(text, match)
        if data is not None:
            return data
    return None


def _ordinal(text: str, match: re.Match[str]) -> bool:
    """ "第2年", "前3个月", "后1个月": a point or a margin in time, not a length."""
    return bool(re.search(r"[第前后]\s*$", text[max(0, match.start() - 2) : match.start()]))


def all_durations(text: str) -> list[dict[str, Any]]:
    """Every length of time a sentence states, in order (dates, "第2年" and "前3个月" are not lengths)."""
    found: list[dict[str, Any]] = []
    for match in _DURATION.finditer(text):
        if _ordinal(text, match):
            continue
        if (data := _read_duration(text, match)) is not None:
            found.append(data)
    return found


def find_duration(text: str) -> tuple[dict[str, Any], int, int] | None:
    """The first duration stated after a duration word (实施周期, 执行期 …) in a longer text."""
    for context in _DURATION_CONTEXT.finditer(text):
        window = text[context.end() : context.end() + 24]
        cut = re.search(r"[。；;]", window)
        if cut:
            window = window[: cut.start()]
        # 执行期内, 执行期满后: a point, not a length (执行期间：3年 is one).
        if re.match(r"^\s*(?:内|满|届满|结束|终止|后|前|中|间(?!\s*[：:为]))", window):
            continue
        if re.search(r"重叠|(?:年|月)\s*(?:以上)?者", window):
            continue  # "执行期程与本计划重叠超过3个月者": a condition on applicants, not the project's length
        data = parse_duration(window)
        if data is None and (tally := _WINDOW_TALLY.match(text, context.end())) is not None:
            counted = text[tally.end() : tally.end() + 8]
            data = parse_duration(re.split(r"[。；;，,]", counted)[0])
            window = text[context.end() : tally.end() + len(counted)]
        if data is not None:
            return data, context.start(), context.end() + len(window)
    return None
