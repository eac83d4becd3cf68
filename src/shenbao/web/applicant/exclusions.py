"""The applicant's request that named experts not review the application (回避申请), within the call's cap."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.core.errors import DomainError
from shenbao.reviews.models import ExclusionRequest
from shenbao.reviews.services.pool import request_exclusion, withdraw_exclusion
from shenbao.web.applicant.views import _application_for, _back
from shenbao.web.common import acting_user


@login_required
@require_POST
def application_exclusion(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    remove = request.POST.get("remove", "")
    if remove:
        exclusion = ExclusionRequest.objects.filter(application=application, pk=int(remove) if remove.isdecimal() else 0).first()
        if exclusion is None:
            raise Http404
        try:
            withdraw_exclusion(request=exclusion, actor=acting_user(request))
        except DomainError as exc:
            return _back(request, application, error=str(exc))
        return _back(request, application, ok=_("The request was removed."))
    name = request.POST.get("name", "").strip()
    reason = request.POST.get("reason", "").strip()
    if not name or not reason:
        return _back(request, application, error=_("Give the expert's name and your reason."))
    try:
        request_exclusion(
            application=application,
            name=name,
            organisation=request.POST.get("organisation", ""),
            email=request.POST.get("email", ""),
            reason=reason,
            actor=acting_user(request),
        )
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("Recorded: this expert will not review your application."))
