"""Requirement sentences → eligibility rules of the catalogue, KPI templates and documents (pure).

Each recogniser looks for wording, not for a seed's exact sentence. What no recogniser
understands stays a requirement in the call's words with a ``human_check`` rule, so staff
decide it at the formal check: nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shenbao.guides.parser.numbers import NUM, find_duration, to_number
from shenbao.guides.parser.places import countries_in, group_in


@dataclass
class Mapped:
    rules: list[tuple[dict[str, Any], float]] = field(default_factory=list)  # (rule data, confidence)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)


_LEAD_TYPE = re.compile(r"(?:牵头申报单位|牵头单位|申报单位|承担单位|依托单位)\s*(?:必须|须|应|需)\s*(?:为|是)([^。；]{0,40})")
_ORG_TYPES = {
    "企业": "enterprise",
    "高校": "university",
    "高等学校": "university",
    "高等院校": "university",
    "科研院所": "research_institute",
    "科研机构": "research_institute",
    "研究院所": "research_institute",
}
_NAME_PATTERN = re.compile(r"名称(?:格式)?\s*(?:为|应为|须为)\s*[“\"「]([^”\"」]{2,40})[”\"」]")
_PARTNER_COUNTRY = re.compile(r"(?:合作国别仅限|合作方应来自|合作国应为|合作国家应为|合作国家为|外方合作单位应来自)")
_BILATERAL = re.compile(r"(?:分别|同时)\s*向\s*本国.{0,20}?(?:提交|申报|递交).{0,30}?单方申报.{0,6}?无效")
_REGISTERED = re.compile(rf"注册\s*({NUM})\s*年以上")
_ENTERPRISE_BOTH = re.compile(r"双方.{0,10}(?:均|都)\s*(?:必须|须|应)\s*有\s*企业参加")
_MATCHING = re.compile(r"配套(?:出资|资金|经费)")
_BIRTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:（含）|\(含\))?\s*(之后|以后|后|之前|以前|前)\s*出生")
_OVERSEAS = re.compile(r"与境外单位.{0,4}(?:没有|无|不得有).{0,4}聘用关系")
_PER_APPLICANT = re.compile(
    rf"(?:每位|每名|每个|同一)?(?:申请者|申请人|项目负责人|负责人|申报人).{{0,4}}(?:限报|限申报|最多申报|只能申报)\s*({NUM})\s*[项个]"
    rf"(?:.{{0,4}}建议\s*({NUM})\s*项)?"
)
_NEGATIVE = re.compile(rf"({NUM})\s*年内.{{0,30}}(?:重大|负面|恶劣).{{0,20}}(?:不得|不能)参")
_SUBTOPICS = re.compile(rf"(?:设置|下设)\s*不超过\s*({NUM})\s*个课题")
_TRL = re.compile(rf"技术成熟度\s*({NUM})\s*级")
_DOCUMENT = re.compile(
    r"(?:须附|应附|须提交|应提交|应提供|须提供|需提供|填写并提交|并提供)[：:]?\s*(?:由[^，。；]{0,40}?出具的)?([^，。；（(]{2,40}?(?:文件|方案|协议|证明|申报表|备忘录|意向书|承诺书|推荐信|计划书|证书))"
)
_KPI = re.compile(
    rf"(?P<what>互访|交流访问|学术交流活动|学术会议|学术研讨会|专利|培养青年学者|青年科研人员|科研工作|国际会议|论文)[^。；]{{0,24}}?"
    rf"(?:不少于\s*(?P<n1>{NUM})\s*(?P<u1>人次|人|次|项|名|篇)|(?P<n2>{NUM})\s*(?P<u2>人次|人|次|项|名|篇)\s*以上)"
    rf"|(?:不少于\s*(?P<n3>{NUM})\s*(?P<u3>人次|人|次|项|名|篇)|(?P<n4>{NUM})\s*(?P<u4>人次|人|次|项|名|篇)\s*以上)[^。；]{{0,24}}?"
    rf"(?P<what2>互访|交流访问|专利|青年学者|青年科研人员|科研工作)"
)


_ROUTES = (
    (re.compile("自荐|自主报名|自行申报|自主申报"), "self"),
    (re.compile("专家推荐"), "expert_recommendation"),
    (re.compile("单位推荐|组织推荐|机构推荐"), "institution_recommendation"),
)
_LANGUAGE = re.compile(
    r"国内[^。；]{0,12}?使用(中文或英文|中英文|中文|英文)[^。；]{0,12}?国外[^。；]{0,12}?使用(中文或英文|中英文|中文|英文)"
)


def _languages(words: str) -> list[str]:
    out = []
    if "中" in words:
        out.append("zh-hans")
    if "英" in words:
        out.append("en")
    return out


def name_regex(template: str) -> str:
    """ "中埃+研究领域+联合实验室" → a regular expression: literal parts stay, descriptive parts match text."""
    parts = [p.strip() for p in re.split(r"\s*[+＋]\s*", template) if p.strip()]
    out: list[str] = []
    for part in parts:
        descriptive = re.search(r"领域|名称|简称|国家|方向|内容|主题", part) and not re.fullmatch(r"中[\u4e00-\u9fff]?", part)
        if descriptive and part not in ("联合实验室",):
            out.append(".+")
        else:
            out.append(re.escape(part))
    return "".join(out)


def map_requirement(text: str) -> Mapped:
    out = Mapped()
    if m := _LEAD_TYPE.search(text):
        types: list[str] = []
        for word in re.findall("|".join(_ORG_TYPES), m.group(1)):
            if _ORG_TYPES[word] not in types:
                types.append(_ORG_TYPES[word])
        if types:
            out.rules.append(({"kind": "organisation_type", "types": types}, 0.9 if len(types) == 1 else 0.75))
    if m := _NAME_PATTERN.search(text):
        template = m.group(1)
        if "+" in template or "＋" in template:
            out.rules.append(({"kind": "name_pattern", "pattern": name_regex(template), "template": template}, 0.85))
    if m := _PARTNER_COUNTRY.search(text):
        sentence = re.split(r"。", text[m.end() :], maxsplit=1)[0]
        head = re.split(r"[（(，]", sentence, maxsplit=1)[0]
        group = group_in(head)
        countries = [group] if group else countries_in(sentence)
        if countries:
            rule: dict[str, Any] = {"kind": "partner_country", "countries": countries}
            if n := re.search(rf"至少\s*({NUM})\s*(?:国|个国家)", sentence):
                value = to_number(n.group(1).replace("两", "二"))
                if value and value > 1:
                    rule["min_distinct"] = int(value)
            if group:
                rule["regions"] = head.strip()
            out.rules.append((rule, 0.85))
    if _BILATERAL.search(text):
        out.rules.append(({"kind": "bilateral_submission"}, 0.85))
    if m := _REGISTERED.search(text):
        years = to_number(m.group(1))
        if years is not None:
            out.rules.append(({"kind": "partner_registration", "min_years": int(years), "legal_person": "法人" in text}, 0.8))
    if _ENTERPRISE_BOTH.search(text):
        out.rules.append(({"kind": "participation", "types": ["enterprise"]}, 0.8))
    if _MATCHING.search(text) and re.search(r"等额|不低于|至少", text):
        out.rules.append(({"kind": "matching_funds", "funder_types": ["enterprise"], "min_ratio": 1}, 0.7))
    if m := _BIRTH.search(text):
        date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        key = "on_or_after" if m.group(4) in ("之后", "以后", "后") else "before"
        out.rules.append(({"kind": "birth_date", key: date}, 0.85))
    if _OVERSEAS.search(text):
        out.rules.append(({"kind": "no_overseas_employment"}, 0.85))
    if m := _PER_APPLICANT.search(text):
        limit = to_number(m.group(1))
        if limit:
            rule = {"kind": "applications_per_applicant", "max": int(limit)}
            recommended = to_number(m.group(2)) if m.group(2) else None
            if recommended and recommended <= limit:
                rule["recommended"] = int(recommended)
            out.rules.append((rule, 0.85))
    if m := _NEGATIVE.search(text):
        years = to_number(m.group(1))
        if years:
            out.rules.append(({"kind": "negative_event", "years": int(years)}, 0.75))
    routes = [route for word, route in _ROUTES if word.search(text)]
    if routes and re.search(r"报名|申报|推荐|参评|方式", text) and len(routes) >= 2:
        out.rules.append(({"kind": "nomination", "routes": routes}, 0.75))
    if m := _LANGUAGE.search(text):
        out.rules.append(({"kind": "entry_language", "domestic": _languages(m.group(1)), "foreign": _languages(m.group(2))}, 0.8))
    if re.search(r"不下设课题|不设课题", text):
        out.rules.append(({"kind": "subtopics", "max": 0}, 0.8))
    if m := _SUBTOPICS.search(text):
        count = to_number(m.group(1))
        if count:
            out.rules.append(({"kind": "subtopics", "max": int(count)}, 0.75))
    if (m := _TRL.search(text)) and re.search(r"不超过|以下|低", text):
        level = to_number(m.group(1))
        if level:
            out.rules.append(({"kind": "trl", "max": int(level)}, 0.7))
    if found := find_duration(text):
        duration = found[0]
        months = 12 if duration["unit"] == "years" else 1
        rule = {"kind": "duration", "in_principle": bool(duration.get("in_principle"))}
        if duration["qualifier"] == "range":
            rule.update(min_months=round(duration["min"] * months), max_months=round(duration["max"] * months))
        elif duration["qualifier"] == "exact":
            rule.update(min_months=round(duration["value"] * months), max_months=round(duration["value"] * months))
        elif duration["qualifier"] == "at_most":
            rule.update(max_months=round(duration["value"] * months))
        else:
            rule.update(min_months=round(duration["value"] * months))
        out.rules.append((rule, 0.8))
    for m in re.finditer(r"《([^》]{0,30}申报表)》", text):
        if re.search(r"提交|上传|填写|准备|提供|下载", text):
            out.documents.append({"name": f"《{m.group(1)}》", "type": "application_form"})
    for m in _DOCUMENT.finditer(text):
        name = re.sub(r"^(?:双方|关于|该)", "", m.group(1)).strip()
        if 2 <= len(name) <= 40:
            out.documents.append({"name": name, "type": _document_type(name)})
    for m in _KPI.finditer(text):
        what = m.group("what") or m.group("what2")
        number = next(m.group(g) for g in ("n1", "n2", "n3", "n4") if m.group(g))
        unit = next(m.group(g) for g in ("u1", "u2", "u3", "u4") if m.group(g))
        target = to_number(number)
        if target is not None:
            out.kpis.append({"name": what, "target": target, "unit": unit, "text": m.group(0)})
    return out


def _document_type(name: str) -> str:
    for word, kind in (
        ("认可文件", "government_endorsement"),
        ("建设方案", "joint_lab_plan"),
        ("共建", "co_construction_agreement"),
        ("知识产权", "ip_agreement"),
        ("合作协议", "cooperation_agreement"),
        ("申报表", "application_form"),
        ("证明", "affiliation_proof"),
    ):
        if word in name:
            return kind
    return "other"
