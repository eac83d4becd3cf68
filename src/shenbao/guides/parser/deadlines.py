"""The deadlines a call document states, each with its role (pure).

A deadline is read where the text marks a date as a last moment:
- a keyword before it in the same sentence: 截止 / 截至 / 为止 / deadline / closing date / due
  ("申报截止时间为2024年3月15日17:00"); the first date after the keyword is taken, not the last
  (a run-on relay ends with its signature date); with no date after it, a date just before
  ("于3月15日17:00截止");
- a date followed by 前 / 之前 / 以前 ("请于3月15日前报送", "4月10日（含）前提交");
- the end of a submission window ("申报时间：3月1日至15日", "自2024年3月1日起至4月15日止"),
  whose end may lack the year or the month;
- a label on the line above ("申报截止时间：" then the date on the next line);
- the end of a public-notice period ("公示期为2024年5月6日至5月12日");
- a schedule line that opens with its date or window and says what is handed in
  ("2023.08.16 各学院将申报书提交至文科处"), a window closed by 结束 ("申报工作将于4月20日结束");
- an English label over a list of dates, one deadline per line at the label's time ("Full Proposal
  Deadline(s) (due by 5 p.m. …):", "… by 5:00 p.m. on the following dates:"); year-less items take the
  document's year and are flagged.

The role says whose deadline it is: the applicant's (the default), the recommending or host
unit's (推荐单位, 依托单位, 主管部门), the online system's, the paper copy's, the one for Hong
Kong, Macao and Taiwan applicants, or the end of a notice period.

A date without a year takes the year of the date before it in the same sentence, else the
year of the document's publication date (the next year when the date would fall well before
publication), else ``fallback_year``; such a date is flagged as guessed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, replace

from shenbao.guides.parser.dates import _MONTH_EN, _MONTHS_EN, FoundDate, find_dates

_KEYWORD = re.compile(
    r"截止|截至|为止|止于|(?:申请|申报|报名|收件|提交)期限\s*(?:延长|顺延|推迟|延)?\s*至"
    r"|deadline|closing date|closes|(?<![\w-])closing\s*:|due date|due by|are due|is due|no later than"
    r"|must be received",
    re.IGNORECASE,
)
# "3月15日前", "3月15日（含）之前", "2025年1月10日(星期五)或之前" (Hong Kong: on or before).
_BEFORE = re.compile(r"^\s*(?:[（(][^）)]{0,8}[）)])?\s*(?:下班|当天|当日|中午)?\s*(?:或\s*)?(?:以前|之前|前)(?!后)")
# "即日起至2025年3月15日（星期六）止": the end of an open window.
_UNTIL = re.compile(r"(?:至|到)\s*$")
_OPEN_UNTIL = re.compile(r"起\s*(?:至|到|~|～|—{1,2}|–|-{1,2})\s*$")
_FROM_TODAY = re.compile(r"即日起\s*(?:至|到|~|～|—{1,2}|–|-{1,2})\s*$")
_HANDED_IN = re.compile(r"报名|提交|申报|申请|报送|投稿|征集|受理")
_MONTH_END = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?<!\d)(?P<m>\d{1,2})\s*月\s*(?:底|末)\s*(?:以前|之前|前)")
_CLOSES = re.compile(r"^\s*(?:[（(][^）)]{0,8}[）)])?\s*(?:\d{1,2}\s*[:：时点]\s*\d{0,2}\s*)?(?:结束|关闭|停止)")
_UNTIL_END = re.compile(r"^\s*(?:[（(][^）)]{0,8}[）)])?\s*止")
_SUBMIT = (
    r"报名|提交|报送|申报|上传|寄送|送达|报至|报到|发送|填报|填写|递交|推荐|交至|交到|反馈|返回|汇总|报给|发至|提出|上交|交送|送交|送至|缴交|发邮件|发电子邮件|"
    r"完成(?:网上|在线|系统)?(?:提交|申请|申报|填报|送件|报送)"
)
# "于4月28日上交科研处": a date right after 于 and right before a submission verb.
_BY_VERB = re.compile(rf"^\s*(?:[（(][^）)]{{0,8}}[）)])?\s*(?:{_SUBMIT})")
# "于…前" or "…前报送": a last moment; "2024年1月1日前已建立的" or "…前注册成立" is a condition.
_BEFORE_BY = re.compile(r"(?:于|於|在|须|请|应|务必)\s*$")
_BEFORE_VERB = re.compile(rf"^[^。；]{{0,30}}?(?:{_SUBMIT})")
# A schedule line: an optional item number, then its date or window first.
_SCHEDULE_LEAD = re.compile(
    r"\s*(?:\d{1,2}\s*[、.．)）]|[（(]\s*[\d一二三四五六七八九十]{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}、|[•●▪]\s*)?\s*"
)
_CLOCK_BEFORE = re.compile(
    r"(?P<noon>上午|中午|下午|晚上)?\s*(?<![\d.:：])(?P<h>\d{1,2})\s*(?:[:：]\s*(?P<min>\d{2})|[时点])\s*(?:以前|之前|前)"
)
_SCHEDULE_START = re.compile(r"\s*(?:起|开始|以来|以后|后|至今)")
_SCHEDULE_VERB = re.compile(
    rf"^(?![^。；]{{0,12}}(?:开始|启动|动员|发布|公布|召开|会议|(?:评审|答辩)(?!意见|结果)))[^。；]{{0,40}}?(?:{_SUBMIT})"
)
_CONDITION = re.compile(
    r"^[^。；，,]{0,6}?(?:已|成立|注册|设立|建立|出生|取得|获得|毕业|入选|立项|结题|发表|在籍|在册|在校|在读|入学|入职)"
)
# What a funded project owes after the award, not an application: a progress or final report, spending
# its money, a result announced ("执行中之计画…于10月31日前缴交进度报告", "经费需于11月30日前核销完毕",
# "审查结果将于12月底之前公告", "应当于…前完成整体技术应用").
_AFTER_AWARD = re.compile(
    r"执行中|进度报告|期中报告|成果报告|结案报告|结题报告|核销|报销|验收|(?:审查|评审|遴选)结果|整体技术应用"
    r"|(?:得奖|获奖|入选|立项)名单"
)
_CONDITION_AHEAD = re.compile(r"(?:注册|成立|出生|毕业|设立|入职|登记)(?:时间|日期)?\s*(?:在|于|为|是)?\s*$")
_WINDOW_WORDS = re.compile(r"申报|报名|提交|受理|征集|征求意见|推荐|填报|报送|网上|在线|集中|开放|作品|submission", re.IGNORECASE)
# A label naming the application period ("申请期：4月23日至5月23日", "申请期间", "受理申请时程"): its window ends on a deadline.
_WINDOW_LABEL = re.compile(r"(?:申请|收件|接收)(?:日期|时间|期限)|(?:申请|受理|收件)(?:期间|期|时程)(?![满后内末中])")
# "线上申请时程为108年01月02日上午8:59": one date given as the application's time limit is its deadline.
_PERIOD_ONE = re.compile(r"(?:申请|受理|收件)时程\s*(?:为|是|[：:])?\s*$")
_NOT_DEADLINE = re.compile(
    r"执行期|实施期|实施周期|研究周期|建设周期|研究期限|研究期程|计划期程|执行期程|起止|起讫|起迄|执行年限|项目周期|资助期限|资助期间|补助期间|补助期限|研究期间|合作期|举办|举行|培训|会议"
    r"|比赛时间|决赛"
)
_NOTICE = re.compile(r"公示")
_COMPACT_WINDOW = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[-—–~～]\s*(?P<d2>\d{1,2})\s*日")
# "受理申请至…前", "申报至…前": applications are taken until the date.
_RECEIVED_UNTIL = re.compile(r"(?:受理|申请|申报|报名|收件|征件|提交|上传)\S{0,6}?(?:至|到)\s*$")
# After "截至<date>": a tally as of that day ("，中心共收到…", "已受理…").
_AS_OF = re.compile(r"\s*[，,]?[^。；;，,]{0,12}?(?:共|已|累计|总计|合计)\s*(?:收到|受理|接收|征集|有|完成|立项|评出)")
# After a window "定于A-B": the applications made in it ("开展2018年度…课题申报工作").
_WINDOW_WORK = re.compile(r"\s*(?:期间)?\s*(?:开展|进行|组织|受理|集中)[^。；;，,]{0,30}?(?:申报|受理|报名|申请|征集)")
_UNIT = re.compile(
    r"推荐单位|依托单位|主管部门|推荐部门|审核推荐|汇总|各地|各单位.{0,20}(?:报送|推荐|发送|提交|上报)|统一(?:报送|提交|推荐)"
)
_DAY_END = re.compile(
    r"^\s*(?:-|~|～|—|–|至|到)\s*(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*[日号]"
    r"(?:\s*[（(]\s*(?:周|星期)[一二三四五六日天]\s*[）)])?"
    r"(?:\s*(?P<noon>上午|中午|下午|晚上)?\s*(?P<h>\d{1,2})\s*(?:[:：]\s*(?P<min>\d{2})|[时点]))?"
)
_RANGE_SEP = re.compile(r"^\s*(?:起\s*)?(?:-{1,2}|~|～|—{1,2}|–|至|到)\s*$")
# A timetable's column heading between a stage's label and its date ("时间", "日期").
_COLUMN_HEAD = re.compile(r"(?:\d{1,2}|(?:截止)?(?:时间|日期|期限)|备注)")
# A stage of a timetable in which applicants hand something in, or its closing day.
_STAGE_HANDS_IN = re.compile(rf"申请|报名|提名|收件|截止|{_SUBMIT}")
# Stages that hand nothing in: an announcement, a review, a round held, a start.
_STAGE_NOT_DUE = re.compile(r"公告|公布|评选|评审|遴选|审查|结果|举行|举办|开始|开放|启动|会议|颁奖")
# A round of a contest is a stage held, unless the label says what is handed in for it ("缴交决赛简报").
_STAGE_ROUND = re.compile(r"决赛|复赛|初赛|比赛|答辩|路演")
# A heading naming a submission window on the line above its dates ("二、申请起止时间" then "6月8日——6月23日").
_WINDOW_HEADING = re.compile(r"(?:申请|申报|报名|受理|征集|收件)(?:起止)?(?:时间|日期|期限)\W{0,3}$")
_LABEL_ABOVE = re.compile(
    r"(?:截止|截至)(?:时间|日期)?\s*[：:]?\s*$|(?:deadline|due date|closing date)\(?s?\)?[^:]{0,60}:\s*$"
    r"|^\W{0,3}(?:deadline|closing date)s?\W{0,3}$",
    re.IGNORECASE,
)
_EN_BY = re.compile(r"\b(?:by|before|until|no later than|not later than)\s+(?:the\s+)?$", re.IGNORECASE)
# "Proposers who choose to submit before December 26, 2014, must also follow …": the date sits in the subject
# ("who …"), whose main verb comes after it; a case, not a deadline ("Those who wish to apply must submit by …" is one).
_EN_WHO = re.compile(r"\bwho\b(?![^,;]*\b(?:must|should|shall|need|needs|are required|is required)\b)", re.I)
_EN_MAIN_VERB_AFTER = re.compile(r"\s*,?\s*(?:must|should|shall|will|may|are|is|need|needs|have|has)\b", re.I)
_EN_SUBMIT = re.compile(
    r"\b(?:submit(?:ted|ting)?|submissions?|receive[ds]?|apply|accept(?:ed)?|register(?:ed)?|upload(?:ed)?"
    r"|registrations?)\b",
    re.IGNORECASE,
)
_EN_NOT_DEADLINE = re.compile(
    r"\b(?:open(?:s|ing)?|start(?:s|ing)?|launch(?:es|ed)?|publi(?:cation|shed)|webinars?|events?|briefings?|decisions?"
    r"|announce(?:d|ment)?|notif(?:y|ication)|interviews?|meetings?)\b",
    re.IGNORECASE,
)
_EN_LIST_LABEL = re.compile(
    r"\b(?:by|before|no later than)\b[^\n]{0,80}?\b(?:following|these) (?:deadlines?|dates?)\s*:\s*$", re.IGNORECASE
)
# A list item that opens with a date whose year is left out ("• April 3 – for a June decision").
_EN_MONTH_DAY = re.compile(
    rf"^[\s•·\-*–]{{0,6}}(?P<m>{_MONTH_EN})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})", re.IGNORECASE
)
_EN_LABEL = re.compile(r"\b(?:deadline|due date|closing date)s?\b", re.IGNORECASE)
_EN_TIME_ON_DEADLINE = re.compile(
    r"\b(?:no later than|not later than|by|before)\s+(?P<h>\d{1,2})(?::(?P<min>\d{2}))?(?::\d{2})?\s*(?P<ampm>[ap])\.?\s?m\.?"
    r"[^.;\n]{0,80}?\bon the (?:application |submission )?(?:deadline|due|closing) date\b",
    re.IGNORECASE,
)
_EN_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\.?", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:发布|发文|印发|成文|公布)(?:时间|日期)|(?:posted|published|date)\s*:", re.IGNORECASE)
_SENTENCE = re.compile(r"[。；;！!？?\n]")
_POSTED = re.compile(
    r"(?P<date>\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2}))"
    r"(?:\s*(?:电|讯)|\s*(?!23:59:59)\d{1,2}:\d{2}:\d{2}(?!\s*(?:前|之前|以前|截止|止|至))"
    r"|\s*\d{1,2}:\d{2}\s*(?:来源|來源|浏览|瀏覽|阅读|閱讀|点击|點擊|作者|更新|发布|發布|被阅))"
)

ROLES = ("applicant", "unit", "online", "paper", "hmt", "notice_end", "other")
ROLE_LABELS = {
    "applicant": ("申报截止", "Deadline"),
    "unit": ("单位报送截止", "Deadline for the recommending unit"),
    "online": ("网上填报截止", "Online submission deadline"),
    "paper": ("纸质材料报送截止", "Deadline for the paper copy"),
    "hmt": ("港澳台申报截止", "Deadline for Hong Kong, Macao and Taiwan applicants"),
    "notice_end": ("公示期截止", "End of the public-notice period"),
    "other": ("截止", "Deadline"),
}


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    time: str | None  # "HH:MM"; "24:00" as written
    role: str
    start: int
    end: int
    year_guessed: bool

    @property
    def iso(self) -> str:
        return self.date.isoformat() if self.time is None else f"{self.date.isoformat()}T{self.time}"


def publication_date(text: str) -> dt.date | None:
    """The document's own date: a labelled posting date near the top, else the signature date
    (a date standing alone on one of the last lines)."""
    head = text[:1500]
    for m in _PUBLISHED.finditer(head):
        dates = find_dates(head[m.end() : m.end() + 40], default_year=None)
        if dates and not dates[0].year_inferred:
            return dates[0].date
    lines = [line.strip() for line in text.rstrip().split("\n")]
    for line in reversed(lines[-15:]):
        if len(line) <= 24:
            dates = find_dates(line, default_year=None)
            if dates and not dates[0].year_inferred and dates[0].start <= 2:
                return dates[0].date
    # A web page's posting stamp ("2023-06-28 17:28:37来源:", "2021-06-23 15:31  来源") or a news dateline
    # ("深圳新闻网2023年7月20日讯"), near the top; a time followed by 前 or 截止 is a deadline, not a stamp.
    for m in _POSTED.finditer(text[:800]):
        dates = find_dates(m.group("date"), default_year=None)
        if dates and not dates[0].year_inferred:
            return dates[0].date
    return None


def _role(context: str) -> str:
    if _NOTICE.search(context):
        return "notice_end"
    if re.search(r"港澳台|香港|澳门|台湾", context):
        return "hmt"
    if re.search(r"纸质|书面|寄送|邮寄|送达|原件|盖章.{0,6}(?:报送|提交)|paper cop", context, re.IGNORECASE):
        return "paper"
    if _UNIT.search(context):
        return "unit"
    if re.search(r"网上|在线|系统|平台|网络|填报|online", context, re.IGNORECASE):
        return "online"
    return "applicant"


def _sentence_bounds(text: str, at: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, at) for c in "。；;！？\n") + 1
    ends = [p for p in (text.find(c, at) for c in "。；;！？\n") if p >= 0]
    return start, min(ends) if ends else len(text)


def find_deadlines(text: str, *, fallback_year: int | None) -> list[Deadline]:
    """Every deadline of ``text`` in document order, one per date."""
    published = publication_date(text)
    default_year = published.year if published else fallback_year
    found: dict[tuple[int, int], Deadline] = {}

    def add(date: FoundDate, role: str, *, guessed_month: bool = False) -> None:
        day = date.date
        guessed = date.year_inferred
        if guessed and published is not None and day < published - dt.timedelta(days=60):
            try:
                day = day.replace(year=day.year + 1)
            except ValueError:
                return
        key = (date.start, date.end)
        if key not in found:
            found[key] = Deadline(day, date.time, role, date.start, date.end, guessed or guessed_month)

    pos = 0
    for sentence in _SENTENCE.split(text):
        start = pos
        pos += len(sentence) + 1
        if not sentence.strip():
            continue
        if _NOT_DEADLINE.search(sentence) and not _KEYWORD.search(sentence):
            continue
        # "请于10月底前发送": the last day of a month (its year from the text, else the document's).
        for month_end in _MONTH_END.finditer(sentence):
            year = int(month_end.group("y")) if month_end.group("y") else default_year
            month = int(month_end.group("m"))
            ahead = sentence[max(0, month_end.start() - 3) : month_end.start()]
            if (
                year is None
                or not 1 <= month <= 12
                or not (_BEFORE_BY.search(ahead) or _BEFORE_VERB.match(sentence[month_end.end() :]))
                or _AFTER_AWARD.search(sentence[max(0, month_end.start() - 30) : month_end.end() + 20])
            ):
                continue
            last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
            add(
                FoundDate(last, None, start + month_end.start(), start + month_end.end(), month_end.group("y") is None),
                _role(sentence),
            )
        # "填报时间为2021年3月5-18日": a window printed as one date with two days (no date of its own is read).
        for w in _COMPACT_WINDOW.finditer(sentence):
            label = sentence[: w.start()]
            if not (_WINDOW_WORDS.search(label[-30:]) or _WINDOW_LABEL.search(label[-12:])):
                continue
            try:
                opened, closed = (dt.date(int(w.group("y")), int(w.group("m")), int(w.group(k))) for k in ("d1", "d2"))
            except ValueError:
                continue
            if closed > opened:
                add(FoundDate(closed, None, start + w.start("d2"), start + w.end(), False), _role(label[-30:]))
        dates = find_dates(sentence, default_year=default_year, base=start)
        if not dates:
            continue
        role_context = sentence
        # 1. keywords: the first date after each keyword (up to the next keyword), else one just before.
        keywords = list(_KEYWORD.finditer(sentence))
        for i, kw in enumerate(keywords):
            limit = keywords[i + 1].start() if i + 1 < len(keywords) else len(sentence)
            after = [d for d in dates if start + kw.end() <= d.start < start + limit]
            if after and kw.group(0) == "截至" and _AS_OF.match(sentence[after[0].end - start :]):
                continue  # "截至12月31日，中心共收到160份申报书": a count as of a day, not a deadline
            if after:
                # "due …: September 24, 2013 - October 15, 2013": the window's end is the deadline,
                # and every window after the keyword in the same sentence is one.
                chosen = [after[0]]
                for k, d in enumerate(after[:-1]):
                    if _RANGE_SEP.match(sentence[d.end - start : after[k + 1].start - start]):
                        chosen = [e for e in chosen if e is not d] + [after[k + 1]]
                for d in chosen:
                    # The time may be given once, after the keyword ("due by 5 p.m. …: dates").
                    date = _with_clock(d, sentence[kw.start() : d.start - start])
                    add(date, _role(sentence[max(0, kw.start() - 30) : d.end - start]))
                continue
            before = [d for d in dates if d.end <= start + kw.start() and start + kw.start() - d.end <= 12]
            if before:
                add(before[-1], _role(sentence[max(0, before[-1].start - start - 30) : kw.end()]))
        # 2. "…前" right after a date (and its time).
        for d in dates:
            m = _BEFORE.match(sentence[d.end - start :])
            if m is None:
                continue
            tail = sentence[d.end - start + m.end() :]
            if _CONDITION.match(tail) or _CONDITION_AHEAD.search(sentence[max(0, d.start - start - 12) : d.start - start]):
                continue  # "注册时间在2018年12月31日（含）之前的企业": a condition on applicants, not a deadline
            if _AFTER_AWARD.search(sentence[max(0, d.start - start - 30) : d.start - start] + tail[:20]):
                continue  # "经费需于11月30日前核销完毕": an obligation of a funded project, not an application
            ahead = sentence[max(0, d.start - start - 3) : d.start - start]
            label = re.sub(r"[^：:]*$", "", sentence[: d.start - start])  # up to the last colon before the date
            if re.search(r"公告|公布|结果", label[-12:]):
                continue  # "公告结果日期：原则于7月31日前": when results come out, not a deadline
            # "于3月15日前", "3月15日前报送", a schedule line "3月15日前：…" or "评审完成：6月30日前"
            # ("受理申请至3月12日下午5时前" is read below, with or without 前).
            scheduled = re.match(r"\s*[：:]", tail) is not None or re.search(r"[：:]\s*$", ahead) is not None
            if _BEFORE_BY.search(ahead) or _BEFORE_VERB.match(tail) or scheduled:
                add(d, _role(sentence[max(0, d.start - start - 40) : d.end - start + 12]))
        for k, d in enumerate(dates):
            # "于1141223()1150102()下午3点缴交": a window whose separator a relay lost ends at the second date.
            opening = dates[k - 1].start if k and dates[k - 1].end == d.start else d.start
            if re.search(r"于\s*$", sentence[max(0, opening - start - 2) : opening - start]) and _BY_VERB.match(
                sentence[d.end - start :]
            ):
                add(d, _role(sentence[max(0, d.start - start - 40) : d.end - start + 12]))
        # "定于1月3日-3月5日开展申报工作": the window in which applications are made ends on a deadline.
        for d, e in itertools.pairwise(dates):
            if (
                _RANGE_SEP.match(sentence[d.end - start : e.start - start])
                and re.search(r"(?:定于|拟于|将于|于)\s*$", sentence[max(0, d.start - start - 3) : d.start - start])
                and _WINDOW_WORK.match(sentence[e.end - start :])
            ):
                add(e, _role(sentence))
        # "申报工作将于4月20日结束": a submission window closed by 结束 / 关闭 after its date.
        for d in dates:
            if (
                _CLOSES.match(sentence[d.end - start : d.end - start + 24]) is not None
                and re.search(r"于\s*$", sentence[max(0, d.start - start - 2) : d.start - start])
                and _WINDOW_WORDS.search(sentence[max(0, d.start - start - 60) : d.start - start])
            ):
                add(d, _role(sentence[: d.end - start]))
        for k, d in enumerate(dates):
            nxt = dates[k + 1] if k + 1 < len(dates) else None
            if _PERIOD_ONE.search(sentence[max(0, d.start - start - 12) : d.start - start]) and not (
                nxt is not None and _RANGE_SEP.match(sentence[d.end - start : nxt.start - start])
            ):
                add(d, _role(sentence[max(0, d.start - start - 30) : d.end - start + 12]))
        # 2a. "…至3月15日止": the last day of a window, its start given or not ("即日起至…止").
        for d in dates:
            if _UNTIL.search(sentence[max(0, d.start - start - 2) : d.start - start]) and _UNTIL_END.match(
                sentence[d.end - start :]
            ):
                add(d, _role(sentence[: d.end - start]))
        # "征件至4月9日", "受理申请至3月12日（下午5时前）": applications are taken until the date.
        for d in dates:
            ahead = sentence[max(0, d.start - start - 16) : d.start - start]
            around = sentence[max(0, d.start - start - 30) : d.end - start + 20]
            if _RECEIVED_UNTIL.search(ahead) and not _AFTER_AWARD.search(around):
                add(d, _role(sentence[max(0, d.start - start - 40) : d.end - start + 12]))
        # "申报时间为文件下发之日起至2012年6月8日": a window opened by 起 and closed by the date.
        # "即日起至7月10日，…领取报名表": from today on, the window is the call's own; what is handed in may come after.
        for d in dates:
            ahead = sentence[max(0, d.start - start - 6) : d.start - start]
            if _OPEN_UNTIL.search(ahead) and (
                _WINDOW_WORDS.search(sentence[: d.start - start])
                or (_FROM_TODAY.search(ahead) and _HANDED_IN.search(sentence[d.end - start :]))
            ):
                add(d, _role(sentence[: d.end - start]))
        # 2b. English: "UKRI must receive your application by 10 January 2024", "submit … before 5 p.m. on 3 May 2025".
        for d in dates:
            ahead = sentence[max(0, d.start - start - 24) : d.start - start]
            head = sentence[: d.start - start]
            in_subject = _EN_WHO.search(head) is not None and _EN_MAIN_VERB_AFTER.match(sentence[d.end - start :]) is not None
            if _EN_BY.search(ahead) and _EN_SUBMIT.search(head) and not in_subject:
                add(d, _role(sentence[: d.end - start]))
        # 2c. A schedule line that opens with its date or window, then says what is handed in by then
        # ("2023.08.16 各学院将申报书提交至文科处", "2023.08.19—2023.08.23 各申请人…向学院报送…").
        if start == 0 or text[start - 1] == "\n":
            lead = _SCHEDULE_LEAD.match(sentence)
            first = dates[0]
            if lead is not None and first.start - start == lead.end():
                closing = first
                if len(dates) > 1 and _RANGE_SEP.match(sentence[first.end - start : dates[1].start - start]):
                    closing = dates[1] if dates[1].date >= first.date else first
                rest = sentence[closing.end - start : closing.end - start + 120]
                if not _SCHEDULE_START.match(rest) and _SCHEDULE_VERB.match(rest):
                    # "2月24日上午，各部门请将…在上午11:00前统一交送": the line's time is given apart.
                    given = _CLOCK_BEFORE.search(rest)
                    if closing.time is None and given is not None:
                        hour = int(given.group("h")) + (12 if given.group("noon") in ("下午", "晚上") else 0)
                        minute = int(given.group("min") or 0)
                        if hour <= 24 and minute <= 59:
                            closing = replace(closing, time=f"{hour:02d}:{minute:02d}")
                    add(closing, _role(rest[:40]))
        # 3. the end of a window ("3月1日至15日", "3月1日-4月15日") after a submission or notice word.
        heading = ""
        if start and text[start - 1] == "\n" and not sentence[: dates[0].start - start].strip():
            above = text[: start - 1].rstrip("\n").rsplit("\n", 1)[-1] if start else ""
            heading = above if len(above) <= 30 and _WINDOW_HEADING.search(above) else ""
        for i, d in enumerate(dates):
            rest = sentence[d.end - start :]
            label = heading + sentence[: d.start - start]
            if not (
                _WINDOW_WORDS.search(label[-30:]) or _NOTICE.search(label[-30:]) or _WINDOW_LABEL.search(label[-12:]) or heading
            ):
                continue
            if i + 1 < len(dates) and _RANGE_SEP.match(sentence[d.end - start : dates[i + 1].start - start]):
                end = dates[i + 1]
                if end.date >= d.date:
                    add(end, _role(label[-30:] + sentence[d.end - start : end.end - start]))
                continue
            m = _DAY_END.match(rest)
            if m is not None:
                month = int(m.group("m")) if m.group("m") else d.date.month
                try:
                    day = dt.date(d.date.year, month, int(m.group("d")))
                except ValueError:
                    continue
                if day < d.date:
                    continue
                clock = None
                if m.group("h"):
                    hour = int(m.group("h")) + (12 if m.group("noon") in ("下午", "晚上") and int(m.group("h")) < 12 else 0)
                    clock = f"{hour:02d}:{int(m.group('min') or 0):02d}" if hour <= 24 else None
                end_date = FoundDate(day, clock, d.end + m.start("d"), d.end + m.end(), d.year_inferred)
                add(end_date, _role(label[-30:]))
        del role_context
    # 4. a label on the line above its date (blank lines between them are layout).
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for i, line in enumerate(lines[:-1]):
        if not (_LABEL_ABOVE.search(line) or _EN_LIST_LABEL.search(line)) or find_dates(line, default_year=None):
            continue
        j = i + 1
        while j < len(lines) - 1 and j <= i + 2 and not lines[j].strip():
            j += 1
        dates = find_dates(lines[j], default_year=default_year, base=starts[j])
        if _EN_LABEL.search(line) or _EN_LIST_LABEL.search(line):
            # "Full Proposal Deadline(s) (due by 5 p.m. …):" or "… by 5:00 p.m. on the following dates:", then
            # one date per line: each is a deadline, at the label's time.
            listed = _date_list(lines, starts, j, default_year or _only_year(text))
            if len(listed) > 1 or (listed and not dates):
                for date in listed:
                    add(_with_clock(date, line), _role(line))
                continue
        if dates and dates[0].start - starts[j] <= 8:
            add(_with_clock(dates[0], line), _role(line))
        elif dates and _EN_LABEL.search(line):
            # "Deadline" then "UKRI must receive your application by 10 January 2024 4.00pm", or
            # "Submission deadlines:" then one line per panel or stage, each with its date: in an
            # English notice the value lines under the label carry their date anywhere in the line.
            while j < len(lines) and j <= i + 12 and dates:
                if not _EN_NOT_DEADLINE.search(lines[j]):  # "Opening date: …", "Webinar: …" under "Key dates and deadlines"
                    add(_with_clock(dates[0], line), _role(line + " " + lines[j]))
                j += 1
                dates = find_dates(lines[j], default_year=None, base=starts[j]) if j < len(lines) else []
    # A timetable flattened to lines, each stage's label on the line above its date ("报名及收件截止日" then
    # "111年10月18日(二) 下午5点止", "接受申请/提名" then "2022年08月26日 - 2022年11月05日"): a stage that hands
    # something in ends on a deadline; an announcement, a review or a final round does not.
    for j, line in enumerate(lines):
        body = line.strip()
        if not body or len(body) > 48 or not body[0].isdigit():
            continue  # cheap test first: a line that opens with its date and holds little else
        dates = find_dates(line, default_year=default_year, base=starts[j])
        if not dates or dates[0].start - starts[j] > len(line) - len(line.lstrip()):
            continue
        window = len(dates) > 1 and _RANGE_SEP.match(text[dates[0].end : dates[1].start]) is not None
        closing = dates[1] if window and dates[1].date >= dates[0].date else dates[0]
        if len(re.sub(r"[\s(（)）周星期一二三四五六日天，,]", "", text[closing.end : starts[j] + len(line)])) > 4:
            continue  # more words after the date: a sentence, read above
        label, k = "", j - 1
        while k >= 0 and k >= j - 4:
            above = lines[k].strip()
            if above and not _COLUMN_HEAD.fullmatch(above):
                label = above
                break
            k -= 1
        if not label or len(label) > 20 or find_dates(label, default_year=None):
            continue
        ends = window or _UNTIL_END.match(text[closing.end : starts[j] + len(line)]) or "截止" in label
        held = _STAGE_ROUND.search(label) is not None and re.search(_SUBMIT, label) is None
        if ends and _STAGE_HANDS_IN.search(label) and not _STAGE_NOT_DUE.search(label) and not held:
            add(closing, _role(label))
    # A timeline with the label under its date ("15 May 2019" then "Full Proposal submission deadline").
    for i, line in enumerate(lines[:-1]):
        if not 6 <= len(line.strip()) <= 40 or not re.search(r"[A-Za-z]", line):
            continue  # a date alone on its line, in an English timeline (cheap test first: this visits every line)
        dates = find_dates(line, default_year=default_year, base=starts[i])
        if len(dates) != 1 or len(line.strip()) > (dates[0].end - dates[0].start) + 4:
            continue
        j = i + 1
        while j < len(lines) - 1 and j <= i + 2 and not lines[j].strip():
            j += 1
        below = lines[j]
        k = i - 1
        while k > 0 and k >= i - 2 and not lines[k].strip():
            k -= 1
        if k >= 0 and re.search(r"\b(?:date|deadline)s?\b", lines[k], re.IGNORECASE):
            continue  # "Opening Date" above it: labels come before their values here ("Deadline" then its date)
        if _EN_LABEL.search(below) and not _EN_NOT_DEADLINE.search(below) and not find_dates(below, default_year=None):
            add(dates[0], _role(below))
    # "…submitted … no later than 4:30:00 p.m., Washington, DC time, on the application deadline date": the
    # time of the one deadline date stated elsewhere without one.
    untimed = {d.date for d in found.values() if d.time is None}
    if len(untimed) == 1 and (m := _EN_TIME_ON_DEADLINE.search(text)) is not None:
        hour, minute = int(m.group("h")), int(m.group("min") or 0)
        hour += 12 if m.group("ampm").lower().startswith("p") and hour < 12 else 0
        if hour <= 23 and minute <= 59:
            for key, kept_deadline in list(found.items()):
                if kept_deadline.time is None:
                    found[key] = replace(kept_deadline, time=f"{hour:02d}:{minute:02d}")
    # "(截止日期：9月30日)" in a heading, "9月30日下午6点前" in the text: one deadline, the one with its time
    # (a title's "请于10月30日前上网研提", the generic applicant role, is the system's 17:00 later on; a unit's
    # end of the same day, after applicants' morning hour, is a deadline of its own).
    timed = {(d.date, d.role) for d in found.values() if d.time is not None}
    timed_days = {day for day, _role in timed}
    kept = [
        d
        for d in found.values()
        if d.time is not None or ((d.date, d.role) not in timed and not (d.role == "applicant" and d.date in timed_days))
    ]
    return sorted(kept, key=lambda d: d.start)


def _only_year(text: str) -> int | None:
    """The year of a text that names a single one ("… for the 2020 Spring application deadline")."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text[:20000]))
    return int(years.pop()) if len(years) == 1 else None


