"""The whole life of seed 004 (澎湃 2025 科创先锋案例征集): 3 categories, 8 lists, 初审 signed by the
committee chair, then 终审.  Organisations enter several lists by self-nomination and expert
recommendation; one entry is withdrawn before the deadline (2025-11-20 24:00 Beijing); a late
token holder enters on the web; the formal check fails one entry and its 复审 is upheld; the chair
signs the shortlist; the jury ranks; the honourees are selected and published; withdrawal is then
refused; an honouree declines and the reserve is offered; "My applications" and the API agree.

Services take explicit ``now=`` instants on the seed's own timeline; the web pages run on today's
clock, which is after the seed's deadline (the late-token and post-publication steps need that).
The results are published on 2026-12-01 rather than in December 2025 as the seed plans, so that the
30 working days of the agreement terms the test adds reach 2027, which the holiday calendar lacks."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import agreement_terms, open_agreements
from shenbao.agreements.services.reserves import decline_award
from shenbao.agreements.services.stages import publish_results_and_open_agreements
from shenbao.applications.enums import ApplicationState
from shenbao.applications.errors import CallNotOpen, DeadlinePassed, FileRefused, NotEligible
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.parts import attach_file, attach_share_link
from shenbao.applications.services.submission import issue_late_token, submit_application
from shenbao.awards.enums import AwardStatus, RunStatus
from shenbao.awards.errors import SelectionError, WithdrawalRefused
from shenbao.awards.models import Award, Reconsideration
from shenbao.awards.services.decisions import approve_run
from shenbao.awards.services.reconsideration import request_reconsideration
from shenbao.awards.services.selection import run_selection
from shenbao.awards.services.withdrawal import withdraw_application
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.readiness import review_readiness
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.status import change_call_status
from shenbao.core.errors import DomainError
from shenbao.core.queries.calendar import work_calendar
from shenbao.core.services.calendar import save_calendar_year
from shenbao.core.workdays import WorkCalendar
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import Assignment, ShortlistSignOff, StageEntry
from shenbao.reviews.services.advancement import advance_stage
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from shenbao.web.applicant.forms import form_data_for
from tests.applications.fixtures import PDF, docx_bytes
from tests.conftest import seed_data
from tests.e2e.test_review_flows import ranking_rows, staff
from tests.factories import api_token_key
from tests.reviews.fixtures import add_expert, score_all

BEIJING = ZoneInfo("Asia/Shanghai")
CODE = "thepaper-kcxf-2025"
ENTERED = dt.datetime(2025, 11, 10, 10, 0, tzinfo=BEIJING)
DEADLINE = dt.datetime(2025, 11, 21, 0, 0, tzinfo=BEIJING)  # 2025-11-20 (周四) 24 点
LAST_SECOND = DEADLINE - dt.timedelta(seconds=1)
PUBLISHED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING)  # early December 2026: the term reaches 2027
DECLINED = dt.datetime(2026, 12, 3, 10, 0, tzinfo=BEIJING)
DECLARATIONS = ["real-name-true-information", "own-intellectual-property", "free-use-for-display"]
MB = 1024 * 1024
D = dt.date


def client_for(user: User | None, language: str = "zh-hans") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def api_for(user: User, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def entrant(email: str, organisation: Organisation) -> User:
    user = register_user(email=email, password="pass-Word-123", name=email.split("@")[0])
    add_membership(user=user, organisation=organisation, role=MembershipRole.MEMBER)
    return user


def draft(call: Call, user: User, organisation: Organisation, *, direction: str, title: str, route: str) -> Application:
    """An entry filled in as the seed asks: the form, the three declarations, the route, the language,
    no serious negative event, the Word form; not yet submitted."""
    application = start_application(
        call=call, direction=call.directions.get(code=direction), applicant=user, lead_organisation=organisation, now=ENTERED
    )
    values = {"projects": "近五年在科创领域的具体项目、投入与成果。"}
    if direction.startswith("enterprise-"):
        values["sector"] = "new-it"
    save_draft(
        application=application,
        changes={
            "title": title,
            "values": values,
            "declarations": DECLARATIONS,
            "nomination_route": route,
            "entry_language": "zh-hans",
            "negative_event": False,
        },
        expected_version=application.version,
        actor=user,
    )
    form = docx_bytes()
    attach_file(
        application=application,
        document_code="application-form",
        name="申报表.docx",
        stream=io.BytesIO(form),
        size=len(form),
        actor=user,
    )
    application.refresh_from_db()
    return application


def enter(call: Call, user: User, organisation: Organisation, **kwargs: Any) -> Application:
    application = draft(call, user, organisation, **kwargs)
    submit_application(application=application, actor=user, now=ENTERED)
    return application


def with_terms(edit: Any) -> Call:
    """Load seed 004 again with ``edit`` applied to its definition: a new version of the same call."""
    data = seed_data("004")
    edit(data)
    return load_call_definition(definition=parse_definition(data), source="test_life_004").call


def _reconsideration_reserves_and_places(data: dict[str, Any]) -> None:
    # Seed 004 states no 复审, no reserve list and no number of honourees per list ("各榜单入围数量未
    # 说明"). The test gives the call 10 days of reconsideration, a reserve list, one place on 年度先锋
    # 引擎品牌 and two on 年度科创园区, so that the upheld 复审, the offer to the reserve and a list with
    # fewer entries than its places can be walked.
    data["selection"]["reconsideration_days"] = 10
    data["selection"]["reserve_list"] = True
    places = {"enterprise-pioneer-engine": 1, "government-sci-tech-park": 2}
    for direction in data["directions"]:
        if direction["code"] in places:
            direction["quota"] = {"qualifier": "exact", "value": places[direction["code"]]}


def _agreement_terms(data: dict[str, Any]) -> None:
    _reconsideration_reserves_and_places(data)
    # Seed 004 (an award collection: certificates and trophies) has no agreement. The test gives the
    # call agreement terms (30 working days from publication, offered to the reserve on a decline) to
    # walk the decline and reserve path and the provisional deadline over 2027.
    data["agreement"] = {
        "required": True,
        "deadline": {"working_days": 30, "from_event": "results_published"},
        "offer_to_reserve": True,
        "parties": ["funder", "pi"],
    }


def test_seed_004_whole_life(load_seed: Any, django_capture_on_commit_callbacks: Any) -> None:
    call = load_seed("004")
    assert (call.code, call.status, call.deadline) == (CODE, "published", DEADLINE)
    assert (call.categories.count(), call.directions.count()) == (3, 8)
    officer = staff(call)
    chair = staff(call, ProgramRoleKind.COMMITTEE_CHAIR, "chair@example.com")

    # -- The call opens --------------------------------------------------------------------------
    xinghe = create_organisation(name={"zh-hans": "星河科技有限公司", "en": "Xinghe Tech"}, type=OrgType.ENTERPRISE)
    zhiyuan = create_organisation(name={"zh-hans": "智远数据有限公司", "en": "Zhiyuan Data"}, type=OrgType.ENTERPRISE)
    park = create_organisation(name={"zh-hans": "张江科学城", "en": "Zhangjiang Science City"}, type=OrgType.PARK)
    founder = entrant("founder@xinghe.example.com", xinghe)
    with pytest.raises(CallNotOpen) as not_open:  # published, not yet opened by staff
        start_application(call=call, direction=call.directions.first(), applicant=founder, now=ENTERED)
    assert str(not_open.value) == "本征集当前不接受申报：本征集已发布，但尚未开始接收申报。"
    change_call_status(call=call, to="open", actor=officer, reason="征集专题上线")

    # -- Entries: one organisation enters three lists (unlimited), by both routes ----------------
    engine = enter(call, founder, xinghe, direction="enterprise-pioneer-engine", title="星河科技", route="self")
    service = enter(
        call, founder, xinghe, direction="enterprise-ai-service-provider", title="星河智算服务", route="expert_recommendation"
    )
    product = enter(call, founder, xinghe, direction="product-ai-application", title="星河写作助手", route="self")
    rival = enter(
        call,
        entrant("ceo@zhiyuan.example.com", zhiyuan),
        zhiyuan,
        direction="enterprise-pioneer-engine",
        title="智远数据",
        route="expert_recommendation",
    )
    park_user = entrant("office@zhangjiang.example.com", park)
    zhangjiang = enter(call, park_user, park, direction="government-sci-tech-park", title="张江科学城", route="self")
    assert [a.state for a in (engine, service, product, rival, zhangjiang)] == [ApplicationState.SUBMITTED] * 5
    assert Application.objects.filter(call=call, lead_organisation=xinghe, state="submitted").count() == 3

    # Supporting media over 20 MB must be a share link: the upload is refused, the link accepted.
    media = draft(call, founder, xinghe, direction="enterprise-rising-potential", title="星河新锐", route="self")
    with translation.override("zh-hans"), pytest.raises(FileRefused) as too_big:
        attach_file(
            application=media,
            document_code="supporting-media",
            name="宣传片.mp4",
            stream=io.BytesIO(PDF),
            size=20 * MB + 1,
            actor=founder,
        )
    assert str(too_big.value) == "文件大小为 20.0 MB；超过 20 MB 的文件须以分享链接形式提交。"
    at_limit = attach_file(
        application=media, document_code="supporting-media", name="图集.pdf", stream=io.BytesIO(PDF), size=20 * MB, actor=founder
    )
    link = attach_share_link(
        application=media, document_code="supporting-media", url="https://pan.example.com/s/xinghe-video", actor=founder
    )
    assert (at_limit.size, link.share_link) == (20 * MB, "https://pan.example.com/s/xinghe-video")

    # A serious negative event within three years excludes the entrant; not answering is no answer.
    # The seed's "3 年内" is a self-declaration: the product records the answer, not the event's date,
    # so the edge of the three years is the entrant's to judge; the three answers are what it checks.
    with translation.override("zh-hans"):
        save_draft(application=media, changes={"negative_event": True}, expected_version=media.version, actor=founder)
        with pytest.raises(NotEligible) as excluded:
            submit_application(application=media, actor=founder, now=ENTERED)
        assert excluded.value.failed == ["no-negative-event"]
        # Regression: the criterion's own full stop was doubled ("……本届征集。。").
        assert str(excluded.value) == (
            "申报书尚未满足全部要求：3 年内在经济、社会、环境等方面发生重大事件，性质恶劣、影响较大的企业、个人或园区不得参与本届征集。"
        )
        save_draft(application=media, changes={"negative_event": None}, expected_version=media.version, actor=founder)
        with pytest.raises(NotEligible) as unanswered:
            submit_application(application=media, actor=founder, now=ENTERED)
        assert unanswered.value.failed == ["no-negative-event"]
    save_draft(application=media, changes={"negative_event": False}, expected_version=media.version, actor=founder)

    # The deadline is 2025-11-20 24:00 Beijing time: the last second is in, midnight is out.
    submit_application(application=media, actor=founder, now=LAST_SECOND)
    assert (media.state, media.submitted_at) == (ApplicationState.SUBMITTED, LAST_SECOND)
    latecomer = draft(call, park_user, park, direction="government-aigc-culture-tourism", title="张江数字文旅", route="self")
    with translation.override("zh-hans"), pytest.raises(DeadlinePassed) as late:
        submit_application(application=latecomer, actor=park_user, now=DEADLINE)
    assert str(late.value) == "申报截止时间（2025-11-20 24:00（北京时间））已过，提交未被受理。"
    latecomer.refresh_from_db()
    assert latecomer.state == ApplicationState.DRAFT

    # One entry is withdrawn before the deadline (the product entry), by its entrant.
    withdraw_application(application=product, actor=founder, reason="改报明年")
    assert product.state == ApplicationState.WITHDRAWN

    # -- After the deadline: a late token holder enters on the web -------------------------------
    maker = create_organisation(name={"zh-hans": "新势力硬件有限公司", "en": "New Force Hardware"}, type=OrgType.ENTERPRISE)
    holder = entrant("pm@newforce.example.com", maker)
    apply_url = f"/calls/{CODE}/apply/"
    # The page names the deadline as the call does (20 November, 24:00) and as the refusal does.
    for language, reason in (
        ("zh-hans", "申报截止时间（2025-11-20 24:00（北京时间））已过。"),
        ("en", "The deadline (2025-11-20 24:00 Beijing time) has passed."),
    ):
        page = client_for(holder, language).get(apply_url).content.decode()
        assert reason in page and '<button type="submit" disabled>' in page
    product_list = call.directions.get(code="product-new-tech-product")
    client_for(holder).post(apply_url, {"direction": product_list.pk})
    assert not Application.objects.filter(applicant=holder).exists()
    token = issue_late_token(call=call, applicant=holder, hours=48, reason="报名系统故障", actor=officer)
    web = client_for(holder)
    page = web.get(apply_url).content.decode()
    assert '<button type="submit">开始申报</button>' in page and "申报截止时间已过；根据为您延期的安排，您可在 " in page
    response = web.post(apply_url, {"direction": product_list.pk})
    late_entry = Application.objects.get(applicant=holder)
    assert response["Location"] == f"/applications/{late_entry.pk}/"
    data = form_data_for(
        late_entry,
        {
            "title": "新势力折叠屏",
            "values": {"projects": "折叠屏铰链与柔性显示的三年研发。"},
            "declarations": DECLARATIONS,
            "nomination_route": "self",
            "entry_language": "zh-hans",
            "negative_event": "false",
        },
    )
    data["version"] = str(late_entry.version)
    web.post(f"/applications/{late_entry.pk}/save/", data)
    attach_url = f"/applications/{late_entry.pk}/attachments/"
    big = SimpleUploadedFile("发布会.mp4", b"\x00" * (20 * MB + 1), content_type="video/mp4")
    refused = web.post(attach_url, {"document": "supporting-media", "file": big}, follow=True).content.decode()
    assert "文件大小为 20.0 MB；超过 20 MB 的文件须以分享链接形式提交。" in refused
    web.post(attach_url, {"document": "supporting-media", "url": "https://pan.example.com/s/newforce-launch"})
    web.post(attach_url, {"document": "application-form", "file": SimpleUploadedFile("申报表.docx", docx_bytes())})
    assert sorted((a.document_code, a.share_link) for a in late_entry.attachments.all()) == [
        ("application-form", ""),
        ("supporting-media", "https://pan.example.com/s/newforce-launch"),
    ]
    web.post(f"/applications/{late_entry.pk}/submit/", {"key": "late-once"})
    late_entry.refresh_from_db()
    token.refresh_from_db()
    assert (late_entry.state, late_entry.title, token.used_at) == (
        ApplicationState.SUBMITTED,
        "新势力折叠屏",
        late_entry.submitted_at,
    )

    # -- The call closes; the formal check fails one entry ------------------------------------------
    with translation.override("zh-hans"):
        assert review_readiness(call, now=ENTERED).reason == (
            "截止时间 2025-11-20 24:00（北京时间）前仍在接收申报；请先关闭征集。"
        )
    with translation.override("en"):
        assert review_readiness(call, now=ENTERED).reason == (
            "Applications are still being submitted until the deadline (2025-11-20 24:00 Beijing time); close the call first."
        )
    change_call_status(call=call, to="closed", actor=officer, reason="征集报名截止")
    entries = [engine, service, rival, zhangjiang, media, late_entry]
    passed = [a for a in entries if a is not zhangjiang]
    decide_formal_check(applications=passed, outcome="pass", reason="", actor=officer)
    decide_formal_check(applications=[zhangjiang], outcome="fail", reason="申报表缺少园区主管单位盖章", actor=officer)
    zhangjiang.refresh_from_db()
    assert zhangjiang.state == ApplicationState.CHECK_FAILED
    # Seed 004 offers no 复审: asking is refused on the seed's own terms, on the page and in the service.
    park_web = client_for(park_user)
    ask_url = f"/applications/{zhangjiang.pk}/reconsideration/"
    page = park_web.post(ask_url, {"reason": "盖章页在附件第 3 页"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["该申请目前不能申请复审。"]
    with translation.override("zh-hans"), pytest.raises(SelectionError) as no_review:
        request_reconsideration(application=zhangjiang, reason="盖章页在附件第 3 页", actor=park_user)
    assert (str(no_review.value), Reconsideration.objects.count()) == ("该申请目前不能申请复审。", 0)
    call = with_terms(_reconsideration_reserves_and_places)
    page = park_web.post(ask_url, {"reason": "盖章页在附件第 3 页"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["您的复审申请已收到。"]
    request = Reconsideration.objects.get(application=zhangjiang)
    assert (request.kind, request.reason) == ("formal_check", "盖章页在附件第 3 页")

    # -- 初审: not while applications may come in; the chair signs the shortlist ------------------
    screening = ReviewStage.objects.get(call=call, code="screening")
    final = ReviewStage.objects.get(call=call, code="final")
    assert open_stage(stage=screening, actor=officer) == 5
    client_for(officer).post(
        f"/staff/calls/{CODE}/results/act/",
        {"action": "reconsider", "request": request.pk, "upheld": "yes", "outcome": "盖章页已核实，形式审查通过。"},
    )
    zhangjiang.refresh_from_db()
    assert zhangjiang.state == ApplicationState.CHECK_PASSED  # 复审成立: back into the first review stage
    assert StageEntry.objects.get(stage=screening, application=zhangjiang).status == EntryStatus.IN_REVIEW
    with translation.override("zh-hans"):
        assert Reconsideration.objects.get(pk=request.pk).get_status_display() == "复审成立"

    sign_url = f"/staff/stages/{screening.pk}/sign-off/"
    shortlist = {
        "enterprise-pioneer-engine": [engine, rival],
        "enterprise-ai-service-provider": [service],
        "enterprise-rising-potential": [],
        "government-sci-tech-park": [zhangjiang],
        "product-new-tech-product": [late_entry],
    }
    refused = client_for(officer).post(sign_url, {"direction": "enterprise-pioneer-engine", "application": [engine.pk]})
    assert refused.status_code == 404 and not ShortlistSignOff.objects.exists()  # only the chair signs
    chair_web = client_for(chair)
    for code, chosen in list(shortlist.items())[:-1]:
        chair_web.post(sign_url, {"direction": code, "application": [a.pk for a in chosen]})
    with translation.override("zh-hans"), pytest.raises(StageNotReady) as unsigned:
        advance_stage(stage=screening, actor=officer)
    assert str(unsigned.value) == "主席尚未签署以下名单：product-new-tech-product。"
    chair_web.post(sign_url, {"direction": "product-new-tech-product", "application": [late_entry.pk]})
    assert sorted(ShortlistSignOff.objects.values_list("direction__code", "signed_by__email")) == sorted(
        (code, "chair@example.com") for code in shortlist
    )
    outcome = advance_stage(stage=screening, actor=officer)
    assert (outcome.advanced, outcome.not_advanced, outcome.next_stage) == (5, 1, final)
    assert StageEntry.objects.get(stage=screening, application=media).status == EntryStatus.NOT_ADVANCED

    # -- 终审: the jury scores and ranks each list ----------------------------------------------
    for n in range(3):
        add_expert(call, f"judge{n}@example.com", officer=officer)
    run_assignment(stage=final, actor=officer, k=3)
    marks = {"星河科技": 9, "智远数据": 7, "星河智算服务": 8, "张江科学城": 6, "新势力折叠屏": 8}
    for assignment in Assignment.objects.filter(stage=final).select_related("application"):
        score_all(assignment, marks[assignment.application.title])
    assert ranking_rows(final) == {
        "enterprise-pioneer-engine": [("星河科技", 1, 90.0), ("智远数据", 2, 70.0)],
        "enterprise-ai-service-provider": [("星河智算服务", 1, 80.0)],
        "government-sci-tech-park": [("张江科学城", 1, 60.0)],
        "product-new-tech-product": [("新势力折叠屏", 1, 80.0)],
    }

    # -- Selection, approval, publication --------------------------------------------------------
    run = run_selection(call=call, actor=officer)
    assert (run.status, run.result["status"]) == (RunStatus.PROPOSED, "optimal")
    titles = {a.pk: a.title for a in entries}
    assert sorted((s["group"], titles[s["application"]]) for s in run.result["selected"]) == [
        ("enterprise-ai-service-provider", "星河智算服务"),
        ("enterprise-pioneer-engine", "星河科技"),
        ("government-sci-tech-park", "张江科学城"),
        ("product-new-tech-product", "新势力折叠屏"),
    ]
    reserve = {r["group"]: [titles[pk] for pk in r["applications"]] for r in run.result["reserve"]}
    assert reserve["enterprise-pioneer-engine"] == ["智远数据"]
    # The short list (2 places, 1 entry) selects what it has and says why; the lists nobody entered
    # (科技焕新消费品牌, AIGC 文旅品牌, and AI 创新应用 whose only entry was withdrawn) select nobody.
    assert [(f["group"], f["target"], f["selected"], f["causes"]) for f in run.result["shortfalls"]] == [
        ("government-sci-tech-park", 2, 1, ["fewer_ranked"])
    ]
    assert {s["group"] for s in run.result["selected"]}.isdisjoint(
        {"enterprise-tech-consumer-brand", "government-aigc-culture-tourism", "product-ai-application"}
    )
    awards = approve_run(run=run, actor=officer)
    assert len(awards) == 4
    # Seed 004 is an award collection (certificates and trophies): publishing opens no agreement.
    assert agreement_terms(call) is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notice, opened = publish_results_and_open_agreements(call=call, actor=officer, now=PUBLISHED)
    assert (opened, notice.starts_at, Agreement.objects.count()) == (0, PUBLISHED, 0)
    # Every entrant reviewed gets a decision letter (the one stopped at 初审 too); none mentions an agreement.
    for application in entries:
        application.refresh_from_db()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            ("ceo@zhiyuan.example.com", f"您的申请 {rival.receipt_number} 的结果"),
            ("founder@xinghe.example.com", f"入选：{engine.receipt_number}"),
            ("founder@xinghe.example.com", f"入选：{service.receipt_number}"),
            ("founder@xinghe.example.com", f"您的申请 {media.receipt_number} 的结果"),
            ("office@zhangjiang.example.com", f"入选：{zhangjiang.receipt_number}"),
            ("pm@newforce.example.com", f"入选：{late_entry.receipt_number}"),
        ]
    )
    assert not any("协议" in m.body for m in mail.outbox)
    assert set(Award.objects.filter(call=call).values_list("status", flat=True)) == {AwardStatus.PUBLISHED}
    for language, heading in (("zh-hans", "2025 科创先锋案例征集"), ("en", "2025 Sci-Tech Innovation Pioneer Awards")):
        page = client_for(None, language).get(f"/calls/{CODE}/results/").content.decode()
        assert heading in page
        assert all(t in page for t in ("星河科技", "星河智算服务", "张江科学城", "新势力折叠屏")) and "智远数据" not in page

    # -- Withdrawal after publication is refused, on the web and in the API, with the reason --------
    page = client_for(founder).post(f"/applications/{engine.pk}/withdraw/", {"reason": "不参加了"}, follow=True)
    # Seed 004 signs no agreement, so there is no award to decline: the refusal does not offer it.
    assert [str(m) for m in page.context["messages"]] == ["本征集的结果已经公布，申请不能再撤回。"]
    assert f"/applications/{engine.pk}/withdraw/" not in page.content.decode()  # no button either
    response = api_for(founder, "en").post(f"/api/v1/applications/{engine.pk}/withdraw/", {"reason": "x"}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "withdrawal_refused",
            "detail": "The results of this call have been published: the application can no longer be withdrawn.",
        },
    )
    with pytest.raises(WithdrawalRefused):
        withdraw_application(application=engine, actor=founder)
    engine.refresh_from_db()
    assert engine.state == ApplicationState.CHECK_PASSED

    # -- "My applications" and the API's progress: the furthest stage, with links -----------------
    mine = client_for(founder).get("/me/applications/").content.decode()
    assert f'data-application="{engine.pk}" data-stage="awarded"' in mine
    assert f'data-application="{service.pk}" data-stage="awarded"' in mine
    assert f'data-application="{product.pk}" data-stage="withdrawn"' in mine
    assert f'data-application="{media.pk}" data-stage="not_selected"' in mine  # stopped at 初审
    assert f'<a href="/calls/{CODE}/results/">结果公布</a>' in mine  # the honour is on the results page
    # Regression: an award collection opens no agreement, so "what comes next" must not promise one
    # (it said "协议开放签署时会以邮件通知您。"), and the result links to the results page.
    assert mine.count('<td class="next">结果已公布；本征集无需签订协议。</td>') == 2
    assert "协议开放签署时会以邮件通知您" not in mine
    listed = api_for(founder).get("/api/v1/applications/").json()
    rows = {row["id"]: row["progress"] for row in listed["results"]}
    assert {pk: (rows[pk]["stage"], rows[pk]["links"]) for pk in (engine.pk, product.pk, media.pk)} == {
        engine.pk: ("awarded", {"results": f"/calls/{CODE}/results/"}),
        product.pk: ("withdrawn", {"results": f"/calls/{CODE}/results/"}),
        media.pk: ("not_selected", {"results": f"/calls/{CODE}/results/"}),
    }
    assert rows[engine.pk]["next"] == "结果已公布；本征集无需签订协议。"

    # -- Decline and reserve --------------------------------------------------------------------
    if 2027 in WorkCalendar.from_package().covered_years():
        pytest.skip("the holiday package now holds 2027: move PUBLISHED and DECLINED to early December 2027")
    # Seed 004 gives no agreement, so an honouree has nothing to decline; the test gives the call
    # agreement terms (``_agreement_terms``) and opens them: 30 working days from the publication on
    # 2026-12-01 reach 2027, which the holiday calendar lacks, so the last day is provisional.
    call = with_terms(_agreement_terms)
    assert open_agreements(call=call, actor=officer, now=PUBLISHED) == 4
    # 2026-12-02…12-31: 22 working days; 2027 counted Monday to Friday: 01-01, 01-04…01-08, 01-11, 01-12.
    assert set(Agreement.objects.values_list("starts_on", "deadline", "deadline_provisional")) == {
        (D(2026, 12, 1), D(2027, 1, 12), True)
    }
    mine = client_for(founder).get("/me/applications/").content.decode()
    agreement = Agreement.objects.get(award__application=engine)
    assert f'data-application="{engine.pk}" data-stage="agreement_pending"' in mine
    assert f'<a href="/agreements/{agreement.pk}/">协议签订</a>' in mine
    with django_capture_on_commit_callbacks(execute=True):
        declined, offered = decline_award(agreement=agreement, reason="企业战略调整，放弃入围", actor=founder, now=DECLINED)
    assert (declined.status, Award.objects.get(application=engine).status) == (AgreementStatus.DECLINED, AwardStatus.REVOKED)
    assert offered is not None and offered.application_id == rival.pk and offered.status == AwardStatus.FINAL
    # The reserve's term counts from the offer (2026-12-03): 20 working days in December, 10 in 2027.
    assert (offered.agreement.starts_on, offered.agreement.deadline, offered.agreement.deadline_provisional) == (
        D(2026, 12, 3),
        D(2027, 1, 14),
        True,
    )
    with pytest.raises(DomainError):
        decline_award(agreement=declined, reason="again", actor=founder)

    # -- 2027 is entered: provisional deadlines are computed again, never earlier ------------------
    save_calendar_year(actor=officer, year=2027, holidays=[D(2027, 1, 1)], makeup_workdays=[])
    assert sorted(
        Agreement.objects.filter(status=AgreementStatus.PENDING).values_list(
            "award__application__title", "deadline", "deadline_provisional"
        )
    ) == [
        ("张江科学城", D(2027, 1, 13), False),
        ("新势力折叠屏", D(2027, 1, 13), False),
        ("星河智算服务", D(2027, 1, 13), False),
        ("智远数据", D(2027, 1, 15), False),
    ]
    assert Agreement.objects.get(pk=declined.pk).deadline == D(2027, 1, 12)  # a declined agreement is not moved
    # A make-up Saturday would end the terms a day earlier: the days already sent stand.
    save_calendar_year(actor=officer, year=2027, holidays=[], makeup_workdays=[D(2027, 1, 2)])
    assert work_calendar().add_working_days(D(2026, 12, 1), 30) == D(2027, 1, 11)
    assert set(Agreement.objects.filter(status=AgreementStatus.PENDING).values_list("deadline", flat=True)) == {
        D(2027, 1, 13),
        D(2027, 1, 15),
    }

    # -- Where each entrant stands now --------------------------------------------------------------
    for language, label in (("zh-hans", "协议：项目负责人已放弃"), ("en", "Agreement: Declined by the PI")):
        mine = client_for(founder, language).get("/me/applications/").content.decode()
        assert f'data-application="{engine.pk}" data-stage="agreement_declined"' in mine
        assert f'<span class="badge progress-agreement_declined">{label}</span>' in mine
    rival_user = User.objects.get(email="ceo@zhiyuan.example.com")
    progress = api_for(rival_user, "en").get(f"/api/v1/applications/{rival.pk}/").json()["progress"]
    reserve_agreement = Agreement.objects.get(award__application=rival)
    assert (progress["stage"], progress["links"]) == (
        "agreement_pending",
        {"results": f"/calls/{CODE}/results/", "agreement": f"/agreements/{reserve_agreement.pk}/"},
    )
    assert progress["next"] == "Confirm and sign the agreement before its deadline."
    assert [(s["code"], s["status"]) for s in progress["steps"]] == [
        ("submitted", "done"),
        ("formal_check", "done"),
        ("stage:screening", "done"),
        ("stage:final", "done"),
        ("result", "done"),
        ("agreement", "current"),
        ("project", "waiting"),
        ("reports", "waiting"),
    ]
    page = client_for(rival_user, "en").get("/me/applications/").content.decode()
    assert f'data-application="{rival.pk}" data-stage="agreement_pending"' in page
    assert f'<a href="/agreements/{reserve_agreement.pk}/">Agreement</a>' in page
