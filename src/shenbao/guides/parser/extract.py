"""A guide's text → a draft call definition, every value linked to its source span (pure).

``extract_guide(text)`` normalises the text, finds the directions and the call-level facts
(title, funder, year, batch, stated totals, per-project budget, duration, timeline, review
criteria, organisation contacts, requirements mapped to eligibility rules), validates the
draft against the call-definition schema and reconciles the directions with the stated totals.
A part the schema refuses is dropped with a warning, so a draft always comes out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from shenbao.calls.definition.load import DefinitionInvalid, ReconciliationLine, parse_definition, reconcile
from shenbao.calls.definition.schema import CallDefinition
from shenbao.guides.parser.callfacts import call_fields, review_criteria, timeline
from shenbao.guides.parser.callfacts import contacts as call_contacts
from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.directions import find_blocks, read_direction
from shenbao.guides.parser.loose import find_loose
from shenbao.guides.parser.model import Collector, Line, Span, Warning, tidy
from shenbao.guides.parser.normalise import NormalisedText, normalise
from shenbao.guides.parser.numbering import read_marker
from shenbao.guides.parser.numbers import NUM, find_duration, parse_money, parse_quota, to_number
from shenbao.guides.parser.requirements import Mapped, map_requirement


@dataclass
class Extraction:
    data: dict[str, Any]
    definition: CallDefinition | None
    spans: list[Span]
    warnings: list[Warning]
    text: NormalisedText
    reconciliation: list[ReconciliationLine] = field(default_factory=list)
    mode: str = "none"

    def spans_for(self, path: str) -> list[Span]:
        return [s for s in self.spans if s.path == path or s.path.startswith(path + ".")]


_DIRECTION_COUNT = re.compile(
    rf"(?:设立|设置|共设|共发布|发布|设有|共计|共)\s*({NUM})\s*(?:个|项|大)?\s*(?:技术研究课题|研究课题|(?:指南|支持|重点|研究|申报)?方向|课题|赛项|专项赛|榜单|类目)"
    rf"|({NUM})\s*(?:大|项|个)\s*(?:榜单|类目)"
)
_PARTNER_COUNT = re.compile(rf"支持与\s*({NUM})\s*个国家")
_PROJECTS = re.compile(
    rf"(?:拟支持|拟资助|拟立项|支持|资助)项目(?:总)?数?(?:量)?\s*[：:为]?\s*((?:约|大约|不超过|不少于)?\s*{NUM}\s*[个项](?:左右)?)"
)
_PROJECTS_OPEN = re.compile(r"支持多个(?:方案|项目)入选|入选数量不限")
_TOTAL_BUDGET = re.compile(
    r"(?:国拨经费总概算|经费总概算|总经费|总预算|资助总额|经费总额|总概算|(?:国拨|省拨|市拨|区拨|财政|专项)(?:资助)?经费(?:总额|合计)?)\s*[：:为共]?\s*"
)
_PER_PROJECT = re.compile(r"(?:支持金额|资助金额|资助强度|支持强度|资助额度|奖励金额)\s*[：:为]?")
_DURATION_WORDS = re.compile(r"实施周期|执行期|合作周期|研究期限|项目周期|实施期限|执行期限")
_REFERENCE = re.compile(r"[\u4e00-\u9fff]{2,10}\s*〔\s*\d{4}\s*〕\s*\d+\s*号")
_BATCH = re.compile(r"第([一二三四五六七八九十\d]+)批")
_TITLE_WORDS = re.compile(r"指南|通知|征集|大赛|专项|申报|计划|项目")
_TITLE_IN_TEXT = re.compile(r"(?:编制形成了|制定了|发布了?|印发)([^，。；\n]{6,80}?(?:申报指南|征集指南|指南|通知))")


def extract_guide(original: str) -> Extraction:
    norm = normalise(original)
    text = norm.text
    col = Collector()
    lines: list[Line] = []
    pos = 0
    for part in text.split("\n"):
        lines.append(Line(part, pos))
        pos += len(part) + 1

    mode, blocks, category_names = find_blocks(lines)
    inside = [(lines[b.first].start, lines[b.last - 1].end) for b in blocks]

    def outside(at: int) -> bool:
        return not any(s <= at < e for s, e in inside)

    year = _year(text)
    definition: dict[str, Any] = {"schema_version": 1}
    call: dict[str, Any] = {}
    program: dict[str, Any] = {}

    # ---------------------------------------------------------------- the call
    title, tstart, tend = _title(lines, text)
    title = (
        re.sub(r"^【[^】]*】\s*|^关于(?:组织申报|组织开展|举办|开展|组织|印发|发布|征集)?|的通知$", "", title).strip() or title
    )
    call["title"] = title
    col.span("call.title", tstart, tend, 0.7)
    if (m := re.search(r"(20\d{2})", title)) is not None:
        year = int(m.group(1))
    call["year"] = year or dt.date.today().year
    if year is None:
        col.warn("year_missing")
    in_title = _BATCH.search(title)
    if (m := _BATCH.search(text[tstart : tstart + 4000] if in_title else text[:4000])) is not None:
        value = to_number(m.group(1))
        if value:
            base = tstart if in_title else 0
            call["batch"] = int(value)
            col.span("call.batch", base + m.start(), base + m.end(), 0.8)
    if (m := _REFERENCE.search(text[:2000])) is not None:
        call["reference"] = re.sub(r"\s+", "", m.group(0))
        col.span("call.reference", m.start(), m.end(), 0.9)
    funder, fstart, fend = _funder(lines, text)
    program["funder"] = funder or "（待填写）"
    if funder:
        col.span("program.funder", fstart, fend, 0.6)
    else:
        col.warn("funder_missing")
    kind, label = _kind(text, mode)
    digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
    program.update(code=f"import-{digest}", name=re.sub(r"^【[^】]*】", "", title).strip() or title, kind=kind)
    call.update(code=f"import-{call['year']}-{digest}", direction_label=label, status="draft")

    # ---------------------------------------------------------------- directions
    directions: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    kpis: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    caps: list[dict[str, Any]] = []
    categories = [{"code": f"c{i + 1}", "name": name} for i, (name, _) in enumerate(category_names)]
    for i, block in enumerate(blocks):
        data, items = read_direction(block, lines, i, col)
        if any(d["code"] == data["code"] for d in directions):
            data["code"] = f"{data['code']}-{i + 1}"
        if block.category is not None:
            data["category"] = next(c["code"] for c in categories if c["name"] == block.category)
        requirements: list[dict[str, Any]] = []
        for text_item, mapped in items:
            requirement: dict[str, Any] = {"text": text_item}
            codes, kcodes = _attach(mapped, text_item, [data["code"]], criteria, kpis, documents)
            if codes:
                requirement["criteria"] = codes
            if kcodes:
                requirement["kpis"] = kcodes
                data.setdefault("kpis", []).extend(kcodes)
            requirements.append(requirement)
        if requirements:
            data["requirements"] = requirements
        _per_country(data, criteria, caps)
        _partner_rule(data, criteria)
        directions.append(data)
    if mode == "none":
        directions = _loose_directions(lines, col)
        if directions:
            mode = "loose"

    # ---------------------------------------------------------------- call-level facts
    totals: dict[str, Any] = {}
    for m in _DIRECTION_COUNT.finditer(text):
        if outside(m.start()):
            value = to_number(m.group(1) or m.group(2))
            if value:
                totals["directions"] = int(value)
                col.span("stated_totals.directions", m.start(), m.end(), 0.85)
                break
    if "directions" not in totals and mode == "code" and (m := re.search(r"在([^。；]{4,80}?)等领域设置", text)) is not None:
        totals["directions"] = len([p for p in m.group(1).split("、") if p.strip()])
        col.span("stated_totals.directions", m.start(), m.end(), 0.6)
    if (m := _PARTNER_COUNT.search(text)) is not None and outside(m.start()):
        value = to_number(m.group(1))
        if value:
            totals["partners"] = int(value)
            col.span("stated_totals.partners", m.start(), m.end(), 0.8)
    for m in _PROJECTS.finditer(text):
        if outside(m.start()) and (quota := parse_quota(m.group(1))):
            totals["projects"] = quota
            col.span("stated_totals.projects", m.start(), m.end(), 0.9)
            break
    else:
        if (m := _PROJECTS_OPEN.search(text)) is not None:
            totals["projects"] = {"qualifier": "unspecified", "note": tidy(m.group(0))}
            col.span("stated_totals.projects", m.start(), m.end(), 0.7)
    budget: dict[str, Any] = {}
    for m in _TOTAL_BUDGET.finditer(text):
        if outside(m.start()) and (money := parse_money(text[m.end() : m.end() + 30])):
            money.pop("per_project", None)
            totals["budget"] = money
            budget["total"] = dict(money)
            col.span("stated_totals.budget", m.start(), m.end() + 14, 0.9)
            break
    for m in _PER_PROJECT.finditer(text):
        window = text[m.end() : m.end() + 30]
        if outside(m.start()) and (money := parse_money(window)):
            money.pop("per_project", None)
            budget["per_project"] = money
            col.span("budget.per_project", m.start(), m.end() + 14, 0.85)
            break
    if budget:
        definition["budget"] = budget
    if totals:
        if directions and "directions" not in totals:
            col.warn("total_directions_missing")
        definition["stated_totals"] = totals
    elif directions:
        col.warn("totals_missing")
    for m in _DURATION_WORDS.finditer(text):
        if not outside(m.start()):
            continue
        found = find_duration(text[m.start() : m.start() + 40])
        if found:
            definition["duration"] = found[0]
            col.span("duration", m.start() + found[1], m.start() + found[2], 0.8)
            break

    # ---------------------------------------------------------------- call-wide requirements
    for line in lines:
        if not outside(line.start) or len(line.text) < 6:
            continue
        mapped = map_requirement(line.text)
        mapped.rules = [(r, c) for r, c in mapped.rules if r["kind"] != "duration" or "申" in line.text]
        if mapped.rules or mapped.documents:
            _attach(mapped, tidy(line.text), _except(line.text, directions), criteria, kpis, documents)

    definition["timeline"] = timeline(text, year, col)
    stages = review_criteria(lines, col)
    contacts = call_contacts(text, program["funder"], col)
    if contacts:
        call["contacts"] = contacts
    definition.update(program=program, call=call)
    if categories:
        definition["categories"] = categories
    if sectors := call_fields(lines, col):
        definition["fields"] = sectors
    definition["directions"] = directions
    for document in documents:
        if not document["directions"]:
            del document["directions"]  # a document every application gives
    for key, parts in (("eligibility", criteria), ("kpi_templates", kpis), ("required_documents", documents)):
        if parts:
            definition[key] = parts
    if stages:
        definition["review_stages"] = stages
    if caps:
        definition["selection"] = {"caps": caps}
    if not directions:
        col.warn("no_directions")
    parsed = _validate(definition, col)
    lines_out = reconcile(parsed) if parsed is not None else []
    for line_r in lines_out:
        if line_r.missing:
            col.warn("reconciliation_gap", measure=line_r.measure, directions=", ".join(line_r.missing))
        elif not line_r.matches and line_r.stated is not None:
            col.warn("reconciliation_difference", measure=line_r.measure, stated=line_r.stated, summed=line_r.summed)
    return Extraction(definition, parsed, col.spans, col.warnings, norm, lines_out, mode)


def _loose_directions(lines: list[Line], col: Collector) -> list[dict[str, Any]]:
    """Directions named in running text or in a short numbered run (no guide layout)."""
    out: list[dict[str, Any]] = []
    found = find_loose(lines)
    printed = [item.code for item in found if item.code]
    spare = (str(n) for n in range(1, 10 * len(found) + 10) if str(n) not in printed)
    for i, item in enumerate(found):
        # A printed number is kept; an item listed without one takes the next number not printed.
        code = item.code if item.code and all(d["code"] != item.code for d in out) else next(spare)
        data: dict[str, Any] = {"code": code, "title": item.title}
        rule = str(item.extra.get("rule", ""))  # which pattern found it, for the reviewer
        col.span(f"directions.{i}.title", item.start, item.end, 0.7 if item.numbered else 0.6, note=rule)
        if item.quota is not None:
            data["quota"] = item.quota
            if item.quota_span is not None:
                col.span(f"directions.{i}.quota", *item.quota_span, 0.7)
        out.append(data)
    return out


_EXCEPT = re.compile(r"[（(](?:指南)?方向\s*([\d.、，和及\s]+?)\s*除外[）)]")


def _except(text: str, directions: list[dict[str, Any]]) -> list[str]:
    """ "（指南方向 2.9除外）": a call-wide sentence that applies to every other direction."""
    m = _EXCEPT.search(text)
    if m is None:
        return []
    excluded = set(re.findall(r"\d+(?:\.\d+)?", m.group(1)))
    return [d["code"] for d in directions if d["code"] not in excluded]


def _partner_rule(data: dict[str, Any], criteria: list[dict[str, Any]]) -> None:
    """A direction with China and a named partner ("中国和新西兰…") takes partners from there."""
    countries = (data.get("partner") or {}).get("countries")
    if not countries or any(c["rule"]["kind"] == "partner_country" and data["code"] in c["directions"] for c in criteria):
        return
    criteria.append(
        {
            "code": f"rule-{len(criteria) + 1}",
            "text": data["title"],
            "rule": {"kind": "partner_country", "countries": list(countries)},
            "directions": [data["code"]],
        }
    )


_PER_COUNTRY = re.compile(rf"(原则上)?每个(?:合作)?国(?:别|家)不超过\s*({NUM})\s*个")


def _per_country(data: dict[str, Any], criteria: list[dict[str, Any]], caps: list[dict[str, Any]]) -> None:
    """ "（原则上每个合作国别不超过1个）" after a quota: a rule for applicants and a cap for selection."""
    note = (data.get("quota") or {}).get("note", "")
    m = _PER_COUNTRY.search(note)
    value = to_number(m.group(2)) if m else None
    if m is None or not value:
        return
    code = f"rule-{len(criteria) + 1}"
    criteria.append(
        {
            "code": code,
            "text": note,
            "rule": {"kind": "per_partner_country", "max": int(value)},
            "level": "review" if m.group(1) else "must",
            "directions": [data["code"]],
        }
    )
    for cap in caps:
        if cap["max"] == int(value) and cap.get("in_principle", False) == bool(m.group(1)):
            cap["directions"].append(data["code"])
            return
    cap = {"kind": "per_partner_country", "max": int(value), "directions": [data["code"]]}
    if m.group(1):
        cap["in_principle"] = True
    caps.append(cap)


def _attach(
    mapped: Mapped,
    text: str,
    directions: list[str],
    criteria: list[dict[str, Any]],
    kpis: list[dict[str, Any]],
    documents: list[dict[str, Any]],
) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    for rule, _confidence in mapped.rules:
        same = next((c for c in criteria if c["rule"] == rule and c["directions"] == list(directions)), None)
        if same is not None:  # the document says it twice: one criterion
            codes.append(same["code"])
            continue
        code = f"rule-{len(criteria) + 1}"
        criteria.append({"code": code, "text": text, "rule": rule, "directions": list(directions)})
        codes.append(code)
    for doc in mapped.documents:
        existing = next((d for d in documents if d["name"] == doc["name"]), None)
        if existing is None:
            existing = {"code": f"doc-{len(documents) + 1}", "name": doc["name"], "type": doc["type"], "directions": []}
            documents.append(existing)
            code = f"rule-{len(criteria) + 1}"
            criteria.append(
                {
                    "code": code,
                    "text": text,
                    "rule": {"kind": "required_document", "document": existing["code"]},
                    "directions": [],
                }
            )
        for code in directions:
            if code not in existing["directions"]:
                existing["directions"].append(code)
        rule_code = next(c["code"] for c in criteria if c["rule"].get("document") == existing["code"])
        if directions:
            crit = next(c for c in criteria if c["code"] == rule_code)
            crit["directions"] = list(existing["directions"])
        if rule_code not in codes:
            codes.append(rule_code)
    kcodes: list[str] = []
    for kpi in mapped.kpis:
        code = f"kpi-{len(kpis) + 1}"
        kpis.append({"code": code, "name": kpi["text"], "target": kpi["target"], "unit": kpi["unit"]})
        kcodes.append(code)
    return codes, kcodes


def _year(text: str) -> int | None:
    years = [int(y) for y in re.findall(r"(20\d{2})\s*年", text[:6000])]
    if not years:
        return None
    return max(set(years), key=years.count)


def _title(lines: list[Line], text: str) -> tuple[str, int, int]:
    for line in lines[:12]:
        candidate = line.text.strip()
        if read_marker(candidate) is not None and not candidate.startswith("【"):
            continue
        if _REFERENCE.fullmatch(candidate) or len(candidate) > 70 or candidate.endswith(("：", "。", "，")):
            continue
        if _TITLE_WORDS.search(candidate) and not re.fullmatch(r"[（(【].*[）)】]", candidate):
            return candidate, line.start, line.end
    if (m := _TITLE_IN_TEXT.search(text[:5000])) is not None:
        return tidy(m.group(1)), m.start(1), m.end(1)
    first = next((line for line in lines if line.text.strip()), Line("（无标题）", 0))
    return first.text.strip()[:60], first.start, first.end


def _funder(lines: list[Line], text: str) -> tuple[str | None, int, int]:
    # A signature above the closing date; "（X代章）" names who signs for a committee.
    for i in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        dates = find_dates(lines[i].text, default_year=None)
        if dates and dates[0].start <= 1 and len(lines[i].text) <= 16 and i > 0:
            for j in (i - 1, i - 2):
                if j < 0:
                    break
                m = re.search(r"[（(]([^）)]{2,30}?)代章[）)]", lines[j].text)
                if m:
                    return m.group(1), lines[j].start + m.start(1), lines[j].start + m.end(1)
            sign = lines[i - 1].text.strip()
            if 2 <= len(sign) <= 30 and not sign.endswith(("。", "；", "：")) and read_marker(sign) is None:
                return sign, lines[i - 1].start, lines[i - 1].end
    for pattern in (
        r"[（(]([^）)]{2,30}?)代章[）)]",
        r"由([^，。；、]{2,20}?)全额出资",
        r"([^，。；、]{2,12}?)会同有关部门",
        r"，?([^，。；、]{2,12}?)将开展",
        r"组委会设在([^，。；（(]{2,12})",
    ):
        if (m := re.search(pattern, text)) is not None:
            return m.group(1), m.start(1), m.end(1)
    return None, 0, 0


def _kind(text: str, mode: str) -> tuple[str, dict[str, str]]:
    if mode == "category" or re.search(r"榜单|案例征集", text):
        return "award_collection", {"zh-hans": "榜单", "en": "List"}
    if mode == "code" or re.search(r"大赛|竞赛", text[:3000]):
        return "competition", {"zh-hans": "专项赛" if "专项赛" in text else "赛项", "en": "Track"}
    if re.search(r"揭榜|课题", text[:3000]) and mode != "decimal":
        return "topic_challenge", {"zh-hans": "课题", "en": "Topic"}
    return "government_grant", {"zh-hans": "指南方向" if "指南方向" in text else "方向", "en": "Direction"}


def _validate(definition: dict[str, Any], col: Collector) -> CallDefinition | None:
    """Validate; drop each part the schema refuses (with a warning) until the draft is valid."""
    for _attempt in range(40):
        try:
            return parse_definition(definition)
        except DefinitionInvalid as exc:
            removed = False
            for error in exc.errors:
                path = [int(p) if p.isdigit() else p for p in error.path.split(".") if p]
                if _drop(definition, path):
                    col.warn("dropped", path=error.path, problem=error.message)
                    removed = True
                    break
            if not removed:
                col.warn("invalid", problem=str(exc))
                return None
    return None


def _drop(data: Any, path: list[Any]) -> bool:
    """Remove the innermost droppable element on ``path`` (a list item or an optional key)."""
    required = {"program", "call", "timeline", "code", "title", "year", "kind", "funder", "name", "direction_label"}
    parents: list[tuple[Any, Any]] = []
    node = data
    for key in path:
        try:
            parents.append((node, key))
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    for parent, key in reversed(parents):
        if isinstance(parent, list):
            del parent[key]
            return True
        if isinstance(parent, dict) and key not in required and key in parent:
            del parent[key]
            return True
    return False
