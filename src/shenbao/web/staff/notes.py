"""Staff's internal notes on an application (issue 20), with the way to each stage's discussion.
Never shown to reviewers or applicants: the page asks ``reviews.view_internal_notes``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shenbao.calls.models import ReviewStage
from shenbao.core.errors import DomainError
from shenbao.reviews.queries.discussion import Thread, application_for_notes, notes_of, opinion_of, thread_allows
from shenbao.reviews.services.discussion import add_internal_note
from shenbao.web.common import acting_user


@login_required
def application_notes(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for_notes(request.user, pk)
    if application is None:
        raise Http404(_("No such application."))
    draft = ""
    if request.method == "POST":
        try:
            add_internal_note(application=application, author=acting_user(request), body=request.POST.get("body", ""))
        except DomainError as exc:
            messages.error(request, str(exc))
            draft = request.POST.get("body", "")
        else:
            messages.success(request, _("The note was added."))
            return redirect("web:application_notes", pk=application.pk)
    stages = []
    for stage in ReviewStage.objects.filter(call_id=application.call_id).exclude(kind="formal_check").order_by("position"):
        thread = Thread(stage, application)
        stages.append(
            {
                "stage": stage,
                "discussion": thread_allows(request.user, "reviews.view_discussion", thread),
                "opinion": opinion_of(thread) if thread_allows(request.user, "reviews.view_panel_opinion", thread) else None,
                "has_opinion": thread_allows(request.user, "reviews.view_panel_opinion", thread),
            }
        )
    context = {"application": application, "notes": notes_of(application), "stages": stages, "draft": draft}
    return render(request, "web/staff/application_notes.html", context)
