"""Directions stated without a guide's layout: short numbered runs and lists in running text (pure).

``find_loose(lines)`` is the fallback of :func:`shenbao.guides.parser.directions.find_blocks` for
notices, relays, topic lists and award notices that name their directions without blocks of
labelled values. Each direction found carries the pattern that found it (``extra["rule"]``):

- ``numbered_*``: a run of consecutively numbered items (1., 1、, (一), 一、, ①; also in mid-line
  when a relay flattened the text) whose titles are short noun phrases, the title ending at 。：；
  ("(一)X。description" → X). Under a heading naming directions (方向, 领域, 赛道, 主题 …) the run
  is trusted; titles sharing a direction's head noun (…项目, …赛道) vouch for it likewise; on its
  own it must be three items or more on consecutive lines, each a bare title (no description
  after it), not under a heading over materials, criteria, steps, contacts or applicants;
- ``count``: a list in a sentence, items separated by 、 (the last by 和/及/与), closed or opened
  by a count ("A、B和C三类", "N个领域，包括A、B…", "N个方向（A、B、C）"), kept only when the
  split gives exactly that count;
- ``no_count`` / ``quoted`` / ``parens`` / ``ordinals``: a list after 分为 / 包括 / 设立 or a label
  ("研究领域：…") whose items share a head noun or follow words naming directions; quoted items in
  a row; a list in parentheses after a direction's noun; "一是A，二是B";
- ``breakdown`` / ``amounts``: "A 3项、B 4项，合计7项" or "其中A 3项、B 4项" (directions with
  their quotas), and kinds of projects listed with their amounts after 资助额度;
- ``semicolons``: three names or more separated by ；after a label naming directions
  ("案例主题包括：A；B；C。");
- ``plain_lines`` / ``table`` / ``english`` / ``topic_word``: short unnumbered lines (or
  "name：description" lines) under a heading naming directions, checked against a count in it; a
  table flattened to lines under a 序号 header; "Topic 1: …" and "主题1：…" items;
- ``english_count`` / ``english_inline``: "the 3 main research domains:" followed by that many
  "Name: …" lines, or "in three areas: A, B and C".

- also: a ；list closed by its count ("A（…）；B（…），共2大类", remarks dropped); lines or bullets
  announced by a count closing the line above ("各组分成5类群", the count then the stated total);
  granted breakdowns with each kind's amount between the items ("批准A 2项，金额600万元；B 5项…");
  a table without a 序号 column when it has a column of quotas (not a table of units' caps);
  English bullets under "… priority areas:"; a track added beside the listed ones ("增设“X”赛道");
  a line opening with a direction and stating how many it gives ("X组设置奖项（共10个）").

Lists of applicants (申报对象, "三类单位") and of kinds of cost are no directions; a run of numbered
points that carry a description is no list on its own.

A direction named alone (no list) is no direction: its values stay whole-call facts. A
per-direction quota ("每个方向拟支持1-2项", "1.X（拟支持2项）") attaches to the direction; caps on
units or applicants (每个单位限报N项, 推荐数量, 各单位限报N项其中…) are not quotas. Prize grades,
contest stages and the parts of one direction (子赛道, "X赛道分为A组和B组") are not directions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from shenbao.guides.parser.model import Line, tidy
from shenbao.guides.parser.numbering import Marker, read_marker
from shenbao.guides.parser.numbers import NUM, parse_quota, to_number

# Words of a heading (or label) that introduces directions.
_HEADING = re.compile(r"方向|领域|赛道|类别|类型|种类|主题|专题|任务|榜单|赛项|奖项|分类|板块|范围|范畴|分组|组别")
# Words that name directions beyond doubt (a list after them needs no common head noun).
_STRONG = re.compile(r"方向|领域|赛道|类别|专题|主题|榜单|赛项|奖项|产业")
# Words naming who applies: a list of them is no list of directions.
_APPLICANTS = re.compile(r"对象|主体|申报人|申请人")
_APPLICANT_NOUN = re.compile(r"\s*(?:单位|机构|人员|人才|群体|院校|企业|高校)")
# Words of a heading over requirements, materials or steps, even when it also names a kind.
_NOT_HEADING = re.compile(
    r"对象|主体|材料|要求|条件|资格|程序|流程|方式|时间|安排|纪律|联系|事项|办法|步骤|注意|说明|附件|格式|标准|评审|评分|指标|考核|提交|报送"
)
# Words that make an item a requirement, a step or a contact, not a direction's title.
_SENTENCE_WORDS = re.compile(
    r"须|应当|应该|应在|应于|应按|均应|不得|不能|不可|可以|均可|可在|(?<![申邀提])请|需要|需在|需于|均需|要求|符合|具有|具备|提交|报送|报名|"
    r"填写|登录|联系|电话|邮箱|截止|以前|之前|时间|日期|负责|承担|原则上|不超过|不少于|分为|包括|是指|即可|详见|附件|按照|根据|"
    # 确定 of 精确定位 or 不确定性 is part of a word, not the verb of a step.
    r"依据|单位|申请人|负责人|地址|网址|传真|邮编|参加|参与|进行|组织|(?<![精明不])确定(?![位性])|作为|列为|成为|视为|定为|[，,；;：:？?!！]|[的了地]$"
)
_STOP = "。；;：:"
_CLAUSE = re.compile(r"[。；;！？!?\n]")
_OPEN_QUOTES = "“「『\"'‘《"
_CLOSE_QUOTES = "”」』\"'’》"
_AND = re.compile(r"\s*[，,]?\s*(?:以及|和|及|与|或)\s*")
_LEADING = re.compile(
    r"^(?P<pre>其中|主要|重点|分别|本次|今年|共|拟|已)?\s*(?P<verb>锚定|面向|围绕|聚焦|涵盖|涉及|包括|包含|分为|分设|分|设置|设立|设有|设|支持|资助|"
    r"审议通过|通过|评选出|评出|遴选出|立项|为|有|是|含)?\s*(?P<post>(?:了|以下|如下)?\s*[：:]?)\s*"
)
_OPENING = re.compile(
    r"选择申报|选择申请|分别按照|分别按|按照|依据|按(?![摩需揭])|批准|拟在|将在|分为|分成|分设|分|包括|包含|面向|围绕|聚焦|锚定|涵盖|涉及|覆盖|支持|设立|设置|设有|设|即|其中|审议通过|通过|评出|评选出|遴选出|立项|资助|范围为|范围是"
)
_COUNT = re.compile(
    rf"(?P<n>{NUM})\s*(?:(?:个|大|种)\s*(?:重点|主要|科技|技术|研究|创新|支持|申报|竞赛|比赛|参赛|征集)?\s*"
    r"(?P<noun>方向|领域|产业|赛道|范畴|类别|门类|组别|专题|板块|主题|类型|榜单|任务|奖项|赛项|专项|课题|方面(?=的?指南))|(?P<lei>(?:个\s*)?大?类)"
    # "13个先进制造业集群", "5个战略性新兴产业": a kind of industry before its noun.
    r"|个\s*[\u4e00-\u9fff]{2,8}?(?:产业集群|集群|产业|行业|研究计划))"
)
# "A和B两个部分", "主要有两个方面，一是A…二是B": a weak count noun, taken only when every item names a kind
# of project or research (not "从A、B和C四个方面评审").
_PARTS_COUNT = re.compile(rf"(?P<n>{NUM})\s*(?:个|大)\s*(?:部分|方面)")
_KIND_OF_PROJECT = re.compile(r"(?:项目|专项|课题|类研究|类课题|类项目)$")
_PER_DIRECTION = re.compile(
    r"每个?(?:研究|重点|指南|申报|支持)?(?:方向|领域|课题|专题|赛道|榜单|类别)[^，,。；;]{0,12}?"
    r"(?:拟|原则上|一般)?(?:支持|资助|立项|确立|入选|遴选|评选|择优)[^，,。；;]{0,16}"
)
_ITEM_QUOTA = re.compile(
    rf"(?:拟支持|拟资助|拟立项|拟遴选|支持|资助|立项)(?:项目)?(?:数量|数)?\s*[：:为]?\s*"
    rf"(?P<q>(?:原则上|一般)?\s*(?:约|大约|不超过|不多于|最多|至多|不少于|至少)?\s*{NUM}(?:\s*(?:-|~|至|到)\s*{NUM})?\s*[个项](?:左右|以内)?)"
)
_BREAKDOWN_ITEM = re.compile(
    rf"(?P<title>[^、，,。；;：:\s]{{2,24}}?)\s*(?P<verb>(?:拟|计划)?(?:支持|资助|立项|遴选)(?:项目)?)?\s*(?:共计|合计|共)?\s*"
    rf"(?P<q>约|大约|不超过|最多|至多|不少于|至少)?\s*(?P<n>{NUM})\s*(?P<unit>项|个|件)(?P<post>左右)?"
)
_BREAKDOWN_AMOUNT = re.compile(
    rf"[，,]\s*(?:金额|经费|资助经费|资助金额|资助)?\s*[为:：]?\s*{NUM}\s*(?:万元|亿元|元)\s*(?:[（(][^（()）]{{0,60}}[）)])?"
)
_BREAKDOWN_QUALIFIER = {"约": "about", "大约": "about", "不超过": "at_most", "最多": "at_most", "至多": "at_most"}
_BREAKDOWN_QUALIFIER |= {"不少于": "at_least", "至少": "at_least"}
_TOTAL_AFTER = re.compile(rf"\s*[，,]?\s*(?:合计|共计|总计|共)\s*(?P<n>{NUM})\s*(?:项|个|件|名)")


@dataclass
class Loose:
    """A direction found outside a structured layout; ``start``/``end`` locate its title."""

    title: str
    start: int
    end: int
    code: str | None = None
    quota: dict[str, Any] | None = None
    quota_span: tuple[int, int] | None = None
    numbered: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _clause_start(text: str, at: int, reach: int = 300) -> int:
    """Where the clause holding ``at`` starts (looking back at most ``reach`` characters)."""
    low = max(0, at - reach)
    ends = [m.end() for m in _CLAUSE.finditer(text, low, at)]
    return ends[-1] if ends else low


def _key(text: str) -> str:
    return re.sub(r"[\s“”「」『』\"'‘’《》()（）、，,。.：:]", "", text)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in _OPEN_QUOTES and text[-1] in _CLOSE_QUOTES and text.count(text[0]) <= 1:
        return text[1:-1].strip()
    return text


def _noun_like(title: str, *, strict: bool, longest: int = 24, verbs: bool = False) -> bool:
    """A short title without the words of a requirement or step (``verbs``: the words of a step allowed)."""
    bare = _unquote(title)
    if re.fullmatch(r"[A-Za-z][A-Za-z&'’()\- ]*", bare):
        # An English name, counted in words ("Advanced Scientific Computing Research (ASCR)"); on its own
        # (strict) a short English line is as likely a section of the notice, so only a heading vouches for it.
        words = len(bare.split())
        return not strict and 1 <= words <= 10 and bare.count("(") == bare.count(")") and _EN_SENTENCE.search(bare) is None
    if not 2 <= len(bare) <= (16 if strict else longest):
        return False
    # Numbers mark amounts and dates, except inside the name of a plan (《中国制造2025》).
    if re.search(r"\d{2,}|https?:|@|\*\*\*", re.sub(r"《[^《》]*》", "《》", bare)):
        return False
    if bare.count("（") + bare.count("(") != bare.count("）") + bare.count(")"):
        return False
    return (verbs or _SENTENCE_WORDS.search(bare) is None) and _NOT_DIRECTION.search(bare) is None


# The grades projects come in ("重点项目", "一般课题", or bare "重点", "一般").
_PRIZE_GRADE = re.compile(r"(?:[一二三四五六七八九十特]等|金|银|铜|优秀|鼓励|入围|提名)奖$")
_GRADE_OF_PROJECT = re.compile(r"(?:重大|重点|一般|青年|面上|培育)(?:项目|课题|类)?")
# Prize grades, stages of a contest and kinds of cost are not directions.
_NOT_DIRECTION = re.compile(
    r"^(?:[特一二三四五六七八九十]等奖|金奖|银奖|铜奖|优秀奖|优胜奖|入围奖|鼓励奖|提名奖)$|(?:初赛|复赛|决赛|预赛|阶段)$|"
    r"(?:费用|经费|资金)$|"
    # Levels of a prize or of entries ("“星系”级作品", "国家级"), like prize grades.
    r"[”\"]级(?:作品|奖项?)?$|^[^、，]{1,4}级(?:作品|奖项?)?$|"
    # A counted part ("1个总计划及至少3项子计划"): how many of something, not a name.
    rf"^(?:至少|最多|至多|不少于|不超过|约)?\s*{NUM}\s*(?:个|项|件|名|位|类|份|篇)"
)


# ------------------------------------------------------------------------------------ numbered runs

_MID_MARKER = re.compile(
    r"(?<=[。；;，,：:\s])(?=(?:\d{1,2}[.．、](?![\d.])|[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]|[一二三四五六七八九十]{1,3}、|[①-⑳])\s*\S)"
)


def _pieces(lines: list[Line]) -> list[Line]:
    """Lines, with a flattened line cut where numbering starts in mid-line ("…。1.X：…，2.Y：…")."""
    out: list[Line] = []
    for line in lines:
        cuts = [m.start() for m in _MID_MARKER.finditer(line.text)] if len(line.text) > 40 else []
        if not cuts:
            out.append(line)
            continue
        previous = 0
        for cut in cuts:
            if line.text[previous:cut].strip():
                out.append(Line(line.text[previous:cut], line.start + previous))
            previous = cut
        out.append(Line(line.text[previous:], line.start + previous))
    return out


def _item_title(marker: Marker) -> tuple[str, int, bool]:
    """(title, length of the rest before it, whether the item runs on as a sentence)."""
    rest = marker.rest
    lead = len(rest) - len(rest.lstrip())
    body = rest.strip()
    cut = len(body)
    sentence = False
    depth = 0
    for k, ch in enumerate(body):
        if ch in "（(“「":
            depth += 1
        elif ch in "）)”」":
            depth -= 1
        elif depth <= 0 and ch in _STOP:
            cut = k
            break
        elif depth <= 0 and ch in "，,":
            cut, sentence = k, True
            break
    return body[:cut].strip(), lead, sentence


_FOCUSES = r"(?:研究|研发|支持|资助|选题)重点"
_FOCUSES_ANNOUNCED = re.compile(rf"(?:下列|以下|如下)[^，,。；;：:]{{0,8}}{_FOCUSES}\s*[：:]\s*$")
_FOCUSES_LAST = re.compile(rf"{_FOCUSES}\s*[：:]?\s*$")


def _heading_names_directions(text: str) -> bool:
    # "This solicitation covers the following topic areas; see the FOA for the sub-topics:": an English line
    # announcing the list that follows it.
    if re.search(r"[A-Za-z]", text) and not re.search(r"[\u4e00-\u9fff]", text):
        return (text.rstrip().endswith(":") and _EN_HEADING.search(text) is not None) or _EN_COUNTED_HEADING.search(
            text
        ) is not None
    marker = read_marker(text)
    head = marker.rest if marker is not None else text
    if head.rstrip().endswith(("：", ":")):
        # A sentence announcing the list ("…，共设置五个类别的赛道："): its last clause.
        head = re.split(r"[。；;，,！!？?]", head.rstrip())[-1]
    head = re.split(r"[：:。]", head, maxsplit=1)[0] if not head.rstrip().endswith(("：", ":")) else head
    # "二、研究重点": a heading that is the research focuses (not 研究重点包含… in a sentence).
    focuses = re.fullmatch(rf"\s*(?:主要|本次|年度)?{_FOCUSES}\s*[：:]?\s*", head) is not None
    # "申请研究计划应符合下列其中一项研发重点：": a sentence announcing the focuses listed under it.
    focuses = focuses or _FOCUSES_ANNOUNCED.search(head) is not None
    return len(head) <= 30 and (_HEADING.search(head) is not None or focuses) and _NOT_HEADING.search(head) is None


def _numbered_runs(lines: list[Line], rejected: list[list[Loose]] | None = None) -> list[list[Loose]]:
    """Runs of consecutively numbered items taken as directions; ``rejected`` receives the runs of short
    names not taken (no heading vouched for them, a description follows them …), to offer staff."""
    pieces = _pieces(lines)
    markers = [read_marker(p.text) for p in pieces]
    runs: list[list[Loose]] = []
    used: set[int] = set()
    unsure: list[tuple[str | None, list[Loose]]] = []  # runs no rule took, by the tail of their heading
    taken_under: set[str] = set()  # the tails of the headings of runs taken
    for i, m in enumerate(markers):
        if m is None or i in used or m.number != 1 or m.style in ("bracket", "bullet", "code", "decimal"):
            continue
        items = [i]
        expected = 2.0
        for j in range(i + 1, min(len(pieces), i + 60)):
            mj = markers[j]
            if mj is None:
                continue
            if _family(mj.style) == _family(m.style) and mj.number == expected:
                items.append(j)
                expected += 1
            elif _family(mj.style) == _family(m.style) or _outranks(mj.style, m.style):
                break
        if len(items) < 2:
            continue
        used.update(items)
        heading = _heading_above(pieces, markers, i, m.style)
        named = heading is not None and _heading_names_directions(heading)
        found: list[Loose] = []
        for j in items:
            mk = markers[j]
            assert mk is not None
            title, lead, sentence = _item_title(mk)
            # "X方向（拟支持2项）" / "X方向，拟支持不超过2项。": the item's own quota.
            quota = _ITEM_QUOTA.search(mk.rest)
            if quota is not None:
                if quota.start() < len(title) + lead:  # the quota in parentheses closing the title
                    title = re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", title)
                sentence = sentence and not re.fullmatch(
                    r"\s*[，,]?\s*" + _ITEM_QUOTA.pattern + r"\s*[。；;]?\s*", mk.rest[lead + len(title) :]
                )
            item = Loose(
                title=tidy(title),
                start=pieces[j].start + mk.offset + lead,
                end=pieces[j].start + mk.offset + lead + len(title),
                code=str(int(mk.number or 0)),
                numbered=True,
                extra={
                    "sentence": sentence,
                    "style": mk.style,
                    "rule": "numbered",
                    "described": bool(re.sub(r"^[\s。；;：:，,]+", "", mk.rest[lead + len(title) :]).strip()),
                },
            )
            if quota is not None and (value := parse_quota(quota.group("q"))) is not None:
                item.quota = value
                item.quota_span = (pieces[j].start + mk.offset + quota.start(), pieces[j].start + mk.offset + quota.end())
            found.append(item)
        # Titles sharing a direction's head noun ("1.重点项目，…", "2.一般项目，…") vouch for the run
        # as a heading naming directions does; then a description may follow a comma.
        vouched = named or _common_head([f.title for f in found], quoted=False)
        for f in found:
            f.extra["rule"] = "numbered_named" if named else "numbered_head_noun" if vouched else "numbered_alone"
        # "…围绕以下6个专题：" over six numbered items: the count vouches for long titles too.
        counted = named and heading is not None and any(to_number(c.group("n")) == len(found) for c in _COUNT.finditer(heading))
        before = len(runs)
        if _run_of_titles(found, items, heading, vouched):
            runs.append(_split_items(found))
        elif counted:
            for f, j in zip(found, items, strict=True):
                mk = markers[j]
                if f.extra["sentence"] and mk is not None:  # the whole item up to its stop, commas included
                    whole = re.split(r"[。；;：:]", mk.rest.strip(), maxsplit=1)[0].strip()
                    f.title, f.end = tidy(whole), f.start + len(whole)
            if all(_noun_like(re.sub(r"[，,]", "", f.title), strict=False, longest=60) for f in found):
                runs.append(_split_items(found))
        elif (whole := _whole_items(pieces, markers, items, heading, named, i, m.style)) is not None:
            runs.append(whole)
        elif _run_of_titles(found, items, heading, vouched, named=named):
            runs.append(_split_items(found))  # one item runs on past its title
        elif not (heading is not None and _NOT_HEADING.search(heading)) and all(
            _noun_like(f.title, strict=False, longest=40) for f in found
        ):
            unsure.append((_heading_tail(heading), found))
            continue
        if len(runs) > before and (tail := _heading_tail(heading)) is not None:
            taken_under.add(tail)
    for tail, found in unsure:
        # "(二)《…（课题研究类）指南》的申报内容包括：" beside "(一)《…（产业发展类）指南》的申报内容包括：" whose run
        # was taken: a run under a heading worded as a taken run's is a list of the same kind.
        if tail is not None and tail in taken_under and not any(f.extra["described"] for f in found):
            runs.append(_split_items(found))
        elif rejected is not None:
            rejected.append(found)
    return runs


def _heading_tail(heading: str | None) -> str | None:
    """The last clause of a heading, its number and any title in 《》 left out ("的申报内容包括："), when it is
    long enough to tell headings worded alike."""
    if heading is None:
        return None
    marker = read_marker(heading.strip())
    text = re.sub(r"《[^《》]*》", "", marker.rest if marker is not None else heading).strip()
    tail = re.split(r"[，,。；;]", text)[-1].strip()
    return tail if len(tail) >= 5 else None


def _run_of_titles(found: list[Loose], items: list[int], heading: str | None, vouched: bool, *, named: bool = False) -> bool:
    """Whether a numbered run's items are titles of directions (cut at their first stop)."""
    strict = not vouched
    # Under a heading naming directions, where most items are titles closed by a stop, an item that runs on
    # with a comma ("4.研究基于物联网的…诊断预警技术，构建…系统。") is a title as long as the others' may be.
    titled = named and 2 * sum(not f.extra["sentence"] for f in found) >= len(found)
    # On its own, a run is a list: three items or more on consecutive lines (not the sections
    # of the document, which have their text between them).
    if strict and heading is not None and _NOT_HEADING.search(heading):
        return False  # a list of materials, criteria, steps or contacts
    if strict and (len(found) < 3 or items[-1] - items[0] != len(items) - 1):
        return False
    # On its own, a run whose items carry a description ("1.加强组织领导。各单位要…") is a list
    # of points of a text, not of directions.
    if strict and any(f.extra["described"] for f in found):
        return False
    fits = [
        (vouched or not f.extra["sentence"])
        and _noun_like(f.title, strict=strict or (f.extra["sentence"] and not (titled and _TOPIC_HEAD.search(f.title))))
        for f in found
    ]
    if all(fits):
        return True
    # Under a heading naming directions, a run of short titles each closed by its stop may hold one that
    # opens with a verb ("3.承担专业标准化技术委员会工作;" among "1.制修订标准;" "2.…贡献奖;"): a third at most.
    odd = [f for f, ok in zip(found, fits, strict=True) if not ok]
    return (
        named
        and len(found) >= 3
        and 3 * len(odd) <= len(found)
        and not any(f.extra["sentence"] or f.extra["described"] for f in found)
        and all(_noun_like(f.title, strict=False, verbs=True) and _only_opening_verb(f.title) for f in odd)
    )


