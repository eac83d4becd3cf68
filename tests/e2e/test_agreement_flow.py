"""Seed 000: agreements due 30 working days after the publication of the results (Chinese official
calendar) whenever they are opened, confirmed by every party in any order, signed when the last one
confirms; unsigned after the last day they go to staff as overdue (forfeited only where the grantee
or its institution caused the delay, extended otherwise)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.agreements.enums import AgreementStatus, DelayCause
from shenbao.agreements.errors import AgreementClosed
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import confirm_agreement, open_agreements
from shenbao.agreements.services.overdue import extend_agreement, forfeit_agreement, forfeit_overdue, record_delay_cause
from shenbao.awards.enums import AwardStatus
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call, ReviewStage
from shenbao.core.errors import DomainError
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.e2e.test_review_flows import staff
from tests.reviews.fixtures import add_expert, checked_application, score_all

BEIJING = ZoneInfo("Asia/Shanghai")
PUBLISHED = dt.datetime(2025, 9, 20, 10, 0, tzinfo=BEIJING)  # a Saturday before National Day 2025


def awarded_call(
    code: str,
    published: dt.datetime | None,
    *,
    titles: tuple[str, ...] = ("甲", "乙"),
    edit: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Seed 000 with its applications selected and the results published on ``published`` (None:
    the selection approved, the results not published yet)."""
    call = open_call("000", code=code, edit=edit)
    officer = staff(call)
    apps = [checked_application(call, direction="XM-T1", title=t, email=f"pi{i}@example.com") for i, t in enumerate(titles)]
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    close_submissions(stage.call)
    open_stage(stage=stage, actor=officer)
    add_expert(call, "e@example.com", officer=officer)
    run_assignment(stage=stage, actor=officer, k=1)
    for a in Assignment.objects.filter(stage=stage):
        score_all(a, 8)
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    if published is not None:
        publish_results(call=call, actor=officer, now=published)
    return {"call": call, "officer": officer, "apps": apps}


