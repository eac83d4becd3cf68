"""Reads of the discussion of an application in a stage, its panel opinion and staff's notes, and
who takes part: the permission predicates (``reviews.permissions_discussion``) ask these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.definition.schema import Visibility
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.core.text import text_get
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import (
    Assignment,
    DeclaredConflict,
    DiscussionComment,
    InternalNote,
    PanelHead,
    PanelOpinion,
    ShortlistSignOff,
)
from shenbao.reviews.queries.stages import stage_definition


@dataclass(frozen=True)
class Thread:
    """The discussion of one application in one stage: the object permissions are asked about."""

    stage: ReviewStage
    application: Application


def thread_allows(user: Any, permission: str, thread: Thread) -> bool:
    """``user.has_perm(permission, thread)``: the rules package takes any object; Django's types want a model."""
    return bool(getattr(user, "has_perm", None) and user.has_perm(permission, thread))


def discussion_visibility(stage: ReviewStage) -> Visibility:
    return stage_definition(stage).reviewer_discussion


def has_panel_opinion(stage: ReviewStage) -> bool:
    return stage_definition(stage).panel_opinion


def active_assignment(user: Any, thread: Thread) -> Assignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Assignment.objects.select_related("review")
        .filter(stage=thread.stage, application=thread.application, reviewer_id=user.pk, status=AssignmentStatus.ACTIVE)
        .first()
    )


def own_review_submitted(assignment: Assignment) -> bool:
    review = getattr(assignment, "review", None)
    return review is not None and review.state == ReviewState.SUBMITTED


def panel_heads_for(stage: ReviewStage, application: Application) -> list[User]:
    """The heads whose scope covers the application: its direction's, else its category's, else the
    whole stage's (the narrowest scope named wins)."""
    heads = list(PanelHead.objects.filter(stage=stage).select_related("user"))
    direction = application.direction
    for matches in (
        lambda h: direction is not None and h.direction_id == direction.pk,
        lambda h: direction is not None and h.category_id is not None and h.category_id == direction.category_id,
        lambda h: h.direction_id is None and h.category_id is None,
    ):
        chosen = [h.user for h in heads if matches(h)]
        if chosen:
            return chosen
    return []


def conflicted(user: Any, thread: Thread) -> bool:
    """A conflict the user declared with this application (or its lead organisation), or returned the assignment for."""
    application = thread.application
    if Assignment.objects.filter(
        stage__call_id=application.call_id, application=application, reviewer_id=user.pk, status=AssignmentStatus.CONFLICT
    ).exists():
        return True
    declared = Q(application=application)
    if application.lead_organisation_id:
        declared |= Q(organisation_id=application.lead_organisation_id)
    return DeclaredConflict.objects.filter(declared, call_id=application.call_id, reviewer_id=user.pk).exists()


def is_panel_head_of(user: Any, thread: Thread) -> bool:
    if not getattr(user, "is_authenticated", False) or not has_panel_opinion(thread.stage):
        return False
    if user.pk not in {u.pk for u in panel_heads_for(thread.stage, thread.application)}:
        return False
    return not conflicted(user, thread)


def thread_comments(thread: Thread) -> QuerySet[DiscussionComment]:
    return DiscussionComment.objects.filter(stage=thread.stage, application=thread.application).select_related("author")


@dataclass
class CommentNode:
    comment: DiscussionComment
    replies: list[CommentNode] = field(default_factory=list)


def threaded(comments: list[DiscussionComment]) -> list[CommentNode]:
    """The comments as a tree: top-level comments in order, each with its replies in order."""
    nodes = {c.pk: CommentNode(c) for c in comments}
    roots: list[CommentNode] = []
    for c in comments:
        parent = nodes.get(c.reply_to_id) if c.reply_to_id else None
        (parent.replies if parent else roots).append(nodes[c.pk])
    return roots


