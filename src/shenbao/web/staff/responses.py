"""Staff open a stage's window for the applicants' responses (答辩) and follow the answers and the
reviewers' revised scores (with the earlier scores kept)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.core import present
from shenbao.core.errors import DomainError
from shenbao.reviews.queries.response import response_settings, response_window_of, stage_response_rows
from shenbao.reviews.services.response import open_response_window
from shenbao.web.common import acting_user
from shenbao.web.staff.reviews import _stage


@login_required
def stage_responses(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk, "reviews.view_stage")
    window = response_window_of(stage)
    return render(
        request,
        "web/staff/stage_responses.html",
        {
            "stage": stage,
            "settings": response_settings(stage),
            "window": window,
            "rows": stage_response_rows(window) if window else [],
            "can_open": request.user.has_perm("reviews.manage_stage", stage),
        },
    )


@login_required
@require_POST
def stage_responses_open(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk, "reviews.manage_stage")
    try:
        window = open_response_window(stage=stage, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The window is open until %(when)s; %(count)s applicant(s) were told.")
            % {"when": present.beijing(window.closes_at), "count": len(window.applications)},
        )
    return redirect("web:stage_responses", pk=stage.pk)
