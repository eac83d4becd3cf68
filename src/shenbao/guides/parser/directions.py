"""Find the directions (指南方向 / 课题 / 赛项 / 榜单) of a guide and read each one (pure).

Directions are recognised by structure, not by a seed's wording: a run of numbered headings
(1.1 …, SME202301 …, items under 【category】 headers, or items of a section about
directions), each followed by its block of labelled values and requirements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shenbao.guides.parser.model import Collector, Line, tidy
from shenbao.guides.parser.numbering import Marker, read_marker, strip_bullet
from shenbao.guides.parser.numbers import find_duration, parse_duration, parse_money, parse_quota
from shenbao.guides.parser.places import countries_in, group_in
from shenbao.guides.parser.requirements import Mapped, map_requirement

_TOP_STYLES = ("chapter", "cn_formal", "cn_comma")
_SECTION_WORDS = re.compile(r"方向|课题|榜单|赛项|专题|任务|类别|奖项|领域")
_LABEL = re.compile(
    r"^(?P<label>合作协议|外交承诺|领域方向|研究方向|研究内容|支持内容|拟支持项目数|支持项目数|拟资助项目数|拟立项项目数|拟支持数量|资助数量|"
    r"支持数量|立项数量|拟支持项目|支持项目|共拟支持经费|拟支持经费|支持经费|资助经费|经费预算|资助强度|支持强度|资助额度|经费|"
    r"其他要求|申报要求|具体要求|有关要求|实施周期|执行期|项目实施周期|实施期限|执行期限|项目期限|研究期限|项目周期|"
    r"聚焦场景|考察能力|比赛目标|考核指标)\s*[：:]\s*(?P<value>.*)$"
)
_DETAIL_LABELS = ("聚焦场景", "考察能力", "比赛目标", "研究内容", "支持内容", "考核指标")
_MASKED_PHONE = re.compile(r"^\d{3}[*＊]{3,4}\d{4}$|^0\d{2,3}-[*＊]{3,4}\d{3,4}$")
_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@dataclass
class Block:
    marker: Marker
    first: int  # index of the heading line
    last: int  # index after the block
    category: str | None = None


def _title_like(marker: Marker) -> bool:
    rest = marker.rest.strip()
    return 1 <= len(rest) <= 80 and not rest.endswith(("。", "；", ";"))


def find_blocks(lines: list[Line]) -> tuple[str, list[Block], list[tuple[str, int]]]:
    """(mode, direction blocks, categories as (name, line index))."""
    markers = [read_marker(line.text) for line in lines]
    n = len(lines)

    def close(blocks: list[Block], stop_styles: tuple[str, ...]) -> list[Block]:
        for i, block in enumerate(blocks):
            end = blocks[i + 1].first if i + 1 < len(blocks) else n
            for j in range(block.first + 1, end):
                m = markers[j]
                if m is not None and m.style in stop_styles:
                    end = j
                    break
            block.last = end
        return blocks

    decimal = [i for i, m in enumerate(markers) if m and m.style == "decimal" and _title_like(m)]
    # One numbered direction counts when labelled values (拟支持项目数, 经费 …) follow it.
    if len(decimal) >= 2 or (decimal and any(_LABEL.match(line.text) for line in lines[decimal[0] + 1 : decimal[0] + 6])):
        return "decimal", close([Block(markers[i], i, i + 1) for i in decimal if markers[i]], _TOP_STYLES), []  # type: ignore[arg-type]
    codes = [i for i, m in enumerate(markers) if m and m.style == "code"]
    if len(codes) >= 2:
        return "code", close([Block(markers[i], i, i + 1) for i in codes if markers[i]], _TOP_STYLES), []  # type: ignore[arg-type]
    brackets = [i for i, m in enumerate(markers) if m and m.style == "bracket"]
    categories: list[tuple[str, int]] = []
    blocks: list[Block] = []
    if len(brackets) >= 2:
        for k, i in enumerate(brackets):
            name = markers[i].label  # type: ignore[union-attr]
            stop = brackets[k + 1] if k + 1 < len(brackets) else n
            style = None
            added = 0
            for j in range(i + 1, stop):
                m = markers[j]
                if m is None:
                    continue
                if m.style in _TOP_STYLES:
                    stop = j
                    break
                if style is None and m.style != "bullet" and _title_like(m):
                    style = m.style
                if style is not None and m.style == style and _title_like(m):
                    blocks.append(Block(m, j, j + 1, category=name))
                    added += 1
            if added:
                categories.append((name, i))
            for b in blocks[len(blocks) - added :]:
                b.last = stop
        if blocks:
            for k, b in enumerate(blocks):
                if k + 1 < len(blocks) and blocks[k + 1].first < b.last:
                    b.last = blocks[k + 1].first
                # "以上……" sums up the lists: it closes the last one.
                b.last = next((j for j in range(b.first + 1, b.last) if lines[j].text.startswith("以上")), b.last)
            return "category", blocks, categories
    # A section about directions: its first run of numbered items with values.
    for i, m in enumerate(markers):
        if m is None or m.style not in ("cn_comma", "chapter", "cn_paren") or not _SECTION_WORDS.search(m.rest):
            continue
        style = None
        items: list[int] = []
        for j in range(i + 1, n):
            mj = markers[j]
            if mj is None:
                continue
            if mj.style == m.style or mj.style in _TOP_STYLES:
                break
            if style is None and mj.style not in ("bullet",):
                style = mj.style
            if mj.style == style:
                if not _title_like(mj):
                    items = []  # items that run on as sentences: a list, not headings of blocks
                    break
                items.append(j)
        if len(items) >= 2:
            return "section", close([Block(markers[j], j, j + 1) for j in items if markers[j]], (m.style, *_TOP_STYLES)), []  # type: ignore[arg-type]
    # Any numbering style whose headings are followed by a quota or budget line.
    valued = re.compile(
        r"^(?:拟支持项目数|支持项目数|拟资助项目数|支持数量|资助数量|拟支持项目|支持项目|共拟支持经费|拟支持经费|资助经费|支持经费|资助强度)\s*[：:]"
    )
    by_style: dict[str, list[int]] = {}
    for i, m in enumerate(markers):
        titled = m is not None and m.style not in ("bullet", "bracket") and _title_like(m)
        if titled and m is not None and any(valued.match(line.text) for line in lines[i + 1 : i + 6]):
            by_style.setdefault(m.style, []).append(i)
    if by_style:
        style, items = max(by_style.items(), key=lambda kv: len(kv[1]))
        stops = tuple(s for s in _TOP_STYLES if s != style)
        return "valued", close([Block(markers[j], j, j + 1) for j in items if markers[j]], stops), []  # type: ignore[arg-type]
    return "none", [], []


def _split_fields(value: str) -> list[str]:
    value = value.strip().rstrip("。")
    value = re.sub(r"等(?:领域|方向)?$", "", value)
    depth = 0
    parts: list[str] = []
    current = ""
    separator = "；" if _top_level(value, "；") else "，" if _top_level(value, "，") else "；"
    for ch in value:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        if ch == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [tidy(p) for p in parts if p.strip()]


def _top_level(text: str, ch: str) -> bool:
    depth = 0
    for c in text:
        depth += c in "（("
        depth -= c in "）)"
        if c == ch and depth == 0:
            return True
    return False


def _field_item(text: str) -> str:
    text = tidy(text).rstrip("；;，,")
    sentences = [s for s in text.split("。") if s]
    if len(sentences) > 1:
        return sentences[0]
    # "数字技术：…；…。" is a field with its focus listed: keep it whole, as written.
    return text if "：" in text else text.rstrip("。")


def read_direction(
    block: Block, lines: list[Line], index: int, col: Collector
) -> tuple[dict[str, Any], list[tuple[str, Mapped]]]:
    """The direction's data, its requirement texts and what they map to."""
    p = f"directions.{index}"
    head = lines[block.first]
    marker = block.marker
    code = marker.label if marker.style in ("decimal", "code") else None
    rest = marker.rest.strip()
    title = rest
    detail_inline = ""
    if marker.style == "code":
        title, _, detail_inline = rest.partition(" ")
    title = tidy(title).rstrip("。：:")
    # "1.智能制造（拟支持2项）": the direction's quota in parentheses closing its title.
    closing_quota = _TITLE_QUOTA.search(title)
    if closing_quota is not None:
        title = title[: closing_quota.start()].rstrip()
    data: dict[str, Any] = {"code": code or str(index + 1), "title": title}
    t0 = head.start + marker.offset
    if closing_quota is not None:
        q0 = t0 + rest.find(closing_quota.group("q"))
        _read_quota(data, closing_quota.group("q"), q0, q0 + len(closing_quota.group("q")), p, col)
    col.span(f"{p}.title", t0, t0 + len(rest) if marker.style != "code" else t0 + len(title), 0.9)
    if code:
        col.span(f"{p}.code", head.start, head.start + len(marker.label), 0.95)

    body = lines[block.first + 1 : block.last]
    if detail_inline:
        offset = head.start + marker.offset + len(title) + 1
        body = [Line(detail_inline, offset), *body]
    requirements: list[tuple[str, int]] = []
    fields: list[tuple[str, int, int]] = []
    details: list[dict[str, Any]] = []
    label: str | None = None
    plain: list[Line] = []
    host: list[str] = []
    for k, line in enumerate(body):
        text = line.text
        m = _LABEL.match(text)
        if m:
            label, value = m.group("label"), m.group("value").strip()
            vstart = line.start + m.start("value")
            if label in ("合作协议", "外交承诺") and value:
                data["basis"] = tidy(value).rstrip("。") if label == "合作协议" else tidy(value)
                if label == "外交承诺":
                    data["basis_kind"] = "commitment"
                col.span(f"{p}.basis", vstart, line.end, 0.9)
            elif label in ("领域方向", "研究方向"):
                if value.startswith("不限"):
                    data["fields_open"] = True
                    col.span(f"{p}.fields_open", vstart, line.end, 0.9)
                elif value:
                    fields.extend((f, vstart, line.end) for f in _split_fields(value))
            elif "项目数" in label or "数量" in label or label in ("拟支持项目", "支持项目"):
                _read_quota(data, value, vstart, line.end, p, col)
            elif "经费" in label or "强度" in label or "额度" in label:
                _read_budget(data, value, vstart, line.end, p, col)
            elif "周期" in label or "期限" in label or label == "执行期":
                duration = parse_duration(value)
                if duration:
                    data["duration"] = duration
                    col.span(f"{p}.duration", vstart, line.end, 0.9)
            elif label in _DETAIL_LABELS and value:
                details.append({"label": label, "text": tidy(value)})
                col.span(f"{p}.details.{len(details) - 1}", vstart, line.end, 0.8)
            elif value and label in ("其他要求", "申报要求", "具体要求", "有关要求"):
                # Requirements run on one line separated by "；": one item each.
                offset = 0
                for part in re.split(r"(?<=；)", value):
                    if part.strip():
                        requirements.append((part, vstart + offset))
                    offset += len(part)
            continue
        sub = read_marker(text)
        if (
            label in ("领域方向", "研究方向")
            and sub is not None
            and sub.style in ("arabic_paren", "circled", "arabic_half_paren")
        ):
            fields.append((_field_item(sub.rest), line.start + sub.offset, line.end))
            continue
        if label in ("其他要求", "申报要求", "具体要求", "有关要求"):
            if requirements and sub is None and not requirements[-1][0].endswith(("。", "；")):
                # A line the wrap-joining left apart still belongs to the item before it.
                previous, start = requirements[-1]
                requirements[-1] = (previous + text, start)
            else:
                requirements.append((text, line.start))
            continue
        if marker.style == "code" and _MASKED_PHONE.match(text):
            # A host organisation's contact: the short lines before the person's name are its name.
            j = k - 1
            if j >= 0 and _PERSON_NAME.match(body[j].text):
                j -= 1
            names: list[Line] = []
            while (
                j >= 0 and len(body[j].text) <= 12 and not _LABEL.match(body[j].text) and not body[j].text.endswith(("。", "；"))
            ):
                names.insert(0, body[j])
                j -= 1
            if names and not host:
                host = [n.text for n in names]
                data["host_organisation"] = tidy("".join(host))
                col.span(f"{p}.host_organisation", names[0].start, names[-1].end, 0.6)
            continue
        if label in _DETAIL_LABELS and details and not _PERSON_NAME.match(text) and text not in host:
            if len(text) > 12 or text.endswith(("。", "；")):
                details[-1]["text"] += tidy(text)
            continue
        plain.append(line)
    if marker.style == "code":
        host_lines = set(host)
        for d in details:
            for piece in host_lines:
                d["text"] = d["text"].replace(piece, "")
    _values_in_prose(data, plain, p, col)
    if fields:
        data["fields"] = [f for f, _, _ in fields]
        for i, (_, s, e) in enumerate(fields):
            col.span(f"{p}.fields.{i}", s, e, 0.85)
    if details:
        data["details"] = details
    if not requirements and plain and block.category is not None:
        data["description"] = tidy("".join(strip_bullet(line.text)[0] for line in plain))
        col.span(f"{p}.description", plain[0].start, plain[-1].end, 0.7)
    items: list[tuple[str, Mapped]] = []
    texts: list[str] = []
    for text, start in requirements:
        texts.append(tidy(text))
        items.append((tidy(text), map_requirement(text)))
        col.span(f"{p}.requirements.{len(texts) - 1}", start, start + len(text), 0.8)
        if "duration" not in data and (got := find_duration(text)):
            data["duration"] = got[0]
            col.span(f"{p}.duration", start + got[1], start + got[2], 0.8)
    _partner(data, title, texts, p, head, col)
    return data, items


