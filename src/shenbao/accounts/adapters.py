"""How the log-in library (django-allauth) fits our accounts: the lock-out message, and the person
profile every new account gets, whether made by sign-up or by an institution's sign-in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import complete_registration


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "too_many_login_attempts": _(
            "Too many failed log-ins for this address: it is locked for five minutes, even with the right password. "
            "Try again later, or reset your password."
        ),
    }

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        messages.success(request, _("Welcome! Complete your profile: calls check it against their requirements."))
        return str(super().get_signup_redirect_url(request))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        claims: dict[str, Any] = sociallogin.account.extra_data or {}
        userinfo = claims.get("userinfo", claims)
        name = str(userinfo.get("name") or "").strip() or user.email
        complete_registration(user=user, name=name[:100], language=user.language)
        return user
