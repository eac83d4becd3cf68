"""Errors of the calls app, with translated messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError


class CallInAnotherProgram(DomainError):
    code = "call_in_another_program"

    def __init__(self, *, call: str, program: str, other: str) -> None:
        super().__init__(
            _("The call %(call)s belongs to the program %(program)s, not %(other)s."),
            params={"call": call, "program": program, "other": other},
        )


class PartInUse(DomainError):
    code = "part_in_use"

    def __init__(self, *, codes: list[str]) -> None:
        super().__init__(
            _("These parts are used by applications and cannot be removed: %(codes)s."), params={"codes": ", ".join(codes)}
        )


class EmptyTable(DomainError):
    code = "empty_table"

    def __init__(self) -> None:
        super().__init__(_("The table has no rows; nothing was changed."))


class StageNotYetPossible(DomainError):
    """A stage of the call is asked for before what it needs (issue 13.2): the message says why."""

    code = "stage_not_yet_possible"
