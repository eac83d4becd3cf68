"""Whether a call takes applications now: its status and its timeline, in one place.

``call_window`` is the call's half of the answer (no user); ``applications.queries.window``
adds the late-submission token an applicant may hold.  The public phase, the pages, the API
and the services all read it, so the button and the server cannot disagree (issue 13.4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.calls.enums import CallStatus
from shenbao.calls.models import Call
from shenbao.core import present
from shenbao.core.timeutil import end_of_day_label

#: Statuses in which staff have closed the call: no token reopens it.
CLOSED_BY_STAFF = frozenset({CallStatus.CLOSED, CallStatus.IN_REVIEW, CallStatus.DECIDED, CallStatus.ARCHIVED})
#: Statuses before the call takes applications, whatever the timeline says.
NOT_YET_OPEN = frozenset({CallStatus.DRAFT, CallStatus.PUBLISHED})


class WindowState(StrEnum):
    OPEN = "open"  # before the deadline
    LATE = "late"  # after the deadline, with a late-submission token
    CLOSED = "closed"


class WindowReason(StrEnum):
    """Why the window is as it is (a stable code; ``reason_text`` says it in the reader's language)."""

    OPEN = "open"
    NOT_PUBLISHED = "not_published"
    NOT_OPENED = "not_opened"  # published, not yet opened by staff
    OPENS_LATER = "opens_later"  # opened, but the timeline's opening is still ahead
    DEADLINE_PASSED = "deadline_passed"
    CLOSED_BY_STAFF = "closed_by_staff"
    LATE_TOKEN = "late_token"  # noqa: S105 - a reason code, not a secret


REASON_TEXTS: dict[WindowReason, Promise] = {
    WindowReason.OPEN: _("Open for applications."),
    WindowReason.NOT_PUBLISHED: _("This call is not published."),
    WindowReason.NOT_OPENED: _("This call is published but not yet open for applications."),
    WindowReason.OPENS_LATER: _("Applications open on %(opens)s."),
    WindowReason.DEADLINE_PASSED: _("The deadline (%(deadline)s) has passed."),
    WindowReason.CLOSED_BY_STAFF: _("This call has been closed for applications."),
    WindowReason.LATE_TOKEN: _("The deadline has passed; your extension lets you submit until %(until)s."),
}


@dataclass(frozen=True)
class CallWindow:
    state: WindowState
    reason: WindowReason
    closes_at: dt.datetime | None
    call: Call

    @property
    def is_open(self) -> bool:
        return self.state == WindowState.OPEN

    @property
    def submission_closed(self) -> bool:
        """True once nobody can submit without a token: the deadline passed or staff closed the call."""
        return self.reason in (WindowReason.DEADLINE_PASSED, WindowReason.CLOSED_BY_STAFF)

    @property
    def reason_text(self) -> str:
        return window_reason_text(self.reason, self.call, self.closes_at)


def local_time(call: Call, moment: dt.datetime | None) -> str:
    """``moment`` in the call's time zone, named ("2026-12-13 00:00 (Asia/Shanghai)")."""
    if moment is None:
        return ""
    zone = ZoneInfo(call.timezone or "Asia/Shanghai")
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({call.timezone})"


def deadline_text(call: Call, moment: dt.datetime | None) -> str:
    """A deadline as the call states it: midnight is "24:00" of the day before, in Beijing time
    ("2025-03-31 24:00 Beijing time") or named in the call's own zone.  Every message that names a
    deadline uses this, so the refusal of a late submission and of an early review read alike."""
    if moment is None:
        return ""
    if (call.timezone or "Asia/Shanghai") == "Asia/Shanghai":
        return present.beijing(moment)
    day, clock = end_of_day_label(moment.astimezone(ZoneInfo(call.timezone)))
    return f"{day.isoformat()} {clock} ({call.timezone})"


def window_reason_text(reason: WindowReason, call: Call, closes_at: dt.datetime | None = None) -> str:
    return str(REASON_TEXTS[reason]) % {
        "opens": local_time(call, call.opens_at),
        "deadline": deadline_text(call, call.deadline),
        "until": deadline_text(call, closes_at),
    }


def call_window(call: Call, now: dt.datetime | None = None) -> CallWindow:
    """Open only while the call's status is open and ``opens <= now < deadline`` (instants, so the
    call's time zone is already in them: "24:00" of a day is stored as 00:00 of the next)."""
    now = now or timezone.now()
    status = call.status
    if status in CLOSED_BY_STAFF:
        return CallWindow(WindowState.CLOSED, WindowReason.CLOSED_BY_STAFF, None, call)
    if status == CallStatus.DRAFT:
        return CallWindow(WindowState.CLOSED, WindowReason.NOT_PUBLISHED, None, call)
    if now >= call.deadline:
        return CallWindow(WindowState.CLOSED, WindowReason.DEADLINE_PASSED, None, call)
    if status == CallStatus.PUBLISHED:
        return CallWindow(WindowState.CLOSED, WindowReason.NOT_OPENED, None, call)
    if call.opens_at is not None and now < call.opens_at:
        return CallWindow(WindowState.CLOSED, WindowReason.OPENS_LATER, None, call)
    return CallWindow(WindowState.OPEN, WindowReason.OPEN, call.deadline, call)
