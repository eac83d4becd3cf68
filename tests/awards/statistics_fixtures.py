"""A seed-003 call with known applications, partners and awards, built directly, for the statistics,
the dashboard, the exports and the public summary: how a call gets there is tested in tests/e2e."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shenbao.accounts.enums import OrgType
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import create_organisation, register_user
from shenbao.applications.models import Application, Partner
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from tests.reviews.fixtures import checked_application

# title, direction, organisation, state, foreign partner countries, award (status, yuan) or None
ENTRIES: list[tuple[str, str, str, str, list[str], tuple[str, int | None] | None]] = [
    ("埃及甲", "1.5", "北大", "check_passed", ["EG"], ("approved", 3_000_000)),
    ("埃及摩洛哥", "1.5", "北大", "check_passed", ["EG", "EG", "MA"], ("approved", 2_000_000)),
    ("摩洛哥落选", "1.5", "清华", "check_failed", ["MA"], None),
    ("肯尼亚撤销", "1.6", "清华", "check_passed", ["KE"], ("revoked", 1_000_000)),
    ("肯尼亚撤回", "1.6", "复旦", "withdrawn", ["KE"], None),
    ("待审", "1.6", "复旦", "submitted", [], None),
    ("埃及丙", "1.6", "清华", "check_passed", ["EG"], ("approved", 500_000)),
    ("草稿", "1.5", "北大", "draft", ["EG"], None),
]


@dataclass
class BuiltCall:
    call: Call
    officer: User
    applications: dict[str, Application]
    organisations: dict[str, Organisation]


def build_call(load_seed: Callable[[str], Call], seed: str = "003") -> BuiltCall:
    call = load_seed(seed)
    officer = register_user(email="officer@example.com", password="pass-Word-123", name="项目主管")
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    organisations = {
        name: create_organisation(name={"zh-hans": name, "en": f"{name} University"}, type=OrgType.UNIVERSITY)
        for name in ("北大", "清华", "复旦")
    }
    run = SelectionRun.objects.create(call=call, status="approved", created_by=officer)
    applications = {}
    for i, (title, direction, org, state, countries, award) in enumerate(ENTRIES):
        a = checked_application(
            call, direction=direction, title=title, email=f"p{i}@example.com", organisation=organisations[org]
        )
        Application.objects.filter(pk=a.pk).update(state=state)
        for country in countries:
            Partner.objects.create(application=a, side="foreign", name=f"{title}-{country}", type="university", country=country)
        Partner.objects.create(application=a, side="chinese", name=f"{title}-中方", type="university", country="CN")
        if award is not None:
            Award.objects.create(
                call=call, application=a, run=run, direction=a.direction, rank=i + 1, status=award[0], amount_yuan=award[1]
            )
        a.refresh_from_db()
        applications[title] = a
    return BuiltCall(call, officer, applications, organisations)


def publish(call: Call) -> None:
    Award.objects.filter(call=call, status=AwardStatus.APPROVED).update(status=AwardStatus.PUBLISHED)
