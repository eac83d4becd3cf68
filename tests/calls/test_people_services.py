"""Program roles, institution officers and the reviewer pool from the staff pages: invitations by
e-mail, revocation, and an audit entry for each grant and revocation (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, Organisation, User
from shenbao.accounts.services.officers import (
    OfficerAlreadyRevoked,
    appoint_institution_officer,
    revoke_institution_officer,
)
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.errors import LastProgramOfficer
from shenbao.calls.models import Call, ProgramRole
from shenbao.calls.services.people import invite_to_program_role, withdraw_program_role
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.reviews.errors import ReviewerHasAssignments
from shenbao.reviews.models import PoolMember
from shenbao.reviews.services.assignment import assign_manually
from shenbao.reviews.services.pool import invite_reviewer, remove_from_pool
from tests.factories import OrganisationFactory, UserFactory


def _actions(obj: Any) -> list[str]:
    return list(AuditEntry.objects.for_object(obj).order_by("id").values_list("action", flat=True))


@pytest.mark.django_db
def test_inviting_a_new_address_to_a_program_role_opens_an_account_grants_and_mails_once(
    load_seed: Callable[[str], Call], django_capture_on_commit_callbacks: Any
) -> None:
    program = load_seed("000").program
    admin = UserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        role, created = invite_to_program_role(
            program=program, email="Observer@Example.com", name="观察员", role="observer", actor=admin, link_base="https://x"
        )
    assert created and role.role == "observer"
    user = User.objects.get(email="observer@example.com")
    assert role.user == user and not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["observer@example.com"]
    assert "https://x/accounts/password/reset/" in mail.outbox[0].body
    assert "观察员" in mail.outbox[0].body  # the role, in the recipient's language (Chinese by default)
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = invite_to_program_role(program=program, email="observer@example.com", role="observer", actor=admin)
    assert again.pk == role.pk and not created_again
    assert len(mail.outbox) == 1
    assert _actions(program).count("shenbao.program_role.granted") == 1


@pytest.mark.django_db
def test_the_last_program_officer_cannot_be_revoked(load_seed: Callable[[str], Call]) -> None:
    program = load_seed("000").program
    first = grant_program_role(program=program, user=UserFactory(), role=ProgramRoleKind.PROGRAM_OFFICER)
    actor = first.user
    with pytest.raises(LastProgramOfficer):
        withdraw_program_role(program_role=first, actor=actor)
    assert ProgramRole.objects.filter(pk=first.pk).exists()
    assert "shenbao.program_role.revoked" not in _actions(program)

    second = grant_program_role(program=program, user=UserFactory(), role=ProgramRoleKind.PROGRAM_OFFICER)
    withdraw_program_role(program_role=first, actor=second.user)
    assert list(ProgramRole.objects.filter(program=program).values_list("pk", flat=True)) == [second.pk]
    entry = AuditEntry.objects.for_object(program).get(action="shenbao.program_role.revoked")
    assert entry.actor == second.user and entry.data == {"user": actor.email, "role": "program_officer"}
    assert not actor.has_perm("calls.change_call", program)


@pytest.mark.django_db
def test_institution_officer_appointed_then_revoked_with_audit_and_mail(django_capture_on_commit_callbacks: Any) -> None:
    organisation: Organisation = OrganisationFactory()
    admin = UserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        membership, created = appoint_institution_officer(organisation=organisation, email="keyan@example.com", actor=admin)
        _same, created_again = appoint_institution_officer(organisation=organisation, email="KEYAN@example.com", actor=admin)
    assert created and not created_again
    assert (membership.role, membership.end_date, membership.start_date) == (
        MembershipRole.OFFICER,
        None,
        timezone.localdate(),
    )
    assert len(mail.outbox) == 1 and "测试大学" in mail.outbox[0].subject

    revoked = revoke_institution_officer(membership=membership, actor=admin)
    assert revoked.end_date == timezone.localdate()
    assert not Membership.objects.filter(organisation=organisation, role=MembershipRole.OFFICER, end_date__isnull=True).exists()
    with pytest.raises(OfficerAlreadyRevoked):
        revoke_institution_officer(membership=membership, actor=admin)
    assert _actions(organisation) == [
        "shenbao.organisation.officer_appointed",
        "shenbao.organisation.officer_revoked",
    ]


@pytest.mark.django_db
def test_an_invited_expert_is_taken_out_of_the_pool_but_one_with_assignments_stays(in_review: Any) -> None:
    setup = in_review(experts=("zhang@example.com",))
    waiting = invite_reviewer(call=setup.call, email="new@example.com", name="新专家", actor=setup.officer)
    remove_from_pool(member=waiting, actor=setup.officer)
    assert not PoolMember.objects.filter(pk=waiting.pk).exists()
    entry = AuditEntry.objects.for_object(setup.call).get(action="shenbao.review.reviewer_removed")
    assert entry.data == {"email": "new@example.com", "status": "invited"}

    expert = setup.experts["zhang@example.com"]
    assign_manually(stage=setup.stage, application_id=setup.applications[0].pk, reviewer=expert, actor=setup.officer)
    member = PoolMember.objects.get(call=setup.call, user=expert)
    with pytest.raises(ReviewerHasAssignments):
        remove_from_pool(member=member, actor=setup.officer)
    assert PoolMember.objects.filter(pk=member.pk).exists()
    assert _actions(setup.call).count("shenbao.review.reviewer_removed") == 1
