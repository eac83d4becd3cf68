"""Seed 000: agreements due 30 working days after the results (Chinese official calendar), signed by
every party on line, or forfeited the day after the last day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.errors import AgreementClosed
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import confirm_agreement, forfeit_overdue, open_agreements
from shenbao.awards.enums import AwardStatus
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import ReviewStage
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.e2e.test_review_flows import staff
from tests.reviews.fixtures import add_expert, checked_application, score_all

BEIJING = ZoneInfo("Asia/Shanghai")
PUBLISHED = dt.datetime(2025, 9, 20, 10, 0, tzinfo=BEIJING)  # a Saturday before National Day 2025


@pytest.fixture
def agreements(db: None, django_capture_on_commit_callbacks: Callable[..., Any]) -> dict[str, Any]:
    call = open_call("000", code="agreements-000")
    officer = staff(call)
    apps = [checked_application(call, direction="XM-T1", title=t, email=f"pi{i}@example.com") for i, t in enumerate(["甲", "乙"])]
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    close_submissions(stage.call)
    open_stage(stage=stage, actor=officer)
    add_expert(call, "e@example.com", officer=officer)
    run_assignment(stage=stage, actor=officer, k=1)
    for a in Assignment.objects.filter(stage=stage):
        score_all(a, 8)
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        publish_results(call=call, actor=officer, now=PUBLISHED)
        assert open_agreements(call=call, actor=officer, now=PUBLISHED) == 2
    return {"call": call, "officer": officer, "apps": apps}


def test_the_deadline_is_30_working_days_after_publication(agreements: dict[str, Any]) -> None:
    # 2025-09-20 + 30 working days, across National Day (10-01…10-08) and its make-up days: 2025-11-06.
    assert set(Agreement.objects.values_list("deadline", flat=True)) == {dt.date(2025, 11, 6)}
    assert open_agreements(call=agreements["call"], actor=None, now=PUBLISHED) == 0  # idempotent


def test_every_party_confirms_and_the_agreement_is_signed(agreements: dict[str, Any], client: Client) -> None:
    first = agreements["apps"][0]
    agreement = Agreement.objects.get(award__application=first)
    # The pages sign "now": move the last day after today (the deadline arithmetic is tested above).
    Agreement.objects.filter(pk=agreement.pk).update(deadline=timezone.localdate() + dt.timedelta(days=10))
    officer_of_institution = register_user(email="io@example.com", password="pass-Word-123", name="单位管理员")
    add_membership(user=officer_of_institution, organisation=first.lead_organisation, role=MembershipRole.OFFICER)
    stranger = register_user(email="x@example.com", password="pass-Word-123", name="路人")
    client.force_login(stranger)
    assert client.get(f"/agreements/{agreement.pk}/").status_code == 404
    assert client.post(f"/agreements/{agreement.pk}/confirm/", {"party": "pi"}).status_code == 404
    client.force_login(first.applicant)
    assert "我作为项目负责人确认协议" in client.get(f"/agreements/{agreement.pk}/").content.decode()
    client.post(f"/agreements/{agreement.pk}/confirm/", {"party": "pi"})
    client.post(f"/agreements/{agreement.pk}/confirm/", {"party": "institution"})  # not theirs to confirm
    agreement.refresh_from_db()
    assert agreement.pi_confirmed_at is not None and agreement.institution_confirmed_at is None
    confirm_agreement(agreement=agreement, party="institution", actor=officer_of_institution)
    signed = confirm_agreement(agreement=agreement, party="funder", actor=agreements["officer"])
    assert signed.status == AgreementStatus.SIGNED


def test_an_unsigned_agreement_is_forfeited_after_its_last_day(agreements: dict[str, Any]) -> None:
    last_day = dt.datetime(2025, 11, 6, 23, 0, tzinfo=BEIJING)
    assert forfeit_overdue(now=last_day) == []
    forfeited = forfeit_overdue(now=dt.datetime(2025, 11, 7, 0, 30, tzinfo=BEIJING))
    assert len(forfeited) == 2
    assert {a.award.status for a in Agreement.objects.select_related("award")} == {AwardStatus.REVOKED}
    with pytest.raises(AgreementClosed):
        confirm_agreement(agreement=forfeited[0], party="pi", actor=forfeited[0].award.application.applicant)
