"""Demo data: the four seed calls, a synthetic topic list, an example open call and demo log-ins.

Everything synthetic is marked as an example (示例) where users see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, add_previous_award, create_organisation, register_user
from shenbao.calls.definition.load import parse_definition, read_document
from shenbao.calls.definition.tables import read_rows, rows_to_directions
from shenbao.calls.definitions import SEED_000_TOPICS_EXAMPLE, SEED_FILES
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, Program
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.directions import merge_directions
from shenbao.calls.services.roles import grant_program_role
from shenbao.cli.demo_reviews import load_demo_reviews

DEMO_PASSWORD = "shenbao-demo"  # noqa: S105 - a published demo log-in, never used outside the demo
EXAMPLE_CALL_CODE = "xiaomi-jbgs-example-open"


#: Seed 003's guide leaves the 任务书 to the program's own rules and states no signing terms; the demo
#: gives it plain ones (30 working days from the results, signed by the funder, the PI and the
#: institution) so that its post-award demo has an agreement to carry the approved budget.
DEMO_003_AGREEMENT: dict[str, Any] = {
    "required": True,
    "deadline": {"working_days": 30, "from_event": "results_published"},
    "forfeit_when_missed": False,
    "parties": ["funder", "pi", "institution"],
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS = (
    DemoLogin("admin@example.com", "administrator / 系统管理员"),
    DemoLogin("officer@example.com", "program officer of every program / 项目主管"),
    DemoLogin("applicant@example.com", "applicant / 申请人"),
    DemoLogin("reviewer@example.com", "reviewer / 评审专家"),
)


def _example_open_call(seed_000: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """A copy of seed 000 moved into the future so the demo has an open call with a countdown."""
    data = dict(seed_000)
    call = dict(data["call"])
    call["code"] = EXAMPLE_CALL_CODE
    call["example"] = True
    call["title"] = {
        "zh-hans": "【示例】小米揭榜挂帅科研专项（演示用开放征集）",
        "en": "[Example] Xiaomi Topic Challenge (demo open call)",
    }
    call["summary"] = {
        "zh-hans": "演示数据：按种子 000 的规则生成的开放征集，日期已移到当前时间之后，仅供试用。",
        "en": "Demo data: an open call with the rules of seed 000, its dates moved into the future, for trying the product.",
    }
    call.pop("published_on", None)
    call["year"] = timezone.localtime(now).year
    call["status"] = "open"  # takes applications now (a published call waits for open_due_calls)
    data["call"] = call
    today = timezone.localtime(now).date()
    opens = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(9, 0))
    deadline = dt.datetime.combine(today + dt.timedelta(days=31), dt.time(0, 0))
    data["timeline"] = [
        {"kind": "opens", "at": opens.isoformat()},
        {"kind": "deadline", "at": deadline.isoformat()},
    ]
    return data


@transaction.atomic
def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Load (or refresh) the demo; running it twice leaves one copy of everything."""
    now = now or timezone.now()
    log: list[str] = []
    for seed, path in SEED_FILES.items():
        data = read_document(path.read_text(encoding="utf-8"), source=path.name)
        if seed == "000":
            # The real topic list is not public: load the synthetic one, marked as example.
            topics, problems = rows_to_directions(read_rows(SEED_000_TOPICS_EXAMPLE), example=True)
            if problems:
                raise ValueError(f"{SEED_000_TOPICS_EXAMPLE.name}: {problems}")
            data, _ = merge_directions(data, topics, replace=True)
        if seed == "003" and "agreement" not in data:
            data = {**data, "agreement": DEMO_003_AGREEMENT}
        result = load_call_definition(definition=parse_definition(data), source=path.name)
        log.append(f"seed {seed}: {result.call.code} ({'loaded' if result.changed else 'unchanged'})")
    xiaomi = Call.objects.get(code="xiaomi-jbgs-2025")
    log.append(f"seed 000 topics (example): {xiaomi.directions.count()} topics")
    example = load_call_definition(definition=parse_definition(_example_open_call(xiaomi.definition, now)), source="demo")
    log.append(f"example open call: {example.call.code}")
    _demo_people()
    log.append(f"example applications: {_demo_applications(example.call, now)}")
    log.extend(load_demo_reviews(now))
    return log


