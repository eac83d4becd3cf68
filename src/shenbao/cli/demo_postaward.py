"""Seed 003's post-award demo (issue 19): the proposed selection approved and published, one award (a
China–Egypt flagship 1.3 one where there is one) with its approved budget, its agreement generated
from the call's template and signed, a project with two tranches (the first paid), and a mid-term
report reviewed by two experts (named by the assignment solver, scoring the call's mid-term criteria)
and passed, which made the second tranche due."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import record_signed_copy
from shenbao.agreements.services.budget import approve_budget
from shenbao.agreements.services.stages import publish_results_and_open_agreements
from shenbao.agreements.services.text import default_template, generate_text, upload_template
from shenbao.awards.models import SelectionRun
from shenbao.awards.services.decisions import approve_run
from shenbao.calls.models import Call
from shenbao.projects.models import Project, ReportReview
from shenbao.projects.services.disbursement import approve_tranche, plan_tranche, record_payment
from shenbao.projects.services.projects import start_projects, submit_report
from shenbao.projects.services.report_assignment import assign_report_experts
from shenbao.projects.services.report_reviews import decide_report, report_review_settings, submit_report_review

CENT = Decimal("0.01")


def approved_demo_budget(requested: dict[str, Any], awarded_yuan: int) -> dict[str, Any]:
    """The requested table (万元) with every grant amount scaled to the award (rounding left on 劳务费),
    and 1 万元 moved from 设备费 to 劳务费 — the approval's adjustment of the structure."""
    lines = {code: dict(amounts) for code, amounts in requested["lines"].items()}
    total = sum((Decimal(a.get("grant", "0")) for a in lines.values()), Decimal(0))
    target = Decimal(awarded_yuan) / 10_000
    given = Decimal(0)
    for code, amounts in lines.items():
        if code != "labour" and "grant" in amounts:
            amounts["grant"] = str((Decimal(amounts["grant"]) * target / total).quantize(CENT, rounding=ROUND_DOWN))
            given += Decimal(amounts["grant"])
    equipment = Decimal(lines["equipment"]["grant"])
    moved = min(Decimal(1), equipment)
    lines["equipment"]["grant"] = str((equipment - moved).quantize(CENT))
    lines["labour"] = {**lines.get("labour", {}), "grant": str((target - given + moved).quantize(CENT))}
    return {**requested, "lines": lines}


def load_demo_post_award(*, call: Call, run: SelectionRun, officer: User, now: dt.datetime) -> list[str]:
    approve_run(run=run, actor=officer)
    published = now - dt.timedelta(days=20)
    publish_results_and_open_agreements(call=call, actor=officer, now=published)
    agreements = Agreement.objects.filter(award__call=call).select_related("award__application__direction")
    agreement = (
        agreements.filter(award__application__direction__code="1.3").order_by("pk").first() or agreements.order_by("pk").first()
    )
    if agreement is None:
        return ["post-award demo 003: no award"]
    award, application = agreement.award, agreement.award.application
    assert award.amount_yuan is not None
    approve_budget(
        agreement=agreement,
        table=approved_demo_budget(application.values["budget_table"], award.amount_yuan),
        reason="【示例】按核定资助额核定，设备费调减 1 万元用于劳务费。",
        actor=officer,
        now=published + dt.timedelta(days=2),
    )
    upload_template(call=call, stream=io.BytesIO(default_template()), actor=officer)
    agreement = generate_text(agreement=agreement, actor=officer, now=published + dt.timedelta(days=2))
    paper = io.BytesIO("%PDF-1.4 示例任务书 / example agreement".encode())
    record_signed_copy(
        agreement=agreement, stream=paper, name="示例任务书.pdf", actor=officer, now=published + dt.timedelta(days=5)
    )
    today = timezone.localdate(now)
    start_projects(call=call, actor=officer, start=today - dt.timedelta(days=10))
    project = Project.objects.get(agreement=agreement)
    first_share = award.amount_yuan * 6 // 10
    first = plan_tranche(
        project=project,
        amount_yuan=first_share,
        condition="on_signing",
        planned_on=project.start_date,
        actor=officer,
        today=today,
    )
    plan_tranche(
        project=project,
        amount_yuan=award.amount_yuan - first_share,
        condition="midterm_passed",
        planned_on=project.start_date + (project.end_date - project.start_date) / 2,
        actor=officer,
        today=today,
    )
    approve_tranche(tranche=first, actor=officer)
    record_payment(
        tranche=first, amount_yuan=first_share, paid_on=today, reference="【示例】GK-2025-003-1", actor=officer, today=today
    )
    report = submit_report(
        project=project,
        kind="midterm",
        actuals={},
        text="【示例】中期进展：完成联合实验平台搭建，双方互访两次。",
        actor=application.applicant,
        spending={"equipment": first_share // 3, "operating": first_share // 4, "labour": first_share // 6},
    )
    # 中期检查: the call declares the mid-term review's criteria; the solver names two experts free of
    # conflicts (回避), each scores every criterion, and staff pass the report.
    outcome = assign_report_experts(call=call, kind="midterm", actor=officer)
    settings = report_review_settings(report)
    assert settings is not None
    named = 0
    for review in ReportReview.objects.filter(report=report).select_related("expert").order_by("pk"):
        submit_report_review(
            review=review,
            scores={c.code: 80 + named * 3 + i * 2 for i, c in enumerate(settings.criteria)},
            opinion="【示例】进展符合任务书要求，建议通过。",
            actor=review.expert,
        )
        named += 1
    decide_report(report=report, decision="passed", reasons="", actor=officer)
    return [
        f"post-award demo 003: project {project.pk} ({application.receipt_number}), "
        f"{named} report reviews ({outcome.mode}, {len(outcome.shortfalls)} short)"
    ]
