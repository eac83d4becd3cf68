"""A person's publication list: import BibTeX / RIS / CSV, see what was read, remove entries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.accounts.models import Publication
from shenbao.accounts.services.publications import MAX_BYTES, import_publications, remove_publications
from shenbao.core.errors import DomainError
from shenbao.web.common import acting_user


@login_required
def publications(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a BibTeX, RIS or CSV file to import."))
            status = 400
        elif upload.size is not None and upload.size > MAX_BYTES:
            messages.error(request, _("The file is larger than 5 MB."))
            status = 400
        else:
            try:
                outcome = import_publications(user=user, data=upload.read(), filename=upload.name or "", actor=user)
            except DomainError as exc:
                messages.error(request, str(exc))
                status = 400
            else:
                messages.success(
                    request,
                    _("%(read)s publication(s) read, %(added)s added, %(already)s already on your list.")
                    % {"read": outcome.read, "added": outcome.added, "already": outcome.already_there},
                )
                return redirect("web:publications")
    rows = Publication.objects.filter(user=user).order_by("-year", "title")
    return render(request, "web/applicant/publications.html", {"publications": rows}, status=status)


@login_required
@require_POST
def publications_remove(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    ids = [int(v) for v in request.POST.getlist("publication") if v.isdecimal()]
    count = remove_publications(user=user, ids=ids, actor=user)
    messages.success(request, _("%(count)s publication(s) removed.") % {"count": count})
    return redirect("web:publications")
