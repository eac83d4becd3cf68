"""The domain error family: services raise these, interfaces translate them to responses."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain was broken.  ``message`` is a lazily translated sentence."""

    code = "domain_error"

    def __init__(self, message: str | Promise, *, code: str | None = None, params: dict[str, Any] | None = None) -> None:
        self.message = message
        self.params = params or {}
        if code:
            self.code = code
        super().__init__(str(message) % self.params if self.params else str(message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotAllowed(DomainError):
    code = "not_allowed"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class ValidationFailed(DomainError):
    code = "validation_failed"