def _only_opening_verb(title: str) -> bool:
    """The words of a step only at the start of a title ("承担…工作"), not after its subject ("主赛道分为…")."""
    hits = list(_SENTENCE_WORDS.finditer(title))
    return bool(hits) and all(h.start() == 0 for h in hits)


# The head noun a research topic's name ends in: a clause cut at its comma is a title only when it ends so
# ("研究基于物联网的…诊断预警技术，构建…"), not "贯彻落实…重要部署精神，对…开展研究".
_TOPIC_HEAD = re.compile(r"(?:技术|研究|系统|装备|设备|平台|工程|应用|方法|材料|产品|工艺|体系|机制|模式|示范)$")


# Heading words naming the scope of research or funding (a list of whole sentences under them is one).
_SCOPE = re.compile(r"方向|领域|范围|范畴|主题|专题")
# An item that is one sentence naming a scope of research ("1.基于平台装置的科学研究工作，重点支持…；"):
# no sentence end inside, no words of a requirement, a step, a date or a contact.
_WHOLE_ITEM = re.compile(r"[^。；;：:！？!?]{6,120}[。；;]?")
_NOT_WHOLE = re.compile(
    r"须|应当|应该|应在|应于|应按|不得|不能|不可|(?<![申邀提])请|提交|报送|报名|填写|填报|登录|截止|以前|之前|联系|电话|邮箱|传真|地址|附件|"
    r"详见|申请人|负责人|单位|https?:|@|\*\*\*|\d"
)


