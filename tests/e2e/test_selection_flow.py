"""Seed 003 from ranked applications to final results: the optimiser under the partner-country cap
and the Arab-African exclusivity, approval, decision letters, the public notice and an objection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application, Partner
from shenbao.awards.algorithms.selection_record import RecordError, problem_from_record
from shenbao.awards.enums import AwardStatus, RunStatus
from shenbao.awards.errors import NoticeClosed, SelectionError
from shenbao.awards.models import Award
from shenbao.awards.services.decisions import approve_run, close_notice, decide_objection, file_objection, publish_results
from shenbao.awards.services.selection import _plain as plain
from shenbao.awards.services.selection import reproduce_run, run_matches_its_result, run_selection
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.reviews.fixtures import add_expert, checked_application, score_all

# direction, title, partner country, score (0–10 on every criterion), request in yuan
ENTRIES = [
    ("1.5", "埃及甲", "EG", 9, 3_000_000),
    ("1.5", "埃及乙", "EG", 8, 3_000_000),
    ("1.5", "摩洛哥", "MA", 7, 3_000_000),
    ("1.6", "埃及丙", "EG", 9.5, 2_000_000),
    ("1.6", "肯尼亚", "KE", 6, 2_000_000),
]


def officer_of(call: Call) -> User:
    user = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def ranked(load_seed: Callable[[str], Call]) -> tuple[Call, User]:
    call = load_seed("003")
    officer = officer_of(call)
    for i, (direction, title, country, _score, request) in enumerate(ENTRIES):
        application = checked_application(call, direction=direction, title=title, email=f"p{i}@example.com")
        Application.objects.filter(pk=application.pk).update(requested_yuan=request)
        Partner.objects.create(application=application, side="foreign", name=f"{title}合作方", type="university", country=country)
    stage = ReviewStage.objects.get(call=call, code="expert-review")
    open_stage(stage=stage, actor=officer)
    for n in range(3):
        add_expert(call, f"x{n}@example.com", officer=officer)
    run_assignment(stage=stage, actor=officer)
    marks = {title: score for _d, title, _c, score, _r in ENTRIES}
    for a in Assignment.objects.filter(stage=stage).select_related("application"):
        score_all(a, marks[a.application.title])
    return call, officer


def titles(ids: list[int]) -> list[str]:
    return [Application.objects.get(pk=pk).title for pk in ids]


def test_selection_respects_the_country_cap_and_the_exclusivity_and_explains_itself(ranked: tuple[Call, User]) -> None:
    call, officer = ranked
    run = run_selection(call=call, actor=officer)
    assert run.result["status"] == "optimal" and run.result["proven_optimal"] is True
    chosen = {s["group"]: [] for s in run.result["selected"]}
    for s in run.result["selected"]:
        chosen[s["group"]].append(Application.objects.get(pk=s["application"]).title)
    # Egypt (an Arab state in Africa) wins through one of 1.5 and 1.6 only, and 1.5 takes one project per
    # country: both Egyptian rank-1 candidates weigh the same, and the solver's deterministic choice is 1.6.
    assert chosen == {"1.5": ["摩洛哥"], "1.6": ["埃及丙", "肯尼亚"]}
    explained = {Application.objects.get(pk=e["application"]).title: e for e in run.result["explanations"]}
    assert explained["埃及乙"]["selected"] is False
    assert {r["code"] for r in explained["埃及甲"]["reasons"]} == {"cap_taken", "exclusivity"}  # both held by 埃及丙
    assert AuditEntry.objects.filter(action="shenbao.selection.run").count() == 1
    # The same inputs give the same result (a saved run can be reproduced).
    again = run_selection(call=call, actor=officer)
    assert again.result["selected"] == run.result["selected"]


def decided(result: dict[str, Any]) -> dict[str, Any]:
    """A stored result less the solver's timings."""
    return {key: value for key, value in result.items() if key != "stats"}


def test_a_stored_run_is_solved_again_from_its_inputs_alone(ranked: tuple[Call, User]) -> None:
    call, officer = ranked
    run = run_selection(call=call, actor=officer)
    run.refresh_from_db()  # the inputs as the database returns them
    assert run.inputs["format"] == 2 and run.inputs["stage"] == "expert-review"
    assert run.inputs["problem"]["candidates"]["count"] == len(run.result["explanations"])
    assert decided(reproduce_run(run)) == decided(run.result)
    assert run_matches_its_result(run)

    # A run stored before format 2 (one object per candidate) is solved again the same way.
    run.inputs = {
        "stage": run.inputs["stage"],
        "call_wide": run.inputs["call_wide"],
        "problem": plain(problem_from_record(run.inputs)),
    }
    run.save(update_fields=["inputs"])
    run.refresh_from_db()
    assert isinstance(run.inputs["problem"]["candidates"], list)
    assert decided(reproduce_run(run)) == decided(run.result) and run_matches_its_result(run)

    # A decision that its inputs do not give is found out; a changed record is refused.
    run.result["selected"] = run.result["selected"][1:]
    assert not run_matches_its_result(run)
    stored = run_selection(call=call, actor=officer)
    stored.inputs["problem"]["candidates"]["columns"]["rank"][0] += 1
    with pytest.raises(RecordError, match="does not match its digest"):
        reproduce_run(stored)


