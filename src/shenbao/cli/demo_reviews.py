"""Demo review data for the four seed calls: example applications in review, a pool of example experts,
assignments, reviews, rankings, a chair-signed shortlist and a live finals reveal in progress; proposed
selections for seeds 001 (the finals into prize tiers), 003 and 004, and seed 000's results published.

Seed 003's applications are spread as a real call's are (``MOST_SPREAD``): some directions reach
their 拟支持项目数, some are short of applications, one is held back by its budget and one (2.9)
has none, so the proposed selection shows every shortfall explained.

The example applications are placed directly at the review stage (their submission and formal check
are what the example open call demonstrates); every title carries 【示例】.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils import timezone

from shenbao.accounts.enums import OrgType
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import record_signed_copy
from shenbao.agreements.services.stages import publish_results_and_open_agreements
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application, ApplicationRevision
from shenbao.awards.services.decisions import approve_run
from shenbao.awards.services.selection import run_selection
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, Direction, ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.projects.services.projects import start_projects
from shenbao.reviews.enums import AssignmentStatus
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.advancement import advance_stage, sign_off_shortlist
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.live import reveal_next
from shenbao.reviews.services.pool import answer_pool_invitation, invite_reviewer
from shenbao.reviews.services.reviews import review_for, save_review, submit_review

EXPERTS = [
    ("demo-expert1@example.com", "示例专家一", "人工智能 大模型 推理 计算机视觉", ["人工智能", "大模型"]),
    ("demo-expert2@example.com", "示例专家二", "新能源 电池 储能 氢能 碳中和", ["储能", "氢能"]),
    ("demo-expert3@example.com", "示例专家三", "材料 制造 芯片 半导体 工艺", ["材料", "芯片"]),
    ("demo-expert4@example.com", "示例专家四", "生物 医药 农业 育种 健康", ["医药", "农业"]),
    ("demo-expert5@example.com", "示例专家五", "文化 旅游 数字化 消费 品牌 园区", ["数字化", "品牌"]),
]

# (seed call code, direction codes in turn, titles)
APPLICATIONS = {
    "xiaomi-jbgs-2025": [
        "端侧大模型高效推理",
        "手机影像计算视觉增强",
        "快充电池热管理",
        "大模型多模态交互",
        "芯片低功耗设计",
        "智能家居语音理解",
    ],
    "smeie-2023": [
        "工业机器人视觉质检",
        "新型储能电池管理",
        "半导体封装材料",
        "智慧农业传感",
        "医疗影像辅助诊断",
        "氢能燃料电池堆",
    ],
    "most-intl-2025-2": [],  # one per direction and more in some: see MOST_SPREAD
    "thepaper-kcxf-2025": ["AI 引擎品牌", "科创消费品牌", "数字文旅案例", "智慧园区案例", "AI 创新应用", "新势力科技产品"],
}


# Seed 003: applications per direction (requests in yuan; None: the direction's budget over its quota).
# 1.1 has 5 against 6 and 1.2 4 against 15 (short of applications); 1.4's three ask for more than its
# 900 万元 allows for three (held back by the budget); 1.8, 2.1 and 2.8 reach their number (2.1 and
# 2.8 with one on the reserve list); 2.9 has none; the others have one each.
MOST_SPREAD: dict[str, tuple[int, int | None]] = {
    "1.1": (5, None),
    "1.2": (4, None),
    "1.4": (3, 4_000_000),
    "1.8": (2, None),
    "2.1": (3, None),
    "2.8": (3, None),
    "2.9": (0, None),
}


def _most_applications(call: Call) -> list[tuple[str, Direction, int]]:
    """(title, direction, requested yuan) of seed 003's demo applications, direction by direction."""
    out = []
    for direction in call.directions.order_by("position"):
        count, request = MOST_SPREAD.get(direction.code, (1, None))
        quota = int(direction.quota_value or 1)
        average = (direction.budget_total_yuan or 0) // max(quota, 1)
        short = direction.title.get("zh-hans", direction.code)[:18]
        for n in range(1, count + 1):
            out.append((f"{short}（{direction.code}-{n}）", direction, request or average))
    return out


#: Seed 003's demo budgets: each category's share of the grant (业务费 in its three sub-lines; 劳务费 takes what rounding leaves).
BUDGET_SHARES = {"equipment": 20, "materials": 20, "travel_cooperation": 15, "publication_ip": 5, "indirect": 15}