def _whole_items(
    pieces: list[Line], markers: list[Marker | None], items: list[int], heading: str | None, named: bool, i: int, style: str
) -> list[Loose] | None:
    """A run under a heading naming directions whose items are each one sentence describing a scope
    (too long or too wordy to be a noun phrase): each item, whole, is a direction."""
    if heading is None or _NOT_HEADING.search(heading):
        return None
    if named and not _SCOPE.search(heading):
        return None  # "征集类型": kinds of applicants or of entries, more often than scopes
    if not named:
        # "拟资助项目应包含以下三方面内容：" under the section "一、拟资助方向": the section names them.
        section = _section_above(pieces, markers, i, style)
        if section is None or not heading.rstrip().endswith(("：", ":")) or not _heading_names_directions(section):
            return None
        if not _SCOPE.search(section):
            return None
    if len(items) < 2 or items[-1] - items[0] != len(items) - 1:
        return None  # on consecutive lines only
    out: list[Loose] = []
    for j in items:
        mk = markers[j]
        assert mk is not None
        body = mk.rest.strip()
        # A year ("围绕2022年两会精神") or a date in a remark ("（2021年12月8日）") names a context, not a step.
        bare = re.sub(r"[（(][^（()）]*[）)]|(?:19|20)\d{2}年(?!\s*\d{1,2}\s*月)", "", body)
        if _WHOLE_ITEM.fullmatch(body) is None or _NOT_WHOLE.search(bare):
            return None
        title = body.rstrip("。；;")
        at = pieces[j].start + mk.offset + mk.rest.find(title)
        code = str(int(mk.number or 0))
        out.append(Loose(tidy(title), at, at + len(title), code=code, numbered=True, extra={"rule": "numbered_whole"}))
    return out


def _section_above(pieces: list[Line], markers: list[Marker | None], i: int, style: str) -> str | None:
    """The nearest numbered heading of a higher rank above item ``i`` (the section holding the run)."""
    for j in range(i - 1, max(-1, i - 8), -1):
        mj = markers[j]
        if mj is not None and _outranks(mj.style, style):
            return pieces[j].text.strip()
    return None


def _split_items(run: list[Loose]) -> list[Loose]:
    """An item naming several directions of the run's kind ("3.A奖、B奖：…") is each of them,
    under the item's number."""
    out: list[Loose] = []
    for item in run:
        parts = _items(item.title, item.start, None) if "、" in item.title else None
        others = [o.title for o in run if o is not item]
        if parts and others and _common_head([t for t, _ in parts] + others, quoted=False):
            for t, at in parts:
                out.append(Loose(tidy(t), at, at + len(t), code=item.code, numbered=True, extra=dict(item.extra)))
        else:
            out.append(item)
    return out


_RANK = {
    "chapter": 0,
    "cn_comma": 1,
    "cn_paren": 2,
    "arabic_dot": 3,
    "arabic_comma": 3,
    "arabic_paren": 4,
    "arabic_half_paren": 4,
    "circled": 5,
}


def _family(style: str) -> str:
    """ "1." and "1、" are one numbering (documents mix them)."""
    return "arabic" if style in ("arabic_dot", "arabic_comma") else style


def _outranks(style: str, than: str) -> bool:
    return _RANK.get(style, 9) < _RANK.get(than, 9)


def _heading_above(pieces: list[Line], markers: list[Marker | None], i: int, style: str) -> str | None:
    """The nearest line above item ``i`` that is a heading of a higher rank, or a line ending in ：."""
    for j in range(i - 1, max(-1, i - 6), -1):
        text = pieces[j].text.strip()
        if not text:
            continue
        mj = markers[j]
        if mj is not None and _outranks(mj.style, style):
            return text
        if text.endswith(("：", ":")):
            return text
        if mj is None and len(text) <= 30:
            return text
        # A run's first item glued after its heading on a flattened line: the text before it.
        if j == i - 1:
            return text[-30:]
    return None


def _nested_in(run: list[Loose], above: Loose, lines: list[Line]) -> bool:
    """Whether a numbered run sits inside the text of the last direction of a run of a higher rank
    (its items below that direction's line, no line of that rank or higher in between)."""
    style, outer = run[0].extra.get("style"), above.extra.get("style")
    if not run[0].numbered or not above.numbered or not isinstance(style, str) or not isinstance(outer, str):
        return False
    if not _outranks(outer, style) or above.start >= run[0].start:
        return False
    for line in lines:
        if line.start <= above.start or not line.text.strip():
            continue
        if line.start >= run[0].start:
            break
        mk = read_marker(line.text.strip())
        if mk is not None and (mk.style == outer or _outranks(mk.style, outer)):
            return False
    return True


def _plain_lines(lines: list[Line]) -> list[list[Loose]]:
    """Short unnumbered lines (or bullets) under a heading naming directions ("二、重点领域")."""
    runs: list[list[Loose]] = []
    for k, head in enumerate(lines):
        text = head.text.strip()
        marker = read_marker(text)
        # A line closed by a count ("各组分成5类群") announces that many lines, whatever its layout.
        closing = [c for c in _COUNT.finditer(text) if len(text) - c.end() <= 1]
        if len(text) > 30 or not (
            (marker is not None and marker.style not in ("bullet", "bracket")) or text.endswith(("：", ":")) or closing
        ):
            continue
        if not _heading_names_directions(text):
            continue
        if marker is not None and marker.style == "bullet" and not closing:
            continue  # "* 类别:" over "* 财经", "* 环境": a website's menu, not a section of the document
        found: list[Loose] = []
        bullets: bool | None = None
        for line in lines[k + 1 : k + 40]:
            body = line.text.strip()
            mk = read_marker(body)
            if mk is not None and mk.style != "bullet":
                break
            if closing and bullets is not None and bullets != (mk is not None):
                break  # lines announced by a count: a run of bullets ends at the first line without one
            bullets = mk is not None
            title = (mk.rest if mk is not None else body).strip().rstrip("；;。")
            # "智能制造：面向工厂的改造。": the name before its description.
            label = re.match(r"([^：:，,。；;]{2,24})[：:]\s*\S", title)
            if _CN_ITEM.match(body):
                break  # "主题1：X": read as a topic item
            if label is not None and _noun_like(label.group(1), strict=False):
                title = label.group(1).strip()
            if (
                not title
                or not re.search(r"[\u4e00-\u9fffA-Za-z]", title)
                or not _noun_like(title, strict=False)
                or ("、" in title and mk is None)  # a bullet is one item, whatever it joins ("新物料、纺织及成衣制品")
            ):
                break
            at = line.text.find(title)
            found.append(Loose(tidy(title), line.start + at, line.start + at + len(title), extra={"rule": "plain_lines"}))
        # A count in the heading ("本次设以下3个方向：") must match the lines.
        count = [to_number(c.group("n")) for c in _COUNT.finditer(text)]
        if count and count[-1] != len(found):
            continue
        checked = bool(closing) and to_number(closing[-1].group("n")) == len(found)
        # "…其中一项研发重点：" vouches for its lines as a heading word naming directions does.
        vouched = (
            _STRONG.search(text) or _FOCUSES_LAST.search(text) or _common_head([f.title for f in found], quoted=False) or checked
        )
        if len(found) >= 2 and vouched:
            if checked:  # the count that checked the lines is the stated number of directions
                at = head.start + head.text.find(text) + closing[-1].start()
                found[0].extra["count"] = (len(found), at, at + len(closing[-1].group(0)))
            runs.append(found)
    return runs


_EN_HEADING = re.compile(
    r"\bfollowing\s+(?:\w+\s+){0,2}?(?:areas|topics|themes|tracks|priorities|programs|programmes|challenges|categories|panels)\b",
    re.IGNORECASE,
)
# "Applicants must select the most suitable of four panels": a count of what the lines below name.
_EN_COUNTED_HEADING = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:areas|topics|themes|tracks|priorities|programs|programmes|challenges|categories|panels|streams)\s*:?\s*$",
    re.IGNORECASE,
)
_EN_ITEM = re.compile(
    r"^\s*(?:[-•*]\s*)?(?P<word>Track|Topic|Area|Theme|Strand|Lot|Challenge|Category|Priority|Stream)\s+"
    r"(?P<code>[A-Z]?\d{1,2}(?:\.\d{1,2})?|[A-Z])\s*[:：.\-–—]\s*(?P<title>[^.:;]{3,90}?)\s*(?:[.:;]|$)"
)
_EN_SENTENCE = re.compile(
    r"\b(?:must|should|shall|will|may|please|submit|submitted|deadline|contact|e-?mail|phone|eligible|applicants?)\b|https?:",
    re.IGNORECASE,
)


_EN_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _en_count(word: str) -> int:
    """ "3" → 3, "three" → 3 (the words of ``_EN_NUMBERS``)."""
    return int(word) if word.isdigit() else _EN_NUMBERS[word.lower()]


_EN_COUNT = re.compile(
    r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[a-z-]+\s+){0,3}?"
    r"(?:research\s+)?(?:areas|domains|topics|themes|tracks|priorities|challenges|strands|categories|lots)\b[^:]{0,40}:\s*$",
    re.IGNORECASE,
)
_EN_LABEL = re.compile(r"^\s*(?:[-•*]\s*)?(?P<title>[A-Z][A-Za-z&,'\- ]{2,80}?)\s*:\s*\S")


_EN_SEMICOLONS = re.compile(
    r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:areas|domains|topics|themes|tracks|priorities|challenges|strands|categories)\b[^.:;]{0,60}:\s*(?=[^;]+;)",
    re.IGNORECASE,
)
_EN_INLINE = re.compile(
    r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:areas|domains|topics|themes|tracks|priorities|challenges|strands|categories)\s*(?::|,?\s*namely)\s*(?P<list>[^.;:]+)",
    re.IGNORECASE,
)


def _english_semicolons(lines: list[Line]) -> list[list[Loose]]:
    """ "… the six priorities outlined in the Farm Bill: A ($43.9 million); B ($36.8 million); …": names separated by
    semicolons after a count, each with its amount in parentheses (kept for the budget reader)."""
    runs: list[list[Loose]] = []
    for line in lines:
        for m in _EN_SEMICOLONS.finditer(line.text):
            count = _en_count(m.group("n"))
            base = m.end()
            pieces = [(p.group(0), p.start()) for p in re.finditer(r"[^;]+", line.text[base:])][:count]
            items = []
            for piece, at in pieces:
                name = re.sub(r"\s*\([^)]*\)\s*\.?\s*$", "", piece).strip()
                name = re.sub(r"^(?:and|or)\s+", "", name)
                lead = piece.find(name)
                items.append((name, at + lead))
            if len(items) != count or count < 2 or any(not t or len(t.split()) > 8 or _EN_SENTENCE.search(t) for t, _ in items):
                continue
            s0 = line.start + base
            runs.append([Loose(t, s0 + at, s0 + at + len(t), extra={"rule": "english_semicolons"}) for t, at in items])
    return runs


