"""Every conflict kind (回避), with the reason staff see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership
from shenbao.accounts.services.accounts import add_membership
from shenbao.applications.models import Application, Partner
from shenbao.applications.services.team import invite_team_member, respond_to_invitation
from shenbao.reviews.enums import ConflictKind
from shenbao.reviews.errors import TooManyExclusions
from shenbao.reviews.models import DeclaredConflict, ExclusionRequest
from shenbao.reviews.queries.conflicts import Conflict, conflicts_for_call
from shenbao.reviews.services.pool import request_exclusion, update_pool_member
from tests.reviews.fixtures import ReviewSetup, pool_member


def found(setup: ReviewSetup) -> dict[tuple[str, str], list[Conflict]]:
    titles = {a.pk: a.title for a in setup.applications}
    emails = {u.pk: e for e, u in setup.experts.items()}
    return {(titles[a], emails[r]): reasons for (a, r), reasons in conflicts_for_call(setup.call).items()}


def test_no_conflicts_between_strangers(in_review: Callable[..., ReviewSetup]) -> None:
    assert found(in_review()) == {}


def test_same_institution_now(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    add_membership(user=setup.experts["ai@example.com"], organisation=setup.organisations[1])
    assert found(setup) == {("端侧大模型的高效推理", "ai@example.com"): [Conflict(ConflictKind.SAME_INSTITUTION, "第2大学")]}


@pytest.mark.parametrize(("years_ago", "conflicted"), [(2, True), (4, False)])
def test_same_institution_within_the_look_back(in_review: Callable[..., ReviewSetup], years_ago: int, conflicted: bool) -> None:
    setup = in_review()  # seed 000 uses the default look-back of 3 years
    membership = add_membership(
        user=setup.experts["ai@example.com"], organisation=setup.organisations[1], role=MembershipRole.MEMBER
    )
    left = timezone.localdate() - dt.timedelta(days=365 * years_ago)
    Membership.objects.filter(pk=membership.pk).update(start_date=left - dt.timedelta(days=1000), end_date=left)
    assert bool(found(setup)) is conflicted


def test_reviewer_on_the_team(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    application = setup.applications[0]
    Application.objects.filter(pk=application.pk).update(state="draft")  # team invitations while drafting
    application.refresh_from_db()
    member = invite_team_member(
        application=application, email="ai@example.com", name="模型专家", role="faculty", actor=application.applicant
    )
    respond_to_invitation(token=member.token, accept=True, user=setup.experts["ai@example.com"])
    assert found(setup)[("锂电池储能系统的热管理", "ai@example.com")] == [
        Conflict(ConflictKind.OWN_APPLICATION, "ai@example.com")
    ]


def test_reviewer_at_a_partner_organisation(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    Partner.objects.create(application=setup.applications[3], side="chinese", name="第1大学", type="university", country="CN")
    # The battery expert works at 第1大学, which is applicant 0's university and applicant 3's partner.
    add_membership(user=setup.experts["battery@example.com"], organisation=setup.organisations[0])
    result = found(setup)
    assert result[("锂电池储能系统的热管理", "battery@example.com")] == [Conflict(ConflictKind.SAME_INSTITUTION, "第1大学")]
    assert result[("电池材料的固态电解质", "battery@example.com")] == [Conflict(ConflictKind.SAME_INSTITUTION, "第1大学")]


def test_declared_collaborator(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    member = pool_member(setup.call, setup.experts["rice@example.com"])
    update_pool_member(member=member, actor=setup.officer, load_limit=None, available=True, collaborators=["申请人2"])
    assert found(setup) == {("水稻抗病育种的基因编辑", "rice@example.com"): [Conflict(ConflictKind.COLLABORATOR, "申请人2")]}


def test_reviewer_declared_conflict_with_an_organisation(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    DeclaredConflict.objects.create(
        call=setup.call, reviewer=setup.experts["general@example.com"], organisation=setup.organisations[3], reason="兼职"
    )
    assert found(setup) == {("电池材料的固态电解质", "general@example.com"): [Conflict(ConflictKind.REVIEWER_DECLARED, "兼职")]}


def test_applicant_exclusion_by_name_and_cap(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    application = setup.applications[1]
    Application.objects.filter(pk=application.pk).update(state="draft")
    application.refresh_from_db()
    request_exclusion(
        application=application, name="模型专家", organisation="", email="", reason="竞争关系", actor=application.applicant
    )
    assert found(setup) == {("端侧大模型的高效推理", "ai@example.com"): [Conflict(ConflictKind.APPLICANT_EXCLUDED, "竞争关系")]}
    for i in range(2):
        request_exclusion(
            application=application, name=f"某人{i}", organisation="", email="", reason="x", actor=application.applicant
        )
    with pytest.raises(TooManyExclusions):
        request_exclusion(
            application=application, name="第四人", organisation="", email="", reason="x", actor=application.applicant
        )
    assert ExclusionRequest.objects.filter(application=application).count() == 3
