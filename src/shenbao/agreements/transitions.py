"""The agreement lifecycle as a declared table (DESIGN §4)."""

from shenbao.agreements.enums import AgreementStatus as S
from shenbao.core.lifecycle import Lifecycle
from shenbao.core.lifecycle import check_transition as _check

AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SIGNED, S.FORFEITED}),
    S.SIGNED: frozenset(),
    S.FORFEITED: frozenset(),
}

AGREEMENT_LIFECYCLE = Lifecycle(
    "agreement", AGREEMENT_TRANSITIONS, dict(S.choices), "shenbao.agreement", initial=frozenset({S.PENDING})
)


def check_transition(current: str, target: str) -> None:
    _check(AGREEMENT_TRANSITIONS, current, target, dict(S.choices))
