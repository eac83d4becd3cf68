"""Call notices written in English (NSF, EU, UKRI style): call-level facts and listed topics (pure).

The Chinese readers look for 拟支持, 万元 and 实施周期; an English notice says the same things as
"Estimated Number of Awards: 1 to 3", "Anticipated Funding Amount: $2,400,000", "up to £1.2
million for up to two years", often with the label on the line above its value ("Budget" then
"- €5,000,000"). ``read_english`` fills what the Chinese readers left empty:

- the number of projects: a labelled number of awards / grants / projects (a range "1 to 3",
  "up to 5", "approximately 10"), or "we expect to make 36 awards" (an estimate: about);
- amounts in dollars, euros or pounds ("$810,000", "€5 million", "£1.2m", "EUR 2.5 million",
  "500k"), each read as the call's total budget or as the amount for one project from the words
  around it (label, "per project", "each award", "your project", "averaging", "total", "all
  awards"), with its qualifier (up to / maximum → at most, approximately / estimated → about);
  a minimum and a maximum grant of the same amount is that amount exactly;
- the duration: "for up to six years", "a period of 36 months", "Duration: 4 years", "3 to 5 years";
- topics, tracks, themes or panels listed under a heading of that name (bullets or numbers), as
  directions when the document has no numbered directions of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shenbao.guides.parser.english_groups import Group, Mention, counted, kind_code_groups, named_in_text
from shenbao.guides.parser.model import Collector, Line

_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
_WORDS = {w: i for i, w in enumerate((*_SMALL, *_TEENS))}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "a single": 1, "a": 1})
_NUMBER = r"(?:\d[\d,]*(?:\.\d+)?|" + "|".join(sorted((w for w in _WORDS if w != "a"), key=len, reverse=True)) + r")"


def mostly_latin(text: str) -> bool:
    """True when most letters of the text are Latin: an English notice, not a Chinese one."""
    sample = text[:20000]
    latin = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    han = sum(1 for ch in sample if "\u3400" <= ch <= "\u9fff")
    return latin >= 40 and latin > 4 * han


def _number(text: str) -> float | None:
    text = re.sub(r"[,\s]", "", text.strip().lower()) if text.strip()[:1].isdigit() else text.strip().lower()
    if text in _WORDS:
        return float(_WORDS[text])
    try:
        return float(text)
    except ValueError:
        return None


def _clean(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# ------------------------------------------------------------------------------------------ money

_CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP"}
_CURRENCY_WORDS = {"euro": "EUR", "euros": "EUR", "dollars": "USD", "pounds": "GBP"}
_MULTIPLIERS = {"million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}
_MULT = r"(?:\s*(?P<mult>million|billion|thousand|mn|bn)\b|(?P<short>[mMkK])\b)?"
# "489 538 000" (thousands grouped by spaces, as EU texts print them) or "1,500,000" or "2.5".
_AMOUNT = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,]|\.\d)|\d[\d,]*(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?P<cur>US\$|\$|€|£|\b(?:USD|EUR|GBP))\s?(?P<n>{_AMOUNT})"
    + _MULT
    + rf"|(?P<n2>{_AMOUNT})(?:\s*(?P<mult2>million|billion|thousand|mn|bn)|(?P<short2>[mMkK]))?"
    + r"\s*(?P<cur2>(?:[Ee]uros?|[Dd]ollars|[Pp]ounds|EUR|GBP|USD)\b|€|£)"
)
_AT_MOST = re.compile(
    r"\bup to\b|\bmax(?:imum|\.)?\b|\bnot (?:to )?exceed|\bno more than\b|\bat most\b|\bcapped\b|\bceiling\b"
    r"|\blimit(?:ed)? (?:of|to)\b",
    re.I,
)
_ABOUT = re.compile(
    r"\bapproximate(?:ly)?\b|\bapprox\.?|\babout\b|\baround\b|\bestimated\b|\broughly\b|\baverag(?:e|ing)\b|~"
    r"|\bindicative(?:ly)?\b",
    re.I,
)
_AT_LEAST = re.compile(r"\bat least\b|\bmin(?:imum|\.)?\b|\bno less than\b", re.I)
_PER_PROJECT = re.compile(
    r"\bper (?:project|award|grant|proposal|team)\b|\beach (?:project|award|grant|proposal)\b|\byour (?:project|award|grant)\b"
    r"|\bfor the project\b|\blump sum of\b"
    r"|\baveraging\b|\b(?:award|grant|project) (?:size|amount|budget|value)\b"
    r"|\b(?:individual|single) (?:award|grant|project)\b|\b(?:min|max)(?:imum)? (?:grant|award|funding per)\b"
    r"|\b(?:each )?(?:awardees?|recipients?|fellows?|winners?) (?:will |each |may )?receives?\b",
    re.I,
)
# Weaker cues, read only when nothing says "total": "grants of", "awards are", "request up to".
_PER_PROJECT_WEAK = re.compile(
    r"\b(?:awards?|grants?) of\b|\brequest(?:ed)?\b|\b(?:awards?|grants?|fellowships?) (?:will be|are|is|may be|can be|range)\b",
    re.I,
)
# "ERC Advanced Grants provide up to €2.5 million": an upper bound in a sentence about grants is one grant's.
_GRANT_WORD = re.compile(r"\b(?:awards?|grants?|fellowships?)\b", re.I)
_TOTAL = re.compile(
    r"\btotal\b|\banticipated funding amount\b|\boverall\b|\bbudget\b|\bavailable\b|\ball (?:awards|projects|grants)\b"
    r"|\bfund(?:ing)? pot\b|\b(?:have|has) allocated\b|\bwill invest\b",
    re.I,
)


# A whole programme's money over its years ("€7 billion for 2021-2027") is not this call's budget.
_PROGRAMME_PERIOD = re.compile(r"\b(?:19|20)\d{2}\s*[-–—/]\s*(?:19|20)?\d{2}\b|\bover (?:the|its|a) (?:period|lifetime)\b", re.I)


@dataclass(frozen=True)
class _Amount:
    money: dict[str, Any]
    start: int
    end: int
    before: str  # the words before it in its sentence, or the label on the line above
    after: str  # the rest of its sentence
    ranged: bool = False  # the top of a range ("£500,000 - £1,000,000", "between EUR 3.00 and 4.00 million")


# The second amount of a range: "- £1,000,000", "to $2 million", "and 4.00 million".
_RANGE_TAIL = re.compile(
    rf"\s*(?:-|–|—|to|and)\s*(?:US\$|\$|€|£|(?:USD|EUR|GBP)\b)?\s?(?P<n>{_AMOUNT})"
    r"(?:\s*(?P<mult>million|billion|thousand|mn|bn)\b|(?P<short>[mMkK])\b)?"
)


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start]
    cut = max(before.rfind(". "), before.rfind("; "))
    if cut >= 0:
        before = before[cut + 2 :]
    if not re.search(r"[A-Za-z]{3}", before) and line_start > 0:
        # "Budget" on the line above, "- €5,000,000" on this one: the label is the line above.
        prev_end = line_start - 1
        prev_start = text.rfind("\n", 0, prev_end) + 1
        label = text[prev_start:prev_end].strip()
        if 0 < len(label) <= 60 and not label.endswith("."):
            before = label + " " + before
    after = text[end:line_end]
    stop = re.search(r"\.(?:\s|$)|;", after)
    if stop is not None:
        after = after[: stop.start()]
    return before[-120:], after[:160]


def _amounts(text: str) -> list[_Amount]:
    out: list[_Amount] = []
    for m in _MONEY.finditer(text):
        cur = (m.group("cur") or m.group("cur2") or "").lower()
        currency = _CURRENCIES.get(cur) or _CURRENCY_WORDS.get(cur)
        raw = m.group("n") or m.group("n2")
        value = _number(raw)
        if re.fullmatch(r"\d{1,3},\d{1,2}", raw) and (m.group("mult") or m.group("mult2")):
            value = float(raw.replace(",", "."))  # "2,67 million Euros": a decimal comma
        if currency is None or value is None:
            continue
        mult = (m.group("mult") or m.group("short") or m.group("mult2") or m.group("short2") or "").lower()
        amount = round(value * _MULTIPLIERS.get(mult, 1))
        end, ranged = m.end(), False
        if m.group("cur") and (tail := _RANGE_TAIL.match(text, m.end())) is not None:
            top_mult = (tail.group("mult") or tail.group("short") or mult).lower()
            top, low = _number(tail.group("n")), value * _MULTIPLIERS.get(mult or top_mult, 1)
            if (
                top is not None
                and round(top * _MULTIPLIERS.get(top_mult, 1)) >= 1000
                and low < top * _MULTIPLIERS.get(top_mult, 1)
            ):
                amount, end, ranged = round(top * _MULTIPLIERS.get(top_mult, 1)), tail.end(), True
        if amount < 1000:
            continue  # a fee: not a budget
        if any(a.start <= m.start() < a.end for a in out):
            continue  # the second amount of a range already read
        before, after = _sentence_around(text, m.start(), end)
        out.append(_Amount({"amount": amount, "currency": currency}, m.start(), end, before, after, ranged))
    return out


def _money_qualifier(before: str, after: str) -> str:
    near = before[-40:]
    if _AT_MOST.search(near):
        return "at_most"
    if _AT_LEAST.search(near):
        return "at_least"
    if _ABOUT.search(near) or _ABOUT.search(after[:60]):
        return "about"
    return "exact"


def _with_qualifier(money: dict[str, Any], qualifier: str) -> dict[str, Any]:
    data = dict(money)
    if qualifier != "exact":
        data["qualifier"] = qualifier
    return data


# ------------------------------------------------------------------------------------------ counts

_RANGE = rf"(?P<a>{_NUMBER})(?:\s*(?:to|-|–|—|and|or)\s*(?P<b>{_NUMBER}))?"
_AWARDS_LABEL = re.compile(
    r"\b(?:(?:estimated|anticipated|expected|approximate|indicative|planned)\s+)?number of (?:awards|grants|projects)"
    r"(?: (?:expected |anticipated )?to be (?:funded|made|awarded|selected))?\s*(?:\(?s\)?)?\s*[:\-–]?\s*(?:\n\s*[-•*]?\s*)?"
    r"(?P<pre>up to|approximately|approx\.?|about|around|between|at least|a maximum of)?"
    rf"\s*{_RANGE}\b(?!\s*(?:%|years?|months?))",
    re.I,
)
_RANGE2 = _RANGE.replace("?P<a>", "?P<a2>").replace("?P<b>", "?P<b2>")
_AWARDS_SENTENCE = re.compile(
    r"\b(?P<verb>expects?|anticipates?|plans?|intends?|aims?|hopes?|will|to)\s+(?:to\s+)?"
    r"(?:make|fund|award|support|select|making|funding|awarding|supporting|selecting)\s+"
    rf"(?P<pre>up to|approximately|approx\.?|about|around|between|at least)?\s*{_RANGE}\s+(?:new\s+)?"
    r"(?:awards|grants|projects|proposals|fellowships)\b"
    rf"|(?P<pre2>up to|approximately|approx\.?|about|around|between|at least)?\s*\b{_RANGE2}"
    r"\s+(?:new\s+)?(?:awards|grants|projects|fellowships)\s+(?P<verb2>will|are expected to|are anticipated to|may|can)\s+be\s+"
    r"(?:funded|made|awarded|supported|selected)\b",
    re.I,
)
_ESTIMATE_VERBS = re.compile(r"expect|anticipate|plan|intend|aim|hope", re.I)


def _quantity(match: re.Match[str], default: str) -> dict[str, Any] | None:
    groups = match.groupdict()
    second = groups.get("a2") is not None
    a = _number(match.group("a2" if second else "a"))
    b_text = match.group("b2" if second else "b")
    b = _number(b_text) if b_text else None
    if a is None or a <= 0 or a > 10_000:
        return None
    if b is not None:
        if b <= a:
            return None
        return {"qualifier": "range", "min": _clean(a), "max": _clean(b)}
    pre = (groups.get("pre2" if second else "pre") or "").lower()
    qualifier = default
    if pre in ("up to", "a maximum of"):
        qualifier = "at_most"
    elif pre == "at least":
        qualifier = "at_least"
    elif pre:
        qualifier = "about"
    return {"qualifier": qualifier, "value": _clean(a)}


# ------------------------------------------------------------------------------------------ duration

_DURATION = re.compile(
    r"(?P<cue>\bduration\b[^.\n:]{0,30}?[:\-–]?\s*|\b(?:grant|award|project|funding) (?:period|length)\b[^.\n:]{0,20}?[:\-–]?\s*"
    r"|\bperiod of\s+|(?<!the )\blast(?:ing)?\s+|\bfor\s+|\brun for\s+|\b(?:projects?|grants?|awards?|fellowships?) of\s+"
    r"|(?:\d|\bmillion|\bbillion|\bthousand),\s*over\s+)"  # "£10 million, over five years"
    rf"(?P<pre>up to|a maximum of|a minimum of|at least|at most|no more than|not more than|maximum of|max\.?)?\s*(?:an?\s+)?"
    rf"{_RANGE}\s*(?:-|\s)?(?P<unit>years?|months?)\b(?!\s*(?:of|after|since|from|ago|old))",
    re.I,
)


# "a five-year grant", "3-year projects", "a 36-month period".
_DURATION_ADJ = re.compile(
    rf"\b(?P<a>{_NUMBER})[- ](?P<unit>year|month)\s+"
    r"(?:grants?|awards?|projects?|fellowships?|funding|programmes?|programs?|period)\b",
    re.I,
)


# "up to 24 months in duration": the cue after the length.
_DURATION_AFTER = re.compile(
    r"\b(?P<pre>up to|a maximum of|a minimum of|at least|at most|no more than|not more than)?\s*"
    rf"(?P<a>{_NUMBER})\s*(?:-|\s)?(?P<unit>years?|months?)\s+(?:in (?:duration|length)|long)\b",
    re.I,
)
# "Projects should last between 3 months and 3 years": a range whose ends may have different units.
_DURATION_BETWEEN = re.compile(
    rf"\blast(?:s|ing)?\s+(?:between|from)\s+(?P<a>{_NUMBER})\s*(?P<ua>years?|months?)\s+(?:and|to)\s+"
    rf"(?P<b>{_NUMBER})\s*(?P<ub>years?|months?)\b",
    re.I,
)


def _duration_after(text: str) -> tuple[dict[str, Any], int, int] | None:
    for m in _DURATION_BETWEEN.finditer(text):
        a, b = _number(m.group("a")), _number(m.group("b"))
        if not a or not b:
            continue
        years = m.group("ua").lower().startswith("year") and m.group("ub").lower().startswith("year")
        scale_a = 1 if years or m.group("ua").lower().startswith("month") else 12
        scale_b = 1 if years or m.group("ub").lower().startswith("month") else 12
        low, high = a * scale_a, b * scale_b
        if 0 < low < high <= (100 if years else 1200):
            unit = "years" if years else "months"
            return {"unit": unit, "qualifier": "range", "min": _clean(low), "max": _clean(high)}, m.start(), m.end()
    for m in _DURATION_AFTER.finditer(text):
        value = _number(m.group("a"))
        unit = "years" if m.group("unit").lower().startswith("year") else "months"
        if not value or value > (100 if unit == "years" else 1200):
            continue
        pre = (m.group("pre") or "").lower()
        qualifier = "at_most" if re.search(r"up to|maximum|at most|no more|not more", pre) else "exact"
        qualifier = "at_least" if re.search(r"minimum|at least", pre) else qualifier
        start = m.start("pre") if pre else m.start("a")
        return {"unit": unit, "qualifier": qualifier, "value": _clean(value)}, start, m.end()
    return None


def _duration(text: str) -> tuple[dict[str, Any], int, int] | None:
    found = _duration_phrase(text) or _duration_after(text)
    m = _DURATION_ADJ.search(text)
    value = _number(m.group("a")) if m is not None else None
    if m is not None and value and (found is None or m.start() < found[1]):
        unit = "years" if m.group("unit").lower() == "year" else "months"
        if value <= (100 if unit == "years" else 1200):
            return {"unit": unit, "qualifier": "exact", "value": _clean(value)}, m.start(), m.end()
    return found


def _duration_phrase(text: str) -> tuple[dict[str, Any], int, int] | None:
    for m in _DURATION.finditer(text):
        cue, pre = m.group("cue").lower(), (m.group("pre") or "").lower()
        if cue.strip() == "for" and not pre:
            continue  # "for 3 years" alone may be anything (experience, a report): a cue word or "up to" is needed
        a = _number(m.group("a"))
        b = _number(m.group("b")) if m.group("b") else None
        unit = "years" if m.group("unit").lower().startswith("year") else "months"
        if a is None or a <= 0 or a > (100 if unit == "years" else 1200):
            continue
        data: dict[str, Any] = {"unit": unit}
        if b is not None and b > a:
            data.update(qualifier="range", min=_clean(a), max=_clean(b))
        elif b is not None:
            continue
        else:
            if re.search(r"up to|maximum|at most|no more|not more|max", pre):
                data["qualifier"] = "at_most"
            elif re.search(r"minimum|at least", pre):
                data["qualifier"] = "at_least"
            else:
                data["qualifier"] = "exact"
            data["value"] = _clean(a)
        return data, m.start("pre") if pre else m.start("a"), m.end()
    return None


# ------------------------------------------------------------------------------------------ topics

_KINDS = (
    r"(?:topics?|sub-?topics?|tracks?|themes?|panels?|strands?|streams?|lots?|challenges?|domains?|priorit(?:y|ies)"
    r"|priority areas?|research areas?|focus areas?|scientific areas?|areas? of (?:interest|research))"
)
_TOPIC_HEADING = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:(?:the\s+)?(?:research|priority|funding|challenge|programme|program|thematic|call|eligible"
    rf"|supported|scientific)\s+)?{_KINDS}"
    r"(?:\s+(?:covered|supported|of (?:this|the) call|for \d{4}|are|include))?\s*:?\s*$",
    re.I,
)
_WORD_CODE = (
    r"(?i:topic|track|theme|panel|strand|stream|lot|challenge|domain)\s+(?P<code>[A-Z]?\d{1,2}[A-Za-z]?|[A-Z])\s*[:.\-–]\s*"
)
_ITEM = re.compile(
    r"^(?:[-•*·●▪]\s*(?:" + _WORD_CODE + r")?|(?P<num>\d{1,2}(?:\.\d{1,2})?|[A-Za-z])[.)]\s+|\((?P<paren>\d{1,2}|[a-z])\)\s*"
    r"|"
    + _WORD_CODE.replace("?P<code>", "?P<code2>")
    + r"|(?P<code3>[A-Z]{2,4}\d{0,2})\s+[–—-]\s+|(?P<code4>[A-Z]{2,4}\d{1,2})\s+(?=[A-Z]))"
    r"(?P<rest>\S.*)$"
)
# An EU-style topic identifier opening a line: "HORIZON-CL5-2024-D3-01-01: Title" or "… Title".
_TOPIC_CODE = re.compile(r"^(?P<code>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+){3,})\s*[:–—-]?\s+(?P<rest>[A-Za-z].*)$")


def _title_of(rest: str) -> str | None:
    title, _, description = rest.strip().partition(": ")
    if not description:
        title = re.split(r"\s+[–—-]\s+", rest.strip(), maxsplit=1)[0]
    title = title.strip().rstrip(".;,:")
    if not 1 <= len(title.split()) <= 14 or len(title) > 120:
        return None
    return title


def _topics(lines: list[Line]) -> list[tuple[str | None, str, int, int]]:
    """(printed id, title, start, end) of the items listed under a topics / tracks / panels heading,
    or of a run of lines opening with EU-style topic identifiers."""
    for i, line in enumerate(lines):
        if _TOPIC_HEADING.match(line.text.strip()) is None:
            continue
        items: list[tuple[str | None, str, int, int]] = []
        for nxt in lines[i + 1 :]:
            m = _ITEM.match(nxt.text.strip())
            title = _title_of(m.group("rest")) if m is not None else None
            if m is None or title is None:
                break
            code = next((m.group(g) for g in ("code", "code2", "code3", "code4", "num", "paren") if m.group(g)), None)
            offset = nxt.start + (len(nxt.text) - len(nxt.text.lstrip())) + m.start("rest")
            items.append((code, title, offset, offset + len(title)))
        if len(items) >= 2:
            return items
    run: list[tuple[str | None, str, int, int]] = []
    for line in [*lines, Line("", 0)]:
        m = _TOPIC_CODE.match(line.text.strip())
        title = _title_of(m.group("rest")) if m is not None else None
        if m is not None and title is not None:
            offset = line.start + (len(line.text) - len(line.text.lstrip())) + m.start("rest")
            run.append((m.group("code"), title, offset, offset + len(title)))
            continue
        if len(run) >= 2:
            return run
        run = []
    return []


# "Panels: PE1 - PE10 (Physical Sciences & Engineering), 25 March 2009": a label naming the kind, the
# codes of the group (one code or a range) and its title in parentheses, one group per line.
_CODE = r"[A-Z]{1,5}\d{0,2}[a-z]?"
_CODED_GROUP = re.compile(
    rf"^{_KINDS}\s*:\s*(?P<code>{_CODE}\d?(?:\s*[-–—]\s*{_CODE})?)\s*\((?P<title>[A-Za-z][^()\n]{{2,80}})\)",
    re.I,
)


def _coded_groups(lines: list[Line]) -> list[tuple[str | None, str, int, int]]:
    run: list[tuple[str | None, str, int, int]] = []
    for line in [*lines, Line("", 0)]:
        stripped = line.text.strip()
        m = _CODED_GROUP.match(stripped)
        title = _title_of(m.group("title")) if m is not None else None
        if m is not None and title is not None and any(c.isdigit() for c in m.group("code")):
            offset = line.start + (len(line.text) - len(line.text.lstrip())) + m.start("title")
            code = re.sub(r"\s*[-–—]\s*", "-", m.group("code"))  # a code has no spaces: "PE1-PE10"
            run.append((code, title, offset, offset + len(title)))
            continue
        if not stripped and not run:
            continue
        if len(run) >= 2:
            return run
        run = []
    return []


# "… for each of the 3 main research domains:" then "Physical Sciences & Engineering: 39%" on lines of
# their own: a sentence announcing a (counted) list of topics, areas or domains, each line a title
# with a short value after a colon (a share, an amount, a date) or a title alone.
_LIST_INTRO = re.compile(
    rf"(?:\b(?P<n>{_NUMBER})|\bthe following|\bthese)\s+(?:[a-z]+\s+){{0,2}}{_KINDS}\s*(?:\([^)\n]{{0,30}}\))?\s*:\s*$",
    re.I,
)
_TITLE_LINE = re.compile(r"^(?:[-•*·●▪]\s*)?(?P<title>[A-Z][^:;.\n]{2,80}?)(?:\s*:\s*(?P<value>[^\n]{1,40}))?$")


def _announced_list(lines: list[Line]) -> list[tuple[str | None, str, int, int]]:
    for i, line in enumerate(lines):
        m = _LIST_INTRO.search(line.text.strip())
        if m is None:
            continue
        count = _number(m.group("n")) if m.group("n") else None
        items: list[tuple[str | None, str, int, int]] = []
        for nxt in lines[i + 1 :]:
            stripped = nxt.text.strip()
            if not stripped and not items:
                continue
            t = _TITLE_LINE.match(stripped)
            title = _title_of(t.group("title")) if t is not None else None
            if t is None or title is None or len(title.split()) > 8:
                break
            offset = nxt.start + (len(nxt.text) - len(nxt.text.lstrip())) + t.start("title")
            items.append((None, title, offset, offset + len(title)))
        if len(items) >= 2 and (count is None or count == len(items)):
            return items
    return []


# Label after value (NSF solicitations): "September 24, 2013 - October 15, 2013 MEDIUM Projects November 4 - …
# Annually Thereafter LARGE Projects": the size classes named after their windows are the call's tracks.
_CLASS_AFTER_DATE = re.compile(r"(?:(?<=\d)|(?<=Thereafter))\s+(?P<t>(?:[A-Z]{3,}\s+){1,3}(?:Projects|Proposals|Awards))\b")


def _classes_after_dates(text: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for m in _CLASS_AFTER_DATE.finditer(text):
        key = m.group("t").split()[0]
        if all(t.split()[0] != key for t, _s, _e in out):
            out.append((m.group("t"), m.start("t"), m.end("t")))
    return out if len(out) >= 2 else []


# "three domains: Physical Sciences, Life Sciences and Social Sciences", "the following topics: A; B; C".
_RUNNING_LIST = re.compile(
    rf"\b(?:(?P<n>{_NUMBER})|the following|following)\s+(?:(?:research|scientific|thematic|priority|main)\s+)?{_KINDS}"
    r"\s*(?:\([^)\n]{0,20}\)\s*)?:\s*(?P<list>[^.\n]{4,400})",
    re.I,
)


# "research projects in the areas of Learning & Pedagogy, Palliative Care and Food Supply": the fields a call is limited to.
_AREAS_OF = re.compile(r"\bin the (?:thematic |priority |research )?(?:areas|fields|domains) of\s+(?P<list>[^.\n]{4,300})", re.I)


def _running_list(text: str) -> tuple[list[tuple[str, int, int]], int | None]:
    for m in [*_RUNNING_LIST.finditer(text), *_AREAS_OF.finditer(text)]:
        body, base = m.group("list"), m.start("list")
        separator = ";" if ";" in body else ","
        parts: list[tuple[str, int, int]] = []
        pos = 0
        for raw in re.split(rf"{separator}|\band\b", body):
            start = body.index(raw, pos)
            pos = start + len(raw)
            item = raw.strip().strip(",;").strip("‘’'\"“” ")
            if item.lower().startswith("and "):
                item = item[4:]
            if not item:
                continue
            lead = raw.index(item) if item in raw else 0
            parts.append((item, base + start + lead, base + start + lead + len(item)))
        count = _number(m.group("n")) if m.groupdict().get("n") else None
        if len(parts) < 2 or any(not 1 <= len(p[0].split()) <= 8 for p in parts):
            continue
        if count is not None and count != len(parts):
            continue
        return parts, int(count) if count is not None else None
    return [], None


# "framework partnership agreements for three years": a length given to what is funded.
_FUNDED_FOR = re.compile(
    rf"\b(?:agreements?|projects?|grants?|partnerships?|awards?|fellowships?|funding|support)\s+(?:for|of)\s+"
    rf"(?P<pre>up to\s+)?(?P<a>{_NUMBER})\s*(?P<unit>years?|months?)\b",
    re.I,
)


def _group_facts(text: str, group: Group, col: Collector, k: int) -> dict[str, Any]:
    return _line_facts(text, group.line_start, group.line_end, col, k)


def _line_facts(text: str, line_start: int, line_end: int, col: Collector, k: int) -> dict[str, Any]:
    """The amount and length stated on a direction's own line ("Category 1 – two year projects … the maximum
    grant per project is EUR 100 000"): one grant's amount when the words before it speak of a grant, a
    project or a maximum, the direction's total when they speak of a budget or a total."""
    facts: dict[str, Any] = {}
    line = text[line_start:line_end]
    for amount in _amounts(line):
        if amount.ranged:
            continue
        if _PER_PROJECT.search(amount.before) or _GRANT_WORD.search(amount.before) or _AT_MOST.search(amount.before):
            qualifier = "at_most" if _AT_MOST.search(amount.before) else _money_qualifier(amount.before, amount.after)
            facts["budget"] = {"per_project": _with_qualifier(amount.money, qualifier)}
            col.span(f"directions.{k}.budget.per_project", line_start + amount.start, line_start + amount.end, 0.6)
        elif _TOTAL.search(amount.before):
            facts["budget"] = {"total": _with_qualifier(amount.money, _money_qualifier(amount.before, amount.after))}
            col.span(f"directions.{k}.budget.total", line_start + amount.start, line_start + amount.end, 0.6)
        if "budget" in facts:
            break
    found = _duration(line)
    if found is None and (m := _FUNDED_FOR.search(line)) is not None and (value := _number(m.group("a"))):
        unit = "years" if m.group("unit").lower().startswith("year") else "months"
        duration = {"unit": unit, "qualifier": "at_most" if m.group("pre") else "exact", "value": _clean(value)}
        found = (duration, m.start("a"), m.end())
    if found is not None:
        facts["duration"] = found[0]
        col.span(f"directions.{k}.duration", line_start + found[1], line_start + found[2], 0.6)
    return facts


