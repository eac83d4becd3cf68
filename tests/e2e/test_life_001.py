"""The whole life of seed 001 (企校协同创新大赛, 中小企通〔2023〕49号), through the services and the pages
a real user opens: registration in several tracks, a withdrawal, the deadline, a late submission,
the formal check and an upheld 复审, the track contests with the committee's prize counts, the
national finals judged live, call-wide prize tiers, publication, and afterwards.

The call's timeline is the seed's moved to 2026 (opens 20 July, registration closes 30 September):
the services take explicit ``now=`` moments, and the pages (which read the clock) are visited
after the deadline, as they would be today.  Results are published on 2026-12-03, so an agreement
term of 30 working days reaches 2027, which the holiday package does not hold yet.

Seed 001 states neither 复审 nor agreements.  The test asserts that on the seed's own terms neither
is offered, then adds each by loading a changed definition (``load_call_definition``), as a
program office amending its call would, to walk the path the brief asks for; each place says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import open_agreements
from shenbao.agreements.services.stages import publish_results_and_open_agreements
from shenbao.applications.enums import ApplicationState
from shenbao.applications.errors import CallNotOpen, DeadlinePassed, NotEligible
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.submission import issue_late_token, submit_application
from shenbao.applications.services.team import invite_team_member, respond_to_invitation
from shenbao.awards.enums import AwardStatus, ReconsiderationStatus
from shenbao.awards.models import Award, Reconsideration
from shenbao.awards.services.decisions import approve_run
from shenbao.awards.services.reconsideration import decide_reconsideration, reconsideration_window
from shenbao.awards.services.selection import run_selection
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.errors import StageNotYetPossible
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.services.definitions import load_call_definition
from shenbao.core.models import AuditEntry
from shenbao.core.services.calendar import save_calendar_year
from shenbao.core.workdays import WorkCalendar
from shenbao.projects.progress import progress_of
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.models import Assignment, StageEntry
from shenbao.reviews.services.advancement import advance_stage
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions
from tests.conftest import seed_data
from tests.e2e.test_review_flows import ranking_rows, staff
from tests.reviews.fixtures import add_expert, checked_application, score_all

BEIJING = ZoneInfo("Asia/Shanghai")
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}
CODE = "life-001"
DEADLINE = dt.datetime(2026, 10, 1, 0, 0, tzinfo=BEIJING)  # "报名截止日期为 9月 30日": 24:00 of that day
SEPTEMBER = dt.datetime(2026, 9, 15, 10, 0, tzinfo=BEIJING)
PUBLISHED = dt.datetime(2026, 12, 3, 10, 0, tzinfo=BEIJING)
D = dt.date

# title → (track, track score, finals score or None where the team does not reach the finals)
TEAMS = {
    "信息一": ("SME202301", 9, 8),
    "信息二": ("SME202301", 8, 7),
    "信息三": ("SME202301", 7, None),
    "信息四": ("SME202301", 6, None),
    "机器人一": ("SME202302", 8, 9),  # alone in its track: fewer teams than the prize places
    "半导体一": ("SME202304", 9, 8.5),
}
LATE = ("半导体迟交", "SME202304", 6, 6)  # submits on the web with a late-submission token
RECONSIDERED = ("新能源一", "SME202303", 7, 7.5)  # fails the formal check, 复审 upheld
WITHDRAWN = ("网安一", "SME202305")  # withdraws before the deadline
REFUSED = ("孪生一", "SME202306")  # its presenter is a teacher: refused at submission
#: The committee's places per prize tier in each track (the seed states none).
TRACK_COUNTS = {"first": 2, "second": 1, "third": 1}
#: The committee's places per prize tier at the national finals.
FINALS_COUNTS = {"first": 1, "second": 2, "third": 2}
WITHDRAWAL_REFUSED = "The results of this call have been published: the application can no longer be withdrawn."


def definition_data(**extra: Any) -> dict[str, Any]:
    """Seed 001 as written, open, on the seed's dates moved to 2026; ``extra`` adds top-level terms
    (or ``reconsideration_days`` to the selection) the seed does not state."""
    data = seed_data("001")
    data["call"]["code"] = CODE
    data["call"]["status"] = "open"
    data["timeline"] = [
        {"kind": "opens", "at": "2026-07-20T00:00"},
        {"kind": "deadline", "at": "2026-10-01T00:00"},
    ]
    if "reconsideration_days" in extra:
        data["selection"]["reconsideration_days"] = extra.pop("reconsideration_days")
    data.update(extra)
    return data


def load(data: dict[str, Any]) -> Call:
    return load_call_definition(definition=parse_definition(data)).call


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def university(name: str) -> Organisation:
    return create_organisation(name={"zh-hans": f"{name}大学", "en": f"{name} University"}, type=OrgType.UNIVERSITY)


def form_values(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "declarations": ["enterprise-problem"],
        "values": {"enterprise_problem": f"{title}：企业的难点技术问题。", "results": f"{title}：创新性成果。"},
    }


def build_team(application: Application, *, presenter_role: str = "student") -> None:
    """Invite the "高校师生+企业专家" team and have each accept; the presenter has ``presenter_role``."""
    n = application.pk
    people = [("faculty", f"t{n}@example.com"), ("student", f"s{n}@example.com"), ("enterprise_expert", f"x{n}@example.com")]
    for role, email in people:
        member = invite_team_member(
            application=application,
            email=email,
            name=email.split("@")[0],
            role=role,
            presenter=role == presenter_role,
            actor=application.applicant,
        )
        respond_to_invitation(token=member.token, accept=True, user=register_user(email=email, password=None, name=role))


def register_team(call: Call, title: str, track: str, *, now: dt.datetime, presenter_role: str = "student") -> Application:
    """A university teacher registers a team in ``track`` and fills the form (not submitted yet)."""
    n = Application.objects.count()
    applicant = register_user(email=f"team{n}@example.com", password="pass-Word-123", name=f"{title}负责人")
    organisation = university(title)
    add_membership(user=applicant, organisation=organisation, role=MembershipRole.MEMBER)
    application = start_application(
        call=call, direction=call.directions.get(code=track), applicant=applicant, lead_organisation=organisation, now=now
    )
    save_draft(application=application, changes=form_values(title), expected_version=application.version, actor=applicant)
    build_team(application, presenter_role=presenter_role)
    application.refresh_from_db()
    return application


def walk_to_publication(django_capture_on_commit_callbacks: Callable[..., Any]) -> dict[str, Any]:
    """From the call's opening to the published results; every step asserted on the way."""
    call = load(definition_data())
    officer = staff(call)

    # --- registration, before the deadline -----------------------------------------------------
    apps: dict[str, Application] = {}
    for title, (track, _score, _finals) in TEAMS.items():
        apps[title] = register_team(call, title, track, now=SEPTEMBER)
        submit_application(application=apps[title], actor=apps[title].applicant, now=SEPTEMBER)
    apps[RECONSIDERED[0]] = register_team(call, RECONSIDERED[0], RECONSIDERED[1], now=SEPTEMBER)
    submit_application(application=apps[RECONSIDERED[0]], actor=apps[RECONSIDERED[0]].applicant, now=SEPTEMBER)
    assert set(Application.objects.values_list("state", flat=True)) == {ApplicationState.SUBMITTED}

    # The edge of the team rule: a teacher presents.  The seed: "答辩人员应由高校学生担任".
    refused = register_team(call, REFUSED[0], REFUSED[1], now=SEPTEMBER, presenter_role="faculty")
    with pytest.raises(NotEligible) as not_eligible:
        submit_application(application=refused, actor=refused.applicant, now=SEPTEMBER)
    assert not_eligible.value.failed == ["team-composition"]
    with translation.override("zh-hans"):
        assert "答辩人员应由高校学生担任" in str(not_eligible.value)
    refused.refresh_from_db()
    assert refused.state == ApplicationState.DRAFT
    refused_pi = client_for(refused.applicant)
    for headers, line in (
        (EN, '<span class="badge">Fail</span> Presenters must be: student.</li>'),
        (ZH, '<span class="badge">不通过</span> 答辩人须为：学生。</li>'),
    ):
        panel = refused_pi.get(reverse("web:application_eligibility", args=[refused.pk]), headers=headers).content.decode()
        assert f'<li class="outcome-fail" data-rule="team-composition">{line}' in panel

    # One team withdraws before the deadline, on the web (the page offers it, with a reason).  Withdrawal
    # asks for no window (it is open until the results are published), so the page read today will do.
    withdrawn = register_team(call, WITHDRAWN[0], WITHDRAWN[1], now=SEPTEMBER)
    submit_application(application=withdrawn, actor=withdrawn.applicant, now=SEPTEMBER)
    pi = client_for(withdrawn.applicant)
    page = pi.get(reverse("web:application", args=[withdrawn.pk]), headers=EN).content.decode()
    assert reverse("web:application_withdraw", args=[withdrawn.pk]) in page
    pi.post(reverse("web:application_withdraw", args=[withdrawn.pk]), {"reason": "企业专家调离"}, headers=EN)
    withdrawn.refresh_from_db()
    assert withdrawn.state == ApplicationState.WITHDRAWN

    # Review cannot open while teams may still register: the reason names the deadline.  open_stage
    # reads the clock (it takes no ``now``), so the clock is set to September for this one call.
    track = ReviewStage.objects.get(call=call, code="track")
    finals = ReviewStage.objects.get(call=call, code="finals")
    desk = client_for(officer)
    with mock.patch("django.utils.timezone.now", return_value=SEPTEMBER):
        with translation.override("zh-hans"), pytest.raises(StageNotYetPossible) as early:
            open_stage(stage=track, actor=officer)
        assert str(early.value) == "截止时间 2026-09-30 24:00（北京时间）前仍在接收申报；请先关闭征集。"
        overview = desk.get(reverse("web:review_overview", args=[call.code]), headers=EN).content.decode()
        reason = (
            "Applications are still being submitted until the deadline (2026-09-30 24:00 Beijing time); close the call first."
        )
        assert f'<p class="help" data-not-ready="review">{reason}</p>' in overview
        assert f'disabled title="{reason}"' in overview
        desk.post(reverse("web:stage_open", args=[track.pk]))  # the button disabled, the server refuses alike
    assert not StageEntry.objects.exists()

    # --- the deadline ---------------------------------------------------------------------------
    latecomer = register_user(email="late@example.com", password="pass-Word-123", name="迟到的老师")
    late_university = university("迟到")
    add_membership(user=latecomer, organisation=late_university)
    with translation.override("en"), pytest.raises(CallNotOpen) as closed:
        start_application(
            call=call, direction=call.directions.get(code=LATE[1]), applicant=latecomer, now=DEADLINE + dt.timedelta(minutes=1)
        )
    with translation.override("en"):  # the reason is put in words when refused, the sentence around it when read
        assert str(closed.value) == (
            "This call is not open for applications: The deadline (2026-09-30 24:00 Beijing time) has passed."
        )
    late_client = client_for(latecomer)
    for headers, reason in ((EN, "The deadline (2026-09-30 24:00 Beijing time) has passed."), (ZH, "已过")):
        apply_page = late_client.get(reverse("web:apply", args=[call.code]), headers=headers).content.decode()
        assert reason in apply_page and "disabled" in apply_button(apply_page)
    late_client.post(reverse("web:apply", args=[call.code]), {"direction": call.directions.get(code=LATE[1]).pk})
    assert not Application.objects.filter(applicant=latecomer).exists()

    # A late-submission token: the holder starts and submits on the web (issue 13.4).
    issue_late_token(call=call, applicant=latecomer, hours=48, reason="报名系统故障", actor=officer)
    apply_page = late_client.get(reverse("web:apply", args=[call.code]), headers=EN).content.decode()
    assert "disabled" not in apply_button(apply_page) and "your extension lets you submit until" in apply_page
    late_client.post(reverse("web:apply", args=[call.code]), {"direction": call.directions.get(code=LATE[1]).pk})
    late = Application.objects.get(applicant=latecomer)
    late_client.post(
        reverse("web:application_save", args=[late.pk]),
        {
            "version": late.version,
            "title": LATE[0],
            "value__enterprise_problem": "碳化硅器件的良率问题。",
            "value__results": "新的外延工艺。",
            "declare__enterprise-problem": "on",
            "lead_organisation": late_university.pk,
        },
    )
    late.refresh_from_db()
    assert (late.title, late.lead_organisation_id) == (LATE[0], late_university.pk)
    build_team(late)
    with django_capture_on_commit_callbacks(execute=True):
        late_client.post(reverse("web:application_submit", args=[late.pk]), {"key": "late-once"}, headers=EN)
    late.refresh_from_db()
    assert (late.state, late.title) == (ApplicationState.SUBMITTED, LATE[0])
    assert AuditEntry.objects.get(action="shenbao.application.submitted", object_id=str(late.pk)).data["late_token"] is not None
    apps[LATE[0]] = late

    # --- the call closes; the formal check ------------------------------------------------------
    close_submissions(call, officer)
    call.refresh_from_db()
    with pytest.raises(DeadlinePassed):  # the token no longer helps once staff closed the call
        submit_application(application=refused, actor=refused.applicant)
    failed = apps[RECONSIDERED[0]]
    desk.post(
        reverse("web:formal_check_decide", args=[call.code]),
        {"application": [failed.pk], "outcome": "fail", "reason": "缺少企业专家的在职证明。"},
    )
    passing = [a.pk for t, a in apps.items() if t != RECONSIDERED[0]]
    desk.post(reverse("web:formal_check_decide", args=[call.code]), {"application": passing, "outcome": "pass", "reason": ""})
    failed.refresh_from_db()
    assert failed.state == ApplicationState.CHECK_FAILED
    assert Application.objects.filter(pk__in=passing, state=ApplicationState.CHECK_PASSED).count() == len(passing) == 7

    # 复审: seed 001 states none, so the applicant is not offered one and a request is refused.
    failed_pi = client_for(failed.applicant)
    asked = reverse("web:application_reconsideration", args=[failed.pk])
    assert reconsideration_window(failed) is None
    assert asked not in failed_pi.get(reverse("web:application", args=[failed.pk]), headers=EN).content.decode()
    answer = failed_pi.post(asked, {"reason": "证明已在附件中。"}, headers=EN, follow=True).content.decode()
    assert "Reconsideration cannot be requested for this application now." in answer
    assert not Reconsideration.objects.exists()
    # The committee adds a ten-day 复审 to the call's terms (a changed definition; the seed is silent).
    call = load(definition_data(reconsideration_days=10))
    assert call.status == "closed"  # a new version of the definition never moves the status
    assert asked in failed_pi.get(reverse("web:application", args=[failed.pk]), headers=EN).content.decode()
    failed_pi.post(asked, {"reason": "证明已在附件中。"}, headers=EN)
    request = Reconsideration.objects.get(application=failed)
    decide_reconsideration(request=request, upheld=True, outcome="证明齐全，形式审查通过。", actor=officer)
    request.refresh_from_db()
    with translation.override("zh-hans"):
        assert (request.status, request.get_status_display()) == (ReconsiderationStatus.UPHELD, "复审成立")
    failed.refresh_from_db()
    assert failed.state == ApplicationState.CHECK_PASSED  # back where the decision sends it: into review

    # --- the track contests ---------------------------------------------------------------------
    assert open_stage(stage=track, actor=officer) == 8
    judges = [add_expert(call, f"judge{n}@example.com", officer=officer) for n in range(5)]
    run_assignment(stage=track, actor=officer, k=3)
    marks = {**{t: v[1] for t, v in TEAMS.items()}, LATE[0]: LATE[2], RECONSIDERED[0]: RECONSIDERED[2]}
    for a in Assignment.objects.filter(stage=track).select_related("application"):
        score_all(a, marks[a.application.title])
    assert ranking_rows(track) == {
        "SME202301": [("信息一", 1, 90.0), ("信息二", 2, 80.0), ("信息三", 3, 70.0), ("信息四", 4, 60.0)],
        "SME202302": [("机器人一", 1, 80.0)],
        "SME202303": [("新能源一", 1, 70.0)],
        "SME202304": [("半导体一", 1, 90.0), ("半导体迟交", 2, 60.0)],
    }
    # The committee enters its prize counts on the ranking page; first prizes go to the finals.
    ranking = desk.get(reverse("web:stage_ranking", args=[track.pk]), headers=EN).content.decode()
    assert 'name="tier-first"' in ranking
    desk.post(reverse("web:stage_advance", args=[track.pk]), {f"tier-{k}": str(v) for k, v in TRACK_COUNTS.items()})
    entries = {e.application.title: (e.status, e.reason.get("tier")) for e in StageEntry.objects.filter(stage=track)}
    assert entries == {
        "信息一": (EntryStatus.ADVANCED, "first"),
        "信息二": (EntryStatus.ADVANCED, "first"),
        "信息三": (EntryStatus.NOT_ADVANCED, "second"),
        "信息四": (EntryStatus.NOT_ADVANCED, "third"),
        # Short tracks: fewer teams than the places; each still takes its first prizes.
        "机器人一": (EntryStatus.ADVANCED, "first"),
        "新能源一": (EntryStatus.ADVANCED, "first"),
        "半导体一": (EntryStatus.ADVANCED, "first"),
        "半导体迟交": (EntryStatus.ADVANCED, "first"),
    }
    finalists = sorted(StageEntry.objects.filter(stage=finals).values_list("application__title", flat=True))
    assert finalists == sorted(["信息一", "信息二", "机器人一", "新能源一", "半导体一", "半导体迟交"])

    # --- the national finals, judged live -------------------------------------------------------
    run_assignment(stage=finals, actor=officer, k=5, group_by_direction=True)
    finals_marks = {t: v[2] for t, v in TEAMS.items() if v[2] is not None}
    finals_marks |= {LATE[0]: LATE[3], RECONSIDERED[0]: RECONSIDERED[3]}
    for a in Assignment.objects.filter(stage=finals).select_related("application"):
        score_all(a, finals_marks[a.application.title])
    screen = desk.get(reverse("web:live_reveal", args=[finals.pk]), headers=EN).content.decode()
    assert 'id="reveal-next"' in screen and "Reveal the next score" in screen and 'class="live-current"' in screen
    panel = desk.post(reverse("web:live_reveal_next", args=[finals.pk]), headers={**ZH, "HX-Request": "true"})
    assert 'class="live-score' in panel.content.decode() and "全国总决赛" in panel.content.decode()
    assert "data-score=" in desk.get(reverse("web:live_panel", args=[finals.pk]), headers=ZH).content.decode()
    assert ranking_rows(finals) == {
        "": [
            ("机器人一", 1, 90.0),
            ("半导体一", 2, 85.0),
            ("信息一", 3, 80.0),
            ("新能源一", 4, 75.0),
            ("信息二", 5, 70.0),
            ("半导体迟交", 6, 60.0),
        ]
    }

    # --- call-wide selection into prize tiers, approval, publication ----------------------------
    run = run_selection(call=call, actor=officer, tier_counts=FINALS_COUNTS)
    approve_run(run=run, actor=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notice, opened = publish_results_and_open_agreements(call=call, actor=officer, now=PUBLISHED)
    # Every team judged in the contest gets a letter naming its prize, or saying it won none.
    letters = {Application.objects.get(call=call, applicant__email=m.to[0]).title: m.body for m in mail.outbox}
    assert sorted(letters) == sorted(marks)
    assert "奖项等级：一等奖。" in letters["机器人一"] and "奖项等级：三等奖。" in letters["新能源一"]
    assert {t for t, body in letters.items() if "您的申请本次未入选。" in body} == {"信息三", "信息四", "半导体迟交"}
    assert notice.starts_at == PUBLISHED
    assert opened == 0 and not Agreement.objects.exists()  # seed 001: certificates and prize money, nothing to sign
    awards = {a.application.title: (a.tier, a.status) for a in Award.objects.select_related("application")}
    assert awards == {
        "机器人一": ("first", AwardStatus.PUBLISHED),
        "半导体一": ("second", AwardStatus.PUBLISHED),
        "信息一": ("second", AwardStatus.PUBLISHED),
        "新能源一": ("third", AwardStatus.PUBLISHED),
        "信息二": ("third", AwardStatus.PUBLISHED),
    }
    public = Client().get(reverse("web:call_results", args=[call.code])).content.decode()
    assert public.count("data-award=") == 5 and "<td>半导体迟交</td>" not in public
    return {"call": call, "officer": officer, "apps": apps, "judges": judges, "notice": notice}


def apply_button(page: str) -> str:
    return page.split('class="form"')[1].split('<button type="submit"')[1].split(">")[0]


def test_seed_001_life_from_registration_to_published_prizes(
    db: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    world = walk_to_publication(django_capture_on_commit_callbacks)
    call, apps = world["call"], world["apps"]
    winner = apps["机器人一"]

    # Withdrawal is refused after publication, on the web and through the API, with the reason.
    pi = client_for(winner.applicant)
    page = pi.get(reverse("web:application", args=[winner.pk]), headers=EN).content.decode()
    assert reverse("web:application_withdraw", args=[winner.pk]) not in page
    # Regression: the reason told the team to "decline the award instead", a path seed 001 does not have.
    for headers, reason in ((EN, WITHDRAWAL_REFUSED), (ZH, "本征集的结果已经公布，申请不能再撤回。")):
        refused = pi.post(
            reverse("web:application_withdraw", args=[winner.pk]), {"reason": "不参加了"}, headers=headers, follow=True
        )
        assert reason in refused.content.decode() and "decline" not in refused.content.decode()
        assert "放弃资助" not in refused.content.decode()
    response = api_for(winner.applicant).post(
        f"/api/v1/applications/{winner.pk}/withdraw/", {"reason": "不参加了"}, format="json", headers=EN
    )
    assert (response.status_code, response.json()) == (400, {"code": "withdrawal_refused", "detail": WITHDRAWAL_REFUSED})
    winner.refresh_from_db()
    assert (winner.state, winner.award.status) == (ApplicationState.CHECK_PASSED, AwardStatus.PUBLISHED)

    # Seed 001 has no agreements: declining an award goes through the agreement, so it is not offered.
    assert "/decline/" not in page and "data-decline" not in page

    # "My applications" shows the furthest stage, in both languages, and the API's progress agrees.
    for headers, label in ((ZH, "已入选"), (EN, "Awarded")):
        listing = pi.get(reverse("web:my_applications"), headers=headers).content.decode()
        row = listing.split(f'data-application="{winner.pk}"')[1].split("</tr>")[0]
        assert 'data-stage="awarded"' in row and label in row
        assert f'href="{reverse("web:application", args=[winner.pk])}"' in row
        assert f'href="{reverse("web:call_results", args=[call.code])}"' in row
        told = {"zh-hans": "结果已公布；本征集无需签订协议。", "en": "The results are published; this call signs no agreement."}
        language = "zh-hans" if headers is ZH else "en"
        assert f'<td class="next">{told[language]}</td>' in row
    progress = api_for(winner.applicant).get(f"/api/v1/applications/{winner.pk}/", headers=EN).json()["progress"]
    assert (progress["stage"], progress["label"]) == ("awarded", "Awarded")
    assert progress["links"] == {"results": reverse("web:call_results", args=[call.code])}
    # Regression: "the agreement will be opened for signing" was promised where the call has none.
    assert progress["next"] == "The results are published; this call signs no agreement."
    steps = {s["code"]: s["status"] for s in progress["steps"]}
    assert steps["stage:track"] == steps["stage:finals"] == steps["result"] == "done"
    timeline = pi.get(reverse("web:application", args=[winner.pk]), headers=EN).content.decode()
    assert 'data-step="result" data-status="done"' in timeline

    loser = apps["半导体迟交"]
    row = client_for(loser.applicant).get(reverse("web:my_applications"), headers=EN).content.decode()
    assert f'data-application="{loser.pk}" data-stage="not_selected"' in row
    assert api_for(loser.applicant).get(f"/api/v1/applications/{loser.pk}/").json()["progress"]["stage"] == "not_selected"


def agreement_terms() -> dict[str, Any]:
    """Agreement terms seed 001 does not have: 30 working days from publication, reserves offered."""
    return {
        "required": True,
        "deadline": {"working_days": 30, "from_event": "results_published"},
        "forfeit_automatically": False,
        "offer_to_reserve": True,
        "parties": ["funder", "pi", "institution"],
    }


@pytest.mark.skipif(
    2027 in WorkCalendar.from_package().covered_years(), reason="the package now holds 2027: move PUBLISHED a year on"
)
def test_seed_001_with_agreement_terms_added_declines_and_recomputes_a_provisional_deadline(
    db: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    world = walk_to_publication(django_capture_on_commit_callbacks)
    call, officer, apps = world["call"], world["officer"], world["apps"]
    # Seed 001 has no agreements (asserted in the walk).  To walk the agreement path the test loads
    # the call's definition again with agreement terms added; the term counts from the publication.
    call = load(definition_data(reconsideration_days=10, agreement=agreement_terms()))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert open_agreements(call=call, actor=officer, now=PUBLISHED + dt.timedelta(days=1)) == 5
    # 2026-12-04…12-31: 20 working days; 2027 counted Monday to Friday: 01-01, 01-04…01-08, 01-11…01-14.
    assert set(Agreement.objects.values_list("starts_on", "deadline", "deadline_provisional")) == {
        (D(2026, 12, 3), D(2027, 1, 14), True)
    }
    assert len(mail.outbox) == 5 and all("临时" in m.body or "provisional" in m.body for m in mail.outbox)
    desk = client_for(officer)
    listing = desk.get(f"/staff/calls/{call.code}/agreements/", headers=EN).content.decode()
    assert "Provisional deadlines: 5." in listing
    assert (
        "Agreements: 5 with a provisional deadline" in desk.get(f"/staff/calls/{call.code}/results/", headers=EN).content.decode()
    )

    # A prize winner declines; seed 001 keeps no reserve list, so nobody is offered the place.
    decliner = apps["信息二"]
    agreement = Agreement.objects.get(award__application=decliner)
    pi = client_for(decliner.applicant)
    assert "data-decline" in pi.get(f"/agreements/{agreement.pk}/", headers=EN).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pi.post(f"/agreements/{agreement.pk}/decline/", {"reason": "团队成员毕业", "confirm": "yes"})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.decline_reason) == (AgreementStatus.DECLINED, "团队成员毕业")
    assert Award.objects.get(application=decliner).status == AwardStatus.REVOKED
    assert Award.objects.filter(call=call).count() == 5  # no reserve offered: the run has no reserve list
    assert [m.to for m in mail.outbox] == [[officer.email]]

    # Entering 2027 computes the provisional deadlines again, never earlier than the day sent.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        save_calendar_year(actor=None, year=2027, holidays=[D(2027, 1, 1)], makeup_workdays=[])
    open_ones = Agreement.objects.exclude(status=AgreementStatus.DECLINED)
    assert set(open_ones.values_list("deadline", "deadline_provisional")) == {(D(2027, 1, 15), False)}
    recomputed = AuditEntry.objects.filter(action="shenbao.agreement.deadline_recomputed")
    assert (
        sorted((e.data["before"], e.data["deadline"], e.data["year"]) for e in recomputed)
        == [("2027-01-14", "2027-01-15", 2027)] * 4
    )  # later by the New Year holiday; a recomputation never moves a sent day earlier (test_agreement_provisional)
    assert len(mail.outbox) == 4
    assert "data-provisional-warning" not in desk.get(f"/staff/calls/{call.code}/agreements/").content.decode()

    # "My applications" links the agreement; the API's progress agrees.
    winner = apps["机器人一"]
    row = client_for(winner.applicant).get(reverse("web:my_applications"), headers=EN).content.decode()
    row = row.split(f'data-application="{winner.pk}"')[1].split("</tr>")[0]
    link = reverse("web:agreement", args=[winner.award.agreement.pk])
    assert 'data-stage="agreement_pending"' in row and f'href="{link}"' in row
    progress = api_for(winner.applicant).get(f"/api/v1/applications/{winner.pk}/", headers=EN).json()["progress"]
    assert (progress["stage"], progress["next"]) == ("agreement_pending", "Confirm and sign the agreement before its deadline.")
    assert progress["links"] == {"results": reverse("web:call_results", args=[call.code]), "agreement": link}
    steps = {s["code"]: (s["status"], s["detail"]) for s in progress["steps"]}
    assert steps["agreement"] == ("current", "Sign by 2027-01-15") and steps["project"] == ("waiting", "")
    declined = api_for(decliner.applicant).get(f"/api/v1/applications/{decliner.pk}/").json()["progress"]
    assert declined["stage"] == "agreement_declined"
    assert {s["code"]: s["status"] for s in declined["steps"]}["result"] == "failed"
    assert timezone.now() > DEADLINE  # the pages above were read after the deadline, as the walk assumes


def test_seed_001_progress_shows_no_agreement_step_for_a_call_without_agreements(db: None) -> None:
    call = load(definition_data())
    officer = staff(call)
    winner = checked_application(call, direction="SME202302", title="机器人一", email="robot@example.com")
    close_submissions(call, officer)
    track = ReviewStage.objects.get(call=call, code="track")
    finals = ReviewStage.objects.get(call=call, code="finals")
    open_stage(stage=track, actor=officer)
    add_expert(call, "judge@example.com", officer=officer)
    for stage in (track, finals):
        if stage == finals:
            assert advance_stage(stage=track, actor=officer, tier_counts=TRACK_COUNTS).advanced == 1
        run_assignment(stage=stage, actor=officer, k=1)
        for a in Assignment.objects.filter(stage=stage):
            score_all(a, 9)
    approve_run(run=run_selection(call=call, actor=officer, tier_counts=FINALS_COUNTS), actor=officer)
    publish_results_and_open_agreements(call=call, actor=officer, now=PUBLISHED)
    steps = [s.code for s in progress_of(Application.objects.get(pk=winner.pk)).steps]
    assert steps == ["submitted", "formal_check", "stage:track", "stage:finals", "result"]
