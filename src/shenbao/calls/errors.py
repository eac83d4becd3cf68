"""Errors of the calls app, with translated messages."""

from __future__ import annotations

from typing import Any

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


class CallChangedMeanwhile(DomainError):
    """The call's status is no longer the one the page showed: a second click or another officer
    changed it first.  Nothing was changed by this request."""

    code = "call_changed_meanwhile"

    def __init__(self, *, expected: Any, current: Any) -> None:
        super().__init__(
            _(
                "The call is now “%(current)s”, not “%(expected)s” as the page showed: it was changed meanwhile "
                "(by another officer, or by a second click). Nothing was changed; check the page again."
            ),
            params={"current": current, "expected": expected},
        )


class CallNotReady(DomainError):
    """A status change whose checks fail; ``reasons`` lists each failed check in the reader's language."""

    code = "call_not_ready"

    def __init__(self, *, target: Any, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(
            _("The call cannot become “%(target)s” yet: %(reasons)s"),
            params={"target": target, "reasons": " ".join(reasons)},
        )


class CallCodeExists(DomainError):
    code = "call_code_exists"

    def __init__(self, code: str) -> None:
        super().__init__(_("A call with the code “%(code)s” already exists: choose another code."), params={"code": code})


class CloneInvalid(DomainError):
    """The cloned definition does not validate (for instance a shift that pushes a date out of range)."""

    code = "clone_invalid"

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(_("The new call would not be valid: %(errors)s"), params={"errors": "; ".join(errors)})


class LastProgramOfficer(DomainError):
    code = "last_program_officer"

    def __init__(self) -> None:
        super().__init__(_("This is the program's last program officer: appoint another one before revoking this role."))