def participants(thread: Thread) -> list[User]:
    """Everyone who may read the discussion now: the stage's officers and chairs, the panel heads of
    the application, and its reviewers whose timing the stage allows (mentions notify only them)."""
    from shenbao.calls.models import ProgramRole

    people: dict[int, User] = {}
    roles = ProgramRole.objects.filter(
        program_id=thread.stage.call.program_id, role__in=[ProgramRoleKind.PROGRAM_OFFICER, ProgramRoleKind.COMMITTEE_CHAIR]
    ).select_related("user")
    for role in roles:
        people[role.user.pk] = role.user
    for head in panel_heads_for(thread.stage, thread.application):
        people[head.pk] = head
    for assignment in Assignment.objects.filter(
        stage=thread.stage, application=thread.application, status=AssignmentStatus.ACTIVE
    ).select_related("reviewer"):
        people[assignment.reviewer.pk] = assignment.reviewer
    return [u for u in people.values() if u.is_active and thread_allows(u, "reviews.view_discussion", thread)]


def identity_names(application: Application) -> list[str]:
    """The names a blinded stage keeps from reviewers: the applicant, the team, the partners, the lead
    organisation (every language it is named in)."""
    from shenbao.applications.models import ApplicationRevision

    names = {str(application.applicant.person.name if hasattr(application.applicant, "person") else application.applicant)}
    names.add(str(application.applicant))
    if application.lead_organisation is not None:
        names |= {v for v in application.lead_organisation.name.values() if v}
    revision = ApplicationRevision.objects.filter(application=application).order_by("-number").first()
    content: dict[str, Any] = revision.content if revision else {}
    for member in content.get("team", []):
        names.add(str(member.get("name", "")))
    for partner in content.get("partners", []):
        names.add(str(partner.get("name", "")))
    return sorted(n for n in (x.strip() for x in names) if len(n) >= 2)


def opinion_of(thread: Thread) -> PanelOpinion | None:
    return PanelOpinion.objects.filter(stage=thread.stage, application=thread.application).select_related("author").first()


def application_for_notes(user: Any, pk: int) -> Application | None:
    """The application if ``user`` is of its program's staff (officers and chairs) or an administrator."""
    application = Application.objects.select_related("call__program", "direction").filter(pk=pk).first()
    if application is None or not user.has_perm("reviews.view_internal_notes", application):
        return None
    return application


def notes_of(application: Application) -> QuerySet[InternalNote]:
    return InternalNote.objects.filter(application=application).select_related("author")


def texts_for_applicant(application: Application, language: str) -> dict[str, list[str]]:
    """The panel opinions and the chair's sign-off statements the stages let the applicant read, in
    stage order (for the decision letter and the applicant's page); never who wrote them."""
    from shenbao.reviews.models import PanelRecommendation

    opinions: list[str] = []
    statements: list[str] = []
    stages = ReviewStage.objects.filter(call_id=application.call_id).exclude(kind="formal_check").order_by("position")
    for stage in stages:
        definition = stage_definition(stage)
        if definition.panel_opinion_visible_to_applicant:
            opinion = PanelOpinion.objects.filter(stage=stage, application=application).first()
            if opinion is not None:
                with translation.override(language):
                    opinions.append(
                        gettext("%(stage)s — %(recommendation)s: %(opinion)s")
                        % {
                            "stage": text_get(stage.name, language),
                            "recommendation": PanelRecommendation(opinion.recommendation).label,
                            "opinion": opinion.opinion,
                        }
                    )
        if definition.sign_off_statement_visible_to_applicant:
            sign_offs = ShortlistSignOff.objects.filter(stage=stage).exclude(statement="")
            if definition.per_direction:
                sign_offs = sign_offs.filter(direction=application.direction)
            for sign_off in sign_offs:
                statements.append(f"{text_get(stage.name, language)}: {sign_off.statement}")  # the chair's own words
    return {"panel_opinions": opinions, "sign_off_statements": statements}
