"""A guide's text → a draft call definition, every value linked to its source span (pure).

``extract_guide(text)`` normalises the text, finds the directions and the call-level facts
(title, funder, year, batch, stated totals, per-project budget, duration, timeline, review
criteria, organisation contacts, requirements mapped to eligibility rules), validates the
draft against the call-definition schema and reconciles the directions with the stated totals.
A part the schema refuses is dropped with a warning, so a draft always comes out.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shenbao.calls.definition.load import DefinitionInvalid, ReconciliationLine, parse_definition, reconcile
from shenbao.calls.definition.schema import CallDefinition
from shenbao.guides.parser.callfacts import call_fields, review_criteria, timeline
from shenbao.guides.parser.callfacts import contacts as call_contacts
from shenbao.guides.parser.dates import find_dates
from shenbao.guides.parser.directions import find_blocks, read_direction
from shenbao.guides.parser.english import mostly_latin, read_english
from shenbao.guides.parser.english_deadlines import add_english_deadlines
from shenbao.guides.parser.loose import Loose, find_loose
from shenbao.guides.parser.model import Collector, Line, Span, Suggestion, Warning, tidy
from shenbao.guides.parser.normalise import NormalisedText, normalise
from shenbao.guides.parser.numbering import read_marker
from shenbao.guides.parser.numbers import (
    NUM,
    PER_PROJECT,
    all_durations,
    find_duration,
    parse_duration,
    parse_money,
    parse_quota,
    to_number,
)
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
    suggestions: list[Suggestion] = field(default_factory=list)

    def spans_for(self, path: str) -> list[Span]:
        return [s for s in self.spans if s.path == path or s.path.startswith(path + ".")]


# A stated number of directions: "设立5个方向", "36个重大项目指南", "4个重点方向", "五大方向", "12条指南方向",
# "6个科技范畴", "五个类别的赛道", "分A、B两类" / "两大类".
_DIRECTION_NOUN = (
    r"(?:指南|支持|重点|研究|申报|技术|科技|优先|主攻|核心|前沿|关键)?(?:方向|领域|范畴)|(?:重大|重点)?项目指南|(?:技术研究|研究|招标)?课题"
    r"|(?:招标)?选题|重点任务|任务|赛项|赛道|专项赛|榜单|类目|专题|(?:竞赛|比赛|参赛|大赛|征集|研究)主题"
)
# Nouns naming directions before a tally ("研究主题共13种", "施政重点共计18项"); not 重点项目 or 研究课题组.
_TALLIED_NOUN = r"(?:研究|重点|支持|申报|征集|招标|施政)?(?:主题|方向|领域|专题|选题|赛道|重点)"
_DIRECTION_COUNT = re.compile(
    rf"(?:设立|设置|共设|共发布|发布|设有|共计|共)\s*({NUM})\s*(?:个|项|大)?\s*(?:技术研究课题|研究课题|(?:指南|支持|重点|研究|申报)?方向|课题|赛项|专项赛|榜单|类目)"
    rf"|({NUM})\s*(?:大|项|个)\s*(?:榜单|类目)"
)
_DIRECTION_COUNT_MORE = re.compile(
    rf"(?P<n>{NUM})\s*(?:(?:个|条|项|大)\s*(?:类别的|类)?\s*(?P<noun>{_DIRECTION_NOUN})|(?P<kind>大类|类(?=(?!人|单位|机构|主体|企业|高校|院校)[\u4e00-\u9fff]{{0,4}}?(?:任务|方向|平台|赛道|项目|课题|奖项|榜单))))"
    rf"|(?:分(?:为|成)?|设置|设立)[^，。；：]{{2,60}}?(?:等)?(?P<split>{NUM})\s*(?:大)?类"
    rf"|(?:共(?:发布|设置|设立|有)?|发布|设置|设立)(?:{_DIRECTION_NOUN})\s*(?:共|共计)?\s*(?P<after>{NUM})\s*(?:个|条|项)"
    # "A、B等13个先进制造业集群", "…等八大产业集群": a list of industries closed by its count.
    rf"|等\s*(?P<industries>{NUM})\s*(?:个|大)\s*[\u4e00-\u9fff]{{0,6}}?(?:产业集群|集群|产业)"
    # "研究主题共13种", "施政重点共计18项": a noun naming directions, then 共 and their number.
    rf"|{_TALLIED_NOUN}\s*(?:共计|共|合计|总计)\s*(?P<tallied>{NUM})\s*(?:个|条|项|种|类|大类)(?!目|以上)"
    # "“A”、“B”…“R”等18项": a run of quoted names closed by 等 and their number.
    rf"|(?:[“「『][^“”「」『』]{{2,60}}[”」』]\s*[、，,]?\s*){{3,}}等\s*(?P<quoted>{NUM})\s*(?:项|个|类|大类)(?!目|文件|制度|规定|政策|措施|要求|材料|通知|意见|办法)"
)
_SPLIT_RESPECTIVE = re.compile(rf"分(?:为|成)\s*(?P<n>{NUM})\s*大?类\s*[，,]\s*分别")
# Words before a count that make it a cap or a choice, not the call's total ("每个单位限报2个方向").
_NOT_A_TOTAL = re.compile(r"每(?![年批届期次轮])|来自|收到|限|可|选择|不超过|最多|至多|其中|近|逾|超过|累计|已|[第前]\s*$")
_PARTNER_COUNT = re.compile(rf"支持与\s*({NUM})\s*个国家")
_PROJECTS = re.compile(
    rf"(?:拟支持|拟资助|拟立项|支持|资助|入选|立项)项目(?:总)?数?(?:量)?\s*[：:为]?\s*((?:约|大约|不超过|不少于)?\s*{NUM}\s*[个项](?:左右)?)"
)
# "共立项9项", "立项项目12项", "获资助8项", "拟支持约3-5项左右", "合计22项", "共30项".
_PROJECTS_MORE = re.compile(
    rf"(?:(?:共|拟|计划|预计|本批次?)?(?:立项|资助|支持)(?:项目)?|获(?:得)?资助(?:项目)?|获批(?:项目)?|合计|共计?)\s*[：:为]?\s*"
    rf"(?P<q>(?:约|大约|不超过|不少于)?\s*{NUM}(?:\s*(?:-|~|～|—|–|至|到)\s*{NUM})?\s*项(?:左右)?)(?!目|任务|指南|课题|方向|重点)"
    rf"|(?:拟|计划|预计)?(?:择优)?(?:支持|资助|补助|立项|遴选)\s*"
    rf"(?P<q2>(?:约|大约|不超过|不少于)?\s*{NUM}(?:\s*(?:-|~|～|—|–|至|到)\s*{NUM})?\s*[个件](?:左右)?)\s*(?:左右)?\s*(?:优秀)?(?:项目|团队|方案|计划)"
    rf"|(?P<q3>{NUM}\s*个)\s*(?:获选|获资助|获批|入选|立项)项目"
    rf"|(?:奖项|获奖名额|获奖项目)(?:共计|总计|合计|共)\s*(?P<q4>{NUM}\s*[个项名])"
)
# The budget in the clause after a stated number of projects: "奖项共计30个，奖金51万元", "共立项9项，资助经费300万元".
_BUDGET_AFTER_COUNT = re.compile(r"\s*[，,]\s*(?:总)?(?:奖金|经费|资金|资助经费|资助金额)\s*(?:共计|总计|合计|共)?\s*[为：:]?\s*")
_PROJECT_WORDS = re.compile(r"项目|立项|资助|支持|入选|获奖|获批|审议通过|计划|奖项")
_PROJECTS_OPEN = re.compile(r"支持多个(?:方案|项目)入选|入选数量不限")
_TOTAL_BUDGET = re.compile(
    r"(?:国拨经费总概算|经费总概算|总经费|总预算|资助总额|资助总金额|经费总额|资金总额|资金总规模|资金规模|总概算|直接经费(?:总额|合计)?"
    r"|(?:国拨|省拨|市拨|区拨|财政|专项)(?:资助)?(?:经费|资金)(?:总额|合计)?|共(?:资助|支持|安排)经费"
    r"|总奖金池|奖金池|总奖金|奖金总额|拨款总额|共拨款|拨款(?=共)"
    r"|(?:项目|资助|专项)?(?:经费|资金)(?:总计|合计|共计)|下达(?:项目|专项)?(?:经费|资金))\s*[：:为共]?\s*"
)
_PER_PROJECT = re.compile(
    r"(?:平均资助强度|平均资助额度|平均资助金额|支持金额|支持额度|资助金额|资助强度|支持强度|资助额度|奖励金额|申请经费|申请金额|补助金额|补助额度|补助上限"
    r"|(?<=项目|课题)(?:申请|资助)?(?:直接)?经费(?!\s*(?:总|合计|共|规模)))\s*[：:为]?"
)
# One funded project, team or application named with a word between 每 and its noun ("每个获批项目",
# "每宗获批申请", "每队可获得"): what follows is the amount each receives.
_PER_AWARDED = re.compile(
    r"每(?:个|宗|项|件|支)?(?:获批|获资助|获选|入选|入围|受资助)的?(?:项目|申请|计划|团队|队伍)|每(?:支|个)?(?:队|团队)(?=可|获|将)"
)
# A clause that states a rate per month, year or person (a fee, a salary), not the amount of a project.
_RATE_CLAUSE = re.compile(r"每(?:月|年|人|位|名)|主持费|劳务费|/\s*(?:月|人)")
# The words before a budget word that make it the amount of one project ("项目直接经费", "课题申请直接经费").
_ONE_PROJECT_LEAD = re.compile(r"(?:项目|课题|申请)$")
_DURATION_WORDS = re.compile(
    r"实施周期|执行周期|研究周期|建设周期|资助周期|资助为期|支持周期|支持期限|支持年限|执行期|合作周期|研究期限|研究期间|(?:研究|课题|项目)的?时间周期|项目周期|实施期限|执行期限|资助期限|建设期限|完成期限|"
    r"资助年限|研究年限|实施年限|执行年限|项目期限|完成时限|研究时限|补助期限|补助期间|补助年限|(?:计划|执行|研究|实施|补助|项目)期程|实施期|资助期|(?:完成|研究|实施|执行)时间(?=为|不超过|不得超过|一般|原则上|最长|约)"
)
# Money set aside for the call: "财政安排资金3000万元", "预留合共约8亿元作……资助用途".
# "获拨款港币五亿元", "从创新及科技基金拨出5亿元成立…": a currency may stand between the verb and the amount.
_RESERVED = re.compile(
    r"(?:拟)?(?:安排|预留|投入|拨款|拨出)(?:中央|省级|市级|区级|省|市|专项|财政){0,3}(?:资金|经费)?\s*(?:合共|共计|共|总计|合计)?\s*"
    r"(?=(?:港币|港元|澳门币|澳门元|新台币|人民币)?\s*(?:约|大约|\d|[一二三四五六七八九十两]+(?:亿|万|千万)))"
)
# A scheme named by its money: "5亿元科技券计划现正接受申请", "推出30亿元的前沿科技研究支援计划",
# "设置了澳门币二亿元的专项拨款": the amount is the scheme's budget (never a 每/最高 amount, checked at use).
_SCHEME_MONEY = re.compile(
    rf"(?:港币|港元|澳门币|澳门元|新台币|人民币)?\s*(?:约|大约)?\s*{NUM}\s*(?:亿|万)元\s*的?\s*"
    r"(?=[\u4e00-\u9fff]{0,14}?(?:计划|基金|专项))(?![\u4e00-\u9fff]{0,14}?(?:用于|给予|奖励|资助|支持|补助))"
)
_PUBLIC_MONEY = re.compile(r"财政|政府|中央|省级|市级|区级|专项|本计划|本专项")
# A count in the sentence of an applicant's record ("申请人近五年获得项目资助1项以上") is an eligibility condition.
_ELIGIBILITY = re.compile(r"申请人|申报人|负责人|主持|承担|近[一二三四五两\d]+年|获得过|曾")
# Words that put a sentence about one direction, not the whole call ("本方向拟支持不超过2项").
_ONE_DIRECTION = re.compile(
    r"(?:本|该|每个|各)(?:方向|专题|赛道|赛项|领域|任务|组别|榜单)|本(?:课题|类项目|组)|该(?:课题|类项目)"
)
# Things counted in 项 that are not projects ("提交以下材料，共计5项", "考核指标共3项").
_NOT_PROJECTS = re.compile(r"材料(?!领域|科学|学|工程|类)|附件|文件|指标|条件|要求|要点|内容|成果|专利|论文|任务书|证明")
_PRIZE_TIER = re.compile(r"等奖|冠军|亚军|季军|金奖|银奖|铜奖|优秀奖|单项奖")
_PAST = re.compile(r"过去|去年|上年|往年|历年|往届|历届|上届|累计|以来|近[一二三四五两\d]+年|带动|撬动|吸引|核定")
# "项目自2025年1月起执行2年", "执行1年为原则": a verb with the length (not "实施三年来").
_VERB_DURATION = re.compile(
    rf"(?:执行|实施|资助|一期|每期|(?<=项目|课题|计划|研究)为期)\s*((?:约|最长|最多|不超过)?\s*{NUM}\s*(?:年|个月)(?:为原则|为限|左右)?)(?![来后多间内度])"
)
# "（2~3年）" on its own: a duration range in brackets.
_BARE_DURATION = re.compile(rf"[（(]\s*((?:约)?\s*{NUM}\s*(?:-|~|～|—|–|至|到)\s*{NUM}\s*(?:年|个月))\s*[）)]")
# "年度课题原则上要求1年内完成": the time a project has, said of the project.
_WITHIN = re.compile(rf"(?<=项目|课题|研究)[^，。；\n]{{0,10}}?(?:要求|须|应|应当|需)?在?\s*({NUM}\s*(?:年|个月))内完成")
_REFERENCE = re.compile(r"[\u4e00-\u9fff]{2,10}\s*〔\s*\d{4}\s*〕\s*\d+\s*号")
_BATCH = re.compile(r"第([一二三四五六七八九十\d]+)批")
_TITLE_WORDS = re.compile(r"指南|通知|征集|大赛|专项|申报|计划|项目")
_TITLE_IN_TEXT = re.compile(r"(?:编制形成了|制定了|发布了?|印发)([^，。；\n]{6,80}?(?:申报指南|征集指南|指南|通知))")


#: ``progress(step, fraction)``: told how far an extraction is (steps "text", "directions", "facts", "checking").
Progress = Callable[[str, float], None]


def extract_guide(original: str, progress: Progress | None = None) -> Extraction:
    # Extraction makes millions of small objects and no cycles worth collecting: the cyclic collector
    # would walk them all again and again (a quarter of the time on a 5 MB text). Reference counting
    # still frees everything; the collector is switched back on (if it was on) when this returns.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract(original, progress or (lambda step, fraction: None))
    finally:
        if enabled:
            gc.enable()


def _extract(original: str, progress: Progress) -> Extraction:
    progress("text", 0.0)
    norm = normalise(original)
    progress("directions", 0.35)
    text = norm.text
    col = Collector()
    lines: list[Line] = []
    pos = 0
    for part in text.split("\n"):
        lines.append(Line(part, pos))
        pos += len(part) + 1

    mode, blocks, category_names = find_blocks(lines)
    inside = _merged([(lines[b.first].start, lines[b.last - 1].end) for b in blocks])
    inside_starts = [s for s, _ in inside]

    def outside(at: int) -> bool:
        k = bisect_right(inside_starts, at) - 1  # the last block starting at or before ``at``
        return k < 0 or at >= inside[k][1]

    def call_wide(at: int) -> bool:
        """Outside the direction blocks and not in a sentence about one direction ("本方向拟支持2项")."""
        sentence = re.split(r"[。；;\n]", text[max(0, at - 60) : at])[-1]
        return outside(at) and _ONE_DIRECTION.search(sentence) is None

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
    index = _Index()
    codes: set[str] = set()
    categories = [{"code": f"c{i + 1}", "name": name} for i, (name, _) in enumerate(category_names)]
    for i, block in enumerate(blocks):
        if i and i % 100 == 0:
            progress("directions", 0.4 + 0.35 * i / len(blocks))
        data, items = read_direction(block, lines, i, col)
        if data["code"] in codes:
            data["code"] = f"{data['code']}-{i + 1}"
        codes.add(data["code"])
        if block.category is not None:
            data["category"] = next(c["code"] for c in categories if c["name"] == block.category)
        requirements: list[dict[str, Any]] = []
        for text_item, mapped in items:
            requirement: dict[str, Any] = {"text": text_item}
            rule_codes, kcodes = _attach(mapped, text_item, [data["code"]], criteria, kpis, documents, index)
            if rule_codes:
                requirement["criteria"] = rule_codes
            if kcodes:
                requirement["kpis"] = kcodes
                data.setdefault("kpis", []).extend(kcodes)
            requirements.append(requirement)
        if requirements:
            data["requirements"] = requirements
        _per_country(data, criteria, caps, index)
        _partner_rule(data, criteria, index)
        directions.append(data)
    checked_counts: list[tuple[int, int, int]] = []
    if mode == "none":
        directions = _loose_directions(lines, col, checked_counts)
        if directions:
            mode = "loose"

    # ---------------------------------------------------------------- call-level facts
    progress("facts", 0.75)
    totals: dict[str, Any] = {}
    if (counted := _direction_count(text, outside, tuple(re.sub(r"\s+", "", d["title"]) for d in directions))) is not None:
        totals["directions"], cstart, cend = counted
        col.span("stated_totals.directions", cstart, cend, 0.85)
    if "directions" not in totals and mode == "loose" and (counted := _count_of_listed(text, outside, directions)) is not None:
        totals["directions"], cstart, cend = counted
        col.span("stated_totals.directions", cstart, cend, 0.6)
    if "directions" not in totals and checked_counts:
        totals["directions"], cstart, cend = checked_counts[0]
        col.span("stated_totals.directions", cstart, cend, 0.6)
    if "directions" not in totals and (counted := _count_beside_list(text, outside, directions)) is not None:
        totals["directions"], cstart, cend = counted
        col.span("stated_totals.directions", cstart, cend, 0.6)
    if "directions" not in totals and mode == "code" and (m := re.search(r"在([^。；]{4,80}?)等领域设置", text)) is not None:
        totals["directions"] = len([p for p in m.group(1).split("、") if p.strip()])
        col.span("stated_totals.directions", m.start(), m.end(), 0.6)
    if (m := _PARTNER_COUNT.search(text)) is not None and outside(m.start()):
        value = to_number(m.group(1))
        if value:
            totals["partners"] = int(value)
            col.span("stated_totals.partners", m.start(), m.end(), 0.8)
    names = [re.sub(r"\s+", "", d["title"]) for d in directions if len(d["title"]) >= 3]

    def named_before(at: int, reach: int = 40) -> bool:
        """A direction named earlier in the clause of ``at`` ("其中一般项目共500项", "自由探索类项目…经费总额为1000万元"):
        the value is that direction's, not the call's."""
        clause = re.sub(r"\s+", "", _clause_before(text, at, reach))
        return any(name in clause for name in names)

    # A direction's own quota ("（一）X。拟支持不超过2项。") is not the number of projects of the call.
    quota_spans = _merged([(s.start, s.end) for s in col.spans if s.path.startswith("directions.") and s.path.endswith(".quota")])
    quota_starts = [start for start, _ in quota_spans]

    def not_a_quota(at: int) -> bool:
        k = bisect_right(quota_starts, at) - 1
        return k < 0 or at >= quota_spans[k][1]

    if (projects := _projects(text, lambda at: call_wide(at) and not named_before(at, 12) and not_a_quota(at))) is not None:
        totals["projects"], pstart, pend = projects
        col.span("stated_totals.projects", pstart, pend, 0.85)
    elif (m := _PROJECTS_OPEN.search(text)) is not None:
        totals["projects"] = {"qualifier": "unspecified", "note": tidy(m.group(0))}
        col.span("stated_totals.projects", m.start(), m.end(), 0.7)
    budget: dict[str, Any] = {}
    for m in _TOTAL_BUDGET.finditer(text):
        lead = _clause_before(text, m.start())
        one_project = _ONE_PROJECT_LEAD.search(lead) and not re.search(r"总|合计|规模|共", m.group(0))
        if not call_wide(m.start()) or PER_PROJECT.search(lead) or "每" in lead or _PRIZE_TIER.search(lead) or one_project:
            continue  # "每个项目直接经费不超过…", "一等奖总奖金…": an amount per project or per prize, not the call's total
        if named_before(m.start()):
            continue  # "每个项目直接经费不超过…", "一等奖总奖金…": an amount per project or per prize, not the call's total
        if (money := parse_money(_clause_after(text, m.end(), 30))) and not money.pop("per_project", False):
            if _ONE_PROJECT_LEAD.search(lead) and money.get("qualifier") == "at_most":
                continue  # "项目总预算不超过500万元": the cap of one project's budget
            totals["budget"] = money
            budget["total"] = dict(money)
            col.span("stated_totals.budget", m.start(), m.end() + 14, 0.9)
            break
    after_count = _BUDGET_AFTER_COUNT.match(text, projects[2]) if projects is not None and "budget" not in totals else None
    if after_count is not None and projects is not None:
        money = parse_money(_clause_after(text, after_count.end(), 20))
        if money and not money.pop("per_project", False):
            totals["budget"] = money
            budget["total"] = dict(money)
            col.span("stated_totals.budget", projects[1], after_count.end() + 10, 0.7)
    if "budget" not in totals:
        for m in _RESERVED.finditer(text):
            sentence = re.split(r"[。；\n]", text[max(0, m.start() - 60) : m.start()])[-1]
            if not call_wide(m.start()) or _PAST.search(sentence) or "每" in _clause_before(text, m.start()):
                continue
            if re.search(r"带动|撬动|吸引|引导", _clause_before(text, m.start(), 20)):
                continue  # "带动企业投入约9.3亿元": money the funding leverages from others, not the call's budget
            if "投入" in m.group(0) and not _PUBLIC_MONEY.search(_clause_before(text, m.start(), 12) + m.group(0)):
                continue  # "企业研发投入500万元以上": what applicants spend, not the call's money
            if (money := parse_money(_clause_after(text, m.end(), 20))) and not money.pop("per_project", False):
                totals["budget"] = money
                budget["total"] = dict(money)
                col.span("stated_totals.budget", m.start(), m.end() + 10, 0.6)
                break
    if "budget" not in totals:
        for m in _SCHEME_MONEY.finditer(text):
            sentence = re.split(r"[。；\n]", text[max(0, m.start() - 60) : m.start()])[-1]
            if (
                not call_wide(m.start())
                or _PAST.search(sentence)
                or re.search(r"每|最高|不超过|上限|单个|至多|最多", sentence[-12:])
            ):
                continue
            if re.search(r"获得?|分别|、\s*$", sentence[-12:]):
                continue  # "分别获得1989.75、2000万元市智能制造专项": money some winners received, not the call's
            if re.search(r"投资|投入|资本|收入|营收|销售|产值|规模", sentence[-12:]):
                continue  # "总投资5亿元的产业化计划", "年销售收入2亿元…": an applicant's figures, not the call's money
            if (money := parse_money(m.group(0))) and not money.pop("per_project", False):
                totals["budget"] = money
                budget["total"] = dict(money)
                col.span("stated_totals.budget", m.start(), m.end(), 0.6)
                break
    named, named_durations = _named_amounts(text, directions, outside, col)
    # A per-project amount for the whole call: after 资助强度 / 平均资助额度 …, or after 每个项目 / 每项 in a sentence.
    starts = sorted(
        [(m.start(), m.end(), m.group(0)) for m in _PER_PROJECT.finditer(text)]
        + [(m.start(), m.end(), m.group(0)) for m in PER_PROJECT.finditer(text) if m.group(0).startswith(("每", "单"))]
        + [(m.start(), m.end(), m.group(0)) for m in _PER_AWARDED.finditer(text)]
    )
    amounts: list[tuple[dict[str, Any], int, int]] = []
    for start, end, word in starts:
        window = _clause_after(text, end, 40)
        if not call_wide(start) or (money := parse_money(window)) is None:
            continue
        head = re.split(r"\d|[一二三四五六七八九十]+(?:亿|万|千)", window, maxsplit=1)[0]
        if word.startswith(("每", "单")) and re.search(r"单位|学校|学院|申请人|负责人|人", head):
            continue  # 每个单位 / 每位申请人: a cap for someone, not an amount per project
        if re.search(r"合共|合计|共计|总计|总共|总额|累计", head):
            continue  # "申请金额合共2.86亿元的建议书获批": the sum over many projects, not one project's amount
        if _PRIZE_TIER.search(re.split(r"[。；;\n]", text[max(0, start - 20) : start])[-1]):
            continue  # "一等奖奖励金额5万元": the prize of one tier, not an amount for every project
        # A breakdown or a payment schedule after the amount ("其中设备费不超过5万元", "首期拨付3万元") is part of it.
        own = re.split(r"[，,]\s*(?=其中|含|包括|首期|分|另)", window)[0]
        # "每案以新台币500万元为上限，主持人主持费每月新台币3万元": a monthly or per-person rate is no other project's amount.
        own = "，".join(c for k, c in enumerate(re.split(r"[，,]", own)) if not k or not _RATE_CLAUSE.search(c))
        kinds = _KIND_AMOUNT.findall(_sentence_after(text, end))
        if len(re.findall(r"\d\s*(?:亿|万)?元", own)) > 1 or named or len(kinds) > 1:
            amounts = []
            break  # amounts of several directions ("重点项目25万元，一般项目15万元"): not one call-wide value
        opening = call["title"] + text[: max(0, min(300, start - 20))]
        if _kind_of_project(_clause_before(text, start, 12), opening) or _subject_kind(text, start, opening):
            continue  # "青年项目每项资助8万元": the amount of one kind of project, not of every project
        money.pop("per_project", None)
        if money.get("qualifier", "exact") == "exact" and re.search(r"上限|最高", head):
            money["qualifier"] = "at_most"  # "每个获批项目可获得资助上限为…港币500万元"
        if re.search(r"平均", text[max(0, start - 4) : end]) and money.get("qualifier", "exact") == "exact":
            money["qualifier"] = "about"
        if not amounts or start >= amounts[-1][2] - 14:  # the keyword and 每项 of one phrase count once
            amounts.append((money, start, end + 14))
    # Different amounts per project in different sentences belong to different kinds of project.
    if amounts and all(_same_amount(money, amounts[0][0]) for money, _, _ in amounts):
        money, start, end = amounts[0]
        budget["per_project"] = money
        col.span("budget.per_project", start, end, 0.85)
    if budget:
        definition["budget"] = budget
    if totals:
        if directions and "directions" not in totals:
            col.warn("total_directions_missing")
        definition["stated_totals"] = totals
    elif directions:
        col.warn("totals_missing")
    # Different lengths after duration words in different sentences belong to different kinds of project
    # ("一般项目的研究期限为3年 … 专项课题研究周期为2年"): none of them is the call's.
    lengths = {
        (found[0]["unit"], found[0].get("value"), found[0].get("min"), found[0].get("max"))
        for m in _DURATION_WORDS.finditer(text)
        if call_wide(m.start()) and (found := find_duration(text[m.start() : m.start() + 40])) is not None
    }
    for m in _DURATION_WORDS.finditer(text):
        if not call_wide(m.start()) or named_durations or len(lengths) > 1:
            continue  # lengths stated per direction are not the call's
        found = find_duration(text[m.start() : m.start() + 40])
        sentence = _clause_after(text, m.start(), 80)
        if found and len({(d["unit"], d.get("value"), d.get("min"), d.get("max")) for d in all_durations(sentence)}) > 1:
            continue  # "研究期限：重点项目3~5年，一般项目2~3年": lengths of several kinds, not one for the call
        if found and _several_lengths(text, m.start()):
            continue  # "A要求在2年内完成；港澳专项研究年限为1年": the lengths of several kinds in one sentence
        opening = call["title"] + text[: max(0, min(300, m.start() - 20))]
        if found and (_kind_of_project(_clause_before(text, m.start(), 12), opening) or _subject_kind(text, m.start(), opening)):
            continue  # "青年项目研究期限为2年": the length of one kind of project
        if found:
            if re.search(r"原则上|一般", _clause_before(text, m.start(), 10)):
                found[0]["in_principle"] = True  # "原则上资助周期为3年"
            definition["duration"] = found[0]
            col.span("duration", m.start() + found[1], m.start() + found[2], 0.8)
            break
    else:
        for m in (*_BARE_DURATION.finditer(text), *_VERB_DURATION.finditer(text)):
            if (
                call_wide(m.start())
                and not named_durations
                and not _several_lengths(text, m.start())
                and (bare := parse_duration(m.group(1))) is not None
            ):
                definition["duration"] = bare
                col.span("duration", m.start(), m.end(), 0.6)
                break
        else:
            for m in _WITHIN.finditer(text):
                if (
                    call_wide(m.start())
                    and not named_durations
                    and not _several_lengths(text, m.start())
                    and (bare := parse_duration(m.group(1))) is not None
                ):
                    bare.update(qualifier="at_most")  # "1年内完成": at most a year
                    if re.search(r"原则上|一般", m.group(0)):
                        bare["in_principle"] = True
                    definition["duration"] = bare
                    col.span("duration", m.start(), m.end(), 0.6)
                    break

    if (currency := _local_currency(text, norm.traditional)) is not None:
        _set_currency(definition, directions, currency)

    latin = mostly_latin(text)
    if latin:
        read_english(text, lines, definition, directions, col)

    # ---------------------------------------------------------------- call-wide requirements
    for line in lines:
        if not outside(line.start) or len(line.text) < 6:
            continue
        mapped = map_requirement(line.text)
        mapped.rules = [(r, c) for r, c in mapped.rules if r["kind"] != "duration" or "申" in line.text]
        if mapped.rules or mapped.documents:
            _attach(mapped, tidy(line.text), _except(line.text, directions), criteria, kpis, documents, index)
    index.settle()

    definition["timeline"] = timeline(text, year, col)
    if latin:
        add_english_deadlines(text, year, definition["timeline"], col)
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
    progress("checking", 0.9)
    parsed = _validate(definition, col)
    lines_out = reconcile(parsed) if parsed is not None else []
    for line_r in lines_out:
        if line_r.missing:
            col.warn("reconciliation_gap", measure=line_r.measure, directions=", ".join(line_r.missing))
        elif not line_r.matches and line_r.stated is not None:
            stated, summed = line_r.stated, line_r.summed
            if line_r.measure == "budget_yuan":  # the sentence's label says 万元: the sums are in yuan
                stated, summed = _wan(stated), _wan(summed)
            col.warn("reconciliation_difference", measure=line_r.measure, stated=stated, summed=summed)
    return Extraction(definition, parsed, col.spans, col.warnings, norm, lines_out, mode, col.suggestions)


_PLACES = (
    # A year of the Republic of China calendar ("114/06/02", "民国113年", "115年度") is Taiwan's own.
    ("TWD", re.compile(r"新台币|NT\$|台湾|台北|国科会|行政院|民国|(?<![\d/.])1[01]\d(?:/\d{1,2}/\d{1,2}(?![\d/])|年度?)")),
    ("HKD", re.compile(r"港元|港币|HK\$|香港|特区政府")),
    ("MOP", re.compile(r"澳门元|澳门币|澳门")),
)


_SAR_BODIES = (
    ("HKD", re.compile(r"特区政府|创新科技署|创新及科技局|研究资助局|大学教育资助委员会|政府新闻网|香港特别行政区政府")),
    ("MOP", re.compile(r"澳门特别行政区政府|澳门特区政府|科学技术发展基金|澳门基金会")),
)


def _local_currency(text: str, traditional: bool) -> str | None:
    """The currency of amounts written without one in a Hong Kong, Macao or Taiwan notice (traditional
    script, naming the place, never 人民币): New Taiwan dollars, Hong Kong dollars or patacas."""
    if re.search(r"人民币|RMB|CNY", text):
        return None
    if not traditional:
        # The simplified edition of a Hong Kong or Macao government page ("政府新闻网", "创新科技署"): its
        # own bodies, not a mainland notice that mentions 香港 or 港澳台 in passing.
        own = [code for code, pattern in _SAR_BODIES if pattern.search(text[:20000])]
        return own[0] if len(own) == 1 else None
    counts = sorted(((len(pattern.findall(text)), code) for code, pattern in _PLACES), reverse=True)
    if counts[0][0] == 0:
        # No place named ("本港", "创新科技署宣布"): the government's own bodies tell it, as in simplified text.
        own = [code for code, pattern in _SAR_BODIES if pattern.search(text[:20000])]
        return own[0] if len(own) == 1 else None
    if counts[0][0] == counts[1][0]:
        return None
    return counts[0][1]


def _set_currency(definition: dict[str, Any], directions: list[dict[str, Any]], currency: str) -> None:
    amounts = [*(definition.get("budget") or {}).values(), (definition.get("stated_totals") or {}).get("budget")]
    for d in directions:
        amounts.extend((d.get("budget") or {}).values())
    for money in amounts:
        if isinstance(money, dict) and "currency" not in money:
            money["currency"] = currency


_GENERIC_KIND = re.compile(
    r"(?:本|该|各|每|每个|所有|全部|单个|上述|以上|相关|此类|拟|申报|立项|资助|支持|入选|获批|本批|本次|年度|研究|科研)$"
)


def _kind_of_project(before: str, title: str) -> bool:
    """ "青年基金项目" right before an amount names one kind of project, unless the call is about that kind
    (``title``: the call's title and the opening before the sentence)."""
    before = re.sub(r"(?:每项|每一?个?项目|每个|的|资助|经费|支持|平均|直接费用|直接经费|费用)+$", "", before)
    m = re.search(r"([\u4e00-\u9fff]{2,6}?)项目$", before)
    if m is None or _GENERIC_KIND.search(m.group(1)) or len(_GENERIC_KIND.sub("", m.group(1))) < 2:
        return False
    return m.group(0) not in title


def _subject_kind(text: str, at: int, title: str) -> bool:
    """The sentence holding ``at`` is about one kind of project: its first clause opens with it
    ("培育项目直接费用平均资助强度约为54万元/项，资助期限为3年")."""
    sentence = re.split(r"[。；;\n]", text[max(0, at - 120) : at])[-1]
    first = re.split(r"[，,：:]", sentence, maxsplit=1)[0]
    m = re.match(r"\s*(?:其中|对于|对)?\s*(?!本|该|此|各|每|上述|所有)([\u4e00-\u9fff]{2,6}?项目)", first)
    return m is not None and _kind_of_project(m.group(1), title)


def _same_amount(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a.get("amount"), a.get("amount_wan"), a.get("currency")) == (b.get("amount"), b.get("amount_wan"), b.get("currency"))


def _clause_before(text: str, at: int, size: int = 8) -> str:
    """The words just before ``at`` in its own clause."""
    return re.split(r"[，,。；;：:、（(）)\n]", text[max(0, at - size) : at])[-1]


def _clause_after(text: str, at: int, size: int) -> str:
    """The text after ``at`` up to the end of its sentence (at most ``size`` characters)."""
    return re.split(r"[。；;\n]", text[at : at + size])[0]


def _direction_count(text: str, outside: Any, titles: tuple[str, ...] = ()) -> tuple[int, int, int] | None:
    """The stated number of directions outside the direction blocks, with its span; ``titles`` are the
    directions found, whose parts ("专项课题分为A和B两类" under "重点课题和专项课题") are no count of directions."""
    for m in _DIRECTION_COUNT.finditer(text):
        if outside(m.start()) and (value := to_number(m.group(1) or m.group(2))):
            return int(value), m.start(), m.end()
    for m in _SPLIT_RESPECTIVE.finditer(text):
        # "今年计划分为三类，分别由…资助、…的25个科技范畴和…": the kinds, each described after 分别
        # (the counts inside the descriptions are not the call's).
        if outside(m.start()) and not _NOT_A_TOTAL.search(_clause_before(text, m.start(), 10)):
            value = to_number(m.group("n"))
            if value and 1 < value <= 50:
                return int(value), m.start(), m.end()
    found: list[tuple[int, int, int]] = []
    for m in _DIRECTION_COUNT_MORE.finditer(text):
        lead = _clause_before(text, m.start(), 10)
        if not outside(m.start()) or _NOT_A_TOTAL.search(lead) or re.search(r"(?:至|到|~|-|—)\s*$", lead):
            continue  # a cap, a choice or the end of a range ("每个方向确立1至2项课题")
        if m.group("split") is not None:
            listed = m.group(0)
            if not re.search(r"、|和|及|与|“", listed) or re.match(r"分(?:别|配|享|析|期|批|阶段|数|钟)", listed):
                continue
            if listed.startswith("分") and m.start() > 0 and text[m.start() - 1] in "部充区划细过成十":
                continue
            subject = re.split(r"[，,。；;：:\s]", text[max(0, m.start() - 12) : m.start()])[-1]
            holders = [t for t in titles if subject in t]
            if listed.startswith("分") and len(subject) >= 3 and holders and len(holders) < len(titles):
                continue
        value = to_number(
            m.group("n")
            or m.group("split")
            or m.group("after")
            or m.group("industries")
            or m.group("tallied")
            or m.group("quoted")
        )
        if value and 1 < value <= 500:
            found.append((int(value), m.start(), m.end()))
    if not found:
        return None
    value, start, end = found[0]
    sentence_end = start + len(_clause_after(text, start, 200))
    if any(v != value and s < sentence_end for v, s, _ in found[1:]):
        return None  # "五大领域，设立两类赛道": two counts of two lists, no single number of directions
    return value, start, end


# The head nouns of listed directions a later count may name ("A组和B组…对两个组分别设奖").
_LISTED_HEAD = re.compile(r"(?:组别|组|赛道|赛项|领域|方向|专题|榜单)$")


def _count_of_listed(text: str, outside: Any, directions: list[dict[str, Any]]) -> tuple[int, int, int] | None:
    """A count naming the listed directions by their shared head noun ("团队组和企业组…两个组") that
    matches how many were listed: the stated number of directions."""
    heads = {m.group(0) if (m := _LISTED_HEAD.search(d["title"])) else None for d in directions}
    if len(directions) < 2 or len(heads) != 1 or None in heads:
        return None
    head = heads.pop()
    assert head is not None
    for m in re.finditer(rf"({NUM})\s*(?:个|大)\s*{head}(?![织长员委成合建队])", text):
        lead = _clause_before(text, m.start(), 10)
        if outside(m.start()) and not _NOT_A_TOTAL.search(lead) and to_number(m.group(1)) == len(directions):
            return len(directions), m.start(), m.end()
    return None


# A count beside a list of the directions found: "包括A、B和C三类", "「A」…及「D」等4类别", "分三组受理：(一)A (二)B (三)C".
_BESIDE_COUNT = rf"({NUM})\s*(?:个|大)?\s*(?:类别|大类|类科|类|组别|组|方面)"
_COUNT_AFTER_LIST = re.compile(rf"\s*[”」』\"]?\s*(?:等|这|此|共)?\s*{_BESIDE_COUNT}")
_COUNT_BEFORE_LIST = re.compile(
    rf"{_BESIDE_COUNT}[^，,。；;：:]{{0,8}}[：:]\s*[(（]?[一二三四五六七八九十\d]?[)）、.．]?\s*[“「『]?$"
)


def _count_beside_list(text: str, outside: Any, directions: list[dict[str, Any]]) -> tuple[int, int, int] | None:
    """The number of the directions named together in one sentence, stated right after their list or
    right before it (ending in a colon): the stated number of directions, checked against the list. Lists
    of different directions with their own counts ("分A和B两类…另设C和D两类") count groups, not the call's;
    a list inside a larger listed one counts a part of it."""
    titles = {re.sub(r"\s+", "", d["title"]) for d in directions}
    titles = {t for t in titles if len(t) >= 2}
    if not 2 <= len(titles) <= 12:
        return None  # a count is written beside a short list; a long one is not searched sentence by sentence
    found: list[tuple[int, set[str], int, int]] = []
    start = 0
    for sentence in re.split(r"(?<=[。；;\n])", text):
        at = start
        start += len(sentence)
        places = sorted((i, i + len(t), t) for t in titles if (i := sentence.find(t)) >= 0)
        places = [p for k, p in enumerate(places) if not k or p[0] >= places[k - 1][1]]
        if len(places) < 2 or not outside(at + places[0][0]):
            continue
        lead = sentence[: places[0][0]]
        if re.search(r"自选|任选|可选|选择", lead) or _NOT_A_TOTAL.search(lead[-10:]):
            continue  # "自选赛道包括A、B、C等3类", "每个单位限报A和B两类": a choice or a cap, not the call's directions
        after = _COUNT_AFTER_LIST.match(sentence, places[-1][1])
        before = _COUNT_BEFORE_LIST.search(sentence[: places[0][0]])
        for m in (after, before):
            if m is not None and to_number(m.group(1)) == len(places):
                found.append((len(places), {t for _, _, t in places}, at + m.start(), at + m.end()))
                break
    # A list inside a larger one ("包括A、B和C三类 … B和C分为两类") counts a group of it.
    found = [f for f in found if not any(f[1] < other[1] for other in found)]
    if not found or any(value != found[0][0] or not named & found[0][1] for value, named, _, _ in found):
        return None  # no count, or counts of different lists
    return found[0][0], found[0][2], found[0][3]


def _projects(text: str, outside: Any) -> tuple[dict[str, Any], int, int] | None:
    """The stated number of projects to fund ("拟支持项目数约30个", "共立项9项", "拟支持约3-5项左右")."""

    def other_count(at: int) -> bool:
        """A count of past projects, of an applicant's record, or of materials and conditions."""
        before = re.split(r"[。；\n]", text[max(0, at - 40) : at])[-1]
        return bool(_PAST.search(before) or _ELIGIBILITY.search(before) or _NOT_PROJECTS.search(before[-12:]))

    for m in _PROJECTS.finditer(text):
        if outside(m.start()) and not other_count(m.start()) and (quota := parse_quota(m.group(1))):
            return quota, m.start(), m.end()
    for m in _PROJECTS_MORE.finditer(text):
        if not outside(m.start()) or _NOT_A_TOTAL.search(_clause_before(text, m.start(), 4)):
            continue
        if re.search(rf"(?:{_TALLIED_NOUN})\s*$", _clause_before(text, m.start(), 6)):
            continue  # "施政重点共计18项": a count of directions, not of projects
        before = re.split(r"[。；\n]", text[max(0, m.start() - 40) : m.start()])[-1]
        sentence = before + _clause_after(text, m.start(), 60)
        stated = m.group("q") or m.group("q2") or m.group("q3") or m.group("q4")
        if not _PROJECT_WORDS.search(sentence.replace(stated, "")):
            continue
        if other_count(m.start()) or re.match(r"\s*(?:及)?以上", text[m.end() : m.end() + 3]):
            continue  # "获得项目资助1项以上": a condition on the applicant, not the number to fund
        if (quota := parse_quota(stated)) is not None and quota.get("qualifier") != "unspecified":
            return quota, m.start(), m.end()
    # A notice of approval: "共有106项申请获准立项".
    for m in _APPROVED.finditer(text):
        if outside(m.start()) and (quota := parse_quota(m.group("q"))) is not None:
            return quota, m.start(), m.end()
    # An award's number of laureates ("本届获奖者不超过100名", "每届授奖人数不超过30名").
    for m in _LAUREATES.finditer(text):
        stated = m.group("q") or m.group("q2")
        if (
            outside(m.start())
            and not other_count(m.start())
            and (quota := parse_quota(re.sub(r"[名人位]$", "项", stated))) is not None
        ):
            return quota, m.start(), m.end()
    return None


_APPROVED = re.compile(rf"共有?\s*(?P<q>{NUM}\s*项)\s*(?:申请|课题|项目|申报项目)?\s*(?:获准|获批|批准|予以)立项")
_LAUREATES = re.compile(
    rf"(?:获奖者|获奖人数|授奖人数|奖励人数|表彰人数|入选人数)\s*(?:名额)?\s*(?:为|[：:])?\s*"
    rf"(?P<q>(?:原则上)?(?:不超过|不多于|最多|约)\s*{NUM}\s*[名人位])"
    # "将评选五名得奖者": the number chosen.
    rf"|(?:评选|评出|选出)(?:出)?\s*(?P<q2>{NUM}\s*名)\s*(?:得奖者|获奖者|得主)"
)


def _named_amounts(text: str, directions: list[dict[str, Any]], outside: Any, col: Collector) -> tuple[bool, bool]:
    """Amounts and durations stated for named directions in running text ("面上项目…资助经费不超过5万元；
    论证项目…不超过30万元", "重点项目25万元，一般项目和青年项目15万元", "重点项目研究期限为3年"): each goes
    to its direction. (an amount was given, a duration was given)."""
    titles = sorted({d["title"] for d in directions if len(d["title"]) >= 3}, key=len, reverse=True)
    if len(titles) < 2:
        return False, False

    # One pass with the longer titles first, so "青年基金项目" is not read as "基金项目". A kind of project
    # may be named with a word before its head noun ("一般支持项目" for 一般项目).
    def variant(title: str) -> str:
        head = re.search(r"(?:项目|课题)$", title)
        if head is None or head.start() < 2:
            return re.escape(title)
        return re.escape(title[: head.start()]) + r"(?:支持|资助|研究)?" + re.escape(head.group(0))

    anyone = re.compile("|".join(variant(t) for t in titles))
    known = set(titles)

    def title_of(mention: str) -> str:
        return mention if mention in known else re.sub(r"(?:支持|资助|研究)(项目|课题)$", r"\1", mention)

    mentions = [(m.start(), m.end(), title_of(m.group(0))) for m in anyone.finditer(text) if outside(m.start())]
    found: dict[str, tuple[dict[str, Any], int, int]] = {}
    lengths: dict[str, tuple[dict[str, Any], int, int]] = {}
    respective = _respective_amounts(text, mentions)
    for k, (start, _end, title) in enumerate(mentions):
        stop = len(text)
        # A title joined to the next one by 和/及/与/、 shares that one's amount.
        j = k
        while j + 1 < len(mentions) and re.fullmatch(r"\s*[和及与、]\s*", text[mentions[j][1] : mentions[j + 1][0]]):
            j += 1
        seg_start = mentions[j][1]
        if j + 1 < len(mentions):
            stop = mentions[j + 1][0]
        segment = re.split(r"[。；;\n]", text[seg_start : min(stop, seg_start + 80)])[0]
        lead = re.split(r"[。；;\n]", text[max(0, start - 60) : start])[-1]
        words = _DURATION_WORDS.search(lead + segment)
        if title not in lengths and words and (duration := parse_duration(segment)) is not None:
            lengths[title] = (duration, start, seg_start + len(segment))
        if title in respective and title not in found:
            paired, per_project_of = respective[title]
            found[title] = ({"per_project" if per_project_of else "total": paired}, start, seg_start + len(segment))
            continue
        money = parse_money(segment)
        if money is None or title in found:
            continue
        if re.match(rf"[^元]*(?:{_PRIZE_TIER.pattern})", segment):
            continue  # "A组资助标准为：一等奖20万元": the prize of a grade, not the direction's money
        if "分别" in segment or "依次" in segment:
            continue  # "A、B和C…分别不超过30万元、18万元…" that could not be paired: none of them
        total = re.search(r"总额|总经费|总计|合计|共计", segment) is not None  # "…项目资助经费总额为1000万元"
        # "重点项目5项，金额245万元": the amount after a number of projects is what they get together.
        total = (
            total
            or re.match(rf"\s*{NUM}\s*项\s*[，,]\s*(?:金额|经费|资助经费|资助金额)?\s*[为：:]?\s*{NUM}", segment) is not None
        )
        per_project = money.pop("per_project", False) or (title.endswith(("项目", "课题")) and not total)
        # "资助额度为：A为80万元；B为5万元": the label opening the sentence holds across its ；.
        sentence_lead = re.split(r"[。\n]", text[max(0, start - 200) : start])[-1]
        labelled = re.search(r"(?:资助|支持)(?:额度|强度|金额)[^。；;]{0,6}[为是]?\s*[：:]", sentence_lead) is not None
        if re.search(r"平均|强度|额度|每", lead + segment) or per_project or (labelled and not total):
            if re.search(r"平均", lead + segment) and money.get("qualifier", "exact") == "exact":
                money["qualifier"] = "about"
            found[title] = ({"per_project": money}, start, seg_start + len(segment))
        elif {t for _s, _e, t in mentions[_joined_from(text, mentions, k) : j + 1]} >= known:
            continue  # "按A组和B组进行评选，…奖金51万元": a total shared by every direction is the call's
        else:
            found[title] = ({"total": money}, start, seg_start + len(segment))
    given, timed = False, False
    for i, d in enumerate(directions):
        if d["title"] in found and not d.get("budget"):
            value, start, end = found[d["title"]]
            d["budget"] = value
            col.span(f"directions.{i}.budget.{next(iter(value))}", start, end, 0.7)
            given = True
        if d["title"] in lengths and not d.get("duration"):
            duration, start, end = lengths[d["title"]]
            d["duration"] = duration
            col.span(f"directions.{i}.duration", start, end, 0.7)
            timed = True
    return given, timed


def _joined_from(text: str, mentions: list[tuple[int, int, str]], k: int) -> int:
    """The first of the titles joined to the ``k``-th by 和/及/与/、 ("A和B": 0 for B)."""
    while k > 0 and re.fullmatch(r"\s*[和及与、]\s*", text[mentions[k - 1][1] : mentions[k][0]]):
        k -= 1
    return k


_RESPECTIVE = re.compile(r"(?:分别|依次)(?:为|是)?")
_FIRST_N = re.compile(r"前\s*([一二三四五六七八九两\d])\s*(?:者|类|项|个|种)")
_AMOUNT_ITEM = re.compile(r"[^、，,和及与]+")


def _respective_amounts(text: str, mentions: list[tuple[int, int, str]]) -> dict[str, tuple[dict[str, Any], bool]]:
    """ "分为重点课题、一般课题、青年课题和共建课题四类，前三者资助金额分别不超过30万元、18万元和5万元":
    the amounts after 分别 go to the titles listed before it, in order (the first N for "前N者"), when
    the counts agree; the qualifier of the first amount holds for the others. title → (money, per project)."""
    out: dict[str, tuple[dict[str, Any], bool]] = {}
    k = 0
    while k < len(mentions):
        j = k
        # "A、B或C，这三类项目的…依次为…": 或 joins the names of a list too.
        while j + 1 < len(mentions) and re.fullmatch(r"\s*[和及与、或]\s*", text[mentions[j][1] : mentions[j + 1][0]]):
            j += 1
        group = [title for _s, _e, title in mentions[k : j + 1]]
        stop = mentions[j + 1][0] if j + 1 < len(mentions) else len(text)
        clause = re.split(r"[。；;\n]", text[mentions[j][1] : min(stop, mentions[j][1] + 120)])[0]
        m = _RESPECTIVE.search(clause)
        k = j + 1
        if len(group) < 2 or m is None or m.start() > 30:
            continue
        lead = clause[: m.start()]
        first_n = _FIRST_N.search(lead)
        targets = group[: int(to_number(first_n.group(1)) or 0)] if first_n else group
        amounts: list[dict[str, Any]] = []
        for piece in _AMOUNT_ITEM.finditer(clause[m.end() :]):
            money = parse_money(piece.group(0))
            if money is None:
                break
            amounts.append(money)
        if len(amounts) != len(targets) or len(set(targets)) != len(targets):
            continue
        first = amounts[0].get("qualifier", "exact")
        if first == "exact" and "平均" in lead:  # "平均资助额度依次为15万元、10万元": averages, not exact amounts
            first = "about"
        per_project = re.search(r"资助金额|资助强度|资助额度|每项|每个|经费", lead + clause[: m.end()]) is not None
        for title, money in zip(targets, amounts, strict=True):
            money.pop("per_project", None)
            if money.get("qualifier", "exact") == "exact" and first != "exact":
                money["qualifier"] = first
            out[title] = (money, per_project or title.endswith(("项目", "课题")))
    return out


# "国家重点课题为35—50万元": an amount said of a kind of project (several in one sentence: no call-wide value).
_KIND_AMOUNT = re.compile(
    r"(?:项目|课题|类|专项|计划)\s*(?:资助额度|资助金额|资助)?\s*[为:：]?\s*(?:不超过|最高|约)?\s*\d+(?:\.\d+)?"
    r"(?:\s*[-—–~～至到]\s*\d+(?:\.\d+)?)?\s*(?:万|亿)?元"
)


def _sentence_after(text: str, at: int, reach: int = 300) -> str:
    """The text from ``at`` to the end of its sentence (。 or a line break)."""
    stops = [k for k in (text.find("。", at, at + reach), text.find("\n", at, at + reach)) if k >= 0]
    return text[at : min(stops) if stops else at + reach]


def _several_lengths(text: str, at: int) -> bool:
    """Whether the sentence around ``at`` (up to 。 or a line break, 300 characters either side)
    states lengths of different values: then none of them is the whole call's."""
    start = max(text.rfind("。", max(0, at - 300), at), text.rfind("\n", max(0, at - 300), at)) + 1
    stops = [k for k in (text.find("。", at, at + 300), text.find("\n", at, at + 300)) if k >= 0]
    sentence = text[start : min(stops) if stops else at + 300]
    kinds = {(d["unit"], d.get("value"), d.get("min"), d.get("max")) for d in all_durations(sentence)}
    return len(kinds) > 1


def _wan(yuan: float) -> float | int:
    """Yuan → 万元, without a trailing ".0"."""
    value = round(yuan / 10_000, 4)
    return int(value) if float(value).is_integer() else value


def _loose_directions(lines: list[Line], col: Collector, counts: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """Directions named in running text or in a short numbered run (no guide layout); ``counts``
    receives the counts that checked a list ((number, start, end), "各组分成5类群" over five lines)."""
    out: list[dict[str, Any]] = []
    unsure: list[Loose] = []
    found = find_loose(lines, unsure)
    # A list named only by the heading above its line ("二、重点领域" over "A、B和C"), with no count, number or
    # verb of its own to check it, was right for 7 of 22 names on studied documents and 0 of 17 in the blind
    # batches as first scored (13xx–21xx): offered, not drafted.
    unsure.extend(item for item in found if item.extra.get("rule") == "heading_list")
    found = [item for item in found if item.extra.get("rule") != "heading_list"]
    col.suggestions.extend(Suggestion(item.title, item.start, item.end) for item in unsure)
    counts.extend(item.extra["count"] for item in found if "count" in item.extra)
    # A count closing the one list that names every direction found ("选题分A和B两个类别") is their number.
    listed = [item.extra["list_count"] for item in found if "list_count" in item.extra]
    if len(listed) == 1 and listed[0][0] == len(found):
        counts.append(listed[0])
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


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans covering the same offsets (to look an offset up by bisection)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


@dataclass
class _Index:
    """Lookups over the criteria and documents being collected, so that each requirement costs the
    same however many came before it (a scan of every criterion per requirement is quadratic).

    Only criteria are indexed by rule; a required-document criterion takes its directions from its
    document, set once by ``settle`` when all are known.
    """

    rules: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict)
    partner_directions: set[str] = field(default_factory=set)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # by name
    document_criteria: dict[str, dict[str, Any]] = field(default_factory=dict)  # by document code
    document_directions: dict[str, set[str]] = field(default_factory=dict)

    def add(self, criteria: list[dict[str, Any]], criterion: dict[str, Any]) -> None:
        criteria.append(criterion)
        rule = criterion["rule"]
        if rule["kind"] == "required_document":
            self.document_criteria.setdefault(rule["document"], criterion)
            return
        self.rules.setdefault(_rule_key(rule, criterion["directions"]), criterion)
        if rule["kind"] == "partner_country":
            self.partner_directions.update(criterion["directions"])

    def same(self, rule: dict[str, Any], directions: list[str]) -> dict[str, Any] | None:
        return self.rules.get(_rule_key(rule, directions))

    def settle(self) -> None:
        for document in self.documents.values():
            criterion = self.document_criteria[document["code"]]
            if document["directions"]:
                criterion["directions"] = list(document["directions"])


def _rule_key(rule: dict[str, Any], directions: list[str]) -> tuple[str, tuple[str, ...]]:
    return json.dumps(rule, sort_keys=True, ensure_ascii=False, default=str), tuple(directions)


def _partner_rule(data: dict[str, Any], criteria: list[dict[str, Any]], index: _Index) -> None:
    """A direction with China and a named partner ("中国和新西兰…") takes partners from there."""
    countries = (data.get("partner") or {}).get("countries")
    if not countries or data["code"] in index.partner_directions:
        return
    index.add(
        criteria,
        {
            "code": f"rule-{len(criteria) + 1}",
            "text": data["title"],
            "rule": {"kind": "partner_country", "countries": list(countries)},
            "directions": [data["code"]],
        },
    )


_PER_COUNTRY = re.compile(rf"(原则上)?每个(?:合作)?国(?:别|家)不超过\s*({NUM})\s*个")


def _per_country(data: dict[str, Any], criteria: list[dict[str, Any]], caps: list[dict[str, Any]], index: _Index) -> None:
    """ "（原则上每个合作国别不超过1个）" after a quota: a rule for applicants and a cap for selection."""
    note = (data.get("quota") or {}).get("note", "")
    m = _PER_COUNTRY.search(note)
    value = to_number(m.group(2)) if m else None
    if m is None or not value:
        return
    code = f"rule-{len(criteria) + 1}"
    index.add(
        criteria,
        {
            "code": code,
            "text": note,
            "rule": {"kind": "per_partner_country", "max": int(value)},
            "level": "review" if m.group(1) else "must",
            "directions": [data["code"]],
        },
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
    index: _Index,
) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    for rule, _confidence in mapped.rules:
        same = index.same(rule, directions)
        if same is not None:  # the document says it twice: one criterion
            codes.append(same["code"])
            continue
        code = f"rule-{len(criteria) + 1}"
        index.add(criteria, {"code": code, "text": text, "rule": rule, "directions": list(directions)})
        codes.append(code)
    for doc in mapped.documents:
        existing = index.documents.get(doc["name"])
        if existing is None:
            existing = {"code": f"doc-{len(documents) + 1}", "name": doc["name"], "type": doc["type"], "directions": []}
            documents.append(existing)
            index.documents[doc["name"]] = existing
            index.document_directions[existing["code"]] = set()
            code = f"rule-{len(criteria) + 1}"
            index.add(
                criteria,
                {
                    "code": code,
                    "text": text,
                    "rule": {"kind": "required_document", "document": existing["code"]},
                    "directions": [],
                },
            )
        seen = index.document_directions[existing["code"]]
        for code in directions:
            if code not in seen:
                seen.add(code)
                existing["directions"].append(code)
        # The criterion's directions are the document's, set when all are known (Index.settle).
        rule_code = index.document_criteria[existing["code"]]["code"]
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
