"""API rate limits (DRF throttles in the shared cache), so one client cannot flood the server.

Authenticated clients are limited per user (a token or a session), with a burst and a daily rate;
anonymous clients per address.  Authenticated users are *not* limited per address: a whole
university submits from behind one NAT address in the last hour before a deadline.  The rates
come from settings (``SHENBAO_API_RATES``) so an operator can change them without code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _Configured(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates: Mapping[str, str | None] = settings.SHENBAO_API_RATES
        return rates.get(self.scope or "")


class UserBurstThrottle(_Configured):
    scope = "user_burst"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class UserDailyThrottle(UserBurstThrottle):
    scope = "user_day"


class AnonymousThrottle(_Configured):
    scope = "anonymous"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