_TITLE_QUOTA = re.compile(
    r"\s*[（(]\s*(?:拟支持|拟资助|拟立项|支持|资助|立项)(?:项目)?(?:数量|数)?\s*[：:为]?\s*"
    r"(?P<q>(?:原则上|一般)?\s*(?:约|不超过|最多|至多|不少于|至少)?\s*[\d一二三四五六七八九十两]+(?:\s*(?:-|~|～|至|到)\s*[\d一二三四五六七八九十两]+)?\s*[个项](?:左右|以内)?)"
    r"\s*[）)]$"
)
_FUNDING = re.compile(r"资助|支持|经费|强度|额度|预算")
_PAST = re.compile(r"过去|去年|上年|往年|历年|累计|以来|已投入|已安排")


def _values_in_prose(data: dict[str, Any], plain: list[Line], p: str, col: Collector) -> None:
    """Amounts and durations stated in the direction's own sentences rather than on labelled lines
    ("本方向拟支持不超过3项，每项资助不超过50万元，实施周期为2年。")."""
    for line in plain:
        if "duration" not in data and (got := find_duration(line.text)):
            data["duration"] = got[0]
            col.span(f"{p}.duration", line.start + got[1], line.start + got[2], 0.75)
        offset = 0
        for clause in re.split(r"(?<=[，。；;])", line.text):
            start, offset = line.start + offset, offset + len(clause)
            if not _FUNDING.search(clause) or _PAST.search(clause) or (money := parse_money(clause)) is None:
                continue
            budget = data.setdefault("budget", {})
            key = "per_project" if money.pop("per_project", False) else "total"
            if key == "total" and not re.search(r"经费|预算|总额", clause):
                continue  # "支持3个团队各50万元" is not clearly the direction's total
            if key not in budget:
                budget[key] = money
                col.span(f"{p}.budget.{key}", start, start + len(clause), 0.75)
        if data.get("budget") == {}:
            del data["budget"]


