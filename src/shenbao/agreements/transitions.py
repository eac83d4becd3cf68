"""The agreement lifecycle as a declared table (DESIGN §4)."""

from shenbao.agreements.enums import AgreementStatus as S
from shenbao.core.lifecycle import check_transition as _check

AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SIGNED, S.FORFEITED}),
    S.SIGNED: frozenset(),
    S.FORFEITED: frozenset(),
}


def check_transition(current: str, target: str) -> None:
    _check(AGREEMENT_TRANSITIONS, current, target, dict(S.choices))
