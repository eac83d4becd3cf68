"""Submitting: one atomic step, a frozen revision, a receipt; idempotent; the deadline holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.errors import DeadlinePassed, EditConflict, NotEditable, NotEligible, RequiredFieldsMissing
from shenbao.applications.facts import check_application
from shenbao.applications.models import Application, ApplicationRevision
from shenbao.applications.services.drafts import save_draft
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import amend_submission, issue_late_token, submit_application, withdraw_application
from shenbao.calls.models import Call
from shenbao.core.errors import DomainError, InvalidTransition
from shenbao.core.models import AuditEntry
from shenbao.eligibility.engine import Outcome

pytestmark = pytest.mark.django_db


def test_submit_freezes_revision_issues_receipt_and_mails_it(
    ready_application: Callable[..., Application], django_capture_on_commit_callbacks: Any
) -> None:
    application = ready_application()
    with django_capture_on_commit_callbacks(execute=True):
        result = submit_application(application=application, actor=application.applicant, key="k1")
    application.refresh_from_db()
    assert (result.created, result.revision) == (True, 1)
    assert application.state == ApplicationState.SUBMITTED
    assert application.receipt_number == f"{application.call.year}-{application.call_id:03d}-{application.pk:06d}"
    revision = ApplicationRevision.objects.get(application=application)
    assert revision.number == 1
    assert revision.content["title"] == "面向端侧大模型的高效推理"
    assert revision.content["attachments"][0]["document"] == "application-form"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["scholar@example.com"]
    assert application.receipt_number in mail.outbox[0].subject
    assert mail.outbox[0].subject == f"申报书已收到：{application.receipt_number}"  # the applicant's language (zh-hans)
    assert f"受理编号：{application.receipt_number}" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="shenbao.application.submitted").count() == 1


def test_double_submit_is_idempotent(
    ready_application: Callable[..., Application], django_capture_on_commit_callbacks: Any
) -> None:
    application = ready_application()
    with django_capture_on_commit_callbacks(execute=True):
        first = submit_application(application=application, actor=application.applicant, key="k1")
        second = submit_application(application=application, actor=application.applicant, key="k1")
        third = submit_application(application=application, actor=application.applicant, key="another-tab")
    assert (first.created, second.created, third.created) == (True, False, False)
    assert ApplicationRevision.objects.filter(application=application).count() == 1
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="shenbao.application.submitted").count() == 1


def test_submission_after_the_deadline_is_refused_and_nothing_changes(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    late = application.call.deadline + dt.timedelta(seconds=1)
    with pytest.raises(DeadlinePassed) as info:
        submit_application(application=application, actor=application.applicant, now=late)
    assert "24:00（北京时间）" in str(info.value)
    application.refresh_from_db()
    assert (application.state, application.revision, application.receipt_number) == (ApplicationState.DRAFT, 0, None)
    assert AuditEntry.objects.filter(action="shenbao.application.late_refused").count() == 1


def test_last_second_before_the_deadline_is_accepted(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    just_in_time = application.call.deadline - dt.timedelta(microseconds=1)
    assert submit_application(application=application, actor=application.applicant, now=just_in_time).created is True


def test_late_token_lets_one_applicant_submit_until_it_expires(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    officer = register_user(email="officer@example.com", password=None, name="主管")
    application = ready_application()
    # The deadline is ten days away; the extension runs until eleven days from now.
    token = issue_late_token(call=application.call, applicant=scholar, hours=24 * 11, reason="系统故障", actor=officer)
    assert token.expires_at > application.call.deadline
    with pytest.raises(DeadlinePassed):
        submit_application(application=application, actor=scholar, now=token.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(ValueError, match="between 1 hour and 14 days"):
        issue_late_token(call=application.call, applicant=scholar, hours=24 * 15, reason="太长", actor=officer)
    result = submit_application(application=application, actor=scholar, now=application.call.deadline + dt.timedelta(minutes=30))
    assert result.created is True
    token.refresh_from_db()
    assert token.used_at is not None
    assert AuditEntry.objects.filter(action="shenbao.call.late_token_issued").get().data["reason"] == "系统故障"


def test_third_application_is_refused_second_warns(ready_application: Callable[..., Application]) -> None:
    first = ready_application("XM-T1")
    submit_application(application=first, actor=first.applicant)
    second = ready_application("XM-T2")
    results = {r.code: r for r in check_application(second)}
    assert results["applications-per-applicant"].outcome == Outcome.WARN
    submit_application(application=second, actor=second.applicant)
    third = ready_application("XM-T1")
    with pytest.raises(NotEligible) as info:
        submit_application(application=third, actor=third.applicant)
    assert info.value.failed == ["applications-per-applicant"]
    third.refresh_from_db()
    assert third.state == ApplicationState.DRAFT


def test_missing_declaration_blocks_submission(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    save_draft(
        application=application, changes={"declarations": []}, expected_version=application.version, actor=application.applicant
    )
    with pytest.raises(NotEligible) as info:
        submit_application(application=application, actor=application.applicant)
    assert "pi-signs-commitments" in info.value.failed


def test_stale_autosave_is_a_conflict_and_loses_nothing(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    version = application.version
    save_draft(application=application, changes={"title": "第一个标签页"}, expected_version=version, actor=application.applicant)
    with pytest.raises(EditConflict):
        save_draft(
            application=application, changes={"title": "第二个标签页"}, expected_version=version, actor=application.applicant
        )
    application.refresh_from_db()
    assert application.title == "第一个标签页"


def test_amend_after_submission_is_a_new_revision_with_reason(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    number = amend_submission(
        application=application, actor=application.applicant, changes={"title": "修改后的题目"}, reason="更正题目"
    )
    assert number == 2
    revisions = list(
        ApplicationRevision.objects.filter(application=application).values_list("number", "reason", "content__title")
    )
    assert revisions == [(1, "", "面向端侧大模型的高效推理"), (2, "更正题目", "修改后的题目")]
    with pytest.raises(DeadlinePassed):
        amend_submission(
            application=application,
            actor=application.applicant,
            changes={"title": "截止后修改"},
            reason="太晚",
            now=application.call.deadline + dt.timedelta(hours=1),
        )
    application.refresh_from_db()
    assert application.title == "修改后的题目"


def test_withdraw_then_nothing_more(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    withdraw_application(application=application, actor=application.applicant, reason="不再参加")
    assert application.state == ApplicationState.WITHDRAWN
    with pytest.raises(NotEditable):
        submit_application(application=application, actor=application.applicant)


def test_formal_check_return_then_resubmit(ready_application: Callable[..., Application], xiaomi_call: Call) -> None:
    officer = register_user(email="officer@example.com", password=None, name="主管")
    a, b = ready_application("XM-T1"), ready_application("XM-T2")
    for application in (a, b):
        submit_application(application=application, actor=application.applicant)
    with pytest.raises(ValueError, match="needs a reason"):
        decide_formal_check(applications=[a, b], outcome="return", reason=" ", actor=officer)
    decide_formal_check(applications=[a], outcome="return", reason="申报表未签字", actor=officer)
    decide_formal_check(applications=[b], outcome="pass", reason="", actor=officer)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == (ApplicationState.RETURNED, ApplicationState.CHECK_PASSED)
    assert a.formal_checks.get().reason == "申报表未签字"
    save_draft(application=a, changes={"title": "补正后的题目"}, expected_version=a.version, actor=a.applicant)
    result = submit_application(application=a, actor=a.applicant)
    assert (result.created, result.revision) == (True, 2)
    a.refresh_from_db()
    assert a.state == ApplicationState.SUBMITTED


def test_failed_formal_check_is_final(ready_application: Callable[..., Application]) -> None:
    officer = register_user(email="officer@example.com", password=None, name="主管")
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    decide_formal_check(applications=[application], outcome="fail", reason="不符合申报条件", actor=officer)
    with pytest.raises(InvalidTransition):
        withdraw_application(application=application, actor=application.applicant)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.CHECK_FAILED


def test_call_closed_by_staff_refuses_submissions_before_its_deadline(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    Call.objects.filter(pk=application.call_id).update(status="closed")
    application.refresh_from_db()
    with pytest.raises(DeadlinePassed):
        submit_application(application=application, actor=application.applicant)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.DRAFT


def test_returned_application_can_be_corrected_after_the_deadline(ready_application: Callable[..., Application]) -> None:
    officer = register_user(email="officer@example.com", password=None, name="主管")
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    decide_formal_check(applications=[application], outcome="return", reason="补充盖章", actor=officer)
    after_deadline = application.call.deadline + dt.timedelta(days=3)
    result = submit_application(application=application, actor=application.applicant, now=after_deadline)
    assert (result.created, result.revision) == (True, 2)


def test_amendment_cannot_empty_required_fields(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    with pytest.raises(RequiredFieldsMissing):
        amend_submission(application=application, actor=application.applicant, changes={"title": "", "values": {}}, reason="清空")
    application.refresh_from_db()
    assert (application.title, application.revision) == ("面向端侧大模型的高效推理", 1)


def test_drafts_do_not_count_against_the_application_limit(ready_application: Callable[..., Application]) -> None:
    first, second, third = ready_application("XM-T1"), ready_application("XM-T2"), ready_application("XM-T1")
    results = {r.code: r for r in check_application(third)}
    assert results["applications-per-applicant"].outcome == Outcome.PASS  # the other two are only drafts
    submit_application(application=first, actor=first.applicant)
    submit_application(application=second, actor=second.applicant)
    with pytest.raises(NotEligible):
        submit_application(application=third, actor=third.applicant)


def test_an_application_is_returned_for_correction_only_once(ready_application: Callable[..., Application]) -> None:
    officer = register_user(email="officer@example.com", password=None, name="主管")
    application = ready_application()
    submit_application(application=application, actor=application.applicant)
    decide_formal_check(applications=[application], outcome="return", reason="补充盖章", actor=officer)
    submit_application(application=application, actor=application.applicant)
    with pytest.raises(DomainError) as info:
        decide_formal_check(applications=[application], outcome="return", reason="再次退回", actor=officer)
    with translation.override("en"):
        assert (
            str(info.value)
            == f"These applications were already returned once; pass or fail them now: {application.receipt_number}."
        )
    decide_formal_check(applications=[application], outcome="fail", reason="仍未盖章", actor=officer)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.CHECK_FAILED