def demo_budget(requested_yuan: int, direction: str) -> dict[str, Any]:
    """A seed-003 budget table (万元, two decimals) whose grant column totals the request; 10 % self-raised on
    materials, and for the China–Egypt flagship (1.3) the enterprise's matching funds, half the grant, on
    equipment and materials."""
    grant = Decimal(requested_yuan) / 10_000
    cent = Decimal("0.01")
    lines: dict[str, dict[str, str]] = {}
    given = Decimal(0)
    for code, share in BUDGET_SHARES.items():
        amount = (grant * share / 100).quantize(cent, rounding=ROUND_DOWN)
        lines[code] = {"grant": str(amount)}
        given += amount
    lines["labour"] = {"grant": str((grant - given).quantize(cent, rounding=ROUND_DOWN))}
    lines["materials"]["self_raised"] = str((grant / 10).quantize(cent, rounding=ROUND_DOWN))
    if direction == "1.3":
        half = (grant / 2).quantize(cent, rounding=ROUND_DOWN)
        lines["equipment"]["enterprise"] = str((half * 6 / 10).quantize(cent, rounding=ROUND_DOWN))
        lines["materials"]["enterprise"] = str(half - Decimal(lines["equipment"]["enterprise"]))
    return {
        "lines": lines,
        "notes": {"equipment": "【示例】仪器设备购置与升级", "labour": "【示例】研究生与博士后劳务"},
    }


def _example_application(
    call: Call,
    index: int,
    title: str,
    organisation: Organisation,
    when: dt.datetime,
    *,
    direction: Direction | None = None,
    requested_yuan: int | None = None,
    values: dict[str, Any] | None = None,
) -> Application:
    if direction is None:
        directions = list(call.directions.order_by("position")[:3])
        direction = directions[index % len(directions)] if directions else None
    applicant = register_user(
        email=f"demo-{call.code}-{index}@example.com", password=None, name=f"示例申请人（{call.code} {index}）"
    )
    add_membership(user=applicant, organisation=organisation)
    application = Application.objects.create(
        call=call,
        direction=direction,
        applicant=applicant,
        lead_organisation=organisation,
        title=f"【示例】{title}",
        values={"summary": f"【示例】{title}：研究目标、技术路线与预期成果。", **(values or {})},
        state=ApplicationState.CHECK_PASSED,
        revision=1,
        receipt_number=f"{call.year}-{call.pk:03d}-9{index:05d}",
        submitted_at=when,
        requested_yuan=requested_yuan,
    )
    ApplicationRevision.objects.create(
        application=application,
        number=1,
        content={"title": application.title, "values": application.values, "team": [], "partners": []},
        content_hash="0" * 64,
        reason="示例 / example",
        created_by=applicant,
    )
    return application


def _experts(call: Call, officer: User, load_limit: int | None = None) -> list[User]:
    users = []
    for email, name, text, keywords in EXPERTS:
        member = invite_reviewer(call=call, email=email, name=name, actor=officer, keywords=keywords, load_limit=load_limit)
        person = member.user.person
        if person.expertise_text != text:
            person.expertise_text = text
            person.save(update_fields=["expertise_text"])
        if member.status == "invited":
            answer_pool_invitation(token=member.token, accept=True, user=member.user)
        users.append(member.user)
    reviewer = User.objects.get(email="reviewer@example.com")
    member = invite_reviewer(call=call, email=reviewer.email, name="示例评审专家", actor=officer, load_limit=load_limit)
    if member.status == "invited":
        answer_pool_invitation(token=member.token, accept=True, user=reviewer)
    return users


def _score_stage(stage: ReviewStage, rng: random.Random, *, leave_for: User | None = None) -> None:
    """Every assignment gets a submitted review, except those of ``leave_for`` (the demo reviewer's to do)."""
    criteria = stage_definition(stage).criteria
    for a in Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE).select_related("application"):
        if leave_for is not None and a.reviewer_id == leave_for.pk:
            continue
        base = 5 + (a.application_id * 7) % 5
        scores: dict[str, float | None] = {
            c.code: float(min(c.scale_max, max(c.scale_min, base + rng.choice([-1, 0, 0, 1])))) for c in criteria
        }
        review = review_for(a)
        save_review(
            assignment=a,
            actor=a.reviewer,
            expected_version=review.version,
            scores=scores,
            confidence=rng.randint(2, 5),
            comment_to_applicant="【示例】研究目标明确，建议进一步细化技术路线。",
        )
        submit_review(assignment=a, actor=a.reviewer)


