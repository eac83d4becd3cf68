"""Dates and times as Chinese calls write them (pure).

"2025 年 3 月 31 日 24:00（北京时间）", "2023年9月30日", "11 月 30 日" (the year inferred from
the document, and flagged), "16时", "中午12:00", "24点", "2024-03-15 17:00", "2024.3.15",
"二〇二四年三月十五日", fixed-width dates whose separators a relay lost ("20211120日", a Taiwan
"1150102()"), a date closed by a bare weekday ("115年01月02(五)"), windows "2025年10月1日-2025年11月20日",
months "2025 年 12 月"; and the English forms "January 21, 2015", "21 January 2015", "5 p.m. … March 3, 2025",
"16:00 on 12 March 2024".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Hours may be written in Chinese numerals before 时 / 点 ("下午五时正", Hong Kong and Taiwan notices).
_TIME = (
    r"(?:\s*(?P<noon>上午|中午|下午|晚上)?\s*(?P<h>\d{1,2}|[一二三四五六七八九十]{1,3}(?=\s*[时点]))\s*"
    r"(?:[:：]\s*(?P<min>\d{2})(?:[:：]\d{2})?|[时点](?:\s*(?P<min2>\d{1,2}|[一二三四五六七八九十]{1,3})\s*分|正)?|\s*时))?"
)
_WEEKDAY = r"(?:\s*[（(]\s*(?:周|星期)[一二三四五六日天]\s*[）)])?"
# Taiwan may drop 日 before a bare weekday ("115年01月02(五)中午12点"): the weekday closes the date.
_BARE_WEEKDAY = r"[（(]\s*(?:周|星期)?[一二三四五六日天]\s*[）)]"
# A year of the Republic of China calendar (Taiwan: 民国113年 = 2024) has two or three digits.
_DATE = re.compile(
    r"(?:(?:民国)?(?<!\d)(?P<y>\d{4}|\d{2,3})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?:[日号]"
    + _WEEKDAY
    # "截止日期为2021年3月24，…": a relay lost the 日 of a date printed with its year; a comma or stop closes it.
    + r"|(?(y)(?=\s*[，,。；;])|(?!))"
    + r"|\s*"
    + _BARE_WEEKDAY
    + r")"
    + _TIME
)
# A date printed by a form system with its separators lost in a relay: "20211120日前" (YYYYMMDD) or a
# Taiwan "1150102()" (ROC YYYMMDD, its weekday stripped). Only the fixed-width forms, closed by 日 or
# a weekday bracket, or followed by its time of day ("1041231下午5时"): "2022923日" could be 9月23日 or a
# garbled 92月3日 and is left alone.
_COMPACT = re.compile(
    r"(?<![\d.])(?:(?P<y>(?:19|20)\d{2})|(?P<roc>1[0-4]\d))(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
    r"(?:\s*日(?:\s*[（(]\s*(?:周|星期)?[一二三四五六日天]?\s*[）)])?|\s*[（(]\s*(?:周|星期)?[一二三四五六日天]?\s*[）)]|(?=上午|中午|下午|晚上))"
    + _TIME
)
# "2024-03-15", "2024.3.15", "2024/3/15" (web relays and forms), with an optional time.
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-./])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])(?:\s*[日号])?"
    + _WEEKDAY
    + r"(?:(?:\s+|T)(?P<noon>)(?P<h>\d{1,2})[:：](?P<min>\d{2})(?:[:：]\d{2})?(?P<min2>))?"
)
# "24.09.2025 17:00": the day first, as European portals print it (the year last, four digits).
_DOTTED_DMY = re.compile(
    r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d{2})(?![\d.A-Za-z])"
    r"(?:\s+(?P<noon>)(?P<h>\d{1,2})[:：](?P<min>\d{2})(?P<min2>))?"
)
# Taiwan forms print the Republic of China year in a slash date: "114/10/31", "114/06/02(一)" (ROC 114 = 2025).
_ROC_SLASH = re.compile(
    r"(?<![\d./])(?P<roc>1[01]\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])(?:\s*[日号])?(?:\s*" + _BARE_WEEKDAY + r")?" + _TIME
)
# "二〇二四年三月十五日" (signatures and formal dates).
_CN_NUMERAL = "〇零一二三四五六七八九十"
_CN_DATE = re.compile(
    rf"(?P<y>[{_CN_NUMERAL[:-1]}]{{4}})\s*年\s*(?P<m>[{_CN_NUMERAL}]{{1,3}})\s*月\s*(?P<d>[{_CN_NUMERAL}]{{1,3}})\s*[日号]"
)
_SEVEN_DIGITS = re.compile(r"\d{7}")
_MONTHS_EN = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_EN = "(?:" + "|".join(sorted(_MONTHS_EN, key=len, reverse=True)) + r")\.?"
_CLOCK_EN = r"(?P<h>\d{1,2})(?:[:.](?P<min>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?|(?P<noon>noon|midday|midnight)"
# A time before the date must look like one (minutes or a.m./p.m.): otherwise the "1" of "10 January"
# would be read as an hour and "0" as the day.
_CLOCK_EN_BEFORE = (
    r"(?<![\d.])(?P<bh>\d{1,2})(?=[:.]\d{2}|\s*[ap]\.?\s?m\b)(?:[:.](?P<bmin>\d{2}))?\s*(?P<bampm>[ap]\.?\s?m\b\.?)?"
    r"|(?P<bnoon>noon|midday|midnight)"
)
# "January 21, 2015", "21 January 2015", "Jan. 21, 2015", with a time before ("16:00 on 12 March 2024",
# "5 p.m. ET, March 3, 2025") or after ("March 3, 2025, 5:00 p.m.").
_DATE_EN = re.compile(
    rf"(?:(?:{_CLOCK_EN_BEFORE})\s*(?:[A-Z]{{2,4}}\b\s*)?(?:\([^)]{{0,40}}\)\s*)?(?:on\s+|,\s*)?)?"
    rf"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:(?P<m1>{_MONTH_EN})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:\s?(?:st|nd|rd|th))?\s+(?P<m2>{_MONTH_EN}),?\s+(?P<y2>\d{{4}}))"
    rf"(?:,?\s*(?:at\s+|by\s+)?(?:{_CLOCK_EN})(?![\d]))?",
    re.IGNORECASE,
)
_MONTH = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
_RANGE_SEP = re.compile(r"^\s*(?:-|~|～|—|–|至|到)\s*")


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    time: str | None  # "HH:MM"; "24:00" kept as written
    start: int
    end: int
    year_inferred: bool


def _clock(hour: int, minute: int, noon: str | None = None) -> str | None:
    if noon in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def _time(match: re.Match[str]) -> str | None:
    hour_text = match.group("h")
    if not hour_text:
        return None
    hour = int(hour_text) if hour_text.isdigit() else cn_number(hour_text)
    minute_text = match.group("min") or match.group("min2") or "0"
    minute = int(minute_text) if minute_text.isdigit() else cn_number(minute_text)
    if hour is None or minute is None:
        return None
    return _clock(hour, minute, match.group("noon"))


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    if len(text) == 4:
        return value
    return value + 1911 if 60 <= value <= 150 else None  # 民国 years


def cn_number(text: str) -> int | None:
    """ "二〇二四" → 2024 (digit by digit), "十五" → 15, "二十一" → 21, "三" → 3."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    digits["零"] = 0
    if "十" not in text:
        if not text or any(c not in digits for c in text):
            return None
        return int("".join(str(digits[c]) for c in text))
    tens, _, ones = text.partition("十")
    if (tens and tens not in digits) or (ones and ones not in digits) or len(tens) > 1 or len(ones) > 1:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _english_time(match: re.Match[str], prefix: str = "") -> str | None:
    noon = match.group(prefix + "noon")
    if noon:
        return "24:00" if noon.lower() == "midnight" else "12:00"
    hour_text = match.group(prefix + "h")
    if not hour_text:
        return None
    hour, minute = int(hour_text), int(match.group(prefix + "min") or 0)
    ampm = (match.group(prefix + "ampm") or "").replace(".", "").replace(" ", "").lower()
    if not ampm and not match.group(prefix + "min"):
        return None  # a bare number next to a date is not a time
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return _clock(hour, minute)


