"""Giving up an award is its own path: the PI declines with a reason, the award is revoked, the
agreement closed as declined, the next reserve offered where the call allows (its term counting from
the offer), staff and the reserve told; only the PI may decline, only staff decide overdue agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import open_agreements
from shenbao.agreements.services.overdue import forfeit_overdue
from shenbao.agreements.services.reserves import decline_award
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.errors import DomainError
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import open_call
from tests.e2e.test_agreement_flow import BEIJING, awarded_call
from tests.factories import UserFactory
from tests.reviews.fixtures import checked_application

PUBLISHED = dt.datetime(2025, 9, 26, 16, 0, tzinfo=BEIJING)


def _reserves(data: dict[str, Any]) -> None:
    data["agreement"]["offer_to_reserve"] = True


def world(code: str, *, reserves_allowed: bool) -> dict[str, Any]:
    built = awarded_call(code, PUBLISHED, edit=_reserves if reserves_allowed else None)
    call = built["call"]
    reserve = checked_application(call, direction="XM-T1", title="丙", email="reserve@example.com")
    run = SelectionRun.objects.get(call=call, status="approved")
    run.result = {**run.result, "reserve": [{"group": "XM-T1", "applications": [reserve.pk]}]}
    run.save(update_fields=["result"])
    open_agreements(call=call, actor=built["officer"], now=PUBLISHED)
    agreement = Agreement.objects.get(award__application=built["apps"][0])
    Agreement.objects.filter(pk=agreement.pk).update(deadline=timezone.localdate() + dt.timedelta(days=10))
    agreement.refresh_from_db()
    return {**built, "reserve": reserve, "agreement": agreement}


def test_the_pi_declines_and_the_next_reserve_is_offered(
    db: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    w = world("decline-000", reserves_allowed=True)
    agreement, pi = w["agreement"], w["apps"][0].applicant
    offered_on = dt.datetime(2025, 10, 20, 9, 0, tzinfo=BEIJING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined, offered = decline_award(agreement=agreement, reason="已获得其他资助", actor=pi, now=offered_on)
    assert (declined.status, declined.decline_reason) == (AgreementStatus.DECLINED, "已获得其他资助")
    assert Award.objects.get(pk=agreement.award_id).status == AwardStatus.REVOKED
    assert offered is not None and offered.application == w["reserve"] and offered.status == AwardStatus.FINAL
    assert offered.explanation == {"offered_instead_of": w["apps"][0].pk}
    # The reserve's term counts from the day of the offer: 2025-10-20 + 30 working days.
    assert (offered.agreement.starts_on, offered.agreement.deadline) == (dt.date(2025, 10, 20), dt.date(2025, 12, 1))
    assert sorted(m.to[0] for m in mail.outbox) == ["officer@example.com", "reserve@example.com"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"shenbao.agreement.declined", "shenbao.award.revoked", "shenbao.award.offered_to_reserve"} <= actions
    entry = AuditEntry.objects.get(action="shenbao.agreement.declined")
    assert (entry.actor, entry.data["reason"]) == (pi, "已获得其他资助")
    with pytest.raises(DomainError):  # declined is final
        decline_award(agreement=declined, reason="again", actor=pi)


def test_no_reserve_is_offered_where_the_call_does_not_allow_it(db: None) -> None:
    w = world("decline-noreserve-000", reserves_allowed=False)
    declined, offered = decline_award(agreement=w["agreement"], reason="个人原因", actor=w["apps"][0].applicant)
    assert offered is None and declined.status == AgreementStatus.DECLINED
    assert not Award.objects.filter(application=w["reserve"]).exists()


def test_declining_needs_a_reason(db: None) -> None:
    w = world("decline-reason-000", reserves_allowed=True)
    with pytest.raises(DomainError):
        decline_award(agreement=w["agreement"], reason="  ", actor=w["apps"][0].applicant)
    w["agreement"].refresh_from_db()
    assert w["agreement"].status == AgreementStatus.PENDING


def _matrix(w: dict[str, Any]) -> dict[str, User | None]:
    application = w["apps"][0]
    officer = register_user(email="inst@example.com", password=None, name="依托单位")
    add_membership(user=officer, organisation=application.lead_organisation, role=MembershipRole.OFFICER)
    other_staff = UserFactory()
    grant_program_role(program=open_call("004", code="other-004").program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    return {
        "anonymous": None,
        "applicant": application.applicant,
        "other_applicant": w["apps"][1].applicant,
        "reviewer": User.objects.get(email="e@example.com"),
        "institution_officer": officer,
        "staff_of_another_program": other_staff,
        "staff": w["officer"],
    }


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_only_the_pi_may_decline_on_the_web(db: None) -> None:
    w = world("decline-web-000", reserves_allowed=True)
    agreement = w["agreement"]
    url = f"/agreements/{agreement.pk}/decline/"
    for role, user in _matrix(w).items():
        if role == "applicant":
            continue
        response = _client(user).post(url, {"reason": "x", "confirm": "yes"})
        assert response.status_code in (302, 404), role
        if response.status_code == 302:
            assert "/login" in response["Location"] or "accounts" in response["Location"], role
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.PENDING, role
    pi = _client(w["apps"][0].applicant)
    assert "data-decline" in pi.get(f"/agreements/{agreement.pk}/").content.decode()
    pi.post(url, {"reason": "个人原因"})  # the box not ticked: nothing happens
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PENDING
    pi.post(url, {"reason": "个人原因", "confirm": "yes"})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.decline_reason) == (AgreementStatus.DECLINED, "个人原因")
    page = pi.get(f"/agreements/{agreement.pk}/").content.decode()
    assert 'data-status="declined"' in page and "个人原因" in page and "data-decline" not in page


def test_only_staff_of_the_program_decide_an_overdue_agreement_on_the_web(db: None) -> None:
    w = world("overdue-web-000", reserves_allowed=False)
    agreement = w["agreement"]
    Agreement.objects.filter(pk=agreement.pk).update(deadline=dt.date(2025, 11, 13))
    forfeit_overdue(now=dt.datetime(2025, 11, 14, 9, 0, tzinfo=BEIJING))
    url = f"/agreements/{agreement.pk}/overdue/"
    for role, user in _matrix(w).items():
        if role == "staff":
            continue
        for data in ({"action": "cause", "cause": "grantee"}, {"action": "forfeit"}):
            assert _client(user).post(url, data).status_code in (302, 404), role
        agreement.refresh_from_db()
        assert (agreement.status, agreement.delay_cause) == (AgreementStatus.OVERDUE, ""), role
    staff = _client(w["officer"])
    assert "data-overdue" in staff.get(f"/agreements/{agreement.pk}/").content.decode()
    staff.post(url, {"action": "cause", "cause": "other", "note": "快递延误"})
    staff.post(url, {"action": "forfeit"})  # refused: not the grantee's fault
    agreement.refresh_from_db()
    assert (agreement.status, agreement.delay_cause) == (AgreementStatus.OVERDUE, "other")
    new_day = timezone.localdate() + dt.timedelta(days=7)
    staff.post(url, {"action": "extend", "deadline": new_day.isoformat(), "reason": "快递延误"})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.deadline) == (AgreementStatus.PENDING, new_day)
