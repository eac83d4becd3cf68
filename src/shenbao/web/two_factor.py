"""Two-factor log-in required for staff (``SHENBAO_REQUIRE_MFA_FOR_STAFF``, issue 15).

When the setting is on, a program officer, an administrator or an admin-site user who has not set up
an authenticator app (TOTP) is sent to set one up before any staff page or the admin opens.  Once it
is set up, the log-in library asks for the code at every log-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from shenbao.calls.queries.two_factor import lacks_required_two_factor, two_factor_required

#: Views under these modules, and every admin page, are staff pages.
STAFF_VIEW_MODULES = ("shenbao.web.staff",)


def is_staff_page(request: HttpRequest, view_func: Callable[..., Any]) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    return request.path_info.startswith("/admin/") or module.startswith(STAFF_VIEW_MODULES)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not two_factor_required() or not is_staff_page(request, view_func):
            return None
        if not lacks_required_two_factor(request.user):
            return None
        messages.warning(request, _("Staff pages need two-factor log-in: set up an authenticator app first."))
        return redirect("mfa_activate_totp")
