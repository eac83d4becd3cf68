"""API token authentication: DRF's TokenAuthentication, reading the user and the token in one statement (SQL built once)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from shenbao.accounts.models import User
from shenbao.core.queries.inline import column, table

_SQL: dict[str, str] = {}


def _statement() -> str:
    """Built once per database: DRF's ``select_related`` lookup compiles a wide query on every request."""
    if connection.vendor not in _SQL:
        q = connection.ops.quote_name
        users = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
        _SQL[connection.vendor] = (
            f"SELECT {users}, t.{column(Token, 'key', q)} AS {q('_token_key')}, "  # noqa: S608 - names from model metadata
            f"t.{column(Token, 'created', q)} AS {q('_token_created')} FROM {table(Token, q)} t "
            f"JOIN {table(User, q)} u ON u.{q('id')} = t.{column(Token, 'user', q)} "
            f"WHERE t.{column(Token, 'key', q)} = %s"
        )
    return _SQL[connection.vendor]


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, with DRF's answers for an unknown key or an inactive user."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        found = list(User.objects.raw(_statement(), [key]))
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = found[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token(key=user.__dict__.pop("_token_key"), user=user, created=user.__dict__.pop("_token_created"))
        token._state.adding = False
        return user, token