_GROUP_TOTAL = re.compile(r"\b(?:reserved|allocated|earmarked|budget|available|total)\b", re.I)


def _sentence_of(text: str, start: int, end: int) -> str:
    """The sentence holding [start, end): "to the third priority 2,03 million Euros" shares "is reserved"."""
    begin = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [p for p in (text.find(". ", end), text.find("\n", end)) if p >= 0]
    return text[begin : min(stops) if stops else len(text)]


def _mention_budget(text: str, mentions: list[Mention]) -> dict[str, Any] | None:
    """The amount in the clauses naming a group: one project's when the clause speaks of award size,
    average or per project ("Estimated Average Size of Awards $500,000 under Absolute Priority 2"), the
    group's total when it says reserved, allocated or budget ("to the first priority 2,67 million Euros
    is reserved"); a range of amounts is left out."""
    for mention in mentions:
        # "$500,000 under Absolute Priority 2" (the amount before its group) or "to the first priority
        # 2,67 million Euros" (after it): the side before wins when it holds an amount, ranged or not.
        ahead = text[mention.clause_start : mention.start]
        clause = ahead if _amounts(ahead) else text[mention.end : mention.clause_end]
        line_start = text.rfind("\n", 0, mention.clause_start) + 1
        label = text[line_start : mention.clause_start]  # "Estimated Average Size of Awards" before "$500,000 under …"
        for amount in _amounts(clause):
            if amount.ranged:
                continue
            words = label + " " + clause
            if _PER_PROJECT.search(words) or re.search(r"\b(?:size|average)\b", words, re.I):
                qualifier = "about" if _ABOUT.search(words) else _money_qualifier(amount.before, amount.after)
                return {"per_project": _with_qualifier(amount.money, qualifier)}
            if _GROUP_TOTAL.search(_sentence_of(text, mention.clause_start, mention.clause_end)):
                return {"total": _with_qualifier(amount.money, _money_qualifier(amount.before, amount.after))}
    return None


