"""Bulk mail of a call: staff write to the people of a list — the applicants (or their teams, or
their institutions' officers) of the staff list's filter or its selected rows, the applications of
a review stage (the finalists), or the reviewers of a stage with overdue reviews — see one
recipient's mail and the count, and confirm; the mails go to the outbox.

The list is read again when the mail is sent, like the list's bulk decisions: if it changed since
the preview (another count), nothing is sent and the preview is shown again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.calls.models import Call, ReviewStage
from shenbao.core.errors import DomainError
from shenbao.core.text import text_get
from shenbao.documents.exports.base import Filters
from shenbao.notifications.bulk import BulkText, Recipient, check_text, distinct_people, render_for, send_bulk_mail
from shenbao.notifications.enums import BulkAudience
from shenbao.notifications.placeholders import APPLICATION_PLACEHOLDERS, PLACEHOLDERS
from shenbao.notifications.queries import is_held
from shenbao.reviews.queries.application_search import QueryError, staff_application_list
from shenbao.reviews.queries.mail_recipients import (
    ENTRY_CHOICES,
    REVIEWER_CHOICES,
    application_recipients,
    reviewer_recipients,
    stage_applications,
    stage_of,
    with_mail_columns,
)
from shenbao.web.common import acting_user, call_for, int_param

PERMISSION = "calls.send_bulk_mail"
#: How many recipients the preview's chooser lists (the count is always of all of them).
PREVIEW_CHOICES = 200

PLACEHOLDER_HELP = {
    "recipient_name": gettext_lazy("the recipient's name"),
    "application_title": gettext_lazy("the application's project name"),
    "receipt_number": gettext_lazy("the application's receipt number"),
    "call_title": gettext_lazy("the call's title in the recipient's language"),
    "link": gettext_lazy("the link to the application (reviewers: to their reviews), with the site's address"),
}


@dataclass
class Source:
    """The list a mail goes to, as the page carries it from the list to the confirmation."""

    kind: str = "applications"  # applications | stage | reviewers
    q: str = ""
    state: str = ""
    direction: str = ""
    ids: list[int] = field(default_factory=list)
    stage: ReviewStage | None = None
    which: str = ""

    def params(self) -> list[tuple[str, str]]:
        """The hidden fields that carry the list through the preview to the send."""
        out = [("source", self.kind)]
        if self.kind == "applications":
            out += [(k, v) for k, v in (("q", self.q), ("state", self.state), ("direction", self.direction)) if v]
            out += [("application", str(pk)) for pk in self.ids]
        else:
            out += [("stage", str(self.stage.pk if self.stage else "")), ("which", self.which)]
        return out

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind == "applications":
            data |= {"q": self.q, "state": self.state, "direction": self.direction, "applications": self.ids}
        else:
            data |= {"stage": self.stage.code if self.stage else "", "which": self.which}
        return data

    def audiences(self) -> list[tuple[str, str]]:
        if self.kind == "reviewers":
            return [(BulkAudience.REVIEWERS.value, str(BulkAudience.REVIEWERS.label))]
        return [(a.value, str(a.label)) for a in BulkAudience if a != BulkAudience.REVIEWERS]

    def describe(self, call: Call) -> str:
        if self.kind == "applications":
            if self.ids:
                return _("%(count)d applications selected in the list") % {"count": len(self.ids)}
            note = Filters(direction=self.direction or None, state=self.state or None, search=self.q).describe()
            return _("the applications list, filter: %(filter)s") % {"filter": note or _("waiting for the formal check")}
        stage = text_get(self.stage.name, get_language()) if self.stage else ""
        if self.kind == "stage":
            if self.which == "advanced":
                return _("the applications that advanced from the stage “%(stage)s”") % {"stage": stage}
            return _("the applications in the stage “%(stage)s”") % {"stage": stage}
        labels = {
            "overdue": _("the reviewers with overdue reviews in the stage “%(stage)s”"),
            "pending": _("the reviewers with reviews not submitted in the stage “%(stage)s”"),
            "all": _("every reviewer assigned in the stage “%(stage)s”"),
        }
        return labels[self.which] % {"stage": stage}


def _source(call: Call, data: QueryDict) -> Source:
    kind = data.get("source", "applications")
    if kind == "applications":
        state = data.get("state", "")
        state = state if state == "all" or state in ApplicationState.values else ""
        ids = sorted({pk for pk in (int_param(v) for v in data.getlist("application")) if pk is not None})
        return Source(kind, q=data.get("q", "").strip()[:2000], state=state, direction=data.get("direction", "")[:64], ids=ids)
    if kind in ("stage", "reviewers"):
        stage = stage_of(call, int_param(data.get("stage")))
        if stage is None:
            raise Http404(_("No such review stage in this call."))
        choices = ENTRY_CHOICES if kind == "stage" else REVIEWER_CHOICES
        which = data.get("which", "")
        return Source(kind, stage=stage, which=which if which in choices else choices[0])
    raise Http404(_("No such list."))


def _recipients(call: Call, source: Source, audience: str) -> list[Recipient]:
    """The list read now; a query that cannot be run raises ``QueryError``."""
    if source.kind == "reviewers":
        assert source.stage is not None
        return reviewer_recipients(source.stage, source.which)
    if source.kind == "stage":
        assert source.stage is not None
        return application_recipients(stage_applications(source.stage, source.which), audience)
    if source.ids:
        rows = Application.objects.filter(call=call, pk__in=source.ids).exclude(state=ApplicationState.DRAFT)
        applications = with_mail_columns(rows).order_by("receipt_number", "pk")
    else:
        applications = with_mail_columns(
            staff_application_list(call=call, query=source.q, state=source.state or None, direction=source.direction or None)
        )
    return application_recipients(applications, audience)


@login_required
def bulk_mail(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, PERMISSION)
    data = request.POST if request.method == "POST" else request.GET
    source = _source(call, data)
    audiences = source.audiences()
    audience = data.get("audience", "")
    audience = audience if audience in dict(audiences) else audiences[0][0]
    token = data.get("token", "").strip()[:64] or uuid.uuid4().hex
    text = BulkText.of(**{name: data.get(name, "") for name in ("subject_en", "body_en", "subject_zh_hans", "body_zh_hans")})
    action = data.get("action", "") if request.method == "POST" else ""
    if action == "start" and source.kind == "applications" and not source.ids:
        messages.error(request, _("Select at least one application."))
        return redirect("web:formal_check", call.code)
    error = ""
    try:
        recipients = _recipients(call, source, audience)
    except QueryError as exc:
        recipients, error = [], str(exc)
    preview = None
    chosen = min(int_param(data.get("preview_recipient")) or 0, max(len(recipients) - 1, 0))
    if action in ("preview", "send") and not error:
        try:
            check_text(text, audience=audience)
            if not recipients:
                raise DomainError(gettext_lazy("Nobody on this list can be mailed."))
        except DomainError as exc:
            error = str(exc)
    if action == "send" and not error:
        expected = int_param(data.get("expected"))
        if expected != len(recipients):
            error = _("The list changed since the preview: it now gives %(count)d mails. Check the preview again.") % {
                "count": len(recipients)
            }
        else:
            try:
                bulk, created = send_bulk_mail(
                    token=token,
                    call_code=call.code,
                    audience=audience,
                    source=source.as_data(),
                    text=text,
                    recipients=recipients,
                    actor=acting_user(request),
                    call=call,
                )
            except DomainError as exc:
                error = str(exc)
            else:
                outbox = reverse("web:call_outbox", args=[call.code]) + "?template=bulk"
                if created:
                    messages.success(
                        request,
                        _("%(mails)d mails to %(people)d recipients are in the outbox.")
                        % {"mails": bulk.message_count, "people": bulk.recipient_count},
                    )
                else:
                    messages.info(
                        request,
                        _("This mail was already sent (%(mails)d mails); nothing was sent again.")
                        % {"mails": bulk.message_count},
                    )
                return redirect(outbox)
    if action in ("preview", "send") and not error and recipients:
        recipient = recipients[chosen]
        subject, body = render_for(text, recipient)
        preview = {"recipient": recipient, "subject": subject, "body": body, "index": chosen}
    reviewers = source.kind == "reviewers"
    context = {
        "call": call,
        "source": source,
        "source_params": source.params(),
        "source_label": source.describe(call),
        "audiences": audiences,
        "audience": audience,
        "token": token,
        "fields": {
            f"{part}_{lang.replace('-', '_')}": text.texts[lang][part] for lang in text.texts for part in ("subject", "body")
        },
        "recipients": recipients[:PREVIEW_CHOICES],
        "mail_count": len(recipients),
        "people_count": distinct_people(recipients),
        "preview": preview,
        "error": error,
        "held": is_held(call.code),
        "placeholders": [
            (name, PLACEHOLDER_HELP[name]) for name in PLACEHOLDERS if not (reviewers and name in APPLICATION_PLACEHOLDERS)
        ],
        "stages": list(call.stages.exclude(kind="formal_check").order_by("position")),
    }
    return render(request, "web/staff/bulk_mail.html", context, status=400 if error and action else 200)
