from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user, update_profile
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.parts import add_partner, attach_file
from shenbao.applications.services.submission import submit_application
from shenbao.applications.services.team import invite_team_member, respond_to_invitation
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.roles import grant_program_role
from shenbao.calls.services.status import change_call_status
from tests.conftest import seed_data
from tests.factories import UserFactory


def docx_bytes(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>申报表</w:document>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


#: Seed 000's required form fields, filled in.
XIAOMI_VALUES = {"summary": "研究目标与技术路线。", "plan": "分三个阶段实施。", "team": "团队由两名教师和四名研究生组成。"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_call(
    seed: str, *, code: str | None = None, days_left: int = 10, edit: Callable[[dict[str, Any]], None] | None = None
) -> Call:
    data = seed_data(seed)
    if edit is not None:
        edit(data)
    data["call"]["code"] = code or f"open-{seed}"
    data["call"]["status"] = "open"  # a merely published call takes no applications
    today = timezone.localdate()
    data["timeline"] = [
        {"kind": "opens", "at": f"{today - dt.timedelta(days=5)}T09:00"},
        {"kind": "deadline", "at": f"{today + dt.timedelta(days=days_left)}T00:00"},
    ]
    if seed == "000":
        data["directions"] = [
            {"code": "XM-T1", "title": {"zh-hans": "【示例】课题一", "en": "[Example] Topic 1"}, "example": True},
            {"code": "XM-T2", "title": {"zh-hans": "【示例】课题二", "en": "[Example] Topic 2"}, "example": True},
        ]
    return load_call_definition(definition=parse_definition(data)).call


def close_submissions(call: Call, actor: User | None = None) -> None:
    """Staff close the call: review and selection need the submission window closed (issue 13.2)."""
    if call.status == "published":
        change_call_status(call=call, to="open", actor=actor, reason="opened")
    if call.status == "open":
        change_call_status(call=call, to="closed", actor=actor, reason="submissions closed")


@pytest.fixture
def university(db: Any) -> Organisation:
    return create_organisation(name={"zh-hans": "测试大学", "en": "Test University"}, type=OrgType.UNIVERSITY)


@pytest.fixture
def scholar(university: Organisation) -> User:
    """A young full-time faculty member at a Chinese university: eligible for seed 000."""
    user = register_user(
        email="scholar@example.com",
        password="pass-Word-123",
        name="青年学者",
        birth_date=dt.date(1988, 6, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
    add_membership(user=user, organisation=university, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def xiaomi_call(db: Any) -> Call:
    return open_call("000")


def make_ready_application(
    *, call: Call, applicant: User, organisation: Organisation, topic: str | None = None, title: str = "面向端侧大模型的高效推理"
) -> Application:
    """A seed-000-style application that meets every rule: declarations, form values, the Word form."""
    direction = call.directions.get(code=topic) if topic else call.directions.first()
    application = start_application(call=call, direction=direction, applicant=applicant, lead_organisation=organisation)
    return fill_seed_000_draft(application, actor=applicant, title=title)


def fill_seed_000_draft(application: Application, *, actor: User, title: str) -> Application:
    """Everything a seed-000 draft needs to be submitted: declarations, form values, the Word form."""
    declarations = [c.code for c in application.call.criteria.filter(kind="declaration")]
    save_draft(
        application=application,
        changes={"title": title, "declarations": declarations, "values": XIAOMI_VALUES},
        expected_version=application.version,
        actor=actor,
    )
    data = docx_bytes()
    attach_file(
        application=application,
        document_code="application-form",
        name="申报表.docx",
        stream=io.BytesIO(data),
        size=len(data),
        actor=actor,
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def ready_application(xiaomi_call: Call, scholar: User, university: Organisation) -> Callable[..., Application]:
    """A seed-000 application that meets every rule, for the given topic."""

    def make(topic: str = "XM-T1", user: User | None = None) -> Application:
        return make_ready_application(call=xiaomi_call, applicant=user or scholar, organisation=university, topic=topic)

    return make


def submitted_seed_003_application(*, title: str, password: str | None = None) -> Application:
    """A submitted seed-003 application (direction 1.1, a New Zealand partner) by Wang Wei."""
    call = open_call("003", code="open-003")
    org = create_organisation(name={"zh-hans": "测试大学"}, type=OrgType.UNIVERSITY)
    user: User = register_user(
        email="wang@example.com",
        password=password,
        name="王伟",
        birth_date=dt.date(1980, 1, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
    update_profile(user=user, name="王伟", name_en="Wang Wei", birth_date=dt.date(1980, 1, 1), position=Position.FACULTY)
    add_membership(user=user, organisation=org)
    application = start_application(call=call, direction=call.directions.get(code="1.1"), applicant=user, lead_organisation=org)
    save_draft(
        application=application,
        changes={
            "title": title,
            "english_title": "Smart Water Management",
            "duration_months": 24,
            "requested_yuan": 1_800_000,
            "fields": ["健康和生物医学"],
            "subtopics": 0,
        },
        expected_version=1,
        actor=user,
    )
    add_partner(
        application=application,
        actor=user,
        side="foreign",
        name="University of Auckland",
        type="university",
        country="NZ",
        legal_person=True,
    )
    attach_file(
        application=application, document_code="proposal", name="申报书.pdf", stream=io.BytesIO(PDF), size=len(PDF), actor=user
    )
    submit_application(application=application, actor=user)
    application.refresh_from_db()
    return application


def matrix_users(application: Application, university: Organisation) -> dict[str, User | None]:
    """Everyone of the permission matrix; the team member has accepted an invitation."""
    users: dict[str, User | None] = {"anonymous": None, "applicant": application.applicant}
    member = register_user(email="member@example.com", password=None, name="团队成员")
    invite_team_member(application=application, email=member.email, name="团队成员", role="member", actor=application.applicant)
    respond_to_invitation(token=application.team.get(email=member.email).token, accept=True, user=member)
    users["team_member"] = member
    users["other_applicant"] = register_user(email="other@example.com", password=None, name="他人")
    officer = register_user(email="inst@example.com", password=None, name="依托单位")
    add_membership(user=officer, organisation=university, role=MembershipRole.OFFICER)
    users["institution_officer"] = officer
    other_staff = UserFactory()
    grant_program_role(program=open_call("004", code="other-004").program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    users["staff_of_another_program"] = other_staff
    staff = UserFactory()
    grant_program_role(program=application.call.program, user=staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    users["program_officer"] = staff
    return users