def test_pins_and_excludes_are_respected(ranked: tuple[Call, User]) -> None:
    call, officer = ranked
    ids = {a.title: a.pk for a in Application.objects.filter(call=call)}
    run = run_selection(call=call, actor=officer, excludes=[ids["摩洛哥"]], pins=[ids["肯尼亚"]])
    selected = titles([s["application"] for s in run.result["selected"]])
    assert "摩洛哥" not in selected and "肯尼亚" in selected
    assert run.excluded == [ids["摩洛哥"]] and run.pinned == [ids["肯尼亚"]]


def test_results_go_from_approval_to_final_through_the_public_notice(
    ranked: tuple[Call, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    call, officer = ranked
    run = run_selection(call=call, actor=officer)
    awards = approve_run(run=run, actor=officer)
    assert len(awards) == len(run.result["selected"])
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish_results(call=call, actor=officer, now=start)
    assert notice.ends_at == start + dt.timedelta(days=7)
    # Every reviewed applicant gets a letter in their language.
    assert len(mail.outbox) == len(ENTRIES)
    letters = {m.to[0]: m for m in mail.outbox}
    winner = Application.objects.get(pk=awards[0].application_id).applicant.email
    assert letters[winner].subject.startswith("入选：")
    assert sum(1 for m in mail.outbox if "未入选" in m.body) == len(ENTRIES) - len(awards)
    assert Award.objects.filter(call=call, status=AwardStatus.PUBLISHED).count() == len(awards)
    with pytest.raises(SelectionError):
        approve_run(run=run_selection(call=call, actor=officer), actor=officer)  # published results stand
    target = awards[0]
    objection = file_objection(
        notice=notice,
        award=target,
        name="异议人",
        email="Objector@Example.com",
        organisation="某大学",
        text="合作协议未签署",
        now=start + dt.timedelta(days=1),
    )
    with pytest.raises(NoticeClosed):
        file_objection(
            notice=notice,
            award=target,
            name="迟到",
            email="late@example.com",
            organisation="",
            text="x",
            now=start + dt.timedelta(days=8),
        )
    with pytest.raises(SelectionError):
        close_notice(call=call, actor=officer, now=start + dt.timedelta(days=3))  # still running
    with pytest.raises(SelectionError):
        close_notice(call=call, actor=officer, now=start + dt.timedelta(days=8))  # an objection waits
    decide_objection(objection=objection, upheld=True, outcome="经核实，合作协议未签署。", actor=officer)
    counts = close_notice(call=call, actor=officer, now=start + dt.timedelta(days=8))
    assert counts == {"final": len(awards) - 1, "revoked": 1}
    target.refresh_from_db()
    assert target.status == AwardStatus.REVOKED


def test_staff_and_public_results_pages(ranked: tuple[Call, User], client: Any) -> None:
    from django.test import Client

    call, officer = ranked
    staff_page = f"/staff/calls/{call.code}/results/"
    act = f"/staff/calls/{call.code}/results/act/"
    stranger = Client()
    stranger.force_login(register_user(email="nobody@example.com", password="pass-Word-123", name="路人"))
    assert stranger.get(staff_page).status_code == 404
    assert stranger.post(act, {"action": "run"}).status_code == 404
    client.force_login(officer)
    client.post(act, {"action": "run"})
    html = client.get(staff_page).content.decode()
    assert "已证明最优" in html and "已被 埃及丙 占用" in html  # the cap's reason names who holds it
    run = call.selection_runs.first()
    client.post(act, {"action": "approve", "run": str(run.pk)})
    assert client.get(f"/calls/{call.code}/results/").content.decode().count("data-award=") == 0  # not yet published
    client.post(act, {"action": "publish", "days": "5"})
    public = Client().get(f"/calls/{call.code}/results/").content.decode()
    assert public.count("data-award=") == Award.objects.filter(call=call).count()
    award = Award.objects.filter(call=call).first()
    assert award is not None
    response = Client().post(
        f"/calls/{call.code}/results/",
        {"award": str(award.pk), "name": "异议人", "email": "o@example.com", "text": "材料不实"},
        follow=True,
    )
    assert "您的异议已收到" in response.content.decode()
    objection = award.objections.get()
    client.post(act, {"action": "decide", "objection": str(objection.pk), "upheld": "no", "outcome": "经核实材料属实。"})
    objection.refresh_from_db()
    assert (objection.status, objection.outcome) == ("rejected", "经核实材料属实。")
    refused = client.post(act, {"action": "close"}, follow=True).content.decode()
    assert "公示期尚未结束" in refused
