"""A submitted seed-003 application (MOST intergovernmental cooperation), for PDFs and exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from shenbao.accounts.enums import EmploymentType, OrgType, Position
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user, update_profile
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.parts import add_partner, attach_file
from shenbao.applications.services.submission import submit_application
from tests.applications.fixtures import PDF, open_call


@pytest.fixture
def most_application(db: Any) -> Application:
    call = open_call("003", code="open-003")
    org = create_organisation(name={"zh-hans": "测试大学"}, type=OrgType.UNIVERSITY)
    user: User = register_user(
        email="wang@example.com",
        password="pass-Word-123",
        name="王伟",
        birth_date=dt.date(1980, 1, 1),
        position=Position.FACULTY,
        employment_type=EmploymentType.FULL_TIME,
    )
    update_profile(user=user, name="王伟", name_en="Wang Wei", birth_date=dt.date(1980, 1, 1), position=Position.FACULTY)
    add_membership(user=user, organisation=org)
    application = start_application(call=call, direction=call.directions.get(code="1.1"), applicant=user, lead_organisation=org)
    save_draft(
        application=application,
        changes={
            "title": "智慧水务关键技术联合研究",
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
