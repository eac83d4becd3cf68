"""The outbox of a call: every mail it sent or will send, held for review, edited, sent or discarded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.core.errors import DomainError
from shenbao.notifications.enums import MessageState
from shenbao.notifications.models import Message
from shenbao.notifications.queries import is_held, outbox, outbox_counts, outbox_templates
from shenbao.notifications.services import EDITABLE, discard, edit_message, hold_call_mail, release_call_mail, send_now
from shenbao.web.common import call_for, int_param

PAGE_SIZE = 50


@login_required
def call_outbox(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "calls.change_call")
    state = request.GET.get("state", "")
    state = state if state in MessageState.values else ""
    template = request.GET.get("template", "")[:64]
    search = request.GET.get("q", "").strip()[:200]
    page = Paginator(outbox(call_code=call.code, state=state, template=template, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = outbox_counts(call.code)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "call": call,
        "page": page,
        "counts": [(value, label, counts.get(value, 0)) for value, label in MessageState.choices],
        "states": MessageState.choices,
        "templates": outbox_templates(call.code),
        "filters": {"state": state, "template": template, "q": search},
        "query": query.urlencode(),
        "held": is_held(call.code),
    }
    return render(request, "web/staff/outbox.html", context)


@login_required
@require_POST
def call_outbox_action(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, "calls.change_call")
    action = request.POST.get("action", "")
    pks = [pk for pk in (int_param(v) for v in request.POST.getlist("message")) if pk is not None]
    if action == "hold":
        count = hold_call_mail(call_code=call.code, actor=request.user)
        messages.success(request, _("Outgoing mail of this call is held for review (%(count)d held now).") % {"count": count})
    elif action == "release":
        count = release_call_mail(call_code=call.code, actor=request.user)
        text = _("Outgoing mail of this call is no longer held; %(count)d mails are queued.")
        messages.success(request, text % {"count": count})
    elif action in ("send", "discard") and not pks:
        messages.error(request, _("Select at least one mail."))
    elif action == "send":
        count = send_now(call_code=call.code, pks=pks, actor=request.user)
        messages.success(request, _("%(count)d mails queued for sending.") % {"count": count})
    elif action == "discard":
        count = discard(call_code=call.code, pks=pks, actor=request.user)
        messages.success(request, _("%(count)d mails discarded.") % {"count": count})
    else:
        messages.error(request, _("Unknown action."))
    back = reverse("web:call_outbox", args=[call.code])
    query = request.POST.get("query", "")
    return redirect(f"{back}?{query}" if query else back)


@login_required
def call_outbox_message(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = call_for(request, code, "calls.change_call")
    message = Message.objects.filter(call_code=call.code, pk=pk).first()
    if message is None:
        raise Http404(_("No such mail."))
    subject, body = message.subject, message.body
    if request.method == "POST":
        subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
        try:
            edit_message(message=message, subject=subject, body=body, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The mail is saved."))
            return redirect("web:call_outbox_message", call.code, message.pk)
    context = {"call": call, "message": message, "subject": subject, "body": body, "editable": message.state in EDITABLE}
    return render(request, "web/staff/outbox_message.html", context)
