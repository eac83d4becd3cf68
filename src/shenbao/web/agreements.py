"""Agreement pages: the parties confirm on line, staff file signed copies and see who is late."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.agreements.models import Agreement
from shenbao.agreements.services.agreements import confirm_agreement, record_signed_copy
from shenbao.core.errors import DomainError
from shenbao.web.common import acting_user, call_for


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related(
            "award__application__applicant", "award__call__program", "award__application__lead_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None or not request.user.has_perm("agreements.view_agreement", agreement):
        raise Http404(_("No such agreement."))
    return agreement


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    user = request.user
    context = {
        "agreement": agreement,
        "days_left": agreement.days_left(timezone.localdate()),
        "may_pi": user.has_perm("agreements.confirm_as_pi", agreement) and agreement.pi_confirmed_at is None,
        "may_institution": user.has_perm("agreements.confirm_as_institution", agreement)
        and agreement.institution_confirmed_at is None,
        "may_staff": user.has_perm("agreements.record_signed_copy", agreement),
    }
    return render(request, "web/agreements/agreement.html", context)


@login_required
@require_POST
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    party = request.POST.get("party", "")
    permission = {
        "pi": "agreements.confirm_as_pi",
        "institution": "agreements.confirm_as_institution",
        "funder": "agreements.record_signed_copy",
    }.get(party)
    if permission is None or not request.user.has_perm(permission, agreement):
        raise Http404
    try:
        upload = request.FILES.get("signed_copy")
        if party == "funder" and upload is not None and upload.file is not None:
            record_signed_copy(agreement=agreement, stream=upload.file, name=upload.name or "", actor=acting_user(request))
        else:
            confirm_agreement(agreement=agreement, party=party, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    return redirect("web:agreement", pk=agreement.pk)


@login_required
def call_agreements(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "awards.select")
    agreements = Agreement.objects.filter(award__call=call).select_related("award__application")
    return render(request, "web/agreements/call_agreements.html", {"call": call, "agreements": agreements})
