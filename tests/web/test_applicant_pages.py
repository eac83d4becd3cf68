"""The applicant's pages through the test client: the whole journey and the permission matrix."""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.facts import check_application
from shenbao.applications.models import Application, TeamMember
from shenbao.applications.services.drafts import start_application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_application
from shenbao.applications.services.team import invite_team_member, respond_to_invitation
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import DomainError
from shenbao.eligibility.engine import Outcome
from tests.applications.fixtures import XIAOMI_VALUES, docx_bytes, make_ready_application, open_call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def test_register_then_profile_then_apply_and_submit(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    call = open_call("000")
    response = client.post(
        reverse("web:register"),
        {
            "email": "New@Example.com",
            "name": "新用户",
            "language": "zh-hans",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    # The address is confirmed through the mailed link, which logs the new account in.
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link is not None
    assert client.post(link.group(1))["Location"] == reverse("web:profile")
    mail.outbox.clear()
    response = client.post(
        reverse("web:profile"),
        {
            "p-name": "新用户",
            "p-birth_date": "1990-02-03",
            "p-position": "faculty",
            "p-employment_type": "full_time",
            "p-overseas_employment": "false",
            "p-expertise_keywords": "机器学习，计算机视觉",
            "o-name_zh": "新大学",
            "o-type": "university",
            "o-country": "CN",
        },
    )
    assert response.status_code == 302
    user.person.refresh_from_db()
    assert (user.person.birth_date.isoformat(), user.person.expertise_keywords) == ("1990-02-03", ["机器学习", "计算机视觉"])
    assert user.memberships.get().organisation.name == {"zh-hans": "新大学"}

    direction = call.directions.get(code="XM-T1")
    response = client.post(reverse("web:apply", args=[call.code]), {"direction": direction.pk})
    application = Application.objects.get(applicant=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:application", args=[application.pk])
    page = client.get(reverse("web:application", args=[application.pk])).content.decode()
    assert 'data-rule="pi-signs-commitments"' in page
    assert "disabled" in page.split('class="submit-form"')[1].split("</form>")[0]  # not eligible yet

    declarations = {f"declare__{c.code}": "on" for c in call.criteria.filter(kind="declaration")}
    response = client.post(
        reverse("web:application_save", args=[application.pk]),
        {
            "version": application.version,
            "title": "端侧推理",
            **declarations,
            **{f"value__{k}": v for k, v in XIAOMI_VALUES.items()},
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.title == "端侧推理"
    stale = client.post(
        reverse("web:application_save", args=[application.pk]),
        {"version": application.version - 1, "title": "旧页面"},
        headers={"HX-Request": "true", **EN},
    )
    assert stale.status_code == 409
    assert "Someone else changed this application meanwhile" in stale.content.decode()
    application.refresh_from_db()
    assert application.title == "端侧推理"

    upload = io.BytesIO(docx_bytes())
    upload.name = "申报表.docx"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]), {"document": "application-form", "file": upload}
    )
    assert response.status_code == 302
    assert application.attachments.get().detected_format == "docx"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:application_submit", args=[application.pk]), {"key": "abc"}, headers=EN)
        client.post(reverse("web:application_submit", args=[application.pk]), {"key": "abc"}, headers=EN)  # double click
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.revisions.count() == 1
    assert len(mail.outbox) == 1
    page = client.get(reverse("web:application", args=[application.pk]), headers=EN).content.decode()
    assert application.receipt_number and application.receipt_number in page
    mine = client.get(reverse("web:my_applications")).content.decode()
    assert f'data-application="{application.pk}"' in mine


def test_wrong_file_is_refused_with_a_translated_reason_and_nothing_is_kept(
    client: Client, ready_application: Callable[..., Application]
) -> None:
    application = ready_application()
    client.force_login(application.applicant)
    fake = io.BytesIO(b"%PDF-1.4 this is a pdf renamed")
    fake.name = "申报表.docx"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]),
        {"document": "application-form", "file": fake},
        headers=EN,
        follow=True,
    )
    assert "The file's content is not an allowed format (docx)." in html.unescape(response.content.decode())
    macro = io.BytesIO(docx_bytes(macros=True))
    macro.name = "申报表.docx"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]), {"document": "application-form", "file": macro}, follow=True
    )
    assert "宏" in response.content.decode()
    assert application.attachments.count() == 1  # only the good one from the fixture