def _read_quota(data: dict[str, Any], value: str, start: int, end: int, p: str, col: Collector) -> None:
    quota = parse_quota(value)
    if quota is None:
        col.warn("quota_unread", path=f"{p}.quota", text=value[:60])
        return
    note = re.search(r"[（(]([^）)]+)[）)]", value)
    if note:
        quota["note"] = tidy(note.group(1)) + "。"
    if quota.get("in_principle") and note and note.group(1).startswith(("原则上", "一般")):
        quota.pop("in_principle")  # the softening belongs to the note, not to the number
    data["quota"] = quota
    col.span(f"{p}.quota", start, end, 0.95)


def _read_budget(data: dict[str, Any], value: str, start: int, end: int, p: str, col: Collector) -> None:
    money = parse_money(value)
    if money is None:
        col.warn("budget_unread", path=f"{p}.budget", text=value[:60])
        return
    per_project = money.pop("per_project", False)
    budget = data.setdefault("budget", {})
    key = "per_project" if per_project else "total"
    budget[key] = money
    col.span(f"{p}.budget.{key}", start, end, 0.95)
    # "2000万元（每个项目不超过500万元）": the direction's total, then the amount for one project.
    note = re.search(r"[（(]([^）)]+)[）)]", value)
    if key == "total" and note and (inner := parse_money(note.group(1))) and inner.pop("per_project", False):
        budget["per_project"] = inner
        col.span(f"{p}.budget.per_project", start + note.start(), start + note.end(), 0.9)


def _partner(data: dict[str, Any], title: str, texts: list[str], p: str, head: Line, col: Collector) -> None:
    countries: list[str] = []
    group = group_in(title)
    if group:
        countries = [group]
    else:
        named = countries_in(title)
        if len(named) == 1:
            countries = named
    for text in texts:
        m = re.search(r"(?:合作国别仅限|合作方应来自|合作国应为|合作国家应为|合作国家为)", text)
        if not m:
            continue
        sentence = re.split(r"。", text[m.end() :], maxsplit=1)[0]
        head_words = re.split(r"[（(，]", sentence, maxsplit=1)[0]
        found = group_in(head_words)
        listed = [found] if found else countries_in(sentence)
        if listed:
            countries = listed
        break
    if countries:
        data["partner"] = {"countries": countries}
        col.span(f"{p}.partner", head.start, head.end, 0.75)
