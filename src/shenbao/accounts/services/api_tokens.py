"""Issuing and revoking API tokens (services), and the owner's list (query).

The key is shown once, when it is made; only its digest is kept (``ApiToken.digest``)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import ApiToken, User, token_digest
from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError

#: How often at most ``last_used_at`` is written: a deadline rush must not write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


class TokenRefused(DomainError):
    code = "token_refused"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only time the plaintext exists


def default_lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "SHENBAO_API_TOKEN_DAYS", 365)))


@transaction.atomic
def create_api_token(*, user: User, name: str, days: int | None = None, now: dt.datetime | None = None) -> IssuedToken:
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise TokenRefused(_("Give the token a name, so you can tell it apart later."))
    if days is not None and not 1 <= days <= 3660:
        raise TokenRefused(_("A token is valid for 1 to 3660 days."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    if active_tokens(user=user, now=now).count() >= MAX_ACTIVE_TOKENS:
        raise TokenRefused(
            _("You have %(count)s active tokens; revoke one before making another."), params={"count": MAX_ACTIVE_TOKENS}
        )
    key = "sb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        digest=token_digest(key),
        prefix=key[:8],
        expires_at=now + (dt.timedelta(days=days) if days is not None else default_lifetime()),
    )
    log_action(action="shenbao.user.api_token_created", obj=user, actor=user, data={"token": token.pk, "name": token.name})
    return IssuedToken(token=token, key=key)


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor: User, now: dt.datetime | None = None) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = now or timezone.now()
        locked.save(update_fields=["revoked_at"])
        log_action(
            action="shenbao.user.api_token_revoked", obj=locked.user, actor=actor, data={"token": locked.pk, "name": locked.name}
        )
    return locked


def user_tokens(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def active_tokens(*, user: User, now: dt.datetime | None = None) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


def note_use(*, token_pk: int, last_used_at: dt.datetime | None, now: dt.datetime | None = None) -> None:
    """Record that a token was used, at most once per ``LAST_USED_RESOLUTION``."""
    now = now or timezone.now()
    if last_used_at is not None and now - last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)