def _date_list(lines: list[str], starts: list[int], j: int, default_year: int | None) -> list[FoundDate]:
    """The dates of a list under a label, one opening each line (blank lines between items are layout).
    Items without a year take the document's year (flagged), but only in a list that gives no year at
    all: "June 30th, Annually thereafter" after dated items is a recurring date, not one more deadline."""
    out: list[FoundDate] = []
    dated = False
    while j < len(lines) and len(out) < 12:
        line = lines[j]
        if not line.strip():
            if j + 1 < len(lines) and lines[j + 1].strip() and out:
                j += 1
                continue
            break
        dates = find_dates(line, default_year=None, base=starts[j])
        if dates and dates[0].start - starts[j] <= 8:
            out.append(dates[0])
            dated = True
        elif (m := _EN_MONTH_DAY.match(line)) is not None and not dated and default_year is not None:
            try:
                day = dt.date(default_year, _MONTHS_EN[m.group("m").rstrip(".").lower()], int(m.group("d")))
            except ValueError:
                break
            out.append(FoundDate(day, None, starts[j] + m.start("m"), starts[j] + m.end(), True))
        else:
            break
        j += 1
    return out


def _with_clock(date: FoundDate, before: str) -> FoundDate:
    """An English deadline whose time is given before the date ("due by 5 p.m. …: January 21, 2015")."""
    if date.time is not None:
        return date
    clocks = list(_EN_CLOCK.finditer(before))
    if not clocks:
        return date
    m = clocks[-1]
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3).lower() == "p" and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return date
    return FoundDate(date.date, f"{hour:02d}:{minute:02d}", date.start, date.end, date.year_inferred)


def primary(deadlines: list[Deadline]) -> Deadline | None:
    """The call's submission deadline: the earliest applicant or online deadline, else the earliest
    that is not the end of a notice period, else the first."""
    for roles in (("applicant", "online"), ("unit", "paper", "hmt", "other")):
        chosen = [d for d in deadlines if d.role in roles]
        if chosen:
            return min(chosen, key=lambda d: (d.date, d.time or "24:00"))
    return deadlines[0] if deadlines else None
