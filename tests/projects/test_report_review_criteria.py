"""Issue 19, report review through the review machinery: seed 003 declares the mid-term review's criteria
(three, weighted 40/30/30 on 0–100) and two experts per report; experts score every criterion, checked and
totalled as a review stage's scores are; the report's result is aggregated as a stage aggregates; the
assignment solver names the experts for all the call's waiting reports, never in conflict (回避:
institution, declared conflicts, the project's own team) and within each expert's load.  The final report
(no criteria declared) keeps one overall score."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import translation

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, create_organisation
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, TeamMember
from shenbao.calls.definition.load import content_hash, parse_definition, to_data
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Report, ReportReview
from shenbao.projects.queries import report_result
from shenbao.projects.services.projects import submit_report
from shenbao.projects.services.report_assignment import assign_report_experts
from shenbao.projects.services.report_reviews import assign_report_expert, decide_report, submit_report_review
from shenbao.reviews.algorithms.aggregation import Flag
from shenbao.reviews.enums import PoolStatus
from shenbao.reviews.models import DeclaredConflict, PoolMember
from tests.factories import UserFactory
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def expert(call: Call, email: str, load_limit: int | None = None) -> User:
    user = UserFactory(email=email)
    PoolMember.objects.create(call=call, user=user, status=PoolStatus.ACCEPTED, token=f"t-{email}", load_limit=load_limit)
    return user


def midterm(call: Call, officer: User, n: int, direction: str = "1.2") -> Report:
    project = started_project(call, direction=direction, officer=officer, email=f"pi{n}@example.com")
    pi = project.agreement.award.application.applicant
    return submit_report(project=project, kind="midterm", actuals={}, text=f"中期进展 {n}", actor=pi)


def scores(progress: float | None, cooperation: float | None, funds: float | None) -> dict[str, float | None]:
    return {"progress": progress, "cooperation": cooperation, "funds": funds}


def test_experts_score_every_criterion_checked_and_totalled_as_a_stage(call: Call, officer: User) -> None:
    report = midterm(call, officer, 1)
    e = expert(call, "e@example.com")
    review = assign_report_expert(report=report, expert=e, actor=officer)
    refusals = {
        "missing": ({"progress": 80, "cooperation": 60}, "“Use of the funds” has no score yet.", "“经费使用情况”尚未评分。"),
        "range": (
            scores(101, 60, 90),
            "The score for “Progress against the agreement” must be between 0 and 100.",
            "“任务书执行进度”的评分须在 0 到 100 之间。",
        ),
        "not_applicable": (
            scores(80, None, 90),
            "“Conduct of the international cooperation” must be scored; it cannot be marked not applicable.",
            "“国际合作实施情况”必须评分，不能标为不适用。",
        ),
    }
    for given, english, chinese in refusals.values():
        for language, text in (("en", english), ("zh-hans", chinese)):
            with translation.override(language), pytest.raises(ProjectError) as refused:
                submit_report_review(review=review, scores=given, opinion="意见", actor=e)
            assert (refused.value.code, str(refused.value)) == ("scores_invalid", text)
    with pytest.raises(ProjectError) as unknown:
        submit_report_review(review=review, scores={**scores(80, 60, 90), "beauty": 5}, opinion="意见", actor=e)
    assert unknown.value.code == "scores_invalid"
    with pytest.raises(ProjectError) as no_opinion:
        submit_report_review(review=review, scores=scores(80, 60, 90), opinion=" ", actor=e)
    assert no_opinion.value.code == "opinion_required"
    review.refresh_from_db()
    assert (review.submitted_at, review.scores, review.total, review.score) == (None, {}, None, None)  # nothing saved

    saved = submit_report_review(review=review, scores=scores(80, 60, 90), opinion="进展良好", actor=e)
    # 0.4 × 80 + 0.3 × 60 + 0.3 × 90 on 0–100
    assert (saved.scores, saved.total, saved.score) == (scores(80, 60, 90), 77.0, 77)
    entry = AuditEntry.objects.get(action="shenbao.report.reviewed")
    assert entry.data == {"kind": "midterm", "score": 77, "scores": scores(80, 60, 90), "total": 77.0}


def test_the_result_is_aggregated_as_a_stage_aggregates_and_recorded_with_the_decision(call: Call, officer: User) -> None:
    report = midterm(call, officer, 1)
    given = {"a@example.com": scores(80, 60, 90), "b@example.com": scores(90, 90, 90)}
    for email, vector in given.items():
        e = expert(call, email)
        submit_report_review(
            review=assign_report_expert(report=report, expert=e, actor=officer), scores=vector, opinion="x", actor=e
        )
    result = report_result(report)
    assert (result.method, result.value, result.n_reviews, result.spread, result.flags) == ("mean", 83.5, 2, 13.0, frozenset())
    decide_report(report=report, decision="passed", reasons="", actor=officer)
    assert AuditEntry.objects.get(action="shenbao.report.passed").data["result"] == 83.5

    wide = midterm(call, officer, 2)
    for email, vector in {"c@example.com": scores(20, 20, 20), "d@example.com": scores(90, 90, 90)}.items():
        e = expert(call, email)
        submit_report_review(
            review=assign_report_expert(report=wide, expert=e, actor=officer), scores=vector, opinion="x", actor=e
        )
    assert Flag.DISAGREEMENT in report_result(wide).flags  # the spread 70 is above the call's 30


def test_the_final_report_without_criteria_keeps_one_overall_score(call: Call, officer: User) -> None:
    project = started_project(call, direction="1.2", officer=officer)
    pi = project.agreement.award.application.applicant
    final = submit_report(project=project, kind="final", actuals={}, text="结题报告", actor=pi)
    e = expert(call, "e@example.com")
    review = assign_report_expert(report=final, expert=e, actor=officer)
    with pytest.raises(ProjectError) as bad:
        submit_report_review(review=review, score=101, opinion="x", actor=e)
    assert bad.value.code == "score_invalid"
    saved = submit_report_review(review=review, score=88, opinion="通过", actor=e)
    assert (saved.score, saved.total, saved.scores) == (88, 88.0, {})
    assert report_result(final).value == 88.0
    with pytest.raises(ProjectError) as undeclared:
        assign_report_experts(call=call, kind="final", actor=officer)
    assert undeclared.value.code == "report_review_not_declared"
    with translation.override("zh-hans"):
        assert str(undeclared.value) == "本指南未规定“结题报告”的专家评审；请在各报告上逐一指定专家。"
    with translation.override("en"):
        assert (
            str(undeclared.value) == "The call declares no expert review for “Final report”; name experts by hand on each report."
        )


def test_the_solver_names_two_experts_per_report_without_conflicts_and_within_load(call: Call, officer: User) -> None:
    a, b, c = (midterm(call, officer, n) for n in (1, 2, 3))
    app = {r.pk: r.project.agreement.award.application for r in (a, b, c)}
    university = create_organisation(name={"zh-hans": "甲大学"}, type=OrgType.UNIVERSITY)
    Application.objects.filter(pk=app[a.pk].pk).update(lead_organisation=university)
    colleague = expert(call, "colleague@example.com")  # same institution as a's
    add_membership(user=colleague, organisation=university, role=MembershipRole.MEMBER)
    declared = expert(call, "declared@example.com")  # declared a conflict with b
    DeclaredConflict.objects.create(call=call, reviewer=declared, application=app[b.pk], reason="曾合作")
    teammate = expert(call, "teammate@example.com")  # on c's own team
    TeamMember.objects.create(
        application=app[c.pk],
        email="teammate@example.com",
        name="队员",
        role="member",
        status=InvitationStatus.ACCEPTED,
        token="tm",
    )
    busy = expert(call, "busy@example.com", load_limit=1)
    free = expert(call, "free@example.com")
    away = UserFactory(email="away@example.com")
    PoolMember.objects.create(call=call, user=away, status=PoolStatus.ACCEPTED, token="t-away", available=False)

    outcome = assign_report_experts(call=call, kind="midterm", actor=officer, seed=7)
    assert (outcome.reports, outcome.created, outcome.kept, outcome.mode, outcome.shortfalls) == (3, 6, 0, "optimal", ())
    named = {r.pk: set(ReportReview.objects.filter(report=r).values_list("expert__email", flat=True)) for r in (a, b, c)}
    assert all(len(experts) == 2 for experts in named.values())
    assert "colleague@example.com" not in named[a.pk]
    assert "declared@example.com" not in named[b.pk]
    assert "teammate@example.com" not in named[c.pk]
    assert not any(f"pi{n}@example.com" in experts for n in (1, 2, 3) for experts in named.values())
    assert "away@example.com" not in set().union(*named.values())
    assert ReportReview.objects.filter(expert=busy).count() <= 1
    assert {colleague.pk, declared.pk, teammate.pk, free.pk} >= set(
        ReportReview.objects.exclude(expert=busy).values_list("expert_id", flat=True)
    )
    run = AuditEntry.objects.get(action="shenbao.report.assignment_run")
    assert (run.data["kind"], run.data["k"], run.data["created"], run.data["short"]) == ("midterm", 2, 6, [])
    assert AuditEntry.objects.filter(action="shenbao.report.experts_assigned").count() == 3
    assert all(r.assigned_by_id == officer.pk and r.affinity is not None for r in ReportReview.objects.all())
    with pytest.raises(ProjectError) as again:
        assign_report_experts(call=call, kind="midterm", actor=officer)
    assert again.value.code == "no_report_waiting"


def test_the_solver_keeps_manual_picks_counts_open_reviews_in_the_load_and_reports_shortfalls(call: Call, officer: User) -> None:
    a, b = midterm(call, officer, 1), midterm(call, officer, 2)
    picked = expert(call, "picked@example.com")
    assign_report_expert(report=a, expert=picked, actor=officer)  # by hand, kept by the run
    loaded = expert(call, "loaded@example.com", load_limit=1)
    project = started_project(call, direction="1.2", officer=officer, email="pi9@example.com")
    final = submit_report(
        project=project, kind="final", actuals={}, text="结题", actor=project.agreement.award.application.applicant
    )
    assign_report_expert(report=final, expert=loaded, actor=officer)  # an undecided review: its one report

    outcome = assign_report_experts(call=call, kind="midterm", actor=officer)
    assert (outcome.reports, outcome.kept) == (2, 1)
    assert ReportReview.objects.filter(expert=loaded).count() == 1  # nothing more: its load is used up
    assert set(ReportReview.objects.filter(report=a).values_list("expert_id", flat=True)) == {picked.pk}
    # Only "picked" has room: a has it already, b gets it; "loaded" is eligible but full, so each report
    # still lacks one expert for the load limits.
    assert set(ReportReview.objects.filter(report=b).values_list("expert_id", flat=True)) == {picked.pk}
    assert sorted((s.report, s.missing, s.reason) for s in outcome.shortfalls) == [
        (a.pk, 1, "load_caps"),
        (b.pk, 1, "load_caps"),
    ]
    assert [s.project for s in sorted(outcome.shortfalls, key=lambda s: s.report)] == [a.project.title, b.project.title]
    short = AuditEntry.objects.get(action="shenbao.report.assignment_run").data["short"]
    assert sorted(s["report"] for s in short) == [a.pk, b.pk]


def test_no_expert_available_is_refused(call: Call, officer: User) -> None:
    midterm(call, officer, 1)
    with pytest.raises(ProjectError) as empty:
        assign_report_experts(call=call, kind="midterm", actor=officer)
    assert empty.value.code == "pool_empty"
    with translation.override("en"):
        assert str(empty.value) == "No expert in the pool has accepted and is available."
    with translation.override("zh-hans"):
        assert str(empty.value) == "评审专家库中还没有已接受邀请且有空的专家。"
    assert not ReportReview.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["shenbao.report.assignment_run", "shenbao.report.experts_assigned"]).exists()


def test_decided_reports_are_not_assigned(call: Call, officer: User) -> None:
    report = midterm(call, officer, 1)
    e = expert(call, "e@example.com")
    submit_report_review(
        review=assign_report_expert(report=report, expert=e, actor=officer), scores=scores(70, 70, 70), opinion="x", actor=e
    )
    decide_report(report=report, decision="passed", reasons="", actor=officer, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    expert(call, "f@example.com")
    with pytest.raises(ProjectError) as none:
        assign_report_experts(call=call, kind="midterm", actor=officer)
    assert none.value.code == "no_report_waiting"


def test_without_affinity_the_solver_draws_at_random_replayably_by_its_seed(call: Call, officer: User) -> None:
    data = copy.deepcopy(call.definition)
    data["report_reviews"][0]["use_affinity"] = False
    definition = parse_definition(data)
    Call.objects.filter(pk=call.pk).update(definition=to_data(definition), definition_hash=content_hash(definition))
    call.refresh_from_db()
    reports = [midterm(call, officer, n) for n in (1, 2)]
    for n in range(5):
        expert(call, f"e{n}@example.com")

    def drawn(seed: int) -> set[tuple[int, int]]:
        outcome = assign_report_experts(call=call, kind="midterm", actor=officer, seed=seed)
        assert (outcome.mode, outcome.seed, outcome.created) == ("random", seed, 4)
        pairs = set(ReportReview.objects.filter(report__in=reports).values_list("report_id", "expert_id"))
        assert all(r.affinity is None for r in ReportReview.objects.all())
        ReportReview.objects.all().delete()
        return pairs

    assert drawn(11) == drawn(11)
    run = AuditEntry.objects.filter(action="shenbao.report.assignment_run").first()
    assert run is not None and (run.data["mode"], run.data["seed"]) == ("random", 11)