# ------------------------------------------------------------------------------------------ apply


def _own_line_facts(
    text: str, directions: list[dict[str, Any]], col: Collector, definition: dict[str, Any], source: dict[str, int]
) -> None:
    """Directions found earlier, each named on a line of its own ("- Transport (4 topics), with a funding
    budget of 19M euros available."): the amount and length on that line are the direction's, not the call's."""
    starts = {s.path: s.start for s in col.spans if s.path.startswith("directions.") and s.path.endswith(".title")}
    bounds: list[tuple[int, int] | None] = []
    for k in range(len(directions)):
        at = starts.get(f"directions.{k}.title")
        bounds.append(None if at is None else (text.rfind("\n", 0, at) + 1, _line_end(text, at)))
    for k, (d, line) in enumerate(zip(directions, bounds, strict=True)):
        if line is None or bounds.count(line) > 1 or d.get("budget") or d.get("duration"):
            continue  # one line naming several directions ("A, B and C"): its amount is no one's own
        facts = _line_facts(text, *line, col, k)
        d.update(facts)
        inside = {path for path, at in source.items() if line[0] <= at < line[1]}
        if "budget" in facts and "per_project" in inside:
            definition["budget"].pop("per_project", None)
        if "duration" in facts and "duration" in inside:
            definition.pop("duration", None)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def read_english(
    text: str, lines: list[Line], definition: dict[str, Any], directions: list[dict[str, Any]], col: Collector
) -> None:
    """Fill the call-level facts (and topics as directions) the Chinese readers did not find."""
    totals: dict[str, Any] = definition.setdefault("stated_totals", {})
    budget: dict[str, Any] = definition.setdefault("budget", {})
    if "projects" not in totals:
        m = _AWARDS_LABEL.search(text)
        # "Estimated Number of Awards: 7": an estimate, about 7.
        estimate = m is not None and re.match(r"(?:estimated|approximate)\b", m.group(0), re.I)
        quantity = _quantity(m, "about" if estimate else "exact") if m is not None else None
        if quantity is None and (m := _AWARDS_SENTENCE.search(text)) is not None:
            verb = m.group("verb") or m.group("verb2") or ""
            quantity = _quantity(m, "about" if _ESTIMATE_VERBS.search(verb) else "exact")
        if quantity is not None and m is not None:
            totals["projects"] = quantity
            col.span("stated_totals.projects", m.start(), m.end(), 0.8)
    per_project: list[tuple[_Amount, str]] = []
    source: dict[str, int] = {}  # where the call-level per-project amount and duration were read
    for amount in _amounts(text):
        before, after = amount.before, amount.after
        qualifier = "at_most" if amount.ranged else _money_qualifier(before, after)
        total = _TOTAL.search(before[-60:]) or _TOTAL.search(after[:60])
        weak = _PER_PROJECT_WEAK.search(before) or (qualifier == "at_most" and _GRANT_WORD.search(before))
        # A range of amounts ("grants of $50,000 to $150,000") is the size of one grant, never a total.
        if amount.ranged or _PER_PROJECT.search(before) or _PER_PROJECT.search(after[:40]) or (weak and not total):
            per_project.append((amount, qualifier))
        elif total and not _PROGRAMME_PERIOD.search(before + " " + after) and "budget" not in totals and "total" not in budget:
            money = _with_qualifier(amount.money, qualifier)
            totals["budget"] = money
            budget["total"] = dict(money)
            col.span("stated_totals.budget", amount.start, amount.end, 0.75)
    if per_project and "per_project" not in budget:
        first, qualifier = per_project[0]
        same = [a for a, _q in per_project if a.money == first.money]
        labels = " ".join(a.before[-40:] for a in same).lower()
        if re.search(r"\bmin", labels) and re.search(r"\bmax", labels):
            qualifier = "exact"  # a minimum and a maximum grant of one amount: that amount
        budget["per_project"] = _with_qualifier(first.money, qualifier)
        col.span("budget.per_project", first.start, first.end, 0.7)
        source["per_project"] = first.start
    if "duration" not in definition and (found := _duration(text)) is not None:
        definition["duration"] = found[0]
        col.span("duration", found[1], found[2], 0.75)
        source["duration"] = found[1]
    _own_line_facts(text, directions, col, definition, source)
    if not directions:
        for k, (code, title, start, end) in enumerate(_topics(lines)):
            directions.append({"code": code or str(k + 1), "title": {"en": title}})
            col.span(f"directions.{k}.title", start, end, 0.6)
    if not directions:
        for k, (code, title, start, end) in enumerate(_coded_groups(lines) or _announced_list(lines)):
            directions.append({"code": code or str(k + 1), "title": {"en": title}})
            col.span(f"directions.{k}.title", start, end, 0.5)
    if not directions:
        for k, (title, start, end) in enumerate(_classes_after_dates(text)):
            directions.append({"code": str(k + 1), "title": {"en": title}})
            col.span(f"directions.{k}.title", start, end, 0.5)
    if not directions:
        groups = kind_code_groups(lines)
        for k, group in enumerate(groups):
            directions.append({"code": group.code, "title": {"en": group.title}, **_group_facts(text, group, col, k)})
            col.span(f"directions.{k}.title", group.start, group.end, 0.55)
        if groups:
            stated = counted(text, groups, _NUMBER)
            if stated is not None and _number(stated) == len(groups) and "directions" not in totals:
                totals["directions"] = len(groups)
            # A call-level value read from one group's own line is that group's, not the call's.
            inside = [(g.line_start, g.line_end) for g in groups]
            if source.get("per_project") is not None and any(a <= source["per_project"] < b for a, b in inside):
                budget.pop("per_project", None)
            if source.get("duration") is not None and any(a <= source["duration"] < b for a, b in inside):
                definition.pop("duration", None)
    if not directions:
        named = [(mentions, _mention_budget(text, mentions)) for mentions in named_in_text(text)]
        if named and all(given is not None for _m, given in named):  # each group with its own amount, or none
            for k, (mentions, given) in enumerate(named):
                lead = mentions[0]
                directions.append({"code": lead.code, "title": {"en": lead.title}, "budget": given})
                col.span(f"directions.{k}.title", lead.start, lead.end, 0.5)
            spans = [(m.clause_start, m.clause_end) for mentions, _given in named for m in mentions]
            if source.get("per_project") is not None and any(a <= source["per_project"] < b for a, b in spans):
                budget.pop("per_project", None)  # one group's amount, not the call's
    if not directions:
        items, count = _running_list(text)
        for k, (title, start, end) in enumerate(items):
            directions.append({"code": str(k + 1), "title": {"en": title}})
            col.span(f"directions.{k}.title", start, end, 0.5)
        if count is not None and "directions" not in totals:
            totals["directions"] = count
    if totals:  # the Chinese readers' "no totals" no longer holds
        col.warnings[:] = [w for w in col.warnings if w.code != "totals_missing"]
    else:
        definition.pop("stated_totals")
    if not budget:
        definition.pop("budget")