def load_demo_reviews(now: dt.datetime | None = None) -> list[str]:
    """Idempotent: a call whose review demo exists is left as it is."""
    now = now or timezone.now()
    officer = User.objects.get(email="officer@example.com")
    demo_reviewer = User.objects.get(email="reviewer@example.com")
    rng = random.Random(2025)  # noqa: S311 - demo scores, the same on every machine
    log = []
    for code, titles in APPLICATIONS.items():
        call = Call.objects.get(code=code)
        stages = [s for s in ReviewStage.objects.filter(call=call).order_by("position") if s.kind != "formal_check"]
        first = stages[0]
        if StageEntry.objects.filter(stage=first).exists():
            log.append(f"review demo {code}: unchanged")
            continue
        organisation = create_organisation(
            name={"zh-hans": f"示例单位（{code}）", "en": f"Example organisation ({code})"}, type=OrgType.ENTERPRISE
        )
        if code == "most-intl-2025-2":
            spread = _most_applications(call)
            for i, (title, direction, request) in enumerate(spread, start=1):
                when = call.deadline - dt.timedelta(days=3, minutes=i)
                budget = {"budget_table": demo_budget(request, direction.code)} if request else {}
                _example_application(
                    call, i, title, organisation, when, direction=direction, requested_yuan=request, values=budget
                )
            # three reviews each: the pool's loads must hold them all
            _experts(call, officer, load_limit=-(-3 * len(spread) // (len(EXPERTS) + 1)) + 2)
        else:
            for i, title in enumerate(titles, start=1):
                _example_application(call, i, title, organisation, call.deadline - dt.timedelta(days=3, minutes=i))
            _experts(call, officer)
        open_stage(stage=first, actor=officer)
        definition = stage_definition(first)
        if definition.criteria:
            run_assignment(stage=first, actor=officer, k=3)
            _score_stage(first, rng, leave_for=demo_reviewer if code == "xiaomi-jbgs-2025" else None)
        if code == "smeie-2023":
            # The contest states no prize counts: the committee's numbers (one of each per track).
            advance_stage(stage=first, actor=officer, tier_counts={"first": 1, "second": 1, "third": 1})
            finals = stages[1]
            run_assignment(stage=finals, actor=officer, k=5, group_by_direction=True)
            _score_stage(finals, rng)
            for _ in range(3):  # the reveal is under way on the projector page
                reveal_next(stage=finals, actor=officer)
            # A proposed selection over the finals' one list, with the prize counts the committee entered
            # (the contest states none), for staff to read on the results page.
            run_selection(call=call, actor=officer, tier_counts={"first": 1, "second": 1, "third": 1})
        if code == "thepaper-kcxf-2025":
            grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.COMMITTEE_CHAIR)
            for direction in call.directions.filter(applications__stage_entries__stage=first).distinct():
                entries = StageEntry.objects.filter(stage=first, application__direction=direction)
                sign_off_shortlist(
                    stage=first, direction=direction, advanced=[e.application_id for e in entries[:1]], actor=officer
                )
            advance_stage(stage=first, actor=officer)
            final = stages[1]
            run_assignment(stage=final, actor=officer, k=3)
            _score_stage(final, rng)
            run_selection(call=call, actor=officer)  # proposed: the honourees of each list
        if code == "xiaomi-jbgs-2025":
            # Results published, the public notice running and agreements waiting for signatures.
            approve_run(run=run_selection(call=call, actor=officer), actor=officer)
            published = now - dt.timedelta(days=20)
            publish_results_and_open_agreements(call=call, actor=officer, now=published, notice_days=30)
            signable = Agreement.objects.filter(award__call=call).order_by("pk").first()
            if signable is not None:  # one agreement filed signed on paper, and its project running
                paper = io.BytesIO("%PDF-1.4 示例 / example".encode())
                record_signed_copy(agreement=signable, stream=paper, name="示例协议.pdf", actor=officer, now=published)
                start_projects(call=call, actor=officer)
        if code == "most-intl-2025-2":
            # Selects what it can and explains every direction's shortfall; approved and published, with
            # one award carried through the post-award stages (issue 19).
            from shenbao.cli.demo_postaward import load_demo_post_award

            most_run = run_selection(call=call, actor=officer)
            log.extend(load_demo_post_award(call=call, run=most_run, officer=officer, now=now))
        log.append(f"review demo {code}: {StageEntry.objects.filter(stage__call=call).count()} entries in review stages")
    return log
