"""The applicant answers a stage's reviews (答辩) within its character limit and deadline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shenbao.core.errors import DomainError
from shenbao.reviews.queries.response import reviews_for_applicant, window_for
from shenbao.reviews.services.response import submit_response
from shenbao.web.applicant.views import _application_for
from shenbao.web.common import acting_user, own_time_zone


@login_required
def application_response(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    """The reviews as the stage lets the applicant see them, and the answer form while the window is open.

    Only the applicant of an application invited to a stage's window reaches it; anyone else gets 404."""
    application = _application_for(request, pk, "reviews.respond_to_reviews")
    found = window_for(application, stage_pk)
    if found is None:
        raise Http404(_("There is nothing to answer here."))
    error = None
    text = found.response.text if found.response else ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            submit_response(window=found.window, application=application, actor=acting_user(request), text=text)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Your answer was saved. You may change it until the deadline."))
            return redirect("web:application_response", pk=application.pk, stage_pk=stage_pk)
    return render(
        request,
        "web/applicant/response.html",
        {
            "application": application,
            "found": found,
            "reviews": reviews_for_applicant(found.window, application),
            "parts": [str(p) for p in found.settings.applicant_sees],
            "text": text,
            "error": error,
            "own_zone": own_time_zone(request.user),
            "revisions": list(found.response.revisions.all()) if found.response else [],
        },
        status=400 if error else 200,
    )
