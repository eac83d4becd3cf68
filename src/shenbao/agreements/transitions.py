"""The agreement lifecycle as a declared table (DESIGN §4: pending → signed | forfeited | declined).

An agreement still unsigned after its last day is *overdue*: staff record whose fault the delay
is, then forfeit it (the grantee's or the institution's fault) or extend it back to pending with a
new last day (the funder's or another cause).  The daily job forfeits straight from pending only
where the call's terms say ``forfeit_automatically``."""

from shenbao.agreements.enums import AgreementStatus as S
from shenbao.core.lifecycle import Lifecycle
from shenbao.core.lifecycle import check_transition as _check

AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SIGNED, S.OVERDUE, S.FORFEITED, S.DECLINED}),
    S.OVERDUE: frozenset({S.PENDING, S.FORFEITED, S.DECLINED}),
    S.SIGNED: frozenset(),
    S.FORFEITED: frozenset(),
    S.DECLINED: frozenset(),
}

#: States in which the agreement is still open (may be signed, declined, extended).
OPEN_STATES = frozenset({S.PENDING, S.OVERDUE})

AGREEMENT_LIFECYCLE = Lifecycle(
    "agreement", AGREEMENT_TRANSITIONS, dict(S.choices), "shenbao.agreement", initial=frozenset({S.PENDING})
)


def check_transition(current: str, target: str) -> None:
    _check(AGREEMENT_TRANSITIONS, current, target, dict(S.choices))
