"""A reviewer revises a submitted review after reading the applicant's response (答辩)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.core.errors import DomainError
from shenbao.reviews.services.response import revise_review
from shenbao.web.common import acting_user, int_param
from shenbao.web.reviewer.views import _assignment_or_404, _scores_from


@login_required
@require_POST
def assignment_revise(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, pk, "reviews.review")
    scores, problems = _scores_from(request, assignment)
    version = int_param(request.POST.get("version", ""))
    confidence_raw = request.POST.get("confidence", "").strip()
    if version is None:
        messages.error(request, _("The page is out of date; reload it."))
    elif problems:
        messages.error(request, " ".join(problems))
    else:
        try:
            revise_review(
                assignment=assignment,
                actor=acting_user(request),
                expected_version=version,
                scores=scores,
                confidence=int(confidence_raw) if confidence_raw.isdecimal() else None,
                comment_to_applicant=request.POST.get("comment_to_applicant", ""),
                comment_to_staff=request.POST.get("comment_to_staff", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your review was revised; the earlier version is kept."))
    return redirect("web:assignment", pk=assignment.pk)
