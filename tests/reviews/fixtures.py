"""A seed-000 call in review: applications that passed the formal check, a pool of experts, an officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.applications.models import Application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.services.roles import grant_program_role
from shenbao.reviews.models import PoolMember
from shenbao.reviews.services.entries import open_stage
from shenbao.reviews.services.pool import answer_pool_invitation, invite_reviewer
from tests.applications.fixtures import close_submissions, make_ready_application

TITLES = ["锂电池储能系统的热管理", "端侧大模型的高效推理", "水稻抗病育种的基因编辑", "电池材料的固态电解质"]
EXPERTISE = {
    "battery@example.com": ("电池专家", "锂电池 储能系统 热管理 电池材料 固态电解质", ["储能", "电池材料"]),
    "ai@example.com": ("模型专家", "大模型 推理加速 端侧部署 深度学习", ["大模型", "推理"]),
    "rice@example.com": ("育种专家", "水稻 育种 基因编辑 作物抗病", ["水稻", "育种"]),
    "general@example.com": ("综合专家", "工程 材料 计算 农业 能源", ["工程"]),
}


@dataclass
class ReviewSetup:
    call: Call
    stage: ReviewStage
    officer: User
    applications: list[Application]
    experts: dict[str, User]
    organisations: list[Organisation]


@pytest.fixture
def officer(xiaomi_call: Call) -> User:
    user = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def add_expert(call: Call, email: str, *, officer: User, organisation: Organisation | None = None) -> User:
    name, text, keywords = EXPERTISE.get(email, (email.split("@")[0], "", []))
    member = invite_reviewer(call=call, email=email, name=name, actor=officer, keywords=keywords)
    person = member.user.person
    person.expertise_text = text
    person.save(update_fields=["expertise_text"])
    if organisation is not None:
        add_membership(user=member.user, organisation=organisation, role=MembershipRole.MEMBER)
    answer_pool_invitation(token=member.token, accept=True, user=member.user)
    return member.user


@pytest.fixture
def in_review(xiaomi_call: Call, officer: User) -> Callable[..., ReviewSetup]:
    """Four applications from four universities, passed the formal check and in the expert stage,
    and the four experts of EXPERTISE (none affiliated unless asked)."""

    def make(*, experts: tuple[str, ...] = tuple(EXPERTISE)) -> ReviewSetup:
        organisations = []
        applications = []
        for i, title in enumerate(TITLES):
            organisation = create_organisation(
                name={"zh-hans": f"第{i + 1}大学", "en": f"University {i + 1}"}, type=OrgType.UNIVERSITY
            )
            applicant = register_user(
                email=f"applicant{i}@example.com",
                password="pass-Word-123",
                name=f"申请人{i}",
                birth_date=dt.date(1988, 6, 1),
                position=Position.FACULTY,
                overseas_employment=False,
                employment_type=EmploymentType.FULL_TIME,
            )
            add_membership(user=applicant, organisation=organisation)
            application = make_ready_application(call=xiaomi_call, applicant=applicant, organisation=organisation, title=title)
            submit_application(application=application, actor=applicant)
            organisations.append(organisation)
            applications.append(application)
        decide_formal_check(applications=applications, outcome="pass", reason="", actor=officer)
        close_submissions(xiaomi_call, officer)
        stage = ReviewStage.objects.get(call=xiaomi_call, code="expert-committee")
        open_stage(stage=stage, actor=officer)
        users = {email: add_expert(xiaomi_call, email, officer=officer) for email in experts}
        for application in applications:
            application.refresh_from_db()
        return ReviewSetup(xiaomi_call, stage, officer, applications, users, organisations)

    return make


def pool_member(call: Call, user: User) -> PoolMember:
    return PoolMember.objects.get(call=call, user=user)


def checked_application(
    call: Call, *, direction: str | None, title: str, email: str, organisation: Organisation | None = None, text: str = ""
) -> Application:
    """An application that passed the formal check, made directly: how it got there (submission,
    eligibility, the formal check) is tested in tests/applications; review starts from here."""
    from django.utils import timezone

    from shenbao.applications.enums import ApplicationState
    from shenbao.applications.models import ApplicationRevision

    applicant = register_user(email=email, password="pass-Word-123", name=email.split("@")[0])
    organisation = organisation or create_organisation(name={"zh-hans": f"{email}的单位"}, type=OrgType.ENTERPRISE)
    add_membership(user=applicant, organisation=organisation)
    application = Application.objects.create(
        call=call,
        direction=call.directions.get(code=direction) if direction else None,
        applicant=applicant,
        lead_organisation=organisation,
        title=title,
        values={"summary": text} if text else {},
        state=ApplicationState.CHECK_PASSED,
        revision=1,
        receipt_number=f"T-{call.pk}-{Application.objects.count() + 1:04d}",
        submitted_at=timezone.now(),
    )
    ApplicationRevision.objects.create(
        application=application,
        number=1,
        content={"title": title, "values": application.values, "team": [], "partners": []},
        content_hash="0" * 64,
        created_by=applicant,
    )
    return application


def score_all(assignment: Any, value: float, *, confidence: int | None = None) -> None:
    """The reviewer gives ``value`` on every criterion of the stage and submits."""
    from shenbao.reviews.queries.stages import stage_definition
    from shenbao.reviews.services.reviews import review_for, save_review, submit_review

    criteria = [c.code for c in stage_definition(assignment.stage).criteria]
    review = review_for(assignment)
    save_review(
        assignment=assignment,
        actor=assignment.reviewer,
        expected_version=review.version,
        scores=dict.fromkeys(criteria, value),
        confidence=confidence,
    )
    submit_review(assignment=assignment, actor=assignment.reviewer)
