"""Team invitations answered only with the mailed token (issue 15, defect 2): an account whose address
matches the invitation, but which never saw the mail, cannot take the place on the team."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from rest_framework.test import APIClient

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, TeamMember
from shenbao.applications.services.team import invite_team_member
from shenbao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def invitation(ready_application: Callable[..., Application], scholar: User) -> TeamMember:
    return invite_team_member(application=ready_application(), email="li@example.com", name="李娜", role="member", actor=scholar)


def unchanged(member: TeamMember) -> None:
    member.refresh_from_db()
    assert (member.status, member.user_id, member.responded_at) == (InvitationStatus.INVITED, None, None)
    assert not AuditEntry.objects.filter(
        action__in=["shenbao.application.team_accepted", "shenbao.application.team_declined"]
    ).exists()


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_api_answer_without_token_is_refused_for_matching_address(invitation: TeamMember, answer: str) -> None:
    matching = register_user(email="LI@example.com".lower(), password=None, name="同地址")
    response = api(matching).post(f"/api/v1/invitations/{invitation.pk}/{answer}/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "token_required"
    assert response.json()["fields"] == {"token": ["This field is required."]}
    unchanged(invitation)


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_api_answer_with_wrong_token_is_refused(invitation: TeamMember, answer: str) -> None:
    matching = register_user(email="li@example.com", password=None, name="同地址")
    response = api(matching).post(f"/api/v1/invitations/{invitation.pk}/{answer}/", {"token": "guess" * 6}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "token_invalid")
    assert response.json()["detail"] == "This is not the token of this invitation."
    unchanged(invitation)


def test_api_answer_with_mailed_token_accepts(invitation: TeamMember) -> None:
    invitee = register_user(email="li@example.com", password=None, name="李娜")
    response = api(invitee).post(f"/api/v1/invitations/{invitation.pk}/accept/", {"token": invitation.token}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "accepted")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user_id) == (InvitationStatus.ACCEPTED, invitee.pk)


def test_token_of_another_invitation_is_refused(
    ready_application: Callable[..., Application], scholar: User, invitation: TeamMember
) -> None:
    attacker = register_user(email="attacker@example.com", password=None, name="攻击者")
    own = invite_team_member(
        application=ready_application("XM-T2"), email="attacker@example.com", name="攻击者", role="member", actor=scholar
    )
    # The attacker cannot even see the other invitation, with or without a token.
    response = api(attacker).post(f"/api/v1/invitations/{invitation.pk}/accept/", {"token": own.token}, format="json")
    assert response.status_code == 404
    unchanged(invitation)


def test_unconfirmed_address_cannot_answer_even_with_token(invitation: TeamMember) -> None:
    invitee = register_user(email="li@example.com", password=None, name="李娜", email_verified=False)
    assert not EmailAddress.objects.filter(user=invitee, verified=True).exists()
    response = api(invitee).post(f"/api/v1/invitations/{invitation.pk}/accept/", {"token": invitation.token}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Confirm your e-mail address (the link we mailed you) before answering an invitation."
    unchanged(invitation)


def test_web_answer_needs_the_token_in_the_link(invitation: TeamMember) -> None:
    matching = register_user(email="li@example.com", password=None, name="同地址")
    client = Client()
    client.force_login(matching)
    assert client.post("/invitations/not-the-token/", {"answer": "accept"}).status_code == 404
    unchanged(invitation)
    assert client.post(f"/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
