"""The outbox lifecycle: a mail is stored before it is sent, and every change is audited.

held → queued (staff release it) or discarded; queued → sending (the worker takes it), held
(staff hold the call's mail) or discarded; sending → sent or failed; failed → queued (a retry,
by the worker's back-off or by staff) or discarded.
"""

from __future__ import annotations

from shenbao.core.lifecycle import Lifecycle
from shenbao.notifications.enums import MessageState as M

MESSAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    M.HELD: frozenset({M.QUEUED, M.DISCARDED}),
    M.QUEUED: frozenset({M.SENDING, M.HELD, M.DISCARDED}),
    M.SENDING: frozenset({M.SENT, M.FAILED}),
    M.SENT: frozenset(),
    M.FAILED: frozenset({M.QUEUED, M.DISCARDED}),
    M.DISCARDED: frozenset(),
}

MESSAGE_LIFECYCLE = Lifecycle(
    "message",
    MESSAGE_TRANSITIONS,
    dict(M.choices),
    "shenbao.message",
    state_field="state",
    initial=frozenset({M.QUEUED, M.HELD}),
)
