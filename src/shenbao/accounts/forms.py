"""The log-in library's forms, with what our accounts need (issue 15)."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import complete_registration

LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


class LoginForm(AllauthLoginForm):
    """The library's log-in form; a post naming the address ``username`` (Django's own log-in form,
    which scripts and older tests used) is read as ``login``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and "login" not in self.data and "username" in self.data:
            posted: Any = self.data
            data = posted.copy()
            data["login"] = data["username"]
            self.data = data


class SignupDetailsForm(forms.Form):
    """What sign-up asks besides the address and password: the name and the preferred language."""

    name = forms.CharField(label=_("Name"), max_length=100)
    language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGE_CHOICES)

    def signup(self, request: HttpRequest, user: User) -> None:
        complete_registration(user=user, name=self.cleaned_data["name"], language=self.cleaned_data["language"])
