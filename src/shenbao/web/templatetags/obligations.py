"""The call's undertakings on an application's page; for the program's staff, the breaches recorded and
the form to record one."""

from __future__ import annotations

from typing import Any

from django import template

from shenbao.applications.models import Application
from shenbao.applications.queries.obligations import call_obligations, obligation_breaches

register = template.Library()


@register.inclusion_tag("web/applicant/_obligations.html", takes_context=True)
def application_obligations(context: dict[str, Any], application: Application) -> dict[str, Any]:
    user = context["request"].user
    may_mark = user.has_perm("applications.mark_obligation_breached", application)
    return {
        "application": application,
        "obligations": call_obligations(application.call),
        "may_mark": may_mark,
        "breaches": obligation_breaches(application) if may_mark else [],
        "csrf_token": context.get("csrf_token"),
    }
