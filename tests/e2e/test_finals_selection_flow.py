"""Seeds 001 and 004 from the final ranking to final results.

Seed 001: track first prizes advance to the national finals, which rank every finalist in one list
across the tracks; the selection maps that list to the first, second and third prizes with the
numbers the committee decided (the contest states none).  Seed 004: the chair-signed shortlist
goes to the final review and the jury's honourees are chosen per list.  Neither call has agreements
or projects (certificates, prize money and trophies only): that is asserted, not skipped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from shenbao.accounts.models import User
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import open_agreements
from shenbao.applications.models import Application
from shenbao.awards.enums import AwardStatus, RunStatus
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import Award, PublicNotice, SelectionRun
from shenbao.awards.queries.results import explained_rows
from shenbao.awards.services.decisions import approve_run, close_notice, decide_objection, file_objection, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.core.models import AuditEntry
from shenbao.projects.models import Project
from shenbao.projects.services.projects import start_projects
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.services.advancement import advance_stage, sign_off_shortlist
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.e2e.test_review_flows import ranking_rows, staff
from tests.reviews.fixtures import add_expert, checked_application, score_all

START = dt.datetime(2023, 12, 20, 9, 0, tzinfo=dt.UTC)

# seed 001: title → (track, track score, finals score or None when it does not reach the finals)
TEAMS = {
    "A1": ("SME202301", 9, 8),
    "A2": ("SME202301", 7, None),
    "B1": ("SME202302", 8, 9),
    "B2": ("SME202302", 6, None),
    "C1": ("SME202303", 8, 6),
    "D1": ("SME202304", 7, 8.5),
}
COUNTS = {"first": 1, "second": 1, "third": 1}


def title_of(pk: int) -> str:
    return Application.objects.get(pk=pk).title


def actions(call: Call) -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith="shenbao.").order_by("pk").values_list("action", flat=True))


@pytest.fixture
def finals_ranked(load_seed: Callable[[str], Call]) -> tuple[Call, User]:
    """Seed 001 with the track contests judged, the track first prizes in the finals, the finals scored."""
    call = load_seed("001")
    officer = staff(call)
    for i, (title, (track, _score, _finals)) in enumerate(TEAMS.items()):
        application = checked_application(call, direction=track, title=title, email=f"team{i}@example.com")
        if title == "A1":  # this team reads its mail in English
            User.objects.filter(pk=application.applicant_id).update(language="en")
    track = ReviewStage.objects.get(call=call, code="track")
    finals = ReviewStage.objects.get(call=call, code="finals")
    open_stage(stage=track, actor=officer)
    for n in range(5):
        add_expert(call, f"judge{n}@example.com", officer=officer)
    run_assignment(stage=track, actor=officer, k=3)
    for a in Assignment.objects.filter(stage=track).select_related("application"):
        score_all(a, TEAMS[a.application.title][1])
    outcome = advance_stage(stage=track, actor=officer, tier_counts={"first": 1, "second": 1, "third": 1})
    assert (outcome.advanced, outcome.next_stage) == (4, finals)  # the first prize of each of the four tracks
    run_assignment(stage=finals, actor=officer, k=5, group_by_direction=True)
    for a in Assignment.objects.filter(stage=finals).select_related("application"):
        score_all(a, TEAMS[a.application.title][2] or 0)
    # One list for the whole call, whatever the track.
    assert ranking_rows(finals) == {"": [("B1", 1, 90.0), ("D1", 2, 85.0), ("A1", 3, 80.0), ("C1", 4, 60.0)]}
    return call, officer


def test_seed_001_finals_selection_needs_the_committees_tier_counts(finals_ranked: tuple[Call, User]) -> None:
    call, officer = finals_ranked
    with pytest.raises(SelectionError) as missing:
        run_selection(call=call, actor=officer)
    assert missing.value.code == "tier_count_missing"
    assert str(missing.value) == "本征集未说明一等奖、二等奖、三等奖的名额：请先填写，再计算遴选。"
    with translation.override("en"):
        assert str(run_selection_error(call, officer, {"first": 2})) == (
            "The call leaves the number of places open for Second prize, Third prize: enter them to compute the selection."
        )
    assert not SelectionRun.objects.filter(call=call).exists()  # nothing is saved from a refused run


def run_selection_error(call: Call, officer: User, counts: dict[str, int]) -> SelectionError:
    with pytest.raises(SelectionError) as refused:
        run_selection(call=call, actor=officer, tier_counts=counts)
    return refused.value


def test_seed_001_finals_rank_the_call_into_prize_tiers_through_notice_to_final(
    finals_ranked: tuple[Call, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    call, officer = finals_ranked
    run = run_selection(call=call, actor=officer, tier_counts=COUNTS)
    assert run.result["status"] == "optimal" and run.inputs["stage"] == "finals" and run.inputs["call_wide"] is True
    assert run.inputs["problem"]["tiers"] == [
        {"code": "first", "count": 1},
        {"code": "second", "count": 1},
        {"code": "third", "count": 1},
    ]
    tiers = {title_of(s["application"]): (s["tier"], s["rank"], s["group"]) for s in run.result["selected"]}
    # Two finalists of different tracks are compared in one list: B1 (track 2) first, D1 (track 4) second.
    assert tiers == {"B1": ("first", 1, ""), "D1": ("second", 2, ""), "A1": ("third", 3, "")}
    listed = explained_rows(run)  # the finals' order, each with its track
    assert [(r.application.title, r.group, r.rank) for r in listed] == [
        ("B1", "SME202302", 1),
        ("D1", "SME202304", 2),
        ("A1", "SME202301", 3),
        ("C1", "SME202303", 4),
    ]
    rows = {r.application.title: r for r in listed}
    assert rows["B1"].tier == "一等奖" and rows["B1"].reasons == ["全国总决赛第 1 名；一等奖，共 1 个名额"]
    assert rows["C1"].reasons == ["全国总决赛第 4 名；奖项名额已满（一等奖 1、二等奖 1、三等奖 1）"]
    with translation.override("en"):
        rows = {r.application.title: r for r in explained_rows(run)}
        assert rows["D1"].reasons == ["Rank 2 of National finals; Second prize, 1 place(s)"]
        assert rows["C1"].reasons == [
            "Rank 4 of National finals; every prize place is taken (First prize 1, Second prize 1, Third prize 1)"
        ]
    # A pin is the committee departing from the order: C1 takes the third prize, A1 gives way.
    ids = {a.title: a.pk for a in Application.objects.filter(call=call)}
    pinned = run_selection(call=call, actor=officer, tier_counts=COUNTS, pins=[ids["C1"]])
    assert {title_of(s["application"]): s["tier"] for s in pinned.result["selected"]} == {
        "B1": "first",
        "D1": "second",
        "C1": "third",
    }
    # The committee approves the run that follows the finals' order.
    awards = approve_run(run=run, actor=officer)
    assert sorted((a.application.title, a.tier, a.rank) for a in awards) == [
        ("A1", "third", 3),
        ("B1", "first", 1),
        ("D1", "second", 2),
    ]
    assert SelectionRun.objects.get(pk=pinned.pk).status == RunStatus.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish_results(call=call, actor=officer, now=START)
    # Every team reviewed in the contest gets a letter in its language, naming the tier.
    assert len(mail.outbox) == len(TEAMS)
    letters = {Application.objects.get(applicant__email=m.to[0]).title: m for m in mail.outbox}
    assert letters["A1"].subject.startswith("Selected:") and "Prize tier: Third prize." in letters["A1"].body
    assert letters["B1"].subject.startswith("入选：") and "奖项等级：一等奖。" in letters["B1"].body
    assert "奖项等级：二等奖。" in letters["D1"].body
    assert {t for t, m in letters.items() if "您的申请本次未入选。" in m.body} == {"A2", "B2", "C1"}
    # The public results page lists the winners by prize tier, best first.
    page = Client().get(f"/calls/{call.code}/results/").content.decode()
    first, second, third = (page.index(f'data-tier="{t}"') for t in ("first", "second", "third"))
    cell = "<td>{}</td>".format
    assert first < page.index(cell("B1")) < second < page.index(cell("D1")) < third < page.index(cell("A1"))
    assert cell("C1") not in page and page.count("data-award=") == 3
    # An objection: A1's presenter at the finals was not a student (the contest requires students); upheld.
    a1 = Award.objects.get(application__title="A1")
    objection = file_objection(
        notice=notice,
        award=a1,
        name="异议人",
        email="objector@example.com",
        organisation="某大学",
        text="A1 团队的答辩人员并非在校学生。",
        now=START + dt.timedelta(days=1),
    )
    with pytest.raises(SelectionError):
        close_notice(call=call, actor=officer, now=START + dt.timedelta(days=8))  # an objection waits
    decide_objection(objection=objection, upheld=True, outcome="经核实，答辩人为企业员工，取消三等奖。", actor=officer)
    assert close_notice(call=call, actor=officer, now=START + dt.timedelta(days=8)) == {"final": 2, "revoked": 1}
    assert dict(Award.objects.values_list("application__title", "status")) == {
        "B1": AwardStatus.FINAL,
        "D1": AwardStatus.FINAL,
        "A1": AwardStatus.REVOKED,
    }
    # Seed 001 states no agreement terms and no KPIs: prizes are certificates and prize money, nothing to sign.
    assert open_agreements(call=call, actor=officer) == 0 and not Agreement.objects.exists()
    assert start_projects(call=call, actor=officer) == 0 and not Project.objects.exists()
    assert [a for a in actions(call) if a.startswith(("shenbao.selection", "shenbao.results"))] == [
        "shenbao.selection.run",
        "shenbao.selection.run",
        "shenbao.selection.approved",
        "shenbao.results.published",
        "shenbao.results.objection_filed",
        "shenbao.results.objection_decided",
        "shenbao.results.final",
    ]
    approved = AuditEntry.objects.get(action="shenbao.selection.approved")
    assert approved.data == {"run": run.pk, "awards": 3, "from": "proposed", "to": "approved", "object": run.pk}
    assert approved.actor == officer
    notice = PublicNotice.objects.get(call=call)
    assert AuditEntry.objects.get(action="shenbao.results.final").data == {
        "final": 2,
        "revoked": 1,
        "from": "open",
        "to": "closed",
        "object": notice.pk,
    }


def test_seed_001_staff_enter_the_tier_counts_on_the_results_page(
    finals_ranked: tuple[Call, User], load_seed: Callable[[str], Call], client: Client
) -> None:
    call, officer = finals_ranked
    page = f"/staff/calls/{call.code}/results/"
    act = f"/staff/calls/{call.code}/results/act/"
    finalist = Application.objects.get(title="B1").applicant
    other_program = staff(load_seed("004"), email="other@example.com")  # an officer of another program
    judge = User.objects.get(email="judge0@example.com")
    assert Client().get(page).status_code == 302  # anonymous: to the login page
    for outsider in (finalist, other_program, judge):
        c = Client()
        c.force_login(outsider)
        assert c.get(page).status_code == 404
        assert c.post(act, {"action": "run", "tier-first": "1", "tier-second": "1", "tier-third": "1"}).status_code == 404
    assert not SelectionRun.objects.exists()
    client.force_login(officer)
    html = client.get(page).content.decode()
    assert 'name="tier-first"' in html and "每个奖项的名额" in html
    # From the finals ranking mapped to the tiers, a link carries the committee's numbers over.
    finals = ReviewStage.objects.get(call=call, code="finals")
    ranking = client.get(f"/staff/stages/{finals.pk}/ranking/?tier-first=1&tier-second=2&tier-third=3").content.decode()
    link = f"/staff/calls/{call.code}/results/?tier-first=1&amp;tier-second=2&amp;tier-third=3"
    assert f'href="{link}"' in ranking and "按这些名额计算遴选" in ranking
    carried = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'id="id_tier_second" class="narrow" value="2"' in carried
    refused = client.post(act, {"action": "run", "tier-first": "1", "tier-second": "x"}, follow=True).content.decode()
    assert "本征集未说明二等奖、三等奖的名额" in refused and not SelectionRun.objects.exists()
    client.post(act, {"action": "run", "tier-first": "1", "tier-second": "1", "tier-third": "2"})
    run = SelectionRun.objects.get()
    assert {title_of(s["application"]): s["tier"] for s in run.result["selected"]} == {
        "B1": "first",
        "D1": "second",
        "A1": "third",
        "C1": "third",
    }
    html = client.get(page).content.decode()
    assert "全国总决赛第 4 名；三等奖，共 2 个名额" in html and 'value="2"' in html  # the counts stay as entered


# --- seed 004 ------------------------------------------------------------------------------

LISTS = {
    "先锋一": ("enterprise-pioneer-engine", True, 9),
    "先锋二": ("enterprise-pioneer-engine", True, 7),
    "先锋三": ("enterprise-pioneer-engine", False, None),
    "园区一": ("government-sci-tech-park", True, 6),
    "园区二": ("government-sci-tech-park", False, None),
}


@pytest.fixture
def final_reviewed(load_seed: Callable[[str], Call]) -> tuple[Call, User]:
    """Seed 004: the chair-signed shortlist in the final review, scored by the jury."""
    call = load_seed("004")
    officer = staff(call)
    chair = staff(call, ProgramRoleKind.COMMITTEE_CHAIR, "chair@example.com")
    for i, (title, (code, _short, _score)) in enumerate(LISTS.items()):
        application = checked_application(call, direction=code, title=title, email=f"entry{i}@example.com")
        if title == "先锋一":  # a foreign entry, in English
            User.objects.filter(pk=application.applicant_id).update(language="en")
    screening = ReviewStage.objects.get(call=call, code="screening")
    final = ReviewStage.objects.get(call=call, code="final")
    open_stage(stage=screening, actor=officer)
    ids = dict(StageEntry.objects.filter(stage=screening).values_list("application__title", "application_id"))
    for code in ("enterprise-pioneer-engine", "government-sci-tech-park"):
        shortlisted = [ids[t] for t, (c, short, _s) in LISTS.items() if c == code and short]
        sign_off_shortlist(stage=screening, direction=call.directions.get(code=code), advanced=shortlisted, actor=chair)
    assert advance_stage(stage=screening, actor=officer).advanced == 3
    for n in range(3):
        add_expert(call, f"jury{n}@example.com", officer=officer)
    run_assignment(stage=final, actor=officer, k=3)
    for a in Assignment.objects.filter(stage=final).select_related("application"):
        score_all(a, LISTS[a.application.title][2] or 0)
    return call, officer


def test_seed_004_final_review_honours_per_list_through_notice_to_final(
    final_reviewed: tuple[Call, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    call, officer = final_reviewed
    # The lists state no number of honourees and no tiers: every finalist the rules allow is proposed.
    proposed = run_selection(call=call, actor=officer)
    assert proposed.inputs["call_wide"] is False and proposed.inputs["problem"]["tiers"] == []
    assert sorted((title_of(s["application"]), s["group"], s["rank"], s["tier"]) for s in proposed.result["selected"]) == [
        ("先锋一", "enterprise-pioneer-engine", 1, ""),
        ("先锋二", "enterprise-pioneer-engine", 2, ""),
        ("园区一", "government-sci-tech-park", 1, ""),
    ]
    # The jury honours one per list this year: staff exclude the second of the pioneer list.
    ids = {a.title: a.pk for a in Application.objects.filter(call=call)}
    run = run_selection(call=call, actor=officer, excludes=[ids["先锋二"]])
    rows = {r.application.title: r for r in explained_rows(run)}
    assert rows["先锋二"].reasons == ["由工作人员排除"] and rows["先锋二"].selected is False
    with translation.override("en"):
        assert [r.reasons for r in explained_rows(run) if r.application.title == "先锋一"] == [
            ["Rank 1 in enterprise-pioneer-engine, within the quota"]
        ]
    approve_run(run=run, actor=officer)
    assert SelectionRun.objects.get(pk=proposed.pk).status == RunStatus.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish_results(call=call, actor=officer, now=START)
    assert len(mail.outbox) == len(LISTS)  # screened entries are told too
    letters = {Application.objects.get(applicant__email=m.to[0]).title: m for m in mail.outbox}
    assert letters["先锋一"].subject.startswith("Selected:") and "Your application was selected." in letters["先锋一"].body
    assert "Prize tier" not in letters["先锋一"].body
    assert letters["园区一"].subject.startswith("入选：")
    assert {t for t, m in letters.items() if "您的申请本次未入选。" in m.body} == {"先锋二", "先锋三", "园区二"}
    page = Client().get(f"/calls/{call.code}/results/").content.decode()
    assert page.count("data-award=") == 2 and "data-tier=" not in page
    assert page.index("<td>先锋一</td>") < page.index("<td>园区一</td>")  # in the order of the lists
    objection = file_objection(
        notice=notice,
        award=Award.objects.get(application__title="园区一"),
        name="异议人",
        email="o@example.com",
        organisation="",
        text="园区三年内发生重大负面事件。",
        now=START + dt.timedelta(days=2),
    )
    decide_objection(objection=objection, upheld=False, outcome="经核实，所称事件不属实。", actor=officer)
    assert close_notice(call=call, actor=officer, now=START + dt.timedelta(days=8)) == {"final": 2, "revoked": 0}
    assert set(Award.objects.values_list("status", flat=True)) == {AwardStatus.FINAL}
    # Seed 004 honours with certificates and trophies: no agreement, no project.
    assert open_agreements(call=call, actor=officer) == 0 and not Agreement.objects.exists()
    assert start_projects(call=call, actor=officer) == 0 and not Project.objects.exists()
    decided = AuditEntry.objects.get(action="shenbao.results.objection_decided")
    assert decided.data["upheld"] is False and decided.actor == officer
    assert AuditEntry.objects.filter(action="shenbao.selection.run").count() == 2


def test_selecting_across_tracks_from_per_track_rankings_is_refused_with_the_reason(db: None) -> None:
    """A definition that selects across directions while its last ranked stage ranks each direction on
    its own (here seed 001 without its finals having anyone in them, and ``selection.per_direction``
    false) is the one combination the optimiser refuses: it says why and saves nothing."""
    from shenbao.calls.definition.load import parse_file
    from shenbao.calls.definitions import SEED_FILES
    from shenbao.calls.services.definitions import load_call_definition

    definition = parse_file(SEED_FILES["001"])
    across = definition.model_copy(update={"selection": definition.selection.model_copy(update={"per_direction": False})})
    call = load_call_definition(definition=across, source="test").call
    officer = staff(call)
    for i, (title, track) in enumerate([("甲", "SME202301"), ("乙", "SME202302")]):
        checked_application(call, direction=track, title=title, email=f"x{i}@example.com")
    track = ReviewStage.objects.get(call=call, code="track")
    open_stage(stage=track, actor=officer)
    add_expert(call, "judge@example.com", officer=officer)
    run_assignment(stage=track, actor=officer, k=1)
    for a in Assignment.objects.filter(stage=track):
        score_all(a, 8)
    with pytest.raises(SelectionError) as refused:
        run_selection(call=call, actor=officer, tier_counts=COUNTS)
    assert refused.value.code == "call_wide_selection_needs_call_wide_ranking"
    assert str(refused.value).startswith("本征集跨全部方向遴选，但最后一个评审阶段按方向分别排序")
    assert not SelectionRun.objects.exists()
