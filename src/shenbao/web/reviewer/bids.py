"""Bidding pages: a reviewer of a call's pool marks the stage's applications before assignment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shenbao.calls.models import ReviewStage
from shenbao.core.errors import DomainError
from shenbao.reviews.models import BidKind
from shenbao.reviews.queries.bids import bidding_rows, bidding_stages_for
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.bids import place_bid
from shenbao.web.common import acting_user


def _stage_for_bidding(request: HttpRequest, pk: int) -> ReviewStage:
    stage = ReviewStage.objects.select_related("call").filter(pk=pk).first()
    if stage is None or not request.user.has_perm("reviews.bid", stage):
        raise Http404(_("No such stage."))
    return stage


@login_required
def bidding_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reviewer/bidding_overview.html", {"stages": bidding_stages_for(request.user)})


@login_required
def stage_bids(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage_for_bidding(request, pk)
    reviewer = acting_user(request)
    if request.method == "POST":
        application_id = request.POST.get("application", "")
        try:
            place_bid(
                stage=stage,
                application_id=int(application_id) if application_id.isdecimal() else 0,
                reviewer=reviewer,
                kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your bid was saved."))
        return redirect(reverse("web:stage_bids", args=[stage.pk]) + f"#application-{application_id}")
    context = {
        "stage": stage,
        "hidden": stage_definition(stage).applicant_identity_hidden,
        "rows": bidding_rows(stage, reviewer),
        "kinds": BidKind.choices,
    }
    return render(request, "web/reviewer/stage_bids.html", context)
