"""Award errors with translated messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError


class SelectionError(DomainError):
    code = "selection_error"


class NoticeClosed(DomainError):
    code = "notice_closed"

    def __init__(self) -> None:
        super().__init__(_("The public notice period is over; objections are no longer accepted."))


class EvidenceTooLarge(DomainError):
    code = "evidence_too_large"

    def __init__(self, limit_mb: int) -> None:
        super().__init__(_("The evidence file is larger than %(limit)s MB."), params={"limit": limit_mb})


class EvidenceRefused(DomainError):
    code = "evidence_refused"

    def __init__(self) -> None:
        super().__init__(_("Evidence is accepted as PDF, PNG, JPEG or Word (.docx) by its content; this file is none of them."))


class WithdrawalRefused(DomainError):
    code = "withdrawal_refused"

    def __init__(self, *, declinable: bool = True) -> None:
        # Declining goes through the agreement: where the call has none, the message offers no such path.
        super().__init__(
            _(
                "The results of this call have been published: the application can no longer be withdrawn. "
                "An awarded applicant declines the award instead."
            )
            if declinable
            else _("The results of this call have been published: the application can no longer be withdrawn.")
        )


class TooManyObjections(DomainError):
    code = "too_many_objections"

    def __init__(self) -> None:
        super().__init__(_("Too many objections were sent from this address; try again in an hour."))