def find_dates(text: str, *, default_year: int | None, base: int = 0) -> list[FoundDate]:
    """Every full date in ``text``, in order; a date without a year takes the year of the date
    before it in the same text, else ``default_year`` (and is flagged as inferred)."""
    raw: list[tuple[int, int, int | None, int, int, str | None]] = []  # start, end, year, month, day, time
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    for match in _NUMERIC.finditer(text):
        y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        raw.append((match.start(), match.end(), y, m, d, _time(match)))
        taken.append((match.start(), match.end()))
    for match in _DOTTED_DMY.finditer(text) if "." in text else ():
        if free(match.start(), match.end()):
            raw.append(
                (match.start(), match.end(), int(match.group("y")), int(match.group("m")), int(match.group("d")), _time(match))
            )
            taken.append((match.start(), match.end()))
    for match in _ROC_SLASH.finditer(text) if "/" in text else ():
        if free(match.start(), match.end()):
            roc = int(match.group("roc")) + 1911
            raw.append((match.start(), match.end(), roc, int(match.group("m")), int(match.group("d")), _time(match)))
            taken.append((match.start(), match.end()))
    for match in _COMPACT.finditer(text) if _SEVEN_DIGITS.search(text) else ():
        y = int(match.group("y")) if match.group("y") else int(match.group("roc")) + 1911
        raw.append((match.start(), match.end(), y, int(match.group("m")), int(match.group("d")), _time(match)))
        taken.append((match.start(), match.end()))
    # Both Chinese forms need 月: a sentence without it is not scanned for them (most sentences).
    has_month = "月" in text
    for match in _CN_DATE.finditer(text) if has_month else ():
        cy, cm, cd = cn_number(match.group("y")), cn_number(match.group("m")), cn_number(match.group("d"))
        if cy and cm and cd and free(match.start(), match.end()):
            raw.append((match.start(), match.end(), cy, cm, cd, None))
            taken.append((match.start(), match.end()))
    for match in _DATE.finditer(text) if has_month else ():
        if free(match.start(), match.end()):
            year = _year(match.group("y"))
            if match.group("y") and year is None:
                continue
            raw.append((match.start(), match.end(), year, int(match.group("m")), int(match.group("d")), _time(match)))
            taken.append((match.start(), match.end()))
    if re.search(_MONTH_EN, text, re.IGNORECASE):
        for match in _DATE_EN.finditer(text):
            if not free(match.start(), match.end()):
                continue
            month = _MONTHS_EN[(match.group("m1") or match.group("m2")).rstrip(".").lower()]
            day = int(match.group("d1") or match.group("d2"))
            year = int(match.group("y1") or match.group("y2"))
            clock = _english_time(match) or _english_time(match, "b")
            raw.append((match.start(), match.end(), year, month, day, clock))
            taken.append((match.start(), match.end()))
    out: list[FoundDate] = []
    last_year: int | None = None
    for start, end, year, month, day, clock in sorted(raw):
        inferred = year is None
        year = year if year is not None else (last_year or default_year)
        if year is None:
            continue
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        last_year = year
        out.append(FoundDate(found, clock, base + start, base + end, inferred))
    return out


