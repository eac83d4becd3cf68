"""One answer to "may this applicant submit now?" (issue 13.4): the call's window plus a late token.

The apply page, the application page, the API and the draft and submission services all ask
``submission_window``; none of them looks at the deadline or the call's status itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from shenbao.applications.models import LateSubmissionToken
from shenbao.calls.models import Call
from shenbao.calls.queries.window import WindowReason, WindowState, call_window, window_reason_text

__all__ = ["Window", "WindowReason", "WindowState", "late_token_for", "submission_window"]


@dataclass(frozen=True)
class Window:
    state: WindowState
    reason: WindowReason
    token: LateSubmissionToken | None
    closes_at: dt.datetime | None
    call: Call

    @property
    def is_open(self) -> bool:
        """The applicant may start, edit and submit now (before the deadline or with a token)."""
        return self.state in (WindowState.OPEN, WindowState.LATE)

    @property
    def reason_text(self) -> str:
        return window_reason_text(self.reason, self.call, self.closes_at)


def late_token_for(*, call: Call, applicant: Any, now: dt.datetime) -> LateSubmissionToken | None:
    """The applicant's unexpired late-submission token for ``call`` (the longest-lived), if any."""
    if applicant is None or not getattr(applicant, "is_authenticated", False):
        return None
    return LateSubmissionToken.objects.filter(call=call, applicant=applicant, expires_at__gt=now).order_by("-expires_at").first()


def submission_window(call: Call, user: Any, now: dt.datetime | None = None) -> Window:
    """Open before the deadline of an open call; late after it for a holder of an unexpired token;
    closed otherwise, with the reason.  A token never opens a call that is not yet open or that
    staff have closed."""
    now = now or timezone.now()
    base = call_window(call, now)
    if base.reason == WindowReason.DEADLINE_PASSED and call.status == "open":
        token = late_token_for(call=call, applicant=user, now=now)
        if token is not None:
            return Window(WindowState.LATE, WindowReason.LATE_TOKEN, token, token.expires_at, call)
    return Window(base.state, base.reason, None, base.closes_at, call)
