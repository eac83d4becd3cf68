"""Approving a selection run, publishing the results with decision letters, and the public notice (公示)."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState
from shenbao.applications.files import sniff
from shenbao.applications.models import Application
from shenbao.awards.enums import AwardStatus, NoticeStatus, ObjectionStatus, RunStatus
from shenbao.awards.errors import EvidenceRefused, EvidenceTooLarge, NoticeClosed, SelectionError
from shenbao.awards.models import Award, Objection, PublicNotice, SelectionRun
from shenbao.awards.transitions import AWARD_LIFECYCLE, NOTICE_LIFECYCLE, OBJECTION_LIFECYCLE, RUN_LIFECYCLE
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition, transition_many
from shenbao.notifications.mail import notify
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import Review
from shenbao.reviews.queries.discussion import texts_for_applicant
from shenbao.reviews.queries.stages import stage_definition

#: Anyone may object without an account: the evidence is kept small and recognised by its content.
EVIDENCE_MAX_MB = 5
EVIDENCE_FORMATS = frozenset({"pdf", "png", "jpg", "docx"})
DEFAULT_NOTICE_DAYS = 7


@transaction.atomic
def approve_run(*, run: SelectionRun, actor: User) -> list[Award]:
    """Turn a proposed run's selection into awards; an earlier approved run is superseded.

    Once results are published the awards stand: changes go through the notice's objections."""
    locked = SelectionRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if locked.status != RunStatus.PROPOSED:
        raise SelectionError(_("Only a proposed selection can be approved."))
    if Award.objects.filter(call_id=locked.call_id).exclude(status=AwardStatus.APPROVED).exists():
        raise SelectionError(_("The results are already published; a new selection can no longer replace them."))
    earlier = SelectionRun.objects.select_for_update(of=("self",)).filter(call_id=locked.call_id, status=RunStatus.APPROVED)
    transition_many(
        earlier, RUN_LIFECYCLE, RunStatus.SUPERSEDED, actor=actor, audit_obj_of=lambda r: r.call, data={"by": locked.pk}
    )
    applications = Application.objects.in_bulk([s["application"] for s in locked.result.get("selected", [])])
    gone = sorted(a.receipt_number or str(a.pk) for a in applications.values() if a.state == ApplicationState.WITHDRAWN)
    if gone:
        # The optimiser would have chosen someone else in their place: compute again rather than leave a gap.
        raise SelectionError(
            _("Withdrawn since this selection was computed: %(numbers)s. Compute the selection again."),
            params={"numbers": ", ".join(gone)},
        )
    Award.objects.filter(call_id=locked.call_id).delete()
    awards = [
        Award(
            call_id=locked.call_id,
            application=applications[s["application"]],
            run=locked,
            direction_id=applications[s["application"]].direction_id,
            rank=s.get("rank"),
            amount_yuan=s.get("amount_yuan"),
            tier=s.get("tier") or "",
            explanation=s.get("explanation", {}),
        )
        for s in locked.result.get("selected", [])
    ]
    Award.objects.bulk_create(awards)
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    transition(
        locked,
        RUN_LIFECYCLE,
        RunStatus.APPROVED,
        actor=actor,
        also_update=["approved_by", "approved_at"],
        audit_obj=locked.call,
        data={"run": locked.pk, "awards": len(awards)},
    )
    return awards


def _comments(application: Application) -> list[str]:
    """The review comments the applicant may read: from stages that show comments to applicants, anonymous."""
    stages = [s for s in ReviewStage.objects.filter(call_id=application.call_id) if s.kind != "formal_check"]
    visible = [s.pk for s in stages if stage_definition(s).comments_visible_to_applicant]
    comments = (
        Review.objects.filter(
            assignment__stage_id__in=visible,
            assignment__application=application,
            assignment__status=AssignmentStatus.ACTIVE,
            state=ReviewState.SUBMITTED,
        )
        .exclude(comment_to_applicant="")
        .order_by("submitted_at")
        .values_list("comment_to_applicant", flat=True)
    )
    return list(comments)


@transaction.atomic
def publish_results(*, call: Call, actor: User, now: dt.datetime | None = None, notice_days: int | None = None) -> PublicNotice:
    """Publish the approved awards, open the public notice and send every reviewed applicant their
    decision letter in their language (with the review comments the stages allow them to read)."""
    now = now or timezone.now()
    awards = list(
        Award.objects.select_for_update(of=("self",)).filter(call=call, status=AwardStatus.APPROVED).select_related("application")
    )
    if not awards:
        raise SelectionError(_("Approve a selection before publishing the results."))
    days = notice_days or current_definition(call).selection.public_notice_days or DEFAULT_NOTICE_DAYS
    transition_many(awards, AWARD_LIFECYCLE, AwardStatus.PUBLISHED, actor=actor, audit_obj_of=lambda a: a.application)
    notice, _created = PublicNotice.objects.update_or_create(
        call=call,
        defaults={"starts_at": now, "ends_at": now + dt.timedelta(days=days), "status": NoticeStatus.OPEN, "created_by": actor},
    )
    awarded = {a.application_id: a for a in awards}
    tiers = {t.code: t.name.as_dict() for t in current_definition(call).selection.prize_tiers}  # named in the letter's language
    reviewed = Application.objects.filter(stage_entries__stage__call=call).distinct().select_related("applicant")
    for application in reviewed:
        award = awarded.get(application.pk)
        notify(
            to=application.applicant.email,
            language=application.applicant.language,
            template="decision",
            call=call,
            related=application,
            link=reverse("web:application", args=[application.pk]),
            context={
                "call_title": call.title,
                "title": application.title,
                "number": application.receipt_number,
                "applicant": str(application.applicant),
                "awarded": award is not None,
                "amount_yuan": award.amount_yuan if award else None,
                "tier": tiers.get(award.tier, {"zh-hans": award.tier, "en": award.tier}) if award and award.tier else "",
                "comments": _comments(application),
                **texts_for_applicant(application, application.applicant.language),
                "notice_ends": notice.ends_at,
            },
        )
    log_action(
        action="shenbao.results.published",
        obj=call,
        actor=actor,
        data={"awards": len(awards), "notice_ends": notice.ends_at.isoformat(), "letters": reviewed.count()},
    )
    return notice


