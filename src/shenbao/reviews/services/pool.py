"""The reviewer pool: invitations, answers, load limits; conflicts declared by reviewers and applicants."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user
from shenbao.applications.errors import NotEditable
from shenbao.applications.models import Application
from shenbao.applications.transitions import EDITABLE_STATES
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.core.text import text_get
from shenbao.notifications.mail import notify
from shenbao.reviews.enums import AssignmentStatus, PoolStatus, ReviewState
from shenbao.reviews.errors import (
    AlreadyAnswered,
    ExclusionsNotAllowed,
    InvitationNotForYou,
    ReviewClosed,
    ReviewerHasAssignments,
    TooManyExclusions,
)
from shenbao.reviews.models import Assignment, DeclaredConflict, ExclusionRequest, PoolMember, Review
from shenbao.reviews.transitions import ASSIGNMENT_LIFECYCLE, POOL_LIFECYCLE


@transaction.atomic
def invite_reviewer(
    *,
    call: Call,
    email: str,
    name: str,
    actor: User,
    load_limit: int | None = None,
    keywords: list[str] | None = None,
    link_base: str = "",
) -> PoolMember:
    """Invite an expert to the call's pool by e-mail; an account is opened for a new address.

    Inviting someone already in the pool returns their entry unchanged."""
    address = email.strip().lower()
    user = User.objects.filter(email=address).first()
    if user is None:
        user = register_user(email=address, password=None, name=name.strip() or address, expertise_keywords=keywords)
    member, created = PoolMember.objects.get_or_create(
        call=call,
        user=user,
        defaults={"token": secrets.token_urlsafe(24), "load_limit": load_limit, "invited_by": actor},
    )
    if not created:
        return member
    log_action(action="shenbao.review.reviewer_invited", obj=call, actor=actor, data={"email": address, "load_limit": load_limit})
    notify(
        to=address,
        language=user.language,
        template="reviewer_invitation",
        context={"call_title": call.title, "link": f"{link_base}/review/invitations/{member.token}/"},
        call=call,
    )
    return member


@transaction.atomic
def answer_pool_invitation(*, token: str, accept: bool, user: User) -> PoolMember:
    member = PoolMember.objects.select_for_update().select_related("user").get(token=token)
    if member.user_id != user.pk:
        raise InvitationNotForYou(member.user.email)
    if member.status != PoolStatus.INVITED:
        raise AlreadyAnswered()
    member.answered_at = timezone.now()
    transition(
        member,
        POOL_LIFECYCLE,
        PoolStatus.ACCEPTED if accept else PoolStatus.DECLINED,
        actor=user,
        data={"email": user.email},
        also_update=("answered_at",),
        audit_obj=member.call,
        action="shenbao.review.invitation_accepted" if accept else "shenbao.review.invitation_declined",
    )
    return member


@transaction.atomic
def update_pool_member(
    *, member: PoolMember, actor: User, load_limit: int | None, available: bool, collaborators: list[str]
) -> PoolMember:
    """Staff set the load limit; the expert (or staff) sets availability and declared collaborators."""
    before = {"load_limit": member.load_limit, "available": member.available, "collaborators": member.collaborators}
    member.load_limit = load_limit
    member.available = available
    member.collaborators = [c.strip() for c in collaborators if c.strip()]
    member.save(update_fields=["load_limit", "available", "collaborators"])
    after = {"load_limit": member.load_limit, "available": member.available, "collaborators": member.collaborators}
    if after["collaborators"] != before["collaborators"]:
        _withdraw_new_conflicts(member, actor)
    if after != before:
        log_action(
            action="shenbao.review.pool_member_changed",
            obj=member.call,
            actor=actor,
            data={"email": member.user.email, "before": before, "after": after},
        )
    return member


@transaction.atomic
def declare_conflict(*, assignment: Assignment, reason: str, actor: User) -> Assignment:
    """The reviewer declares a conflict on opening an assignment: it is withdrawn, the conflict is kept
    (a re-run of the solver respects it) and staff see the application short of a reviewer."""
    locked = Assignment.objects.select_for_update().select_related("stage__call").get(pk=assignment.pk)
    if locked.status != AssignmentStatus.ACTIVE:
        return locked
    if Review.objects.filter(assignment=locked, state=ReviewState.SUBMITTED).exists():
        raise ReviewClosed()  # a submitted review stands; a conflict found now goes to staff
    DeclaredConflict.objects.create(
        call=locked.stage.call, reviewer_id=locked.reviewer_id, application_id=locked.application_id, reason=reason.strip()
    )
    transition(
        locked,
        ASSIGNMENT_LIFECYCLE,
        AssignmentStatus.CONFLICT,
        actor=actor,
        data={"stage": locked.stage.code, "reviewer": locked.reviewer_id, "reason": reason.strip()},
        audit_obj=locked.application,
        action="shenbao.review.conflict_declared",
    )
    return locked


@transaction.atomic
def request_exclusion(
    *, application: Application, name: str, organisation: str, email: str, reason: str, actor: User
) -> ExclusionRequest:
    """An applicant asks that an expert not review their application (回避申请), within the call's cap."""
    if application.state not in EDITABLE_STATES:
        raise NotEditable()
    limit = current_definition(application.call).review_policy.exclusions_max
    if limit == 0:
        raise ExclusionsNotAllowed()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if ExclusionRequest.objects.filter(application=locked).count() >= limit:
        raise TooManyExclusions(limit)
    request = ExclusionRequest.objects.create(
        application=locked,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip().lower(),
        reason=reason.strip(),
    )
    log_action(
        action="shenbao.application.exclusion_requested",
        obj=locked,
        actor=actor,
        data={"name": request.name, "organisation": request.organisation, "reason": request.reason},
    )
    return request


@transaction.atomic
def withdraw_exclusion(*, request: ExclusionRequest, actor: User) -> None:
    if request.application.state not in EDITABLE_STATES:
        raise NotEditable()
    log_action(
        action="shenbao.application.exclusion_withdrawn",
        obj=request.application,
        actor=actor,
        data={"name": request.name, "call": text_get(request.application.call.title, None)},
    )
    request.delete()


def _withdraw_new_conflicts(member: PoolMember, actor: User) -> None:
    """A newly declared collaborator may conflict with applications the expert already holds."""
    from shenbao.reviews.queries.conflicts import conflicts_for_call
    from shenbao.reviews.services.assignment import withdraw_conflicted

    active = Assignment.objects.filter(stage__call_id=member.call_id, reviewer_id=member.user_id, status=AssignmentStatus.ACTIVE)
    held = {a.application_id: a for a in active.select_related("stage")}
    if not held:
        return
    found = conflicts_for_call(member.call, application_ids=list(held), reviewer_ids=[member.user_id])
    for application_id, _reviewer in found:
        withdraw_conflicted(assignment=held[application_id], actor=actor)


@transaction.atomic
def remove_from_pool(*, member: PoolMember, actor: User) -> None:
    """Take an expert out of the call's pool (a withdrawn invitation).  An expert who already holds
    or held assignments stays, for the record: staff mark them unavailable instead."""
    locked = PoolMember.objects.select_for_update().select_related("user", "call").get(pk=member.pk)
    if Assignment.objects.filter(stage__call_id=locked.call_id, reviewer_id=locked.user_id).exists():
        raise ReviewerHasAssignments()
    log_action(
        action="shenbao.review.reviewer_removed",
        obj=locked.call,
        actor=actor,
        data={"email": locked.user.email, "status": locked.status},
    )
    locked.delete()
