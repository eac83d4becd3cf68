"""API token authentication: ``Authorization: Token <key>``, reading the user and the token in one
statement (SQL built once), found by the SHA-256 of the presented key (``ApiToken.digest``, unique)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from shenbao.accounts.models import ApiToken, User, token_digest
from shenbao.accounts.services.api_tokens import note_use
from shenbao.calls.queries.two_factor import lacks_required_two_factor
from shenbao.core.queries.inline import column, instance_from_row, table

_SQL: dict[str, str] = {}
_TOKEN_COLUMNS = ("id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")


def _statement() -> str:
    """Built once per database: an ORM ``select_related`` lookup compiles a wide query on every request."""
    if connection.vendor not in _SQL:
        q = connection.ops.quote_name
        users = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
        tokens = ", ".join(f"t.{column(ApiToken, name, q)} AS {q('_token_' + name)}" for name in _TOKEN_COLUMNS)
        _SQL[connection.vendor] = (
            f"SELECT {users}, {tokens} FROM {table(ApiToken, q)} t "  # noqa: S608 - names from model metadata
            f"JOIN {table(User, q)} u ON u.{q('id')} = t.{column(ApiToken, 'user', q)} "
            f"WHERE t.{column(ApiToken, 'digest', q)} = %s"
        )
    return _SQL[connection.vendor]


def _value(name: str, raw: Any) -> Any:
    """Extra columns of a raw query skip the database's converters: SQLite gives naive UTC datetimes
    (or text)."""
    if not name.endswith("_at") or raw is None:
        return raw
    value = parse_datetime(raw) if isinstance(raw, str) else raw
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


class TokenAuthentication(authentication.TokenAuthentication):
    """An unknown, revoked or expired key, or an inactive user, is refused (401) with its own code; a
    staff user who must log in with two factors and has not set them up, with 403 ``mfa_required``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        with connection.cursor() as cursor:
            cursor.execute(_statement(), [token_digest(key)])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="token_invalid")
        user = instance_from_row(User, row, connection)
        extra = row[len(User._meta.concrete_fields) :]
        fields = {name: _value(name, raw) for name, raw in zip(_TOKEN_COLUMNS, extra, strict=True)}
        token = ApiToken(user=user, **fields)
        token._state.adding = False
        token._state.db = user._state.db
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."), code="token_revoked")
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."), code="token_expired")
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."), code="user_inactive")
        if lacks_required_two_factor(user):
            # Staff must log in with two factors (SHENBAO_REQUIRE_MFA_FOR_STAFF): a token made before
            # the rule, or before TOTP was removed, must not let them skip the second one.
            raise exceptions.PermissionDenied(
                _(
                    "Your role needs two-factor log-in: set up an authenticator app on the website; "
                    "until then your API tokens are refused."
                ),
                code="mfa_required",
            )
        note_use(token_pk=token.pk, last_used_at=token.last_used_at, now=now)
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """The website's session (with its CSRF check), refused with 403 ``mfa_required`` for a staff user
    who must log in with two factors and has not set them up: the browser's session must not reach
    through the API what the staff pages refuse."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        found = super().authenticate(request)
        if found is not None and lacks_required_two_factor(found[0]):
            raise exceptions.PermissionDenied(
                _("Your role needs two-factor log-in: set up an authenticator app on the website before you use the API."),
                code="mfa_required",
            )
        return found


class SessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The schema names our session authentication as the browser's session cookie, as it does
    rest_framework's own."""

    target_class = SessionAuthentication
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
