"""Whether an account's e-mail address has been confirmed (by its mailed link, or given by staff)."""

from __future__ import annotations

from typing import Any


def has_confirmed_email(user: Any) -> bool:
    from allauth.account.models import EmailAddress

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists())
