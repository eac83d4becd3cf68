"""An upheld reconsideration (复审成立) is carried out (issue 13.3): the application goes back where
the decision sends it, and the outcome reads 复审成立 / 复审不成立, not an objection's 异议成立."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from shenbao.accounts.services.accounts import register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.awards.enums import ReconsiderationKind
from shenbao.awards.models import Reconsideration
from shenbao.awards.services.reconsideration import decide_reconsideration, request_reconsideration
from shenbao.calls.models import ReviewStage
from shenbao.core.models import AuditEntry
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.models import StageEntry
from tests.applications.fixtures import close_submissions
from tests.reviews.fixtures import checked_application


def _officer() -> object:
    return register_user(email="o2@example.com", password="pass-Word-123", name="主管二")


def test_upheld_formal_check_reconsideration_passes_the_check(rejected: Application, client: Client) -> None:
    """Regression: 复审成立 could not be carried out — check_failed → check_passed was refused."""
    request = request_reconsideration(application=rejected, reason="材料齐全，请复核", actor=rejected.applicant)
    decide_reconsideration(request=request, upheld=True, outcome="复核后符合条件。", actor=_officer())
    rejected.refresh_from_db()
    assert rejected.state == ApplicationState.CHECK_PASSED
    entry = AuditEntry.objects.get(action="shenbao.application.check_passed")
    assert (entry.data["from"], entry.data["reconsideration"]) == ("check_failed", request.pk)
    client.force_login(rejected.applicant)
    page = client.get(f"/applications/{rejected.pk}/").content.decode()
    assert "复审成立" in page
    assert "异议成立" not in page


def test_upheld_formal_check_reconsideration_enters_an_open_review_stage(rejected: Application) -> None:
    call = rejected.call
    other = checked_application(call, direction="XM-T1", title="乙", email="pi@example.com")
    close_submissions(call)
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    StageEntry.objects.create(stage=stage, application=other)  # review already under way
    request = request_reconsideration(application=rejected, reason="请复核", actor=rejected.applicant)
    decide_reconsideration(request=request, upheld=True, outcome="成立", actor=_officer())
    assert StageEntry.objects.get(stage=stage, application=rejected).status == EntryStatus.IN_REVIEW


def test_rejected_reconsideration_changes_nothing_and_reads_not_upheld(rejected: Application, client: Client) -> None:
    request = request_reconsideration(application=rejected, reason="请复核", actor=rejected.applicant)
    decide_reconsideration(request=request, upheld=False, outcome="维持原决定。", actor=_officer())
    rejected.refresh_from_db()
    assert rejected.state == ApplicationState.CHECK_FAILED
    client.force_login(rejected.applicant)
    page = client.get(f"/applications/{rejected.pk}/").content.decode()
    assert "复审不成立" in page
    assert "异议不成立" not in page


def test_upheld_non_award_reconsideration_puts_the_application_back_into_review(db: None) -> None:
    from tests.applications.fixtures import open_call

    call = open_call("000", code="nonaward-000")
    application = checked_application(call, direction="XM-T1", title="甲", email="pi@example.com")
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    entry = StageEntry.objects.create(stage=stage, application=application, status=EntryStatus.NOT_ADVANCED)
    request = Reconsideration.objects.create(
        application=application, kind=ReconsiderationKind.NON_AWARD, reason="评审有误", requested_at=timezone.now()
    )
    decide_reconsideration(request=request, upheld=True, outcome="重新评审。", actor=_officer())
    entry.refresh_from_db()
    assert entry.status == EntryStatus.IN_REVIEW
    assert AuditEntry.objects.filter(action="shenbao.review.entry.in_review").count() == 1
