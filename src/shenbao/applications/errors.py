"""Application errors with translated messages (services raise them, interfaces show them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError


class DeadlinePassed(DomainError):
    code = "deadline_passed"

    def __init__(self, *, deadline: str, application: Any = None) -> None:
        super().__init__(_("The deadline (%(deadline)s) has passed; the submission was refused."), params={"deadline": deadline})
        self.application = application  # the refused application, for the audit record


class CallNotOpen(DomainError):
    code = "call_not_open"

    def __init__(self, reason: str = "") -> None:
        if reason:
            super().__init__(_("This call is not open for applications: %(reason)s"), params={"reason": reason})
        else:
            super().__init__(_("This call is not open for applications."))


class NotEligible(DomainError):
    code = "not_eligible"

    def __init__(self, failed: list[str], texts: list[str] | None = None) -> None:
        super().__init__(
            _("The application does not meet every requirement yet: %(rules)s."), params={"rules": "; ".join(texts or failed)}
        )
        self.failed = failed


class EditConflict(DomainError):
    code = "edit_conflict"

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this application meanwhile; reload it and apply your change again."))


class NotEditable(DomainError):
    code = "not_editable"

    def __init__(self) -> None:
        super().__init__(_("This application cannot be changed in its current state."))


class FileRefused(DomainError):
    code = "file_refused"


class RequiredFieldsMissing(DomainError):
    code = "required_fields_missing"

    def __init__(self, labels: list[str]) -> None:
        super().__init__(_("Fill in the required fields first: %(fields)s."), params={"fields": ", ".join(labels)})
        self.labels = labels


class CannotInviteSelf(DomainError):
    code = "invite_self"

    def __init__(self) -> None:
        super().__init__(_("You lead this application; invite the other members of the team."))


class AlreadyInvited(DomainError):
    code = "already_invited"

    def __init__(self) -> None:
        super().__init__(_("This person is already invited with other details; remove the invitation first to change them."))


class PartnerListed(DomainError):
    code = "partner_listed"

    def __init__(self, *, name: str) -> None:
        super().__init__(
            _("“%(name)s” is already a partner with other details; edit that partner instead."), params={"name": name}
        )