def find_date_items(text: str, *, default_year: int | None) -> list[tuple[FoundDate, FoundDate | None]]:
    """Dates with the window end that follows them ("10 月 1 日-11 月 20 日"), in order."""
    dates = find_dates(text, default_year=default_year)
    out: list[tuple[FoundDate, FoundDate | None]] = []
    i = 0
    while i < len(dates):
        first = dates[i]
        if i + 1 < len(dates) and _RANGE_SEP.match(text[first.end : dates[i + 1].start]) is not None:
            second = dates[i + 1]
            if text[first.end : dates[i + 1].start].strip() and second.date >= first.date:
                out.append((first, second))
                i += 2
                continue
        out.append((first, None))
        i += 1
    return out


def find_months(text: str) -> list[tuple[int, int, int, int]]:
    """(year, month, start, end) of month-precision mentions such as "2025 年 12 月"."""
    return [
        (int(m.group("y")), int(m.group("m")), m.start(), m.end()) for m in _MONTH.finditer(text) if 1 <= int(m.group("m")) <= 12
    ]


def iso_local(found: FoundDate) -> str:
    """The schema's local-time string; "24:00" stays as written (the schema reads it as the next day)."""
    if found.time is None:
        return found.date.isoformat()
    return f"{found.date.isoformat()}T{found.time}"