@transaction.atomic
def file_objection(
    *,
    notice: PublicNotice,
    award: Award,
    name: str,
    email: str,
    organisation: str,
    text: str,
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
    evidence_size: int = 0,
    now: dt.datetime | None = None,
) -> Objection:
    """A named objection to a published award, only while the notice is open."""
    now = now or timezone.now()
    locked = PublicNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    if locked.status != NoticeStatus.OPEN or not locked.starts_at <= now < locked.ends_at:
        raise NoticeClosed()
    award = Award.objects.select_related("application").get(pk=award.pk)  # its state as it is now
    if award.call_id != locked.call_id or award.status != AwardStatus.PUBLISHED:
        raise SelectionError(_("Objections concern a published award of this call."))
    if evidence is not None and evidence_size > EVIDENCE_MAX_MB * 1024 * 1024:
        raise EvidenceTooLarge(EVIDENCE_MAX_MB)
    verdict = sniff(evidence, evidence_size) if evidence is not None else None
    if verdict is not None and (verdict.problem is not None or verdict.format not in EVIDENCE_FORMATS):
        raise EvidenceRefused()
    objection = Objection(
        notice=locked,
        award=award,
        name=name.strip(),
        email=email.strip().lower(),
        organisation=organisation.strip(),
        text=text.strip(),
    )
    if evidence is not None and verdict is not None:
        # Stored under a generated name with the sniffed extension; the sender's name is not kept.
        objection.evidence.save(f"evidence.{verdict.format}", File(evidence), save=False)
    objection.save()
    log_action(
        action="shenbao.results.objection_filed",
        obj=award.application,
        actor=None,
        data={"objection": objection.pk, "name": objection.name, "email": objection.email},
    )
    return objection


@transaction.atomic
def decide_objection(*, objection: Objection, upheld: bool, outcome: str, actor: User) -> Objection:
    locked = Objection.objects.select_for_update(of=("self",)).get(pk=objection.pk)
    if locked.status != ObjectionStatus.RECEIVED:
        raise SelectionError(_("This objection is already decided."))
    if not outcome.strip():
        raise SelectionError(_("Record the outcome, which the objector is told."))
    target = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    locked.outcome = outcome.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    transition(
        locked,
        OBJECTION_LIFECYCLE,
        target,
        actor=actor,
        also_update=["outcome", "decided_by", "decided_at"],
        audit_obj=locked.award.application,
        action="shenbao.results.objection_decided",
        data={"objection": locked.pk, "upheld": upheld, "outcome": locked.outcome},
    )
    return locked


@transaction.atomic
def close_notice(*, call: Call, actor: User | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """After the notice period: awards without an upheld objection become final, those with one are
    revoked.  Refused while the period runs or while objections wait for a decision."""
    now = now or timezone.now()
    notice = PublicNotice.objects.select_for_update(of=("self",)).get(call=call)
    if notice.status != NoticeStatus.OPEN:
        raise SelectionError(_("The public notice is already closed."))
    if now < notice.ends_at:
        raise SelectionError(_("The public notice period has not ended yet."))
    if notice.objections.filter(status=ObjectionStatus.RECEIVED).exists():
        raise SelectionError(_("Decide every objection before closing the public notice."))
    upheld = set(notice.objections.filter(status=ObjectionStatus.UPHELD).values_list("award_id", flat=True))
    published = list(
        Award.objects.select_for_update(of=("self",))
        .filter(call=call, status=AwardStatus.PUBLISHED)
        .select_related("application")
    )
    revoked = transition_many(
        [a for a in published if a.pk in upheld],
        AWARD_LIFECYCLE,
        AwardStatus.REVOKED,
        actor=actor,
        audit_obj_of=lambda a: a.application,
        data={"reason": "objection_upheld"},
    )
    final = transition_many(
        [a for a in published if a.pk not in upheld],
        AWARD_LIFECYCLE,
        AwardStatus.FINAL,
        actor=actor,
        audit_obj_of=lambda a: a.application,
    )
    transition(
        notice,
        NOTICE_LIFECYCLE,
        NoticeStatus.CLOSED,
        actor=actor,
        audit_obj=call,
        action="shenbao.results.final",
        data={"final": final, "revoked": revoked},
    )
    return {"final": final, "revoked": revoked}