def _english_inline(lines: list[Line]) -> list[list[Loose]]:
    """ "… in three areas: ocean observation, coastal resilience and marine biology." """
    runs: list[list[Loose]] = []
    for line in lines:
        for m in _EN_INLINE.finditer(line.text):
            count = _en_count(m.group("n"))
            body, base = m.group("list"), m.start("list")
            parts = [(p.group(0), p.start()) for p in re.finditer(r"[^,]+", body)]
            joined = parts and re.match(r"\s*(?:and|or)\s", parts[-1][0]) is not None  # "…, and C"
            if parts and not joined and (last := re.search(r"\s+(?:and|or)\s+", parts[-1][0])) is not None:
                text, at = parts.pop()
                parts += [(text[: last.start()], at), (text[last.end() :], at + last.end())]
            items = [(t.strip(), at + len(t) - len(t.lstrip())) for t, at in parts]
            items = [(re.sub(r"^(?:and|or)\s+", "", t), at + (len(t) - len(re.sub(r"^(?:and|or)\s+", "", t)))) for t, at in items]
            if len(items) != count or count < 2:
                continue
            if any(not t or len(t.split()) > 6 or _EN_SENTENCE.search(t) for t, _ in items):
                continue
            s = line.start + base
            runs.append([Loose(t, s + at, s + at + len(t), extra={"rule": "english_inline"}) for t, at in items])
    return runs


_EN_BULLETED_HEAD = re.compile(
    r"\b(?:areas|domains|topics|themes|tracks|priorities|challenges|strands|categories)"
    r"\s*(?:below|as follows|of|are|include)?\s*:\s*$",
    re.IGNORECASE,
)
_EN_BULLET_REMARK = re.compile(r"\s*\((?=[^)]*\d)|,\s+(?=with\b|of\b|for\b|each\b|including\b)|\s+[–—]\s+")
_EN_BULLET = re.compile(r"^\s*[-•*–]\s+(?P<title>\S.*?)\s*[.;,]?\s*$")


def _english_bullets(lines: list[Line]) -> list[list[Loose]]:
    """ "… in one of the priority areas:" followed by bullets of short names (no count needed)."""
    runs: list[list[Loose]] = []
    for k, head in enumerate(lines):
        if _EN_BULLETED_HEAD.search(head.text) is None or _EN_COUNT.search(head.text) is not None:
            continue
        found: list[Loose] = []
        for line in lines[k + 1 : k + 30]:
            if not found and not line.text.strip():
                continue  # a blank line between the heading and its bullets
            m = _EN_BULLET.match(line.text)
            if m is None:
                break
            title = m.group("title")
            # "Transport (4 topics), with a funding budget of 19M euros available.": the name, then its remarks;
            # "innovation in materials development. For example, …": the name, then its description.
            title = _EN_BULLET_REMARK.split(title, maxsplit=1)[0]
            title = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", title, maxsplit=1)[0].rstrip(".")
            if len(title.split()) > 12 or _EN_SENTENCE.search(title) or re.search(r"\d|[£$€¥]|:\s*\d", title):
                found = []
                break
            at = line.start + m.start("title")
            found.append(Loose(title, at, at + len(title), extra={"rule": "english_bullets"}))
        if len(found) >= 2:
            runs.append(found)
    return runs


def _english_counted(lines: list[Line]) -> list[list[Loose]]:
    """ "… the 3 main research domains:" followed by exactly that many "Name: …" lines."""
    runs: list[list[Loose]] = []
    for k, head in enumerate(lines):
        m = _EN_COUNT.search(head.text)
        if m is None:
            continue
        count = _en_count(m.group("n"))
        found: list[Loose] = []
        for line in lines[k + 1 : k + 2 * count + 3]:
            if not line.text.strip():
                if found:
                    break
                continue
            item = _EN_LABEL.match(line.text)
            if item is None or len(item.group("title").split()) > 8 or _EN_SENTENCE.search(item.group("title")):
                break
            at = line.start + item.start("title")
            title = item.group("title").strip()
            found.append(Loose(title, at, at + len(title), extra={"rule": "english_count"}))
        if len(found) == count >= 2:
            runs.append(found)
    return runs


_CN_ITEM = re.compile(
    r"^\s*(?P<word>主题|专题|方向|赛道|课题|榜单|领域)\s*(?P<code>\d{1,2}|[A-Z]|[一二三四五六七八九十]{1,3})\s*[：:、.．\-–—]\s*"
    r"(?P<title>[^。；;：:]{2,40}?)\s*(?:[。；;]?\s*$|[：:](?=\s*\S))"  # "方向1. 电子化学品：重点面向…"
)


def _topic_items(lines: list[Line]) -> list[list[Loose]]:
    """ "主题1：人工智能应用" lines: a direction's word and number before its title, as in
    "Topic 1: …". One such line is a direction too (its word says so)."""
    runs: list[list[Loose]] = []
    current: list[Loose] = []
    word = ""
    for line in lines:
        m = _CN_ITEM.match(line.text)
        if m is None or not _noun_like(m.group("title"), strict=False, longest=40):
            if line.text.strip():
                runs.append(current)
                current = []
            continue
        if m.group("word") != word:
            runs.append(current)
            current, word = [], m.group("word")
        code = m.group("code")
        number = to_number(code) if not code.isascii() else None
        title = m.group("title").strip()
        at = line.start + m.start("title")
        code = str(int(number)) if number is not None else code
        current.append(Loose(tidy(title), at, at + len(title), code=code, numbered=True, extra={"rule": "topic_word"}))
    runs.append(current)
    return [run for run in runs if run and len({_key(r.title) for r in run}) == len(run)]


def _english_items(lines: list[Line]) -> list[list[Loose]]:
    """ "Topic 1: Ocean observation" / "Track B – Data infrastructure" on consecutive items."""
    runs: list[list[Loose]] = []
    current: list[Loose] = []
    word = ""
    for line in lines:
        m = _EN_ITEM.match(line.text)
        if m is None or _EN_SENTENCE.search(m.group("title")):
            if line.text.strip():  # blank lines may sit between the items; anything else ends them
                runs.append(current)
                current = []
            continue
        if m.group("word") != word:  # "Topic 1 … Track 1": two lists
            runs.append(current)
            current, word = [], m.group("word")
        title = m.group("title").strip()
        at = line.start + m.start("title")
        current.append(Loose(title, at, at + len(title), code=m.group("code"), numbered=True, extra={"rule": "english"}))
    runs.append(current)
    return [run for run in runs if len(run) >= 2 and len({_key(r.title) for r in run}) == len(run)]


# ------------------------------------------------------------------------------------ tables

_TABLE_HEAD = re.compile(r"序号")
_TABLE_TITLE = re.compile(r"方向|领域|赛道|课题|专题|榜单|任务|类别|名称")
_TABLE_QUOTA = re.compile(r"项目数|数量|名额|拟支持|支持数|拟立项|立项数")
_UNIT_COLUMN = re.compile(r"单位|学院|院系|部门|学校|高校|地区|地市|区县")
_CELL = re.compile(r"\s*[|｜\t]\s*|\s{1,}")


def _table_rows(lines: list[Line]) -> list[list[Loose]]:
    """A table flattened to lines: a header "序号 方向名称 拟支持项目数" and rows "1 X 2"."""
    runs: list[list[Loose]] = []
    for k, head in enumerate(lines):
        if len(head.text) > 80 or not (_TABLE_HEAD.search(head.text) or _TABLE_QUOTA.search(head.text)):
            continue
        columns = [c for c in _CELL.split(head.text.strip()) if c]
        # Without a 序号 column ("方向名称 拟支持项目数"), the names come first and a column of quotas is needed.
        numbered = _TABLE_HEAD.search(columns[0]) is not None
        name_at = 1 if numbered else 0
        if len(columns) < 2 or _TABLE_TITLE.search(columns[name_at]) is None or _NOT_HEADING.search(columns[name_at]):
            continue
        quota_at = next((c for c, name in enumerate(columns) if _TABLE_QUOTA.search(name)), None)
        if not numbered and (quota_at is None or _CAP.search(head.text) or _UNIT_COLUMN.search(columns[name_at])):
            continue  # "单位名称 推荐名额": how many a unit may recommend, not directions with quotas
        found: list[Loose] = []
        for line in lines[k + 1 : k + 60]:
            cells = [c for c in _CELL.split(line.text.strip()) if c]
            if len(cells) < 2 or (numbered and cells[0] != str(len(found) + 1)):
                break
            if not numbered and (len(cells) != len(columns) or not re.fullmatch(rf"{NUM}\s*[个项]?", cells[quota_at or 0])):
                break
            title = cells[name_at]
            if not _noun_like(title, strict=False):
                break
            at = line.text.find(title)
            code = cells[0] if numbered else None
            item = Loose(tidy(title), line.start + at, line.start + at + len(title), code=code, numbered=numbered)
            item.extra["rule"] = "table"
            if quota_at is not None and len(cells) == len(columns):
                cell = cells[quota_at]
                value = parse_quota(cell if re.search(r"[个项]", cell) else f"{cell}项")
                if value is not None and value.get("qualifier") != "unspecified":
                    item.quota = value
                    qat = line.text.rfind(cell)
                    item.quota_span = (line.start + qat, line.start + qat + len(cell))
            found.append(item)
        if len(found) >= 2:
            runs.append(found)
    return runs


# ------------------------------------------------------------------------------------ lists in text


# An item's remark in brackets that carries figures or a label ("低龄组（出生日期：2014年9月1日-2017年8月31日）"):
# it qualifies the item, the name is what comes before it.
_REMARK_WITH_FIGURES = re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(][^（()）]*(?:\d|[：:])[^（()）]*[）)]$")


def _mask_brackets(text: str) -> str:
    """``text`` with whatever stands inside brackets blanked out, offsets unchanged."""
    out = list(text)
    depth = 0
    for k, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth:
            out[k] = " "
    return "".join(out)


def _split_top(text: str, sep: str) -> list[tuple[str, int]]:
    """Parts of ``text`` split at ``sep`` outside brackets and quotes, with their offsets."""
    parts: list[tuple[str, int]] = []
    depth = 0
    start = 0
    for k, ch in enumerate(text):
        if ch in "（(“「『《":
            depth += 1
        elif ch in "）)”」』》":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append((text[start:k], start))
            start = k + 1
    parts.append((text[start:], start))
    return parts


def _split_last(part: str, offset: int) -> list[tuple[str, int]]:
    """Split a last item at its final 和 / 及 / 与 outside quotes and brackets."""
    depth = 0
    best: re.Match[str] | None = None
    for m in _AND.finditer(part):
        depth = sum(part[: m.start()].count(c) for c in "（(“「") - sum(part[: m.start()].count(c) for c in "）)”」")
        # Both sides are names of two characters or more (及 of 普及 or 涉及 joins nothing); in
        # "A以及B和C" 以及 joins the list's last item, the 和 after it is inside that item.
        sides = len(part[: m.start()].strip()) >= 2 and len(part[m.end() :].strip()) >= 2
        if depth == 0 and sides and (best is None or "以及" not in best.group(0)):
            best = m
    if best is None:
        return [(part, offset)]
    return [(part[: best.start()], offset), (part[best.end() :], offset + best.end())]


_KIND_AFTER_ETC = re.compile(
    r"(?<=[^、，,\s])\s*等(?!离子|级|效|同|待|额|分|号|比|高|价|量|候)[^、，,。；;：:]{0,12}?"
    r"(?:领域|产业|行业|学科|方向|类别|赛道|主题|专题)(?:划分|设置|设立|分设|组成|构成)?\s*$"
    r"|(?<=[^、，,\s]{2})(?:划分|分设)\s*$"
)


