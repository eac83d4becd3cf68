from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError


class AgreementClosed(DomainError):
    code = "agreement_closed"

    def __init__(self) -> None:
        super().__init__(_("This agreement can no longer be signed: it is signed already, forfeited, or past its deadline."))


class SignedCopyRefused(DomainError):
    code = "signed_copy_refused"

    def __init__(self) -> None:
        super().__init__(_("The signed copy is accepted as PDF, PNG or JPEG by its content; this file is none of them."))


class AgreementTextError(DomainError):
    code = "agreement_text"


class AgreementTextChanged(DomainError):
    code = "agreement_text_changed"

    def __init__(self) -> None:
        super().__init__(_("The agreement's text changed since you opened it: read the new text and confirm again."))


class AgreementBudgetError(DomainError):
    code = "agreement_budget"
