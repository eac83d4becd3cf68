"""Writes of the discussion, the internal notes, the panel heads and the panel opinion (issue 20).

Each write checks the same permission the pages ask (a service may be called from the API or a
command too), leaves an audit entry on the application (or the stage), and a mention queues the
mentioned person's mail and in-app notification in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.models import Direction, DirectionCategory, ReviewStage
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError, NotAllowed
from shenbao.notifications.mail import notify
from shenbao.reviews.algorithms.mentions import Person, find_mentions
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, ReviewState
from shenbao.reviews.models import (
    Assignment,
    DiscussionComment,
    InternalNote,
    PanelHead,
    PanelOpinion,
    PanelRecommendation,
    StageEntry,
)
from shenbao.reviews.queries.discussion import Thread, identity_names, participants, thread_allows
from shenbao.reviews.queries.stages import stage_definition

#: The longest comment, note or opinion kept (a long report belongs in an attachment).
MAX_TEXT = 10_000


class TextInvalid(DomainError):
    code = "text_invalid"

    def __init__(self) -> None:
        super().__init__(_("Write between 1 and %(max)s characters."), params={"max": MAX_TEXT})


class ReplyElsewhere(DomainError):
    code = "reply_elsewhere"

    def __init__(self) -> None:
        super().__init__(_("The comment you reply to belongs to another discussion."))


class IdentityInComment(DomainError):
    code = "identity_in_comment"

    def __init__(self, name: str) -> None:
        super().__init__(
            _("This stage hides the applicant's identity from reviewers, and your text names “%(name)s”; leave the name out."),
            params={"name": name},
        )


class ReviewsNotIn(DomainError):
    code = "reviews_not_in"

    def __init__(self, missing: int) -> None:
        super().__init__(
            _("The panel opinion is written after the reviews: %(missing)s review(s) of this application are not submitted."),
            params={"missing": missing},
        )


class StageClosedForApplication(DomainError):
    code = "stage_closed_for_application"

    def __init__(self) -> None:
        super().__init__(_("The stage has decided on this application; its panel opinion can no longer be changed."))


class PanelHeadScope(DomainError):
    code = "panel_head_scope"

    def __init__(self) -> None:
        super().__init__(_("Name a direction or a category of this call, not both."))


def _text(value: str) -> str:
    text = value.strip()
    if not text or len(text) > MAX_TEXT:
        raise TextInvalid()
    return text


def _check_blind(stage: ReviewStage, application: Application, text: str) -> None:
    """Where the stage hides the applicant from reviewers, nothing written for them may name the applicant."""
    if not stage_definition(stage).applicant_identity_hidden:
        return
    folded = text.casefold()
    for name in identity_names(application):
        if name.casefold() in folded:
            raise IdentityInComment(name)


@transaction.atomic
def post_comment(
    *, stage: ReviewStage, application: Application, author: User, body: str, reply_to: DiscussionComment | None = None
) -> DiscussionComment:
    """Add a comment (or a reply) to the discussion; whoever it mentions with @name or @e-mail and may
    read the discussion is notified."""
    thread = Thread(stage, application)
    if not thread_allows(author, "reviews.post_discussion", thread):
        raise NotAllowed(_("You cannot take part in this discussion."))
    text = _text(body)
    if reply_to is not None and (reply_to.stage_id != stage.pk or reply_to.application_id != application.pk):
        raise ReplyElsewhere()
    _check_blind(stage, application, text)
    people = [u for u in participants(thread) if u.pk != author.pk]
    mentioned = find_mentions(text, [Person(u.pk, u.display_name or _person_name(u), u.email) for u in people])
    comment = DiscussionComment.objects.create(
        stage=stage, application=application, author=author, reply_to=reply_to, body=text, mentioned=mentioned
    )
    log_action(
        action="shenbao.review.discussion_commented",
        obj=application,
        actor=author,
        data={"stage": stage.code, "comment": comment.pk, "reply_to": reply_to.pk if reply_to else None, "mentioned": mentioned},
    )
    by_id = {u.pk: u for u in people}
    for person_id in mentioned:
        person = by_id[person_id]
        notify(
            to=person.email,
            language=person.language,
            template="discussion_mention",
            context={
                "call_title": stage.call.title,
                "stage_name": stage.name,
                "number": application.receipt_number,
                "author": author.display_name or _person_name(author),
                "excerpt": text[:300],
            },
            call=stage.call,
            related=comment,
            link=_thread_link(stage, application),
            user=person,
        )
    return comment


def _person_name(user: User) -> str:
    person = getattr(user, "person", None)
    return str(getattr(person, "name", "") or user.email)


def _thread_link(stage: ReviewStage, application: Application) -> str:
    return f"/review/discussion/{stage.pk}/{application.pk}/"


@transaction.atomic
def add_internal_note(*, application: Application, author: User, body: str) -> InternalNote:
    """A note for the program's staff only."""
    if not author.has_perm("reviews.add_internal_note", application):
        raise NotAllowed(_("Only the program's staff keep notes on an application."))
    note = InternalNote.objects.create(application=application, author=author, body=_text(body))
    log_action(action="shenbao.application.internal_note_added", obj=application, actor=author, data={"note": note.pk})
    return note


