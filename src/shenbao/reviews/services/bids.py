"""Bidding: reviewers of a stage's pool mark its applications eager, willing, not willing or conflict.

A conflict bid is also a declared conflict (source "bid", with its reason), so the 回避 board shows
it and no assignment pairs the two; an active assignment of the pair is withdrawn.  Taking the
conflict bid back removes the conflict it made (and only that one)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.calls.models import ReviewStage
from shenbao.core.audit import log_action
from shenbao.reviews.enums import AssignmentStatus, EntryStatus
from shenbao.reviews.errors import BidNeedsReason, NotInPool, StageNotReady, UnknownBid
from shenbao.reviews.models import Assignment, Bid, BidKind, ConflictSource, DeclaredConflict, StageEntry
from shenbao.reviews.permissions import is_stage_pool_reviewer
from shenbao.reviews.services.assignment import withdraw_conflicted


@transaction.atomic
def place_bid(*, stage: ReviewStage, application_id: int, reviewer: User, kind: str, reason: str = "") -> Bid | None:
    """Set ``reviewer``'s bid on an application of ``stage``; an empty ``kind`` removes it (neutral)."""
    if not is_stage_pool_reviewer(reviewer, stage):
        raise NotInPool()
    if kind and kind not in BidKind.values:
        raise UnknownBid()
    if not StageEntry.objects.filter(stage=stage, application_id=application_id, status=EntryStatus.IN_REVIEW).exists():
        raise StageNotReady(_("This application is not in review in this stage."))
    reason = reason.strip()[:300]
    if kind == BidKind.CONFLICT and not reason:
        raise BidNeedsReason()
    before = Bid.objects.select_for_update().filter(stage=stage, application_id=application_id, reviewer=reviewer).first()
    previous = before.kind if before else ""
    bid_conflicts = DeclaredConflict.objects.filter(
        call_id=stage.call_id, reviewer=reviewer, application_id=application_id, source=ConflictSource.BID
    )
    if not kind:
        if before is not None:
            before.delete()
        bid: Bid | None = None
    elif before is None:
        bid = Bid.objects.create(
            stage=stage,
            application_id=application_id,
            reviewer=reviewer,
            kind=kind,
            reason=reason if kind == BidKind.CONFLICT else "",
        )
    else:
        before.kind = kind
        before.reason = reason if kind == BidKind.CONFLICT else ""
        before.save(update_fields=["kind", "reason", "updated_at"])
        bid = before
    if kind == BidKind.CONFLICT:
        if not bid_conflicts.update(reason=reason):
            DeclaredConflict.objects.create(
                call_id=stage.call_id, reviewer=reviewer, application_id=application_id, reason=reason, source=ConflictSource.BID
            )
        for assignment in Assignment.objects.filter(
            stage__call_id=stage.call_id, application_id=application_id, reviewer=reviewer, status=AssignmentStatus.ACTIVE
        ):
            withdraw_conflicted(assignment=assignment, actor=reviewer)
    elif previous == BidKind.CONFLICT:
        bid_conflicts.delete()
    if kind != previous or kind == BidKind.CONFLICT:
        log_action(
            action="shenbao.review.bid_placed",
            obj=stage,
            actor=reviewer,
            data={"application": application_id, "reviewer": reviewer.email, "before": previous, "after": kind, "reason": reason},
        )
    return bid
