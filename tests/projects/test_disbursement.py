"""Issue 19, post-award money: a project's grant in tranches tied to signing, the mid-term report and the
final acceptance; reports reviewed by named experts of the pool (回避 applied) and decided by staff; a
failed or overdue report withholds its tranche, a passed one makes it due; payments recorded; the
final acceptance closes the project (结题)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import translation

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, create_organisation
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import InvalidTransition
from shenbao.core.models import AuditEntry
from shenbao.projects.enums import ProjectStatus, ReportStatus, TrancheStatus, WithholdCause
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Milestone, Project, Report, ReportReview, Tranche
from shenbao.projects.services.disbursement import (
    approve_tranche,
    plan_tranche,
    record_payment,
    release_tranche,
    remove_tranche,
    update_tranches,
    withhold_tranche,
)
from shenbao.projects.services.projects import end_project, submit_report
from shenbao.projects.services.report_reviews import (
    assign_report_expert,
    decide_report,
    report_review_settings,
    submit_report_review,
)
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import PoolMember
from tests.factories import UserFactory
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 10)


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def project(call: Call, officer: User) -> Project:
    project = started_project(call, direction="1.2", officer=officer)
    Project.objects.filter(pk=project.pk).update(budget_yuan=1_000_000)
    project.refresh_from_db()
    return project


def expert(call: Call, email: str) -> User:
    user = UserFactory(email=email)
    PoolMember.objects.create(call=call, user=user, status=PoolStatus.ACCEPTED, token=f"t-{email}")
    return user


def schedule(project: Project, officer: User) -> tuple[Tranche, Tranche, Tranche]:
    first = plan_tranche(
        project=project, amount_yuan=400_000, condition="on_signing", planned_on=dt.date(2025, 11, 1), actor=officer, today=TODAY
    )
    second = plan_tranche(
        project=project,
        amount_yuan=400_000,
        condition="midterm_passed",
        planned_on=dt.date(2026, 5, 1),
        actor=officer,
        today=TODAY,
    )
    third = plan_tranche(
        project=project,
        amount_yuan=200_000,
        condition="final_accepted",
        planned_on=dt.date(2026, 11, 1),
        actor=officer,
        today=TODAY,
    )
    return first, second, third


def reviewed(report: Report, call: Call, officer: User, scores: tuple[int, ...]) -> None:
    """Experts named by hand score the report: every criterion alike where seed 003 declares the review's
    criteria (the mid-term, all on 0–100, so the total is that score), otherwise one score (the final)."""
    settings = report_review_settings(report)
    for n, score in enumerate(scores):
        e = expert(call, f"expert{report.kind}{n}@example.com")
        review = assign_report_expert(report=report, expert=e, actor=officer)
        if settings is None:
            submit_report_review(review=review, score=score, opinion=f"意见 {n}", actor=e)
        else:
            submit_report_review(review=review, scores={c.code: score for c in settings.criteria}, opinion=f"意见 {n}", actor=e)


def status(t: Tranche) -> str:
    t.refresh_from_db()
    return t.status


def test_planning_checks_the_budget_and_the_signing_tranche_is_due_at_once(project: Project, officer: User) -> None:
    first, second, third = schedule(project, officer)
    assert [status(t) for t in (first, second, third)] == ["due", "planned", "planned"]
    assert [t.position for t in project.tranches.all()] == [1, 2, 3]
    with pytest.raises(ProjectError) as over:
        plan_tranche(project=project, amount_yuan=1, condition="on_date", planned_on=TODAY, actor=officer, today=TODAY)
    assert over.value.code == "tranches_over_budget"
    for amount, condition, day, code in (
        (0, "on_date", TODAY, "tranche_amount_invalid"),
        (None, "on_date", TODAY, "tranche_amount_invalid"),
        (5, "whenever", TODAY, "tranche_condition_required"),
        (5, "on_date", None, "tranche_date_required"),
    ):
        with pytest.raises(ProjectError) as bad:
            plan_tranche(project=project, amount_yuan=amount, condition=condition, planned_on=day, actor=officer, today=TODAY)
        assert bad.value.code == code
    assert project.tranches.count() == 3  # nothing saved by a refused one
    with pytest.raises(ProjectError):
        remove_tranche(tranche=first, actor=officer)  # due: no longer only planned
    remove_tranche(tranche=third, actor=officer)
    assert project.tranches.count() == 2


def test_a_failed_midterm_withholds_the_next_tranche_and_a_payment_is_recorded(
    call: Call, project: Project, officer: User
) -> None:
    first, second, _third = schedule(project, officer)
    # A payment only after approval, of at most the tranche, dated, with a reference.
    with pytest.raises(ProjectError) as early:
        record_payment(tranche=first, amount_yuan=400_000, paid_on=TODAY, reference="X", actor=officer, today=TODAY)
    assert early.value.code == "tranche_not_approved"
    approve_tranche(tranche=first, actor=officer)
    for amount, day, ref, code in (
        (400_001, TODAY, "GK-1", "payment_amount_invalid"),
        (400_000, TODAY + dt.timedelta(days=1), "GK-1", "payment_date_invalid"),
        (400_000, TODAY, "  ", "payment_reference_required"),
    ):
        with pytest.raises(ProjectError) as bad:
            record_payment(tranche=first, amount_yuan=amount, paid_on=day, reference=ref, actor=officer, today=TODAY)
        assert bad.value.code == code
    assert status(first) == "approved"
    paid = record_payment(tranche=first, amount_yuan=400_000, paid_on=TODAY, reference="GK-2026-001", actor=officer, today=TODAY)
    assert (paid.status, paid.paid_amount_yuan, paid.paid_on, paid.payment_reference) == ("paid", 400_000, TODAY, "GK-2026-001")
    with pytest.raises(InvalidTransition):
        withhold_tranche(tranche=first, reason="x", actor=officer)  # a payment is final

    pi = project.agreement.award.application.applicant
    report = submit_report(project=project, kind="midterm", actuals={}, text="中期进展", actor=pi)
    with pytest.raises(ProjectError) as unreviewed:
        decide_report(report=report, decision="failed", reasons="进展不足", actor=officer)
    assert unreviewed.value.code == "report_not_reviewed"
    e = expert(call, "midterm@example.com")
    review = assign_report_expert(report=report, expert=e, actor=officer)
    with pytest.raises(ProjectError) as pending:
        decide_report(report=report, decision="failed", reasons="进展不足", actor=officer)
    assert pending.value.code == "reviews_pending"
    with pytest.raises(ProjectError) as stranger:
        submit_report_review(review=review, score=50, opinion="x", actor=officer)
    assert stranger.value.code == "not_the_expert"
    with pytest.raises(ProjectError) as score:
        submit_report_review(review=review, scores={"progress": 101, "cooperation": 40, "funds": 40}, opinion="x", actor=e)
    assert score.value.code == "scores_invalid"
    submit_report_review(
        review=review, scores={"progress": 40, "cooperation": 40, "funds": 40}, opinion="指标完成不足一半", actor=e
    )
    with pytest.raises(ProjectError) as no_reason:
        decide_report(report=report, decision="failed", reasons=" ", actor=officer)
    assert no_reason.value.code == "decision_reasons_required"
    decided = decide_report(report=report, decision="failed", reasons="进展不足", actor=officer)
    assert decided.status == ReportStatus.FAILED
    second.refresh_from_db()
    assert (second.status, second.withheld_cause, second.withheld_reason) == (
        TrancheStatus.WITHHELD,
        WithholdCause.REPORT_FAILED,
        "进展不足",
    )
    with pytest.raises(ProjectError):
        decide_report(report=report, decision="passed", reasons="", actor=officer)  # decided once
    actions = list(AuditEntry.objects.filter(action__startswith="shenbao.tranche.").values_list("action", flat=True))
    assert actions.count("shenbao.tranche.withheld") == 1 and "shenbao.tranche.paid" in actions
    assert "shenbao.report.failed" in AuditEntry.objects.values_list("action", flat=True)
    # Staff may lift the withholding with a reason (the matter settled).
    with pytest.raises(ProjectError):
        release_tranche(tranche=second, reason="", actor=officer)
    assert release_tranche(tranche=second, reason="整改完成", actor=officer).status == TrancheStatus.DUE


def test_a_passed_midterm_makes_its_tranche_due_and_the_final_acceptance_closes_the_project(
    call: Call, project: Project, officer: User
) -> None:
    _first, second, third = schedule(project, officer)
    pi = project.agreement.award.application.applicant
    midterm = submit_report(project=project, kind="midterm", actuals={}, text="中期进展", actor=pi)
    reviewed(midterm, call, officer, (80, 90))
    decide_report(report=midterm, decision="conditional", reasons="补充数据", actor=officer)
    assert (status(second), status(third)) == ("due", "planned")
    final = submit_report(project=project, kind="final", actuals={}, text="结题报告", actor=pi)
    reviewed(final, call, officer, (85,))
    decide_report(report=final, decision="passed", reasons="", actor=officer)
    project.refresh_from_db()
    assert (project.status, status(third)) == (ProjectStatus.COMPLETED, "due")
    assert AuditEntry.objects.filter(action="shenbao.project.completed").count() == 1


def test_a_failed_final_leaves_the_project_open_and_cannot_be_closed_as_completed(
    call: Call, project: Project, officer: User
) -> None:
    _first, _second, third = schedule(project, officer)
    pi = project.agreement.award.application.applicant
    final = submit_report(project=project, kind="final", actuals={}, text="结题报告", actor=pi)
    reviewed(final, call, officer, (30,))
    decide_report(report=final, decision="failed", reasons="指标未完成", actor=officer)
    project.refresh_from_db()
    assert (project.status, status(third)) == (ProjectStatus.ACTIVE, "withheld")
    with pytest.raises(ProjectError):
        end_project(project=project, actor=officer, terminate=False)
    assert end_project(project=project, actor=officer, terminate=True, reason="结题未通过").status == ProjectStatus.TERMINATED


def test_an_overdue_report_withholds_its_tranche_and_dated_tranches_fall_due(project: Project, officer: User) -> None:
    _first, second, third = schedule(project, officer)
    remove_tranche(tranche=third, actor=officer)  # room in the budget for a dated one
    dated = plan_tranche(
        project=project, amount_yuan=1, condition="on_date", planned_on=dt.date(2026, 2, 1), actor=officer, today=TODAY
    )
    assert status(dated) == "planned"
    midterm_due = Milestone.objects.get(project=project, kind="midterm").due
    run = update_tranches(today=dt.date(2026, 2, 1))
    assert [t.pk for t in run.due] == [dated.pk] and run.withheld == []
    run = update_tranches(today=midterm_due + dt.timedelta(days=1))
    assert [t.pk for t in run.withheld] == [second.pk]
    second.refresh_from_db()
    assert (second.withheld_cause, second.withheld_reason) == (WithholdCause.REPORT_OVERDUE, midterm_due.isoformat())
    assert update_tranches(today=midterm_due + dt.timedelta(days=2)).withheld == []  # once


def test_experts_come_from_the_pool_without_a_conflict(call: Call, project: Project, officer: User) -> None:
    pi = project.agreement.award.application.applicant
    report = submit_report(project=project, kind="midterm", actuals={}, text="中期进展", actor=pi)
    outsider = UserFactory()
    with pytest.raises(ProjectError) as not_pool:
        assign_report_expert(report=report, expert=outsider, actor=officer)
    assert not_pool.value.code == "expert_not_in_pool"
    org = create_organisation(name={"zh-hans": "同一大学"}, type=OrgType.UNIVERSITY)
    project.agreement.award.application.__class__.objects.filter(pk=project.agreement.award.application_id).update(
        lead_organisation=org
    )
    colleague = expert(call, "colleague@example.com")
    add_membership(user=colleague, organisation=org, role=MembershipRole.MEMBER)
    with pytest.raises(ProjectError) as conflicted:
        assign_report_expert(report=report, expert=colleague, actor=officer)
    assert conflicted.value.code == "expert_conflicted"
    with translation.override("zh-hans"):
        assert str(conflicted.value) == "该专家与本项目存在利益冲突（回避）：同一单位 同一大学。"
    with translation.override("en"):
        assert (
            str(conflicted.value) == "This expert has a conflict of interest with the project (回避): Same institution 同一大学."
        )
    fine = expert(call, "fine@example.com")
    assign_report_expert(report=report, expert=fine, actor=officer)
    with pytest.raises(ProjectError) as twice:
        assign_report_expert(report=report, expert=fine, actor=officer)
    assert twice.value.code == "expert_assigned"
    assert ReportReview.objects.filter(report=report).count() == 1
