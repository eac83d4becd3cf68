"""The published results of a call, the public notice (公示) and the objection form."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shenbao.awards.enums import AwardStatus
from shenbao.awards.errors import EvidenceTooLarge, TooManyObjections
from shenbao.awards.models import Award
from shenbao.awards.queries.results import notice_of, published_awards, result_sections
from shenbao.awards.queries.statistics import public_summary
from shenbao.awards.services.decisions import EVIDENCE_MAX_MB, file_objection
from shenbao.calls.queries.public import get_call_for_viewing
from shenbao.core.errors import DomainError
from shenbao.web.common import int_param


def call_results(request: HttpRequest, code: str) -> HttpResponse:
    call = get_call_for_viewing(request.user, code)
    if call is None:
        raise Http404(_("No such call."))
    awards = published_awards(call)
    notice = notice_of(call)
    if request.method == "POST":
        if notice is None:
            raise Http404
        if not _objection_allowed(request):
            messages.error(request, str(TooManyObjections()))
            return redirect("web:call_results", code=call.code)
        award_pk = int_param(request.POST.get("award"))
        award = Award.objects.filter(call=call, pk=award_pk or 0, status=AwardStatus.PUBLISHED).first()
        name, email, text = (request.POST.get(k, "").strip() for k in ("name", "email", "text"))
        if award is None or not name or "@" not in email or not text:
            messages.error(request, _("Choose the award concerned and give your name, e-mail and the objection."))
            return redirect("web:call_results", code=call.code)
        upload = request.FILES.get("evidence")
        try:
            file_objection(
                notice=notice,
                award=award,
                name=name,
                email=email,
                organisation=request.POST.get("organisation", ""),
                text=text,
                evidence=upload.file if upload else None,
                evidence_name=(upload.name or "") if upload else "",
                evidence_size=(upload.size or 0) if upload else 0,
            )
        except (DomainError, EvidenceTooLarge) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your objection was received; staff will record an outcome."))
        return redirect("web:call_results", code=call.code)
    return render(
        request,
        "web/public/results.html",
        {
            "call": call,
            "awards": awards,
            "notice": notice,
            "summary": public_summary(call) if awards else None,
            "sections": result_sections(call, awards),
            "evidence_max_mb": EVIDENCE_MAX_MB,
        },
    )


#: Objections need no account, so each address may send a few an hour (the count is in the shared cache).
OBJECTIONS_PER_HOUR = 5


def _objection_allowed(request: HttpRequest) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    key = f"shenbao:objections:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= OBJECTIONS_PER_HOUR