def _items(text: str, offset: int, count: int | None) -> list[tuple[str, int]] | None:
    """Split a list; with ``count``, only a split into exactly that many items is accepted."""
    text = re.sub(r"\s*等\s*$", "", text)
    # "A、B等战略性新兴产业划分(六个赛道)": what follows 等 names the kind of the items, no part of the last.
    text = _KIND_AFTER_ETC.sub("", text)
    parts = _split_top(text, "、")
    last, at = parts[-1]
    split = _split_last(last, at)
    if len(split) == 2 and len(parts) >= 3:
        # "能源与化工、环境与生态、新材料与先进制造": the others join two words by the same conjunction,
        # so it is inside the last item too.
        joiner = last[len(split[0][0]) : split[1][1] - at].strip()
        if joiner and all(joiner in p for p, _ in parts[:-1]):
            split = [(last, at)]
    if count is None:
        if len(split) == 2:
            parts = [*parts[:-1], *split]
    elif len(parts) == count - 1 and len(split) == 2:
        parts = [*parts[:-1], *split]
    elif len(parts) == count and re.match(r"\s*[，,]?\s*(?:以及|和|及|与)", last):
        parts[-1] = (re.sub(r"^\s*[，,]?\s*(?:以及|和|及|与)\s*", "", last), at + len(last) - len(last.lstrip(" ，,以及和与")))
    parts[0] = _trim_first(parts[0], [p for p, _ in parts[1:]])
    first, first_at = parts[0]
    quoted = [p.strip() for p, _ in parts[1:]]
    opening = max((first.find(q) for q in _OPEN_QUOTES[:3]), default=-1)
    if (
        opening > 0
        and quoted
        and all(q[:1] in _OPEN_QUOTES and q[-1:] in _CLOSE_QUOTES for q in quoted)
        and first.rstrip()[-1:] in _CLOSE_QUOTES
    ):
        # "本竞赛规划“A”、“B”、“C”三大主题": the others quoted, the first is its quoted part too.
        parts[0] = (first[opening:], first_at + opening)
    out: list[tuple[str, int]] = []
    for part, at in parts:
        lead = len(part) - len(part.lstrip())
        bare = _REMARK_WITH_FIGURES.sub("", part.strip().strip("，,"))
        if not bare:
            return None
        out.append((bare, offset + at + lead))
    if count is not None and len(out) != count:
        return None
    if len(out) < 2 or not all(_noun_like(t, strict=False) for t, _ in out):
        return None
    return out


_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|"
    "台湾|内蒙古|广西壮族|广西|西藏|宁夏回族|宁夏|新疆维吾尔|新疆|香港|澳门"
)
# A province or region named before a list's first item ("内蒙古自治区", "广东省", "我市", "全省").
_REGION = re.compile(rf"(?:(?:{_PROVINCES})(?:省|市|自治区|特别行政区)|[我全本](?:省|市|区))")


_CALL_SUBJECT = re.compile(r"^\s*(?:本届|本次|今年|本年度)?\s*(?:大赛|比赛|竞赛|赛事|活动|评选|征集|计划|基金|专项)\s*$")


def _trim_first(first: tuple[str, int], others: list[str]) -> tuple[str, int]:
    """The first item runs back into the sentence ("平台分A、B、C"): it starts after the verb
    that opens the list, when it is no title as it stands or is longer than the other items."""
    text, at = first
    longest = max((len(o.strip()) for o in others), default=0)
    # A verb followed by nothing but a head noun is part of a word (建设赛道), not the opening.
    verbs = [
        v
        for v in _OPENING.finditer(text)
        if v.start() >= 1 and v.end() < len(text) - 1 and not _HEAD_NOUN.fullmatch(text[v.end() :].strip())
    ]
    if not verbs:
        return first
    verb = verbs[-1]
    rest = text[verb.end() :]
    long_verb = len(verb.group(0)) > 1
    # The words after the verb end in the others' head noun ("大赛设主赛道、产业赛道"): they are the item.
    same_head = (h := _HEAD_NOUN.search(rest.strip())) is not None and len(rest.strip()) > len(h.group(0))
    same_head = same_head and _common_head([rest, *others], quoted=False)
    # "本批项目主要涉及A、B…": a verb after 主要 / 重点 / 分别 is the sentence's, whatever the lengths.
    adverb = long_verb and re.search(r"(?:主要|重点|分别|具体)\s*$", text[: verb.start()]) is not None
    # "大赛分A、B两个赛道", "本届竞赛设A、B": the call or contest is the subject of the verb opening the list.
    subject = _CALL_SUBJECT.search(text[: verb.start()]) is not None
    if (
        not _noun_like(text.strip(), strict=False)
        or len(text.strip()) > longest + (1 if long_verb else 2)
        or same_head
        or adverb
        or subject
    ):
        text, at = rest, at + verb.end()
        # "围绕内蒙古自治区A、B、C": the region the list is about is no part of the first item.
        region = _REGION.match(text.strip())
        if region is not None and len(text.strip()) - region.end() >= 2 and len(text.strip()) > longest + 2:
            lead = len(text) - len(text.lstrip())
            text, at = text[lead + region.end() :], at + lead + region.end()
        # "聚焦X发展的A、B、C": what the items belong to is no part of the first one.
        of = text.rfind("的")
        if of >= 0 and len(text.strip()) > longest + 2 and len(text[of + 1 :].strip()) >= 2:
            return (text[of + 1 :], at + of + 1)
        return (text, at)
    return first


def _semicolon_items(text: str, start: int, count: int) -> list[tuple[str, int]] | None:
    """Items separated by ；up to the end of the sentence, exactly ``count`` of them."""
    stop = re.search(r"[。\n]", text[start:])
    segment = text[start : start + stop.start()] if stop else text[start:]
    parts = [(p, start + a) for p, a in _split_top(segment.replace(";", "；"), "；")]
    out = []
    for part, at in parts:
        bare = part.strip()
        if bare:
            out.append((bare, at + len(part) - len(part.lstrip())))
    if len(out) != count or not all(_noun_like(t, strict=False) for t, _ in out):
        return None
    return out


def _sentence_start(text: str, at: int, reach: int = 1000) -> int:
    """Where the sentence (or the list after a label's ：) holding ``at`` starts."""
    low = max(0, at - reach)
    ends = [m.end() for m in re.finditer(r"[。！？!?：:\n]", text[low:at])]
    return low + ends[-1] if ends else low


def _semicolons_before(text: str, start: int, end: int, count: int) -> list[tuple[str, int]] | None:
    """Exactly ``count`` items separated by ；between ``start`` and a count closing them at ``end``
    ("A（a1、a2）；B（b1）；C，共3大类"); a remark in parentheses after a name is no part of it."""
    segment = re.sub(r"[，,]?\s*(?:共计|合计|共|等)?\s*$", "", text[start:end])
    if segment.count("；") + segment.count(";") != count - 1:
        return None
    out = []
    for part, at in _split_top(segment.replace(";", "；"), "；"):
        bare = re.sub(r"\s*[（(][^（()）]*[）)]\s*$", "", part.strip())
        if not bare:
            return None
        out.append((bare, start + at + len(part) - len(part.lstrip())))
    if len(out) != count or not all(_noun_like(t, strict=False) and "、" not in t for t, _ in out):
        return None
    return out


def _semicolon_run(text: str, start: int) -> list[tuple[str, int]] | None:
    """Three items or more separated by ；up to the end of the sentence, every one a short name."""
    stop = re.search(r"[。\n]", text[start : start + 2000])
    segment = text[start : start + stop.start()] if stop else text[start : start + 2000]
    if segment.count("；") + segment.count(";") < 2:
        return None
    parts = [(p, start + a) for p, a in _split_top(segment.replace(";", "；"), "；")]
    out = [(p.strip(), a + len(p) - len(p.lstrip())) for p, a in parts if p.strip()]
    if len(out) < 3 or not all(_noun_like(t, strict=False) and "、" not in t for t, _ in out):
        return None
    return out


def _common_head(items: list[str], *, quoted: bool = True) -> bool:
    """Items ending in the same head noun ("A赛道、B赛道"), or all quoted."""
    bare = [_unquote(t) for t in items]
    if quoted and all(t and t[0] in _OPEN_QUOTES and t[-1] in _CLOSE_QUOTES for t in items):
        return True
    heads = {m.group(0) if (m := _HEAD_NOUN.search(t)) else None for t in bare}
    return len(heads) == 1 and None not in heads


# The head nouns of directions listed without a count: "A赛道、B赛道", "X奖和Y奖", "甲类项目、乙类项目".
# "创意组、初创组、成长组": groups of a contest (not 专家组, 工作组, 评审组, 小组).
_HEAD_NOUNS = (
    "赛道|项目|奖|领域|方向|类|案例|课题|专题|计划|任务|产业|榜单|专项|平台|命题|(?<!专家|工作|评审|课题|项目|学科|评议)(?<!小)组"
)
_HEAD_NOUN = re.compile(rf"(?:{_HEAD_NOUNS})$")


def _strip_leading(text: str, at: int) -> tuple[str, int]:
    """The words opening a list ("其中", "共设", "包括：") are no part of its first item; a word
    that only may open one (重点, 设, 有 …) is kept when nothing confirms it (重点项目, 设计, 有机)."""
    m = _LEADING.match(text)
    if m is None or not m.end():
        return text, at
    pre, verb, post = m.group("pre"), m.group("verb"), m.group("post").strip()
    confirmed = bool(post) or pre == "其中" or (verb is not None and (len(verb) > 1 or pre is not None))
    if not confirmed:
        return text, at
    text, at = text[m.end() :], at + m.end()
    # "聚焦省重点培育的A、B…": after a verb opening the list, the words up to 的 qualify the list.
    qualified = re.match(r"[^、，,的]{1,10}的(?=[^、，,]{2})", text) if verb is not None and len(verb) > 1 else None
    if qualified is not None:
        return text[qualified.end() :], at + qualified.end()
    return text, at


_LIST_VERB = re.compile(r"分为|分成|包括|包含|设有|设置|设立|分设|(?:重点|优先|主要)(?:支持|资助)")
_FIELDS_ETC = re.compile(
    r"(?P<verb>重点支持|支持|资助|涉及|包括|覆盖)(?:在|于)?(?P<list>[^，,。；;：:“”（）()]{6,200}?)等(?:重点|相关)?(?:领域|方向|方面)"
)
_PARTS_OF_NAMED = re.compile(r"(?:赛道|方向|领域|专项|专题|组|类)\s*(?:包括|包含|分为|分成|含)\s*[：:]?\s*$")


