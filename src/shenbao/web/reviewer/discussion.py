"""The discussion of an application in a stage, with its panel opinion (issue 20): one page for its
reviewers, its panel head and staff; and the staff's panel-head appointments of a stage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.models import Direction, DirectionCategory, ReviewStage
from shenbao.core.errors import DomainError
from shenbao.reviews.models import DiscussionComment, PanelHead, PanelRecommendation
from shenbao.reviews.queries.discussion import (
    Thread,
    opinion_of,
    participants,
    thread_allows,
    thread_comments,
    threaded,
)
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.discussion import appoint_panel_head, post_comment, remove_panel_head, write_panel_opinion
from shenbao.web.common import acting_user


def thread_for(user: object, stage_pk: int, application_pk: int) -> Thread | None:
    """The thread if ``user`` may read its discussion or its panel opinion (scoped access, rule 5)."""
    stage = ReviewStage.objects.select_related("call__program").filter(pk=stage_pk).first()
    if stage is None:
        return None
    application = (
        Application.objects.select_related("call", "direction", "applicant")
        .filter(pk=application_pk, call_id=stage.call_id)
        .first()
    )
    if application is None:
        return None
    thread = Thread(stage, application)
    if not (thread_allows(user, "reviews.view_discussion", thread) or thread_allows(user, "reviews.view_panel_opinion", thread)):
        return None
    return thread


def _thread_or_404(request: HttpRequest, stage_pk: int, application_pk: int) -> Thread:
    thread = thread_for(request.user, stage_pk, application_pk)
    if thread is None:
        raise Http404(_("No such discussion."))
    return thread


@login_required
def discussion(request: HttpRequest, stage_pk: int, application_pk: int) -> HttpResponse:
    thread = _thread_or_404(request, stage_pk, application_pk)
    if request.method == "POST":
        if not thread_allows(request.user, "reviews.post_discussion", thread):
            raise Http404(_("No such discussion."))
        reply_pk = request.POST.get("reply_to", "")
        reply_to = (
            DiscussionComment.objects.filter(pk=int(reply_pk), stage=thread.stage, application=thread.application).first()
            if reply_pk.isdecimal()
            else None
        )
        try:
            post_comment(
                stage=thread.stage,
                application=thread.application,
                author=acting_user(request),
                body=request.POST.get("body", ""),
                reply_to=reply_to,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return render(request, "web/review/discussion.html", _context(request, thread, draft=request.POST.get("body", "")))
        messages.success(request, _("Your comment was posted."))
        return redirect("web:discussion", stage_pk=thread.stage.pk, application_pk=thread.application.pk)
    return render(request, "web/review/discussion.html", _context(request, thread))


def _context(request: HttpRequest, thread: Thread, **extra: object) -> dict[str, object]:
    user = request.user
    definition = stage_definition(thread.stage)
    may_read = thread_allows(user, "reviews.view_discussion", thread)
    return {
        "thread": thread,
        "stage": thread.stage,
        "application": thread.application,
        "definition": definition,
        "comments": threaded(list(thread_comments(thread))) if may_read else None,
        "may_post": thread_allows(user, "reviews.post_discussion", thread),
        # Whom a comment can mention: the people who may read the discussion now, besides oneself.
        "mentionable": [p for p in participants(thread) if p.pk != user.pk] if may_read else [],
        "opinion": opinion_of(thread) if thread_allows(user, "reviews.view_panel_opinion", thread) else None,
        "may_view_opinion": thread_allows(user, "reviews.view_panel_opinion", thread),
        "may_write_opinion": thread_allows(user, "reviews.write_panel_opinion", thread),
        "recommendations": PanelRecommendation.choices,
        **extra,
    }


@login_required
@require_POST
def panel_opinion(request: HttpRequest, stage_pk: int, application_pk: int) -> HttpResponse:
    thread = _thread_or_404(request, stage_pk, application_pk)
    if not thread_allows(request.user, "reviews.write_panel_opinion", thread):
        raise Http404(_("No such discussion."))
    try:
        write_panel_opinion(
            stage=thread.stage,
            application=thread.application,
            author=acting_user(request),
            opinion=request.POST.get("opinion", ""),
            recommendation=request.POST.get("recommendation", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return render(
            request,
            "web/review/discussion.html",
            _context(
                request,
                thread,
                opinion_draft=request.POST.get("opinion", ""),
                recommendation_draft=request.POST.get("recommendation", ""),
            ),
        )
    messages.success(request, _("The panel opinion was saved."))
    return redirect("web:discussion", stage_pk=thread.stage.pk, application_pk=thread.application.pk)


@login_required
def panel_heads(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff name the heads of a stage's panel: per direction, per category or for the whole stage."""
    stage = ReviewStage.objects.select_related("call__program").filter(pk=pk).first()
    if stage is None or not request.user.has_perm("reviews.manage_stage", stage):
        raise Http404(_("No such stage."))
    if request.method == "POST":
        actor = acting_user(request)
        try:
            if request.POST.get("remove", "").isdecimal():
                head = PanelHead.objects.filter(stage=stage, pk=int(request.POST["remove"])).first()
                if head is not None:
                    remove_panel_head(head=head, actor=actor)
                    messages.success(request, _("The panel head was removed."))
            else:
                email = request.POST.get("email", "").strip()
                user = User.objects.filter(email__iexact=email).first() if email else None
                if user is None:
                    raise DomainError(_("No account has the e-mail address %(email)s."), params={"email": email})
                scope = request.POST.get("scope", "")
                direction = category = None
                if scope.startswith("d:"):
                    direction = Direction.objects.filter(call_id=stage.call_id, code=scope[2:]).first()
                    if direction is None:
                        raise DomainError(_("Choose a direction of this call."))
                elif scope.startswith("c:"):
                    category = DirectionCategory.objects.filter(call_id=stage.call_id, code=scope[2:]).first()
                    if category is None:
                        raise DomainError(_("Choose a category of this call."))
                appoint_panel_head(stage=stage, user=user, actor=actor, direction=direction, category=category)
                messages.success(request, _("The panel head was appointed."))
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect("web:panel_heads", pk=stage.pk)
    context = {
        "stage": stage,
        "definition": stage_definition(stage),
        "heads": PanelHead.objects.filter(stage=stage).select_related("user", "direction", "category").order_by("pk"),
        "directions": Direction.objects.filter(call_id=stage.call_id).order_by("position"),
        "categories": DirectionCategory.objects.filter(call_id=stage.call_id).order_by("position"),
    }
    return render(request, "web/review/panel_heads.html", context)
