"""The applicant asks for reconsideration (复审) of a formal-check rejection or a non-award."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.awards.services.reconsideration import request_reconsideration
from shenbao.core.errors import DomainError
from shenbao.web.applicant.views import _application_for, _back
from shenbao.web.common import acting_user


@login_required
@require_POST
def application_reconsideration(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.withdraw_application")  # the applicant only
    try:
        request_reconsideration(application=application, reason=request.POST.get("reason", ""), actor=acting_user(request))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("Your request for reconsideration was received."))