@transaction.atomic
def appoint_panel_head(
    *,
    stage: ReviewStage,
    user: User,
    actor: User,
    direction: Direction | None = None,
    category: DirectionCategory | None = None,
) -> PanelHead:
    """Make ``user`` the head of the stage's panel for a direction, a category or (neither) the whole
    stage; a head already named for that scope is replaced."""
    if not actor.has_perm("reviews.manage_stage", stage):
        raise NotAllowed(_("Only the call's program officers appoint panel heads."))
    if direction is not None and category is not None:
        raise PanelHeadScope()
    if (direction is not None and direction.call_id != stage.call_id) or (
        category is not None and category.call_id != stage.call_id
    ):
        raise PanelHeadScope()
    # Two appointments for the same scope at once: the stage's row orders them (NULL scopes are not
    # unique to every database's constraint).
    ReviewStage.objects.select_for_update().filter(pk=stage.pk).first()
    previous = PanelHead.objects.filter(stage=stage, direction=direction, category=category).first()
    if previous is not None:
        previous.delete()
    head = PanelHead.objects.create(stage=stage, direction=direction, category=category, user=user, appointed_by=actor)
    log_action(
        action="shenbao.review.panel_head_appointed",
        obj=stage,
        actor=actor,
        data={
            "user": user.pk,
            "direction": direction.code if direction else None,
            "category": category.code if category else None,
            "replaced": previous.user_id if previous else None,
        },
    )
    return head


@transaction.atomic
def remove_panel_head(*, head: PanelHead, actor: User) -> None:
    if not actor.has_perm("reviews.manage_stage", head.stage):
        raise NotAllowed(_("Only the call's program officers appoint panel heads."))
    log_action(
        action="shenbao.review.panel_head_removed",
        obj=head.stage,
        actor=actor,
        data={"user": head.user_id, "direction": head.direction_id, "category": head.category_id},
    )
    head.delete()


@transaction.atomic
def write_panel_opinion(
    *, stage: ReviewStage, application: Application, author: User, opinion: str, recommendation: str
) -> PanelOpinion:
    """The panel head writes (or rewrites) the panel's opinion once every review of the application
    in the stage is submitted, while the stage has not decided on it."""
    thread = Thread(stage, application)
    if not thread_allows(author, "reviews.write_panel_opinion", thread):
        raise NotAllowed(_("Only the panel head of this application writes the panel opinion."))
    text = _text(opinion)
    if recommendation not in PanelRecommendation.values:
        raise DomainError(_("Choose a recommendation."), code="recommendation_invalid")
    _check_blind(stage, application, text)
    StageEntry.objects.select_for_update().filter(stage=stage, application=application).first()
    if not StageEntry.objects.filter(stage=stage, application=application, status=EntryStatus.IN_REVIEW).exists():
        raise StageClosedForApplication()
    active = Assignment.objects.filter(stage=stage, application=application, status=AssignmentStatus.ACTIVE)
    missing = active.exclude(review__state=ReviewState.SUBMITTED).count()
    if missing or not active.exists():
        raise ReviewsNotIn(missing or 1)
    existing = PanelOpinion.objects.select_for_update().filter(stage=stage, application=application).first()
    before = {"opinion": existing.opinion, "recommendation": existing.recommendation} if existing else None
    if existing is None:
        existing = PanelOpinion.objects.create(
            stage=stage, application=application, author=author, opinion=text, recommendation=recommendation
        )
    else:
        existing.author = author
        existing.opinion = text
        existing.recommendation = recommendation
        existing.save(update_fields=["author", "opinion", "recommendation", "updated_at"])
    log_action(
        action="shenbao.review.panel_opinion_written",
        obj=application,
        actor=author,
        data={"stage": stage.code, "recommendation": recommendation, "before": before},
    )
    return existing