@pytest.fixture
def agreements(db: None, django_capture_on_commit_callbacks: Callable[..., Any]) -> dict[str, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        world = awarded_call("agreements-000", PUBLISHED)
        assert open_agreements(call=world["call"], actor=world["officer"], now=PUBLISHED) == 2
    return world


def test_the_deadline_is_30_working_days_after_publication(agreements: dict[str, Any]) -> None:
    # 2025-09-20 + 30 working days, across National Day (10-01…10-08) and its make-up days: 2025-11-06.
    assert set(Agreement.objects.values_list("deadline", flat=True)) == {dt.date(2025, 11, 6)}
    assert set(Agreement.objects.values_list("starts_on", flat=True)) == {dt.date(2025, 9, 20)}
    assert open_agreements(call=agreements["call"], actor=None, now=PUBLISHED) == 0  # idempotent


def test_the_deadline_counts_from_publication_whenever_agreements_are_opened(db: None) -> None:
    world = awarded_call("late-000", dt.datetime(2025, 9, 26, 16, 0, tzinfo=BEIJING))
    opened_late = dt.datetime(2025, 10, 20, 9, 0, tzinfo=BEIJING)
    assert open_agreements(call=world["call"], actor=world["officer"], now=opened_late) == 2
    assert set(Agreement.objects.values_list("starts_on", "deadline")) == {(dt.date(2025, 9, 26), dt.date(2025, 11, 13))}
    # Opening again (a week later) opens nothing and moves nothing.
    assert open_agreements(call=world["call"], actor=world["officer"], now=opened_late + dt.timedelta(days=7)) == 0
    assert set(Agreement.objects.values_list("deadline", flat=True)) == {dt.date(2025, 11, 13)}


def _with_officer_of_institution(agreement: Agreement) -> Any:
    officer = register_user(email="io@example.com", password="pass-Word-123", name="单位管理员")
    add_membership(user=officer, organisation=agreement.award.application.lead_organisation, role=MembershipRole.OFFICER)
    return officer


def test_every_party_confirms_and_the_agreement_is_signed(agreements: dict[str, Any], client: Client) -> None:
    first = agreements["apps"][0]
    agreement = Agreement.objects.get(award__application=first)
    # The pages sign "now": move the last day after today (the deadline arithmetic is tested above).
    Agreement.objects.filter(pk=agreement.pk).update(deadline=timezone.localdate() + dt.timedelta(days=10))
    officer_of_institution = _with_officer_of_institution(agreement)
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


def test_the_funder_may_confirm_first_and_the_last_party_to_confirm_signs(agreements: dict[str, Any], client: Client) -> None:
    agreement = Agreement.objects.get(award__application=agreements["apps"][0])
    Agreement.objects.filter(pk=agreement.pk).update(deadline=timezone.localdate() + dt.timedelta(days=10))
    client.force_login(agreements["officer"])
    client.cookies["django_language"] = "en"
    response = client.post(f"/agreements/{agreement.pk}/confirm/", {"party": "funder"}, follow=True)
    assert "Recorded. Still waiting for: the PI, the institution." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.funder_confirmed_at is not None and agreement.funder_confirmed_by == agreements["officer"]
    assert agreement.status == AgreementStatus.PENDING
    confirm_agreement(agreement=agreement, party="pi", actor=agreement.award.application.applicant)
    signed = confirm_agreement(agreement=agreement, party="institution", actor=_with_officer_of_institution(agreement))
    assert signed.status == AgreementStatus.SIGNED and signed.signed_at is not None
    assert (
        AuditEntry.objects.filter(action="shenbao.agreement.signed", object_id=str(agreement.award.application_id)).count() == 1
    )


def test_the_agreement_page_shows_the_calls_terms(agreements: dict[str, Any], client: Client) -> None:
    agreement = Agreement.objects.get(award__application=agreements["apps"][0])
    client.force_login(agreement.award.application.applicant)
    client.cookies["django_language"] = "en"
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert (
        "To be signed within 30 working days (Chinese official calendar), counted from the publication of the results (2025-09-20)."
        in page
    )
    assert "Parties: the funder, the PI, the institution" in page
    assert "forfeited where the grantee or its institution caused the delay" in page
    assert "The grantee cannot be changed after the project is approved." in page
    assert "co-owned by the author&#x27;s" in page or "co-owned by the author's" in page  # the IP term


def test_an_unsigned_agreement_goes_to_staff_as_overdue_after_its_last_day(
    agreements: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    mail.outbox.clear()
    last_day = dt.datetime(2025, 11, 6, 23, 0, tzinfo=BEIJING)
    assert forfeit_overdue(now=last_day).overdue == []
    with django_capture_on_commit_callbacks(execute=True):
        outcome = forfeit_overdue(now=dt.datetime(2025, 11, 7, 0, 30, tzinfo=BEIJING))
    assert (len(outcome.overdue), outcome.forfeited) == (2, [])  # seed 000: never forfeited by the job
    assert set(Agreement.objects.values_list("status", flat=True)) == {AgreementStatus.OVERDUE}
    assert {a.award.status for a in Agreement.objects.select_related("award")} == {AwardStatus.PUBLISHED}
    # Staff decide; each PI is told too (issue 17).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "officer@example.com",
        "officer@example.com",
        "pi0@example.com",
        "pi1@example.com",
    ]
    with pytest.raises(AgreementClosed):
        confirm_agreement(agreement=outcome.overdue[0], party="pi", actor=outcome.overdue[0].award.application.applicant)


def _overdue(world: dict[str, Any]) -> Agreement:
    forfeit_overdue(now=dt.datetime(2025, 11, 7, 9, 0, tzinfo=BEIJING))
    return Agreement.objects.get(award__application=world["apps"][0])


def test_a_funder_caused_delay_cannot_be_forfeited_and_is_extended_with_an_audited_reason(
    agreements: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    agreement = _overdue(agreements)
    officer = agreements["officer"]
    with pytest.raises(DomainError):  # no cause recorded yet
        forfeit_agreement(agreement=agreement, actor=officer)
    record_delay_cause(agreement=agreement, cause=DelayCause.FUNDER, note="法务审核延迟", actor=officer)
    with pytest.raises(DomainError) as refused:
        forfeit_agreement(agreement=agreement, actor=officer)
    assert refused.value.code == "forfeit_cause"
    agreement.refresh_from_db()
    assert (agreement.status, agreement.award.status) == (AgreementStatus.OVERDUE, AwardStatus.PUBLISHED)
    new_day = timezone.localdate() + dt.timedelta(days=14)
    with pytest.raises(DomainError):
        extend_agreement(agreement=agreement, deadline=new_day, reason=" ", actor=officer)
    with pytest.raises(DomainError):
        extend_agreement(agreement=agreement, deadline=timezone.localdate(), reason="法务审核延迟", actor=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        extended = extend_agreement(agreement=agreement, deadline=new_day, reason="法务审核延迟", actor=officer)
    assert (extended.status, extended.deadline) == (AgreementStatus.PENDING, new_day)
    entry = AuditEntry.objects.get(action="shenbao.agreement.extended")
    assert (entry.actor, entry.data["before"], entry.data["deadline"], entry.data["reason"], entry.data["cause"]) == (
        officer,
        "2025-11-06",
        new_day.isoformat(),
        "法务审核延迟",
        "funder",
    )
    assert [m.to[0] for m in mail.outbox] == [agreement.award.application.applicant.email]
    signed = confirm_agreement(agreement=extended, party="pi", actor=agreement.award.application.applicant)
    assert signed.pi_confirmed_at is not None  # open to signatures again


def test_a_grantee_caused_delay_is_forfeited_by_staff_and_the_award_revoked(agreements: dict[str, Any]) -> None:
    agreement = _overdue(agreements)
    officer = agreements["officer"]
    record_delay_cause(agreement=agreement, cause=DelayCause.INSTITUTION, actor=officer)
    with pytest.raises(DomainError):
        extend_agreement(agreement=agreement, deadline=timezone.localdate() + dt.timedelta(days=5), reason="x", actor=officer)
    assert forfeit_agreement(agreement=agreement, actor=officer) is None  # seed 000 offers no reserve
    agreement.refresh_from_db()
    assert (agreement.status, agreement.award.status) == (AgreementStatus.FORFEITED, AwardStatus.REVOKED)
    entry = AuditEntry.objects.get(action="shenbao.agreement.forfeited")
    assert (entry.actor, entry.data["cause"]) == (officer, "institution")
    assert AuditEntry.objects.filter(action="shenbao.award.revoked", object_id=str(agreement.award.application_id)).exists()


def test_the_job_forfeits_on_its_own_only_where_the_terms_say_so(db: None) -> None:
    def automatic(data: dict[str, Any]) -> None:
        data["agreement"]["forfeit_automatically"] = True

    world = awarded_call("auto-000", PUBLISHED, edit=automatic)
    open_agreements(call=world["call"], actor=None, now=PUBLISHED)
    outcome = forfeit_overdue(now=dt.datetime(2025, 11, 7, 0, 30, tzinfo=BEIJING))
    assert (len(outcome.forfeited), outcome.overdue) == (2, [])
    assert {a.award.status for a in Agreement.objects.select_related("award")} == {AwardStatus.REVOKED}
    assert set(Agreement.objects.values_list("status", flat=True)) == {AgreementStatus.FORFEITED}


def test_seed_000_terms_leave_the_forfeit_to_staff(agreements: dict[str, Any]) -> None:
    from shenbao.calls.queries.definitions import current_definition

    terms = current_definition(Call.objects.get(pk=agreements["call"].pk)).agreement
    assert terms is not None and (terms.forfeit_when_missed, terms.forfeit_automatically) == (True, False)


def test_the_daily_command_reports_what_it_forfeited_and_what_went_to_staff(agreements: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("forfeit_overdue_agreements", stdout=out)  # today is long after 2025-11-06
    assert out.getvalue().strip() == "agreements forfeited: 0; overdue for staff: 2"
