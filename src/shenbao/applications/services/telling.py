"""Telling an applicant of a decision on their application (formal check, endorsement,
reconsideration …): one mail, in the applicant's language, filed under the call's outbox, about the
application, with the call, title and receipt number every such mail names and an absolute link to
the application's page (where its timeline shows what comes next)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from shenbao.applications.models import Application
from shenbao.notifications.mail import notify
from shenbao.notifications.models import Message


def tell_applicant_of_decision(*, application: Application, template: str, context: dict[str, Any]) -> Message:
    """Queue ``template`` to the application's applicant; ``context`` adds the decision's own
    placeholders (outcome, reason …) to ``call_title``, ``title``, ``number`` and ``applicant``."""
    applicant = application.applicant
    return notify(
        to=applicant.email,
        language=applicant.language,
        template=template,
        context={
            "call_title": application.call.title,
            "title": application.title,
            "number": application.receipt_number,
            "applicant": str(applicant),
            **context,
        },
        call=application.call,
        related=application,
        link=reverse("web:application", args=[application.pk]),
    )