def test_team_invitation_accept(
    client: Client, ready_application: Callable[..., Application], django_capture_on_commit_callbacks: Any
) -> None:
    application = ready_application()
    client.force_login(application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("web:application_invite", args=[application.pk]),
            {"email": "student@example.com", "name": "学生甲", "role": "student", "presenter": "on"},
        )
    member = TeamMember.objects.get(application=application)
    assert len(mail.outbox) == 1
    assert f"/invitations/{member.token}/" in mail.outbox[0].body
    student = register_user(email="student@example.com", password="pass-Word-123", name="学生甲")
    client.force_login(student)
    client.post(reverse("web:invitation", args=[member.token]), {"answer": "accept"})
    member.refresh_from_db()
    assert (member.status, member.user) == ("accepted", student)
    assert client.get(reverse("web:application", args=[application.pk])).status_code == 200  # team members see it
    assert (
        client.post(reverse("web:application_submit", args=[application.pk]), {"key": "x"}).status_code == 404
    )  # but do not submit


@pytest.fixture
def roles(ready_application: Callable[..., Application], university: Organisation, xiaomi_call: Call) -> dict[str, Any]:
    application = ready_application()
    other_applicant = register_user(email="other@example.com", password=None, name="他人")
    officer_of_institution = register_user(email="inst@example.com", password=None, name="依托单位管理员")
    add_membership(user=officer_of_institution, organisation=university, role=MembershipRole.OFFICER)
    program_officer = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=program_officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    observer = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=observer, role=ProgramRoleKind.OBSERVER)
    team_member = register_user(email="member@example.com", password=None, name="团队成员")
    invite_team_member(
        application=application, email=team_member.email, name="团队成员", role="student", actor=application.applicant
    )
    respond_to_invitation(token=application.team.get().token, accept=True, user=team_member)
    other_call = open_call("004", code="other-004")
    other_staff = UserFactory()
    grant_program_role(program=other_call.program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    return {
        "application": application,
        "anonymous": None,
        "applicant": application.applicant,
        "team_member": team_member,
        "other_applicant": other_applicant,
        "institution_officer": officer_of_institution,
        "staff_of_another_program": other_staff,
        "observer_of_the_program": observer,
        "program_officer": program_officer,
    }


# state → who → (can view, can change)
MATRIX = {
    "draft": {
        "anonymous": (False, False),
        "applicant": (True, True),
        "team_member": (True, False),
        "other_applicant": (False, False),
        "institution_officer": (False, False),  # drafts stay private
        "staff_of_another_program": (False, False),
        "observer_of_the_program": (False, False),
        "program_officer": (False, False),
    },
    "submitted": {
        "anonymous": (False, False),
        "applicant": (True, True),  # may amend or withdraw
        "team_member": (True, False),
        "other_applicant": (False, False),
        "institution_officer": (True, False),
        "staff_of_another_program": (False, False),
        "observer_of_the_program": (False, False),  # only program officers see applications
        "program_officer": (True, False),
    },
}


@pytest.mark.parametrize("state", ["draft", "submitted"])
@pytest.mark.parametrize("who", list(MATRIX["draft"]))
def test_application_permission_matrix(client: Client, roles: dict[str, Any], who: str, state: str) -> None:
    application: Application = roles["application"]
    if state == "submitted":
        submit_application(application=application, actor=application.applicant)
        application.refresh_from_db()
    if roles[who] is not None:
        client.force_login(roles[who])
    can_view, can_change = MATRIX[state][who]
    before = (
        application.title,
        application.state,
        application.version,
        application.attachments.count(),
        application.team.count(),
    )
    pk = application.pk
    view = client.get(reverse("web:application", args=[pk]))
    fragment = client.get(reverse("web:application_eligibility", args=[pk]))
    document = application.attachments.get()
    download = client.get(reverse("web:application_attachment", args=[pk, document.pk]))
    if who == "anonymous":
        assert view.status_code == fragment.status_code == download.status_code == 302  # to the log-in page
    else:
        assert view.status_code == (200 if can_view else 404)
        assert fragment.status_code == (200 if can_view else 404)
        assert download.status_code == (200 if can_view else 404)
        if can_view:
            body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
            assert hashlib.sha256(body).hexdigest() == document.sha256
    posts = {
        "web:application_save": {"version": application.version, "title": "被改动"},
        "web:application_invite": {"email": "x@example.com", "name": "X", "role": "student"},
        "web:application_partner": {"side": "foreign", "name": "P", "type": "university", "country": "EG"},
        "web:application_attach": {"document": "application-form", "url": "https://example.com/x"},
        "web:application_withdraw": {"reason": "x"},
        "web:application_submit": {"key": "k"},
        "web:application_amend": {"title": "改", "reason": "x"},
        "web:application_endorse": {"note": "x"},
        "web:application_attachment_remove": {},
    }
    for name, data in posts.items():
        args = [pk, document.pk] if name == "web:application_attachment_remove" else [pk]
        response = client.post(reverse(name, args=args), data)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        elif not can_view:
            assert response.status_code == 404, name
        elif not can_change:
            assert response.status_code in (302, 403, 404), name
    application.refresh_from_db()
    after = (application.title, application.state, application.version, application.attachments.count(), application.team.count())
    if not can_change:
        assert after == before


def test_invitation_link_for_unknown_token_is_404(client: Client, db: Any) -> None:
    assert client.get(reverse("web:invitation", args=["nope"])).status_code == 404


def test_apply_to_a_closed_call_is_refused(client: Client, load_seed: Callable[[str], Call], scholar: User) -> None:
    call = load_seed("000")
    client.force_login(scholar)
    page = client.get(reverse("web:apply", args=[call.code]), headers=EN).content.decode()
    assert "This call is not open for applications." in page
    response = client.post(reverse("web:apply", args=[call.code]), {}, headers=EN, follow=True)
    assert Application.objects.count() == 0
    assert re.search("not open for applications", response.content.decode())


def test_institution_endorsement_before_the_formal_check(client: Client, university: Organisation, scholar: User) -> None:

    call = open_call("000", code="endorsed-000")
    data = dict(call.definition)
    data["call"] = {**data["call"], "institution_endorsement": True}
    call = load_call_definition(definition=parse_definition(data)).call

    application = make_ready_application(call=call, applicant=scholar, organisation=university, title="需要依托单位审核")
    submit_application(application=application, actor=scholar)
    officer = UserFactory()
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    with pytest.raises(DomainError) as info:
        decide_formal_check(applications=[application], outcome="pass", reason="", actor=officer)
    with translation.override("en"):
        assert (
            str(info.value) == f"These applications still wait for their institution's endorsement: {application.receipt_number}."
        )
    institution_officer = register_user(email="inst2@example.com", password=None, name="依托单位管理员")
    add_membership(user=institution_officer, organisation=university, role=MembershipRole.OFFICER)
    client.force_login(scholar)
    assert (
        client.post(reverse("web:application_endorse", args=[application.pk])).status_code == 404
    )  # not the applicant's to endorse
    client.force_login(institution_officer)
    page = client.get(reverse("web:application", args=[application.pk])).content.decode()
    assert "endorse-form" in page
    client.post(reverse("web:application_endorse", args=[application.pk]), {"note": "同意推荐"})
    application.refresh_from_db()
    assert application.state == ApplicationState.ENDORSED
    decide_formal_check(applications=[application], outcome="pass", reason="", actor=officer)
    application.refresh_from_db()
    assert application.state == ApplicationState.CHECK_PASSED


def test_amend_after_submission_through_the_page(client: Client, ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    client.force_login(application.applicant)
    page = client.get(reverse("web:application", args=[application.pk])).content.decode()
    assert 'id="amend-form"' in page
    declarations = {f"declare__{code}": "on" for code in application.declarations}
    values = {f"value__{k}": v for k, v in XIAOMI_VALUES.items()}
    response = client.post(
        reverse("web:application_amend", args=[application.pk]),
        {"title": "改后的题目", **declarations, **values},
        headers=EN,
        follow=True,
    )
    assert "Say why you change the submitted application." in response.content.decode()
    response = client.post(
        reverse("web:application_amend", args=[application.pk]),
        {"title": "改后的题目", "reason": "题目笔误", **declarations, **values},
        headers=EN,
        follow=True,
    )
    assert "Saved as revision 2." in response.content.decode()
    assert list(application.revisions.values_list("number", "reason")) == [(1, ""), (2, "题目笔误")]


def test_oversize_upload_is_refused_before_csrf_reads_it(ready_application: Callable[..., Application], monkeypatch: Any) -> None:
    from django.http.multipartparser import MultiPartParser

    application = ready_application()
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    parsed: list[bool] = []
    original = MultiPartParser.parse
    monkeypatch.setattr(MultiPartParser, "parse", lambda self: parsed.append(True) or original(self))
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (22 * 1024 * 1024))
    big.name = "huge.pdf"
    response = client.post(
        reverse("web:application_attach", args=[application.pk]), {"document": "application-form", "file": big}, headers=EN
    )
    assert response.status_code == 413
    assert "The file is larger than this call accepts (at most 20 MB); nothing was saved." in response.content.decode()
    assert parsed == []  # the body was never parsed
    assert application.attachments.count() == 1


def test_documents_with_signing_dates_and_numbers(client: Client, university: Organisation) -> None:
    call = open_call("003", code="open-003")
    user = register_user(email="lab@example.com", password=None, name="实验室负责人")
    application = start_application(
        call=call, direction=call.directions.get(code="2.2"), applicant=user, lead_organisation=university
    )
    client.force_login(user)
    pdf = io.BytesIO(b"%PDF-1.4 agreement")
    pdf.name = "agreement.pdf"
    client.post(
        reverse("web:application_attach", args=[application.pk]),
        {"document": "coconstruction-agreement-2.2", "file": pdf, "signed_on": "2023-05-06", "key": "JL-2023-01"},
    )
    attachment = application.attachments.get()
    assert (attachment.signed_on.isoformat(), attachment.key) == ("2023-05-06", "JL-2023-01")
    results = {r.code: r for r in check_application(application)}
    assert [x.code for x in results["doc-rule-coconstruction-2.2"].reasons] == ["document_present"]
    client.post(reverse("web:application_attachment_remove", args=[application.pk, attachment.pk]))
    assert application.attachments.count() == 0


def test_partner_networks_for_calls_that_ask(client: Client, university: Organisation) -> None:
    call = open_call("003", code="open-003")
    user = register_user(email="ras@example.com", password=None, name="中俄项目")
    application = start_application(
        call=call, direction=call.directions.get(code="2.9"), applicant=user, lead_organisation=university
    )
    client.force_login(user)
    page = client.get(reverse("web:application", args=[application.pk])).content.decode()
    assert 'name="networks"' in page
    client.post(
        reverse("web:application_partner", args=[application.pk]),
        {
            "side": "foreign",
            "name": "Lebedev Physical Institute",
            "type": "research_institute",
            "country": "RU",
            "networks": ["ras"],
            "legal_person": "on",
        },
    )
    partner = application.partners.get()
    assert partner.networks == ["ras"]
    results = {r.code: r for r in check_application(application)}
    assert results["ras-2.9"].outcome == Outcome.PASS
