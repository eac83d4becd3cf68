"""What each stage of a call needs before it may start (issue 13.2), asked by the services that
start it and by the staff pages that offer the action (a disabled button with the reason).

Review and selection need the submission window closed: the deadline passed, or staff closed the
call.  Publication and agreements are in ``awards.queries.readiness`` (they read awards).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.calls.errors import StageNotYetPossible
from shenbao.calls.models import Call
from shenbao.calls.queries.window import call_window, deadline_text


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str = ""  # why not, in the reader's language ("" when ready)

    def __bool__(self) -> bool:
        return self.ready

    def require(self) -> None:
        """Raise ``StageNotYetPossible`` with the reason unless ready (for the services)."""
        if not self.ready:
            raise StageNotYetPossible(self.reason)


READY = Readiness(True)


def _not_ready(message: Promise, **params: str) -> Readiness:
    return Readiness(False, str(message) % params if params else str(message))


def submissions_closed(call: Call, now: dt.datetime | None = None) -> Readiness:
    """Ready once nobody can submit without a token: the deadline passed or staff closed the call."""
    window = call_window(call, now)
    if window.submission_closed:
        return READY
    if window.is_open:
        return _not_ready(
            _("Applications are still being submitted until the deadline (%(deadline)s); close the call first."),
            deadline=deadline_text(call, call.deadline),
        )
    return _not_ready(_("The call has not received applications yet: %(why)s"), why=window.reason_text)


def review_readiness(call: Call, now: dt.datetime | None = None) -> Readiness:
    """Opening a review stage or assigning reviewers needs the submission window closed."""
    return submissions_closed(call, now)


def selection_readiness(call: Call, now: dt.datetime | None = None) -> Readiness:
    """Running a selection needs the submission window closed."""
    return submissions_closed(call, now)
