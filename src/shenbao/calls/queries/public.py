"""Reads for the public pages: which calls a visitor sees and in what phase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from shenbao.calls.enums import CallStatus, Phase
from shenbao.calls.models import Call, Direction, Program
from shenbao.calls.queries.window import WindowReason, call_window

PUBLIC_STATUSES = (
    CallStatus.PUBLISHED,
    CallStatus.OPEN,
    CallStatus.CLOSED,
    CallStatus.IN_REVIEW,
    CallStatus.DECIDED,
    CallStatus.ARCHIVED,
)


def public_calls() -> QuerySet[Call]:
    return Call.objects.filter(status__in=PUBLIC_STATUSES).select_related("program")


def call_phase(call: Call, now: dt.datetime | None = None) -> Phase:
    """Upcoming until it opens (published, not yet opened, or its opening ahead), open until the
    deadline, closed after or once staff closed it: the public face of ``call_window``."""
    window = call_window(call, now or timezone.now())
    if window.is_open:
        return Phase.OPEN
    if window.reason in (WindowReason.NOT_PUBLISHED, WindowReason.NOT_OPENED, WindowReason.OPENS_LATER):
        return Phase.UPCOMING
    return Phase.CLOSED


def programs_with_public_calls() -> list[Program]:
    """Programs and their public calls, in two queries whatever the number of calls."""
    calls = public_calls().order_by("-deadline", "code")
    return list(
        Program.objects.filter(calls__status__in=PUBLIC_STATUSES)
        .distinct()
        .order_by("code")
        .prefetch_related(Prefetch("calls", queryset=calls, to_attr="public_calls"))
    )


def get_call_for_viewing(user: Any, code: str) -> Call | None:
    """The call with its parts if ``user`` may see it (published, or staff of its program), else None."""
    call = (
        Call.objects.select_related("program")
        .prefetch_related(
            "timeline",
            "categories",
            Prefetch("directions", queryset=Direction.objects.select_related("category")),
            "criteria",
            "documents",
            "stages__criteria",
            "kpi_templates",
        )
        .filter(code=code)
        .first()
    )
    if call is None or not user.has_perm("calls.view_call", call):
        return None
    return call
