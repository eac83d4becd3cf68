"""Submit, amend and withdraw: each one atomic step with a frozen, numbered revision."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState
from shenbao.applications.errors import CallNotOpen, DeadlinePassed, NotEditable, NotEligible, RequiredFieldsMissing
from shenbao.applications.facts import check_application, missing_required_fields
from shenbao.applications.models import Application, ApplicationRevision, LateSubmissionToken
from shenbao.applications.queries.submission import lock_for_submission
from shenbao.applications.queries.window import WindowReason, WindowState, submission_window
from shenbao.applications.services.drafts import EDITABLE
from shenbao.applications.services.endorsement import request_endorsement
from shenbao.applications.services.state import change_application_state
from shenbao.applications.transitions import EDITABLE_STATES, SUBMITTED_ALREADY
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.window import deadline_text
from shenbao.core.audit import log_action
from shenbao.core.text import text_get
from shenbao.eligibility.engine import Outcome, encode_results
from shenbao.notifications.mail import notify


@dataclass(frozen=True)
class SubmitResult:
    application: Application
    revision: int
    created: bool  # False when the same submission was already recorded (double click, retry)


def snapshot(application: Application) -> dict[str, Any]:
    """Everything the applicant submitted, as plain data (the frozen revision's content)."""
    return {
        "call": application.call.code,
        "direction": application.direction.code if application.direction else None,
        "title": application.title,
        "english_title": application.english_title,
        "duration_months": application.duration_months,
        "requested_yuan": application.requested_yuan,
        "fields": list(application.fields),
        "subtopics": application.subtopics,
        "trl": application.trl,
        "values": application.values,
        "declarations": sorted(application.declarations),
        "negative_event": application.negative_event,
        "nomination_route": application.nomination_route,
        "entry_language": application.entry_language,
        "foreign_entry": application.foreign_entry,
        "external": application.external,
        "lead_organisation": application.lead_organisation_id,
        "team": [
            {"email": m.email, "name": m.name, "role": m.role, "presenter": m.presenter, "status": m.status}
            for m in sorted(application.team.all(), key=lambda m: m.pk)
        ],
        "partners": [
            {
                "side": p.side,
                "name": p.name,
                "type": p.type,
                "country": p.country,
                "legal_person": p.legal_person,
                "registered_on": p.registered_on,
                "matching_funds_yuan": p.matching_funds_yuan,
            }
            for p in sorted(application.partners.all(), key=lambda p: p.pk)
        ],
        "attachments": [
            {
                "document": a.document_code,
                "sha256": a.sha256,
                "name": a.original_name,
                "link": a.share_link,
                "size": a.size,
                "file": a.file.name or "",  # the stored file the revision holds: never deleted after this
            }
            for a in sorted(application.attachments.all(), key=lambda a: a.pk)
        ],
    }


def _freeze(application: Application, actor: User, reason: str) -> ApplicationRevision:
    """Write the next numbered revision; the caller saves ``application.revision``."""
    text = json.dumps(snapshot(application), cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    content = json.loads(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    application.revision += 1
    return ApplicationRevision.objects.create(
        application=application,
        number=application.revision,
        content=content,
        content_hash=digest,
        reason=reason,
        created_by=actor,
    )


def _deadline_text(application: Application) -> str:
    """The deadline as the call states it ("24:00" of the day), in Beijing time or the call's zone."""
    return deadline_text(application.call, application.call.deadline)


def _criterion_texts(definition: Any, codes: list[str]) -> list[str]:
    language = translation.get_language()
    texts = {c.code: c.text.get(language) for c in definition.eligibility}
    # The refusal ends with its own full stop: a criterion's own would double it ("……征集。。").
    return [texts.get(code, code).rstrip("。.") for code in codes]


def _check_deadline(application: Application, now: dt.datetime) -> LateSubmissionToken | None:
    """None while the window is open; the applicant's late token after the deadline; otherwise
    DeadlinePassed (after the deadline or once staff closed the call) or CallNotOpen (not yet open)."""
    window = submission_window(application.call, application.applicant, now)
    if window.state == WindowState.OPEN:
        return None
    if window.state == WindowState.LATE:
        return window.token
    if window.reason in (WindowReason.DEADLINE_PASSED, WindowReason.CLOSED_BY_STAFF):
        raise DeadlinePassed(deadline=_deadline_text(application), application=application)
    raise CallNotOpen(window.reason_text)


def _record_refusal(application: Application, actor: User, now: dt.datetime) -> None:
    """Audit a late attempt outside the refused transaction, so the record survives its rollback."""
    log_action(
        action="shenbao.application.late_refused",
        obj=application,
        actor=actor,
        data={"at": now.isoformat(), "deadline": application.call.deadline.isoformat()},
    )


def submit_application(*, application: Application, actor: User, key: str = "", now: dt.datetime | None = None) -> SubmitResult:
    """Submit in one atomic step: deadline, eligibility, revision, receipt, e-mail.

    The same ``key`` (the form's one-time token) submitted twice returns the first result,
    so double clicks and retries never create a second submission.
    """
    result = _submit_locked(application.pk, actor, key, now or timezone.now(), own_only=False)
    assert result is not None  # the application exists: the caller has just read it
    # The caller's object reflects the submission without another query.
    for name in ("state", "revision", "receipt_number", "submitted_at", "submit_key", "check_results", "version"):
        setattr(application, name, getattr(result.application, name))
    return result


def submit_own_application(*, pk: int, actor: User, key: str = "", now: dt.datetime | None = None) -> SubmitResult | None:
    """Submit the actor's own application by its key, read under the lock together with all that
    the checks need (the API's path: one query where a read and then a lock would be two).
    None when the actor has no application ``pk``."""
    return _submit_locked(pk, actor, key, now or timezone.now(), own_only=True)


def _submit_locked(pk: int, actor: User, key: str, now: dt.datetime, *, own_only: bool) -> SubmitResult | None:
    try:
        return _submit(pk, actor, key, now, own_only)
    except DeadlinePassed as exc:
        _record_refusal(exc.application, actor, now)  # outside the rolled-back transaction
        raise


@transaction.atomic
def _submit(pk: int, actor: User, key: str, now: dt.datetime, own_only: bool) -> SubmitResult | None:
    found = lock_for_submission(pk, actor.pk if own_only else None)  # one statement: the row, its parts, the facts' reads
    if found is None:
        if own_only:
            return None
        raise Application.DoesNotExist
    locked = found.application
    if locked.state in SUBMITTED_ALREADY:
        # Already in: a double click, a retry, or a second tab. Nothing is written twice.
        return SubmitResult(locked, locked.revision, created=False)
    if locked.state not in EDITABLE_STATES:
        raise NotEditable()
    reads = found.load()
    # A correction asked for at the formal check may be resubmitted after the deadline.
    token = None if locked.state == ApplicationState.RETURNED else _check_deadline(locked, now)
    definition = current_definition(locked.call)
    missing = missing_required_fields(locked, definition)
    if missing:
        raise RequiredFieldsMissing([f.label.get(translation.get_language()) for f in missing])
    results = check_application(locked, definition, reads=reads)
    failed = [r.code for r in results if r.outcome == Outcome.FAIL]
    if failed:
        raise NotEligible(failed, _criterion_texts(definition, failed))
    resubmission = locked.state == ApplicationState.RETURNED
    revision = _freeze(locked, actor, "退回修改后重新提交 / Resubmitted after correction" if resubmission else "")
    locked.check_results = encode_results(results)
    if not locked.receipt_number:
        locked.receipt_number = f"{locked.call.year}-{locked.call_id:03d}-{locked.pk:06d}"
    locked.submitted_at = now
    locked.submit_key = key
    change_application_state(
        application=locked,
        to=ApplicationState.SUBMITTED,
        actor=actor,
        data={"revision": revision.number, "receipt": locked.receipt_number, "late_token": token.pk if token else None},
        also_update=["revision", "check_results", "receipt_number", "submitted_at", "submit_key"],
    )
    if token is not None and token.used_at is None:
        token.used_at = now
        token.save(update_fields=["used_at"])
    notify(
        to=locked.applicant.email,
        language=locked.applicant.language,
        template="receipt",
        call=locked.call,
        related=locked,
        user=locked.applicant,  # loaded with the lock: its notification needs no lookup
        link=reverse("web:application", args=[locked.pk]),
        context={
            "call_title": locked.call.title,
            "number": locked.receipt_number,
            "applicant": str(locked.applicant),
            "direction": locked.direction.title if locked.direction is not None else "",
            "deadline": locked.call.deadline,
            "revision": revision.number,
            "submitted_at": now,
            "title": locked.title,
            # The call's undertakings (seed 000: no exchange before the review) go with the receipt.
            "obligations": [o.text.as_dict() for o in definition.obligations],
        },
    )
    if definition.call.institution_endorsement:
        request_endorsement(locked)
    return SubmitResult(locked, revision.number, created=True)


def amend_submission(
    *, application: Application, actor: User, changes: dict[str, Any], reason: str, now: dt.datetime | None = None
) -> int:
    """Change a submitted application while the call allows it (before the deadline): a new revision with a reason."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValueError("an amendment needs a reason")
    try:
        return _amend(application, actor, changes, reason, now)
    except DeadlinePassed:
        _record_refusal(application, actor, now)
        raise


@transaction.atomic
def _amend(application: Application, actor: User, changes: dict[str, Any], reason: str, now: dt.datetime) -> int:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    if locked.state != ApplicationState.SUBMITTED:
        raise NotEditable()
    _check_deadline(locked, now)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    definition = current_definition(locked.call)
    missing = missing_required_fields(locked, definition)
    if missing:
        raise RequiredFieldsMissing([f.label.get(translation.get_language()) for f in missing])  # rolls the change back
    results = check_application(locked, definition)
    failed = [r.code for r in results if r.outcome == Outcome.FAIL]
    if failed:
        raise NotEligible(failed)  # rolls the change back
    revision = _freeze(locked, actor, reason)
    locked.check_results = encode_results(results)
    locked.save(update_fields=["check_results", "revision", "updated_at"])
    log_action(
        action="shenbao.application.amended", obj=locked, actor=actor, data={"revision": revision.number, "reason": reason}
    )
    return revision.number


@transaction.atomic
def withdraw_application(*, application: Application, actor: User, reason: str = "") -> None:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    change_application_state(application=locked, to=ApplicationState.WITHDRAWN, actor=actor, data={"reason": reason})
    application.refresh_from_db()


@transaction.atomic
def issue_late_token(*, call: Any, applicant: User, hours: int, reason: str, actor: User) -> LateSubmissionToken:
    """A staff-issued extension for one applicant, expiring after ``hours``; audited."""
    if hours < 1 or hours > 24 * 14:
        raise ValueError("an extension lasts between 1 hour and 14 days")
    token = LateSubmissionToken.objects.create(
        call=call,
        applicant=applicant,
        token=secrets.token_urlsafe(24),
        expires_at=timezone.now() + dt.timedelta(hours=hours),
        reason=reason,
        issued_by=actor,
    )
    log_action(
        action="shenbao.call.late_token_issued",
        obj=call,
        actor=actor,
        data={
            "applicant": applicant.email,
            "expires_at": token.expires_at.isoformat(),
            "reason": reason,
            "call": text_get(call.title, None),
        },
    )
    return token
