"""The signed-in user's notifications (the bell): the list, newest first, paged; mark read; following
a notification's link marks it read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.notifications.inbox import mark_all_read, mark_read, notification_for, notifications_of, unread_count
from shenbao.notifications.models import Notification
from shenbao.web.lists import paginate


def bell(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the unread count for the header's bell, counted (one query) only when a
    page shows it."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}


def _notification(request: HttpRequest, pk: int) -> Notification:
    found = notification_for(request.user, pk)
    if found is None:
        raise Http404(_("No such notification."))
    return found


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    paging = paginate(request, notifications_of(request.user))
    return render(request, "web/notifications.html", {"paging": paging, "rows": paging.page.object_list})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow the notification's link (a path on this site) and mark it read."""
    notification = mark_read(notification=_notification(request, pk))
    link = notification.link
    if not link or not url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("web:notifications")
    return redirect(link)


def _back(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect("web:notifications")
    return redirect(back)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    mark_read(notification=_notification(request, pk))
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return _back(request)
