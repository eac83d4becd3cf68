"""Who may run a stage, review, see reviews and sign off (CONVENTIONS rule 4)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.definition.schema import Visibility
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.queries.roles import has_program_role
from shenbao.reviews.enums import AssignmentStatus, ReviewState


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _has_program_role(user: Any, call: Any, role: str) -> bool:
    return call is not None and has_program_role(user, call.program_id, role)


@predicate
def is_stage_officer(user: Any, stage: Any) -> bool:
    """A program officer of the stage's call."""
    return stage is not None and _has_program_role(user, stage.call, ProgramRoleKind.PROGRAM_OFFICER)


@predicate
def is_stage_chair(user: Any, stage: Any) -> bool:
    return stage is not None and _has_program_role(user, stage.call, ProgramRoleKind.COMMITTEE_CHAIR)


@predicate
def is_call_officer(user: Any, call: Any) -> bool:
    return _has_program_role(user, call, ProgramRoleKind.PROGRAM_OFFICER)


@predicate
def is_assigned_reviewer(user: Any, assignment: Any) -> bool:
    """The reviewer of an active assignment (a declared conflict ends their access)."""
    return (
        _authenticated(user)
        and assignment is not None
        and assignment.reviewer_id == user.pk
        and assignment.status == AssignmentStatus.ACTIVE
    )


@predicate
def assignment_officer(user: Any, assignment: Any) -> bool:
    return assignment is not None and is_stage_officer(user, assignment.stage)


@predicate
def may_see_other_reviews(user: Any, assignment: Any) -> bool:
    """Per the stage: never, after the reviewer's own review is submitted, or always."""
    from shenbao.reviews.queries.stages import stage_definition

    if assignment is None:
        return False
    visibility = stage_definition(assignment.stage).reviewers_see_other_reviews
    if visibility == Visibility.ALWAYS:
        return True
    if visibility == Visibility.AFTER_OWN:
        review = getattr(assignment, "review", None)
        return review is not None and review.state == ReviewState.SUBMITTED
    return False


add_perm("reviews.manage_stage", is_stage_officer | is_administrator)
add_perm("reviews.sign_off_stage", is_stage_chair | is_administrator)
add_perm("reviews.view_stage", is_stage_officer | is_stage_chair | is_administrator)
add_perm("reviews.manage_pool", is_call_officer | is_administrator)
add_perm("reviews.view_assignment", is_assigned_reviewer | assignment_officer | is_administrator)
add_perm("reviews.review", is_assigned_reviewer)
add_perm("reviews.see_other_reviews", (is_assigned_reviewer & may_see_other_reviews) | assignment_officer | is_administrator)


@predicate
def is_stage_pool_reviewer(user: Any, stage: Any) -> bool:
    """An expert who accepted the invitation to the pool of the stage's call (may bid on its applications)."""
    from shenbao.reviews.enums import PoolStatus
    from shenbao.reviews.models import PoolMember

    return (
        _authenticated(user)
        and stage is not None
        and PoolMember.objects.filter(call_id=stage.call_id, user_id=user.pk, status=PoolStatus.ACCEPTED).exists()
    )


add_perm("reviews.bid", is_stage_pool_reviewer)
add_perm("reviews.view_bids", is_stage_officer | is_administrator)


def is_application_applicant(user: Any, application: Any) -> bool:
    """The applicant of the application (who answers its reviews, 答辩)."""
    return _authenticated(user) and application is not None and application.applicant_id == user.pk


@predicate
def assignment_chair(user: Any, assignment: Any) -> bool:
    return assignment is not None and is_stage_chair(user, assignment.stage)


add_perm("reviews.respond_to_reviews", is_application_applicant)
# A review's earlier versions (kept when a reviewer revises after the applicant's response): the
# stage's staff and chair, and the reviewer who wrote them.
add_perm("reviews.see_review_revisions", is_assigned_reviewer | assignment_officer | assignment_chair | is_administrator)