def _demo_people() -> None:
    if User.objects.filter(email="admin@example.com").exists():
        return
    admin = User.objects.create_superuser(
        email="admin@example.com", password=DEMO_PASSWORD, display_name="Demo Admin / 演示管理员"
    )
    officer = register_user(
        email="officer@example.com", password=DEMO_PASSWORD, name="示例项目主管", language="zh-hans", actor=admin
    )
    for program in Program.objects.all():
        grant_program_role(program=program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER, actor=admin)
    university = create_organisation(
        name={"zh-hans": "示例大学", "en": "Example University"}, type=OrgType.UNIVERSITY, actor=admin
    )
    applicant = register_user(
        email="applicant@example.com",
        password=DEMO_PASSWORD,
        name="示例申请人",
        birth_date=dt.date(1988, 6, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
        title="副教授 / Associate professor",
        expertise_keywords=["计算机视觉", "computer vision"],
        actor=admin,
    )
    add_membership(user=applicant, organisation=university, role=MembershipRole.MEMBER, start_date=dt.date(2018, 9, 1))
    add_previous_award(person=applicant.person, code="example_award", name="示例奖项 / Example award", year=2022)
    reviewer = register_user(
        email="reviewer@example.com",
        password=DEMO_PASSWORD,
        name="示例评审专家",
        position=Position.RESEARCHER,
        expertise_keywords=["人工智能", "artificial intelligence"],
        actor=admin,
    )
    institute = create_organisation(
        name={"zh-hans": "示例研究院", "en": "Example Research Institute"}, type=OrgType.RESEARCH_INSTITUTE, actor=admin
    )
    add_membership(user=reviewer, organisation=institute, start_date=dt.date(2010, 1, 1))


DEMO_VALUES = {
    "summary": "【示例】面向端侧设备的大模型高效推理方法研究。",
    "plan": "【示例】第一阶段调研，第二阶段原型，第三阶段验证。",
    "team": "【示例】团队由两名教师和四名研究生组成。",
}


def _demo_applications(call: Call, now: dt.datetime) -> int:
    """Synthetic applications to the example open call, one in every state (idempotent)."""
    from shenbao.applications.models import Application
    from shenbao.applications.services.drafts import save_draft, start_application
    from shenbao.applications.services.formal_check import decide_formal_check
    from shenbao.applications.services.parts import attach_file
    from shenbao.applications.services.submission import submit_application, withdraw_application

    if Application.objects.filter(call=call).exists():
        return Application.objects.filter(call=call).count()
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>【示例】申报表</w:document>")
    docx = buffer.getvalue()
    officer = User.objects.get(email="officer@example.com")
    university = Organisation.objects.get(name__en="Example University")
    declarations = [c.code for c in call.criteria.filter(kind="declaration")]
    topics = list(call.directions.order_by("position")[:7])
    states = ["draft", "submitted", "submitted", "returned", "check_passed", "check_failed", "withdrawn"]
    for i, (state, topic) in enumerate(zip(states, topics, strict=False), start=1):
        if state == "draft":
            # The demo log-in's own draft: applicant@example.com finds an application to complete and submit.
            user = User.objects.get(email="applicant@example.com")
        else:
            user = register_user(
                email=f"demo-applicant{i}@example.com",
                password=DEMO_PASSWORD,
                name=f"示例申请人{i}",
                birth_date=dt.date(1986 + i, 3, 1),
                position=Position.FACULTY,
                overseas_employment=False,
                employment_type=EmploymentType.FULL_TIME,
            )
            add_membership(user=user, organisation=university, start_date=dt.date(2019, 9, 1))
        application = start_application(call=call, direction=topic, applicant=user, lead_organisation=university, now=now)
        save_draft(
            application=application,
            changes={
                "title": f"【示例】{topic.title.get('zh-hans', '').removeprefix('【示例】')}研究",
                "declarations": declarations,
                "values": DEMO_VALUES,
            },
            expected_version=application.version,
            actor=user,
        )
        attach_file(
            application=application,
            document_code="application-form",
            name="申报表.docx",
            stream=io.BytesIO(docx),
            size=len(docx),
            actor=user,
        )
        if state == "draft":
            continue
        submit_application(application=application, actor=user, now=now)
        if state in ("returned", "check_passed", "check_failed"):
            outcome = {"returned": "return", "check_passed": "pass", "check_failed": "fail"}[state]
            reason = {
                "return": "【示例】申报表缺少依托单位盖章，请补充后重新提交。",
                "fail": "【示例】申请人不符合申报条件。",
                "pass": "",
            }[outcome]
            decide_formal_check(applications=[application], outcome=outcome, reason=reason, actor=officer)
        if state == "withdrawn":
            withdraw_application(application=application, actor=user, reason="【示例】不再参加本期申报")
    return Application.objects.filter(call=call).count()
