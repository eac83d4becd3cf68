"""Staff record a breach of one of the call's undertakings on an application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.applications.models import Application
from shenbao.applications.services.obligations import mark_obligation_breached
from shenbao.core.errors import DomainError
from shenbao.web.common import acting_user


@login_required
@require_POST
def application_obligation_breach(request: HttpRequest, pk: int) -> HttpResponse:
    application = Application.objects.select_related("call__program").filter(pk=pk).first()
    # Someone who may not record a breach learns nothing about the application.
    if application is None or not request.user.has_perm("applications.mark_obligation_breached", application):
        raise Http404(_("No such application."))
    try:
        mark_obligation_breached(
            application=application,
            obligation=request.POST.get("obligation", ""),
            reason=request.POST.get("reason", ""),
            actor=acting_user(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The breach was recorded."))
    return redirect("web:application", pk=application.pk)
