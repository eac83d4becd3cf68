"""Who must log in with two factors when ``SHENBAO_REQUIRE_MFA_FOR_STAFF`` is on (issue 15):
administrators, admin-site users and program officers.  Asked by the staff pages' middleware, the API
token page (no new token without TOTP) and the API's token authentication (such a user's tokens are
refused until TOTP is set up).  It lives here because program officers are a program role."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from shenbao.accounts.permissions import is_authenticated, user_is_administrator, user_opens_admin_site
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.queries.roles import program_roles


def two_factor_required() -> bool:
    return bool(getattr(settings, "SHENBAO_REQUIRE_MFA_FOR_STAFF", False))


def needs_two_factor(user: Any) -> bool:
    """Whether the setting asks this user for TOTP: administrators, admin-site users, program officers."""
    if not is_authenticated(user):
        return False
    if user_is_administrator(user) or user_opens_admin_site(user):
        return True
    return any(ProgramRoleKind.PROGRAM_OFFICER in roles for roles in program_roles(user).values())


def has_two_factor(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def lacks_required_two_factor(user: Any) -> bool:
    """The setting is on, the user needs TOTP, and has not set it up."""
    return two_factor_required() and needs_two_factor(user) and not has_two_factor(user)