def _lists_in_line(line: Line, heading: str | None) -> list[list[Loose]]:
    text = line.text
    found: list[list[Loose]] = []
    taken: list[tuple[int, int]] = []
    marker = read_marker(text)
    lead = marker.offset if marker is not None else 0  # the line's own number ("一、") is no item

    def add(items: list[tuple[str, int]] | None, rule: str, count: tuple[int, int, int] | None = None) -> None:
        if not items:
            return
        if _SUBLEVEL.search(text[max(lead, items[0][1] - 20) : items[0][1]]):
            return  # the parts of one direction ("子赛道：包括A、B、C")
        group = []
        for t, a in items:
            # "(一)X；(二)Y": the item's own number is its code, not part of its title.
            mk = read_marker(t)
            code = None
            if mk is not None and mk.number is not None and mk.style not in ("bullet", "bracket", "code", "decimal"):
                code, a, t = str(int(mk.number)), a + mk.offset, mk.rest.strip()
            group.append(Loose(tidy(_unquote(t)), line.start + a, line.start + a + len(t), code=code, extra={"rule": rule}))
        codes = [g.code for g in group]
        if any(codes) and codes != [str(k) for k in range(1, len(group) + 1)]:
            return  # numbers out of order: no list of its own
        for g in group:
            g.numbered = g.code is not None
        # "分A和B两个类别": the count the split agreed with (not the parts of a named track: "自选赛道包括A、B等3类").
        if count is not None and not _PARTS_OF_NAMED.search(text[max(lead, items[0][1] - 12) : items[0][1]]):
            group[0].extra["list_count"] = count
        found.append(group)
        taken.append((items[0][1], items[-1][1] + len(items[-1][0])))

    # A count closing the list ("A、B和C三类") or opening it ("N个领域，包括A、B…").
    for m in [*_COUNT.finditer(text), *_PARTS_COUNT.finditer(text)]:
        count = to_number(m.group("n"))
        if not count or not 2 <= count <= 30:
            continue
        parts = m.re is _PARTS_COUNT
        begin = max(_clause_start(text, m.start()), lead)
        if (inner_mark := read_marker(text[begin : m.start()])) is not None and inner_mark.number is not None:
            begin += inner_mark.offset  # "…本方案。一、工作目标聚焦A、B…": a number in mid-line opens no item
        clause = text[begin : m.start()]
        # A colon inside an item's remark ("低龄组（出生日期：…）和高龄组（…）两个组别") cuts nothing.
        cut = max((k.start() for k in re.finditer(r"[，,：:](?!\s*(?:以及|和|及|与))", _mask_brackets(clause))), default=-1)
        piece, at = (clause[cut + 1 :], begin + cut + 1) if cut >= 0 else (clause, begin)
        demonstrative = cut >= 0 and re.fullmatch(r"\s*(?:这|这些|上述|以上|该|此)\s*", piece) is not None
        if demonstrative:
            # "…选择A、B或C，这三类项目的…": the count names the list of the clause before it.
            before = clause[:cut]
            back = max((k.start() for k in re.finditer(r"[，,：:](?!\s*(?:以及|和|及|与))", before)), default=-1)
            piece, at = before[back + 1 :], begin + back + 1
        piece, at = _strip_leading(piece, at)
        opening = re.split(r"[、和与及]", text[max(0, at - 4) : at] + piece, maxsplit=1)[0]
        if m.groupdict().get("noun") == "组别" and not re.search(r"分为|分成|分设|设置|设立|(?<!建)设(?!计|备|施)", opening):
            continue  # "围绕A、B等5个组别形成调查报告": groups inside a category; a contest's own groups are set up (分为 / 设)
        items = _items(piece, at, int(count)) if piece.strip() else None
        if items is None and (inner := _parenthesised(text, m.end())) is not None:
            items = _items(inner[0], inner[1], int(count))  # "三个方向（A、B、C）"
        if items is None:
            after = text[m.end() : m.end() + 16]
            # "这六个专项课题是：A、B…": the noun phrase may run on a little past the count's noun.
            opener = re.match(
                r"(?:[\u4e00-\u9fff]{0,3}?\s*[，,：:]?\s*(?:包括|包含|分别是|分别为|即|是|为|如下)\s*[：:]?|\s*[：:])\s*", after
            )
            if opener is not None and opener.end() > 0 and re.search(r"包括|包含|分别|即|[：:]", opener.group(0)):
                start = m.end() + opener.end()
                stop = _CLAUSE.search(text, start)
                end = stop.start() if stop else len(text)
                # "两个赛道：A、B(C待另行添加)": a remark in parentheses after the last item is no part of it.
                if (remark := re.search(r"[（(][^（()）]{4,}[）)]\s*$", text[start:end])) is not None:
                    end = start + remark.start()
                if (tail := _COUNT_TAIL.search(text[start:end])) is not None and tail.group(0).strip():
                    end = start + tail.start()  # "分为四类：A、B以及C等四类": the count said again closes the list
                items = _items(text[start:end], start, int(count))
                comma = re.search(r"[，,](?!\s*(?:以及|和|及|与))", text[start:end])
                if items is None and comma is not None:  # "两大类：A、B，详见…": the list ends at the comma
                    items = _items(text[start : start + comma.start()], start, int(count))
                if items is None:  # "N个方向：A；B；C。"
                    items = _semicolon_items(text, start, int(count))
        if items is None:  # "A（…）；B（…）；C（…），共3大类": a list in ；closed by its count
            items = _semicolons_before(text, max(lead, _sentence_start(text, m.start())), m.start(), int(count))
        # (After a demonstrative the applicant may be the sentence's subject: the noun after the count decides.)
        # Words naming applicants just before the list ("申报对象为A、B和C三类"), not in a heading further back.
        applicants = (
            not demonstrative and _APPLICANTS.search(text[max(begin, items[0][1] - 12) : items[0][1]]) if items else False
        )
        if items and (applicants or _APPLICANT_NOUN.match(text, m.end())):
            continue  # kinds of applicants ("高校、院所和企业三类单位"), not directions
        if parts and not (items and all(_KIND_OF_PROJECT.search(t) for t, _ in items)):
            continue  # "从A、B和C三个方面评审": aspects, not kinds of project
        add(items, "count", (int(count), line.start + m.start(), line.start + m.end()))
    # No count: a list in parentheses after a direction's noun ("重点领域（A、B、C）").
    for m in re.finditer(r"(?:方向|领域|赛道|类别|专题|产业|奖项|赛项|类型|专项)\s*(?=[（(])", text):
        inner = _parenthesised(text, m.end())
        # Two names joined by 或 / 和 alone are a choice between programmes, not a list.
        if inner is not None and "、" in inner[0] and not any(s <= m.start() < e for s, e in taken):
            add(_items(inner[0], inner[1], None), "parens")
    # "重点支持A、B和C等领域", "涉及A、B、C等方面的课题" (under a heading naming the scope): the fields the call
    # is limited to, listed without a count.
    for m in _FIELDS_ETC.finditer(text):
        if m.group("verb") not in ("重点支持", "支持", "资助") and heading is None:
            continue
        if "、" in m.group("list") and not any(s <= m.start() < e for s, e in taken):
            items = _items(m.group("list"), m.start("list"), None)
            if items is not None and len(items) >= 3:
                add(items, "fields")
    # "以A、B或C为主题": the themes of the call.
    for m in re.finditer(r"以([^，,。；;：:“”]{4,80}?)为(?:主题|重点方向|方向|重点领域|领域)", text):
        if "、" in m.group(1) and not any(s <= m.start() < e for s, e in taken):
            add(_items(m.group(1), m.start(1), None), "themes")
    # "一是A，二是B，三是C" after words naming directions.
    ordinals = _ordinals(text, heading is not None)
    stated: tuple[int, int, int] | None = None
    if ordinals:  # "主要有两个方面，一是A…二是B": the weak count the items matched is their stated number
        reach = max(0, text.find("一是") - 40)
        weak = list(_PARTS_COUNT.finditer(text, reach, reach + 40))
        if weak and to_number(weak[-1].group("n")) == len(ordinals):
            stated = (len(ordinals), line.start + weak[-1].start(), line.start + weak[-1].end())
    add(ordinals, "ordinals", stated)
    if ordinals and found and found[-1][0].start == line.start + ordinals[0][1]:
        for k, item in enumerate(found[-1]):
            item.code, item.numbered = str(k + 1), True
    # No count: a list after 分为 / 包括 / a label naming directions, with one head noun or quoted.
    for m in re.finditer(
        r"(?:分为|分成|包括|包含|设有|设置|设立|分设|(?<=[，,。；;])设(?=[^置立有计备施定]))\s*[：:]?"
        r"|(?P<support>(?:重点|优先|主要)(?:支持|资助)\s*(?:在|于)?)"
        r"|(?P<label>[^，,。；;：:\s]{1,8})[：:]|^",
        text,
    ):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if m.group(0) == "" and heading is None:
            continue
        first_clause = text[: first_stop.start()] if (first_stop := _CLAUSE.search(text, lead)) is not None else text
        if m.group(0) == "" and _LIST_VERB.search(first_clause):
            continue  # "本次征集分为A、B和C" under the heading: the verb opens the list, not the heading
        if m.group("label") is not None and _HEADING.search(m.group("label")) is None:
            continue
        start = max(m.end(), lead) if m.group(0) == "" else m.end()
        if m.group("label") is not None and (verb := re.match(r"\s*(?:分为|分成|分设|分)\s*(?=[^为成设])", text[start:])):
            start += verb.end()  # "竞赛组别：分A组、B组及C组": after a label naming directions, 分 opens the list
        stop = _CLAUSE.search(text, start)
        end = stop.start() if stop else len(text)
        segment = text[start:end]
        if (remark := re.search(r"[（(][^（()）]{4,}[）)]\s*$", segment)) is not None:
            segment = segment[: remark.start()]  # a remark after the last item is no part of it
        comma = re.search(r"[，,](?!\s*(?:以及|和|及|与))", segment)
        if comma:
            segment = segment[: comma.start()]
        noun = ""
        if m.group("support") is not None:
            # "重点支持在A、B和C领域的研究": the list runs up to the noun naming what the items are.
            closing = re.search(r"(?:等)?(?:领域|方向)(?=的|开展|进行|$)", segment)
            if closing is None:
                continue
            segment, noun = segment[: closing.start()], closing.group(0)
        tail = _COUNT_TAIL.search(segment)
        segment = segment[: tail.start()] if tail else segment
        if any(s < start + len(segment) and start < e for s, e in taken):
            continue  # the list a count already read ("…A、B等八大产业集群征集项目"): one list, one reading
        items = _items(segment, start, None)
        if items is None and m.group(0) and _STRONG.search(m.group("label") or text[max(lead, m.start() - 12) : m.start()]):
            # "研究主题包括：A；B；C。": words naming directions vouch for the run.
            add(_semicolon_run(text, start), "semicolons")
            continue
        # Words naming directions just before the list ("支持领域包括…", "研究方向：…", a heading
        # "二、重点领域" above) vouch for it; otherwise its items must share a direction's head noun.
        context = m.group("label") or text[max(lead, m.start() - 12) : m.start()] if m.group(0) else heading
        # "…包括A、B、C等方向": the noun closing the list names them too.
        context = (context or "") + (tail.group(0) if tail else "") + noun
        vouched = _STRONG.search(context) is not None and "、" in segment  # 和 alone joins subjects too
        if items and (vouched or _common_head([t for t, _ in items])):
            add(items, "no_count" if m.group(0) else "heading_list")
    # "按A组和B组进行比赛", "分A组、B组进行评选": the groups a contest is run or judged in.
    for m in _GROUPS_RUN.finditer(text):
        if any(s <= m.start("list") < e for s, e in taken):
            continue
        items = _items(m.group("list"), m.start("list"), None)
        if items and all(re.search(r"(?<!专家|工作|评审|课题|项目|学科|评议)(?<!小)组$", t) for t, _ in items):
            add(items, "groups_run")
    # "“A”、“B”、…、“R”等18项": a run of quoted names (long ones too) closed by 等 and the count of
    # them is a list even without a word naming directions (a plan's research priorities).
    for m in re.finditer(r"(?:[“「『][^”」』]{2,40}[”」』]\s*[、，,]?\s*){2,}[“「『][^”」』]{2,40}[”」』]", text):
        tally = _QUOTED_TALLY.match(text, m.end())
        if tally is None or any(s <= m.start() < e for s, e in taken):
            continue
        items = [(q.group(1), m.start() + q.start(1)) for q in re.finditer(r"[“「『]([^”」』]{2,40})[”」』]", m.group(0))]
        if to_number(tally.group("n")) == len(items) and all(_noun_like(t, strict=False, longest=40) for t, _ in items):
            add(items, "quoted_tally")
    # Quoted items in a row ("“A”、“B”、“C”").
    for m in re.finditer(r"(?:[“「『][^”」』]{2,24}[”」』]\s*[、，,和及与]?\s*){1,}[“「『][^”」』]{2,24}[”」』]", text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        items = [(q.group(1), m.start() + q.start(1)) for q in re.finditer(r"[“「『]([^”」』]{2,24})[”」』]", m.group(0))]
        # "优先主题为“A”、“B”和“C”", "五项资助计划，包括“A”…": after words naming the themes or schemes, or
        # checked by the count right after them ("“A”…及“E”五类资助计划"), the quotes delimit names even when a
        # name reads like a phrase ("照顾学生的不同学习需要") or ends like a cost ("社团运作经费").
        after = text[m.end() : m.end() + 8]
        before = text[max(0, m.start() - 12) : m.start()]
        themes = re.search(r"(?:主题|方向|专题|领域|重点|计划)\s*[，,]?\s*(?:为|是|包括|包含|[：:])\s*$", before)
        # A count right after them ("“A”“B”两类项目") that they match.
        closing = _COUNT.match(text, m.end() + len(after) - len(after.lstrip("等 ")))
        counted = closing is not None and to_number(closing.group("n")) == len(items)
        # (A bare 类 counts anything, "两类票据": the words after it must name schemes or directions.)
        schemes = (
            counted
            and closing is not None
            and (
                closing.group("noun") is not None
                or re.match(
                    r"\s*(?:资助|支持|申报|研究)?(?:计划|项目|方向|领域|专项|课题|赛道|奖项|主题|专题)", text[closing.end() :]
                )
                is not None
            )
        )
        named = (themes is not None or schemes) and all(not re.search(r"[。；;！？!?]", t) for t, _ in items)
        if len(items) >= 2 and (named or all(_noun_like(t, strict=False) for t, _ in items)):
            # Quoted names sharing a head noun that names directions ("“A赛道”与“B赛道”") need no heading.
            strong_head = _common_head([t for t, _ in items], quoted=False) and _STRONG.search(items[0][0][-2:])
            if re.search(r"鼓励", before[-8:]) and not counted:
                continue  # "涵盖所有领域，惟本次鼓励“A”和“B”领域": preferences within an open call, not its directions
            if _HEADING.search(after + before) or heading is not None or strong_head or counted or themes:
                disagreeing = (t := _QUOTED_TALLY.match(text, m.end())) is not None and to_number(t.group("n")) != len(items)
                if disagreeing:
                    continue  # "“A”、“B”、“C”等5项": the names and their count disagree
                stated = (len(items), line.start + closing.start(), line.start + closing.end()) if counted and closing else None
                add(items, "quoted", stated)
    return found


# "按A组和B组(组别)进行比赛", "分为A组和B组分别进行报名与比赛": groups named between 按 / 分 and the verb of the contest.
_GROUPS_RUN = re.compile(
    r"(?:按照?|分(?:为|成)?)\s*(?P<list>[^，,。；;：:“”]{4,60}?组)\s*(?:(?:两|三|四|五|[2-5])个)?(?:组别)?\s*(?:分别)?\s*(?:进行|开展)\s*"
    r"(?:(?:报名|申报)\s*(?:与|和|及)\s*)?(?:比赛|评选|评审|竞赛|评比|角逐)"
)
# 等 and a count of items in 项 / 个 / 类 right after a quoted run ("…”等18项").
_QUOTED_TALLY = re.compile(rf"\s*等\s*(?P<n>{NUM})\s*(?:项|个|类|大类)(?!目|文件|制度|规定|政策|措施|要求|材料|通知|意见|办法)")


def _parenthesised(text: str, at: int) -> tuple[str, int] | None:
    """The text inside the parentheses opening at ``at`` (after spaces), with its offset."""
    m = re.match(r"\s*[（(](?!含|不含|包括|如|例如|除|注|即)([^（()）]{3,200})[）)]", text[at:])
    if m is None or text[:at].count("“") + text[:at].count("「") > text[:at].count("”") + text[:at].count("」"):
        return None  # a remark ("含…", "如…"), or parentheses inside a quoted title
    return (m.group(1), at + m.start(1))


_ORDINAL = "一二三四五六七八九十"
# A count closing a list that was not checked against it ("…两类赛道", "…等三个方向").
_COUNT_TAIL = re.compile(
    rf"\s*(?:等\s*(?:{NUM}\s*(?:个|大|种)?)?\s*类?\s*(?:组别|类别|门类|{_HEAD_NOUNS})?|{NUM}\s*(?:个|大|种)?\s*类?\s*(?:组别|类别|门类|{_HEAD_NOUNS})?)\s*$"
)
# "子赛道包括A、B", "每个赛道均包含A组、B组": the parts of one direction, or of each one.
_SUBLEVEL = re.compile(
    r"子(?:赛道|课题|方向|领域|类|项目|任务|专题)|细分|下设|每个?(?:赛道|方向|领域|类别|专题|组别)\S{0,3}(?:包含|包括|分为|分设|设)"
)


def _ordinals(text: str, heading_named: bool) -> list[tuple[str, int]] | None:
    first = text.find("一是")
    if first < 0:
        return None
    before = text[max(0, first - 40) : first]
    counts = [to_number(c.group("n")) for c in _COUNT.finditer(before)]
    items: list[tuple[str, int]] = []
    at = first
    for k, ordinal in enumerate(_ORDINAL):
        at = text.find(f"{ordinal}是", at)
        if at < 0 or (k and text[at - 1] not in "，,；;。 "):
            break
        start = at + 2
        stop = re.search(r"[，,；;。：:]", text[start:])
        title = text[start : start + stop.start()] if stop else text[start:]
        items.append((title.strip(), start))
        at = start
    # "主要有两个方面，一是A专项…二是B项目": a weak count that holds when every item is a kind of project.
    if not counts and items and all(_KIND_OF_PROJECT.search(t) for t, _ in items):
        counts = [to_number(c.group("n")) for c in _PARTS_COUNT.finditer(before)]
    # Words naming directions above or just before, or a count there that the items match
    # ("分为五大类：一是A，二是B…").
    if not (heading_named or _HEADING.search(before) or (counts and counts[-1] == len(items))):
        return None
    # Items checked against a count may be longer names.
    checked = bool(counts) and counts[-1] == len(items)
    if len(items) < 2 or not all(_noun_like(t, strict=False, longest=40 if checked else 24) for t, _ in items):
        return None
    return items


def _breakdowns(line: Line) -> list[list[Loose]]:
    """ "A 3项、B 4项，合计7项" / "其中A 3项、B 4项": directions with exact quotas."""
    text = line.text
    out: list[list[Loose]] = []
    pos = 0
    while pos < len(text):
        m = _BREAKDOWN_ITEM.search(text, pos)
        if m is None:
            break
        run = [m]
        k = m.end()
        while k < len(text) and text[k] in "、，,；;":
            # "A 2项，金额600万元（含…）；B 5项，245万元": the amount of each kind between the items.
            if (amount := _BREAKDOWN_AMOUNT.match(text, k)) is not None and text[amount.end() : amount.end() + 1] in ("；", ";"):
                k = amount.end()
            nxt = _BREAKDOWN_ITEM.match(text, k + 1)
            if nxt is None or re.match(r"\s*(?:合计|共计|总计|共|其中)", nxt.group("title")):
                break
            run.append(nxt)
            k = nxt.end()
        pos = max(k, m.end())
        if len(run) < 2:
            continue
        values = [to_number(r.group("n")) for r in run]
        if any(v is None for v in values):
            continue
        total = _TOTAL_AFTER.match(text, k)
        before = text[max(0, run[0].start() - 4) : run[0].start() + 2]
        checked = total is not None and to_number(total.group("n")) == sum(v or 0 for v in values)
        # Checked by a total, or announced as what will be funded ("其中…", "拟立项A 5项、B 20项").
        # Or a summary of what was granted ("1992年批准A 2项，金额…；B 5项…").
        planned = re.search(
            r"(?:拟|计划)(?:立项|资助|支持|遴选)|批准|获批", text[_clause_start(text, run[0].start()) : run[0].end()]
        )
        if not checked and "其中" not in before and planned is None:
            continue
        group: list[Loose] = []
        first = _trim_first(((r0 := run[0]).group("title"), 0), [r.group("title") for r in run[1:]])
        for r, v in zip(run, values, strict=True):
            title, at = (first[0], r0.start("title") + first[1]) if r is r0 else (r.group("title"), r.start("title"))
            title, at = _strip_leading(title, at)
            if not _noun_like(title, strict=False):
                group = []
                break
            item = Loose(tidy(title), line.start + at, line.start + at + len(title), extra={"rule": "breakdown"})
            qualifier = "about" if r.group("post") else _BREAKDOWN_QUALIFIER.get(r.group("q") or "", "exact")
            item.quota = {"qualifier": qualifier, "value": int(v) if v and float(v).is_integer() else v}
            item.quota_span = (line.start + r.start(), line.start + r.end())
            group.append(item)
        clause_start = _clause_start(text, run[0].start())
        if group and _CAP.search(text[clause_start : run[0].start()] + run[0].group("title")):
            # A cap on what a unit may recommend, split by kind: limits, not quotas.
            if not _common_head([g.title for g in group], quoted=False):
                continue
            for g in group:
                g.quota, g.quota_span = None, None
        if len(group) >= 2:
            out.append(group)
    return out


_MONEY_ITEM = re.compile(
    rf"(?P<title>[^、，,。；;：:\s]{{2,30}}?)\s*(?:每项|资助)?\s*为?\s*(?:约|不超过|最高)?\s*(?:{NUM}\s*(?:-|—|–|~|～|至|到)\s*)?{NUM}\s*(?:万元|万|元)"
)


_MONEY_CLAUSE = re.compile(rf"[^、，,。；;：:\s]{{2,30}}?(?:项目|课题|专项)\s*为?\s*(?:约|不超过|最高)?\s*{NUM}")


def _project_heads(titles: list[str]) -> bool:
    """The same head noun, or heads that all name a kind of project ("A课题为80万元、西部项目为20万元")."""
    if _common_head(titles, quoted=False):
        return True
    heads = {m.group(0) if (m := _HEAD_NOUN.search(t)) else None for t in titles}
    return heads <= {"项目", "课题", "专项"}


def _money_breakdowns(line: Line) -> list[list[Loose]]:
    """ "资助额度为：重点项目25万元，一般项目和青年项目15万元": kinds of projects with their amounts."""
    text = line.text
    out: list[list[Loose]] = []
    for intro in re.finditer(
        r"(?:资助额度|资助强度|资助金额|资助经费|支持额度|支持强度)[^，,。；;：:]{0,6}?[为是]?\s*[：:]?\s*", text
    ):
        stop = _CLAUSE.search(text, intro.end())
        # "A为80万元、B为50万元；C为20万元；D为5万元。": the amounts go on after ；while each clause is one.
        while stop is not None and stop.group(0) in "；;" and _MONEY_CLAUSE.match(text, stop.end()):
            stop = _CLAUSE.search(text, stop.end())
        segment = text[intro.end() : stop.start() if stop else len(text)]
        items: list[tuple[str, int]] = []
        for m in _MONEY_ITEM.finditer(segment):
            title = re.sub(r"^[，,、\s]+", "", m.group("title"))
            at = intro.end() + m.start("title") + (len(m.group("title")) - len(title))
            parts = _split_last(title, at)  # "一般项目和青年项目15万元": two kinds, one amount
            items.extend(parts if len(parts) == 2 and _common_head([p for p, _ in parts], quoted=False) else [(title, at)])
        titles = [t for t, _ in items]
        if len(items) >= 2 and all(_noun_like(t, strict=False) for t in titles) and _project_heads(titles):
            out.append([Loose(tidy(t), line.start + a, line.start + a + len(t), extra={"rule": "amounts"}) for t, a in items])
    return out


# "重点项目资助经费为2万元，一般项目资助经费为1万元": each clause a kind of project with its own amount.
_KIND_WITH_AMOUNT = re.compile(
    rf"(?P<title>[^，,。；;：:、\s]{{2,16}}?(?:项目|课题|专项))\s*(?:的)?\s*(?:每项|每个|每个项目)?\s*"
    rf"(?:资助经费|资助额度|资助强度|资助金额|经费资助|资助)\s*(?:为|是)?\s*[：:]?\s*(?:约|不超过|最高|每项)?\s*{NUM}"
    rf"(?:\s*[-—–~～至到]\s*{NUM})?\s*(?:万元|元)(?:\s*/\s*项)?"
)


def _kind_amount_clauses(line: Line) -> list[list[Loose]]:
    """Two kinds of project or more, each in its own clause with its grant, the clauses one after the other."""
    text = line.text
    out: list[list[Loose]] = []
    run: list[re.Match[str]] = []
    for m in [*_KIND_WITH_AMOUNT.finditer(text), None]:
        if m is not None and run and re.fullmatch(r"\s*[，,；;]\s*", text[run[-1].end() : m.start()]):
            run.append(m)
            continue
        if len(run) >= 2:
            items = []
            for r in run:
                title, at = r.group("title"), r.start("title")
                if (mk := read_marker(title)) is not None:  # "3.重点项目…": the line's number is no part of it
                    title, at = title[mk.offset :], at + mk.offset
                items.append((title, at))
            titles = [t for t, _ in items]
            if all(_noun_like(t, strict=False) for t in titles) and len(set(titles)) == len(titles) and _project_heads(titles):
                out.append([Loose(tidy(t), line.start + a, line.start + a + len(t), extra={"rule": "amounts"}) for t, a in items])
        run = [m] if m is not None else []
    return out


_CAP = re.compile(r"推荐|限报|限额|名额|每个?单位|每校|每所|各单位|各学院|每个申请|每位|每人|申报数")


# ------------------------------------------------------------------------------------ together


def _numbered_openings(lines: list[Line]) -> list[tuple[int, str, str]]:
    """(where, the words after the number, the number) of every numbered line or mid-line piece."""
    out: list[tuple[int, str, str]] = []
    for p in _pieces(lines):
        mk = read_marker(p.text)
        if mk is not None and mk.number is not None and mk.style not in ("bracket", "bullet", "code"):
            out.append((p.start, _key(mk.rest)[:40], str(int(mk.number))))
    return out


def _ids_from_numbering(group: list[Loose], openings: list[tuple[int, str, str]], reach: int = 4000) -> None:
    """A listed item whose name opens a numbered line ("2.“X”赛道分为…") takes that number."""
    numbers: dict[str, str] = {}
    first = bisect.bisect_left(openings, (group[0].start, "", ""))
    last = bisect.bisect_right(openings, (group[-1].end + reach, "", ""))
    for _at, rest, number in openings[first:last]:
        for item in group:
            if item.code is None and item.title not in numbers and rest.startswith(_key(item.title)):
                numbers[item.title] = number
    codes = [numbers.get(item.title) for item in group]
    if all(codes) and [int(c) for c in codes if c] == list(range(1, len(group) + 1)):
        for item, code in zip(group, codes, strict=True):
            item.code = code


_REACH = 200_000


def find_loose(lines: list[Line], suggestions: list[Loose] | None = None) -> list[Loose]:
    """Directions of a text without a guide's layout, in order of appearance; [] when none.

    ``suggestions`` receives the numbered names that were not taken and are not among the directions
    found: staff may add them with one click (a list of points, or directions the rules could not vouch for).

    Only the text's first ``_REACH`` characters are read: a notice names its directions early,
    and a text pasted with megabytes of appendices must not slow the import down."""
    lines = [Line(line.text[: _REACH - line.start], line.start) for line in lines if line.start < _REACH]
    rejected: list[list[Loose]] = []
    runs = _numbered_runs(lines, rejected) + _table_rows(lines) + _plain_lines(lines)
    runs += (
        _english_items(lines)
        + _english_counted(lines)
        + _english_inline(lines)
        + _english_semicolons(lines)
        + _english_bullets(lines)
        + _topic_items(lines)
    )
    groups: list[list[Loose]] = []
    named_lines: dict[int, str] = {}
    for k in range(1, len(lines)):
        # The line under a heading that names directions (lines without Chinese, such as a
        # mirror's noise, are skipped).
        j = k - 1
        while j > 0 and not re.search(r"[\u4e00-\u9fff]", lines[j].text):
            j -= 1
        if _heading_names_directions(lines[j].text) and len(lines[j].text.strip()) <= 30:
            named_lines[k] = lines[j].text
    for k, line in enumerate(lines):
        groups.extend(_breakdowns(line))
        groups.extend(_money_breakdowns(line))
        groups.extend(_kind_amount_clauses(line))
        groups.extend(_lists_in_line(line, named_lines.get(k)))
    chosen: list[Loose] = []
    for run in sorted(runs, key=lambda r: r[0].start if r else 0):
        # A later section listing the same names again ("四、奖项 (一)教师组：… (二)学生组：…") repeats
        # the directions, it does not add any.
        if run and chosen and {_key(item.title) for item in run} <= {_key(c.title) for c in chosen}:
            continue
        if run and chosen and _nested_in(run, chosen[-1], lines):
            continue  # "(四)X类：包含「A」及「B」" then "1.A：…" "2.B：…": the parts of the direction X
        chosen.extend(run)
    by_key = {_key(c.title): c for c in reversed(chosen)}
    numbered = sorted((c.start, _key(c.title)) for c in chosen if c.numbered)
    openings = _numbered_openings(lines) if groups else []
    starts = [line.start for line in lines]
    for group in sorted(groups, key=lambda g: g[0].start):
        keys = [_key(item.title) for item in group]
        if len(set(keys)) != len(keys):
            continue
        if group[0].quota is None and _under_direction(group[0].start, by_key, lines, starts):
            continue  # the parts of a direction ("X赛道分为A组和B组"), not directions
        if all(_PRIZE_GRADE.search(item.title) for item in group):
            continue  # "金奖、银奖和优秀奖": the grades of a prize, not directions
        if len(chosen) >= 3 and all(_GRADE_OF_PROJECT.fullmatch(item.title) for item in group):
            continue  # "申报类型分为重点项目和一般项目" beside a list of topics: a grade of project, not a direction
        if _parts_of_found(group[0].start, chosen, lines, starts):
            continue  # "其中，专项课题分为A和B两类" after a direction "重点课题和专项课题"
        _ids_from_numbering(group, openings)
        # A list naming again directions already found ("专项（A、B研究）…专项（A、B）") repeats them, shortened or not.
        repeated = any(key in by_key for key in keys)
        for item, key in zip(group, keys, strict=True):
            if repeated and key not in by_key and any(key in k for k in by_key):
                continue
            # "A方向拟支持3项" after "设A、B两个方向": the same direction, named with its noun.
            same = by_key.get(key) or by_key.get(_key(re.sub(r"(?:方向|领域|赛道|专题|课题)$", "", item.title)))
            if same is not None:
                if item.quota and not same.quota:
                    same.quota, same.quota_span = item.quota, item.quota_span
                continue
            # A listed name inside a numbered title ("“X”揭榜赛道") yields to the number.
            near = numbered[
                bisect.bisect_left(numbered, (item.start - 4000, "")) : bisect.bisect_right(numbered, (item.end + 4000, ""))
            ]
            if key and any(key in k for _, k in near):
                continue
            chosen.append(item)
            by_key[key] = item
    if chosen:
        _added_tracks(chosen, lines, by_key)
        _quota_on_own_line(lines, by_key)
    chosen.sort(key=lambda c: c.start)
    _per_direction_quota(chosen, lines)
    if suggestions is not None:
        taken = {_key(c.title) for c in chosen}
        for run in rejected:
            for item in run:
                if (key := _key(item.title)) not in taken:
                    taken.add(key)
                    suggestions.append(item)
    return chosen


# "X组设置奖项如下（共10个）", "X方向拟支持项目共5项": what a direction named at the start of a line gets.
_OWN_QUOTA = re.compile(
    rf"[^。；;]{{0,12}}?(?:设置?|设立|拟支持|拟资助|拟立项|支持|资助|立项|评选|评出)[^。；;]{{0,10}}?[（(]?\s*(?:共|共计|合计)\s*(?P<n>{NUM})\s*(?:个|项|名)\s*[）)]?"
)


def _quota_on_own_line(lines: list[Line], by_key: dict[str, Loose]) -> None:
    """A line opening with a direction's name and stating how many it gives: that direction's quota."""
    for line in lines:
        marker = read_marker(line.text)
        body = marker.rest if marker is not None else line.text
        head = _key(body[:30])
        item = next((by_key[head[:n]] for n in range(min(len(head), 30), 1, -1) if head[:n] in by_key), None)
        if item is None or item.quota is not None or _CAP.search(line.text):
            continue
        name_end = body.find(item.title[-2:]) + 2 if item.title[-2:] in body else -1
        if name_end < 2:
            continue
        m = _OWN_QUOTA.match(body, name_end)
        if m is None or (value := to_number(m.group("n"))) is None:
            continue
        item.quota = {"qualifier": "exact", "value": int(value) if float(value).is_integer() else value}
        start = line.start + (len(line.text) - len(body)) + m.start()
        item.quota_span = (start, start + len(m.group(0)))


# "大赛增设“X”赛道": one more track beside the ones listed.
_ADDED_TRACK = re.compile(r"(?:增设|另设|新设|单设|加设)(?:了)?\s*(?P<t>[“「][^”」，,。；;]{2,20}[”」]\s*(?:赛道|专项赛|赛项))")


def _added_tracks(chosen: list[Loose], lines: list[Line], by_key: dict[str, Loose]) -> None:
    """A track added beside the directions listed ("增设“X”赛道") is one more of them."""
    for line in lines:
        for m in _ADDED_TRACK.finditer(line.text):
            title = m.group("t")
            key = _key(title)
            if key in by_key or _key(re.sub(r"(?:赛道|专项赛|赛项)$", "", title)) in by_key:
                continue
            item = Loose(tidy(title), line.start + m.start("t"), line.start + m.end("t"), extra={"rule": "added_track"})
            chosen.append(item)
            by_key[key] = item


_SUBJECT_SPLIT = re.compile(r"([\u4e00-\u9fff“”「」]{2,12}?)(?:又|还|再|也)?(?:分为|分成|下设|细分为)")


def _parts_of_found(at: int, chosen: list[Loose], lines: list[Line], starts: list[int]) -> bool:
    """Whether the list at ``at`` divides a direction found before it ("X分为A和B两类", X in a direction's name)."""
    k = bisect.bisect_right(starts, at) - 1
    if k < 0:
        return False
    before = lines[k].text[max(0, at - lines[k].start - 20) : at - lines[k].start]
    m = _SUBJECT_SPLIT.search(re.split(r"[，,。；;：:]", before)[-1])
    if m is None:
        return False
    subject = _key(m.group(1))
    # A name of three characters or more, held by some directions (not a head noun every one shares).
    holders = [c for c in chosen if c.start < at and subject in _key(c.title)]
    return len(subject) >= 3 and bool(holders) and len(holders) < len([c for c in chosen if c.start < at])


def _under_direction(at: int, by_key: dict[str, Loose], lines: list[Line], starts: list[int]) -> bool:
    """Whether the line or the clause holding ``at`` opens with a direction found before it ("X赛道分为…",
    "其中，A赛设甲组、乙组两个组别")."""
    k = bisect.bisect_right(starts, at) - 1
    if k < 0:
        return False
    marker = read_marker(lines[k].text)
    clause = lines[k].text[_clause_start(lines[k].text, at - lines[k].start) : at - lines[k].start]
    for opening in (marker.rest if marker is not None else lines[k].text, re.sub(r"^\s*其中\s*", "", clause)):
        head = _key(opening)
        for n in range(2, min(len(head), 30) + 1):
            c = by_key.get(head[:n])
            if c is not None and c.start < at:
                return True
    return False


def _per_direction_quota(found: list[Loose], lines: list[Line]) -> None:
    if not found:
        return
    for line in lines:
        for m in _PER_DIRECTION.finditer(line.text):
            if re.search(r"推荐|限报|申报|每个单位|每个申请", m.group(0)) or _CAP.search(
                line.text[max(0, m.start() - 12) : m.start()]
            ):
                continue  # a cap on units or applicants, not a direction's quota
            quota = parse_quota(m.group(0))
            if quota is None or quota.get("qualifier") == "unspecified":
                continue
            for item in found:
                if item.quota is None:
                    item.quota = dict(quota)
                    item.quota_span = (line.start + m.start(), line.start + m.end())
            return
