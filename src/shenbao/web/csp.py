"""django-csp's middleware with the site-wide policy built once.

Every page but one (``reviewer/reading.py`` relaxes it with ``@csp``) carries the same policy: no
nonce, no per-view change.  django-csp builds the header text again for every response (twice:
the policy and the report-only one), which costs about as much as a database round trip on the
API's busiest path, the deadline rush.  This subclass answers such responses with the text built
once per settings; a response with a per-view change, or a request that used ``csp_nonce``, goes
through django-csp unchanged.  The settings-change signal clears the memo (tests override them).
"""

from __future__ import annotations

import http.client as http_client
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

#: Attributes django-csp's decorators set on a response to change its policy.
_PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")

#: (header, policy text, excluded path prefixes, exemption attribute) for the policy and the report-only one.
_memo: list[tuple[str, str, tuple[str, ...], str]] | None = None


def _site_policies() -> list[tuple[str, str, tuple[str, ...], str]]:
    global _memo
    if _memo is None:
        built = []
        for header, setting, report_only, exempt in (
            (HEADER, "CONTENT_SECURITY_POLICY", False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True, "_csp_exempt_ro"),
        ):
            text = build_policy(report_only=report_only)
            if text:
                prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
                built.append((header, text, prefixes, exempt))
        _memo = built
    return _memo


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    global _memo
    if setting in _SETTINGS:
        _memo = None


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's ``CSPMiddleware``; responses under the site-wide policy get its memoised text."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _PER_VIEW):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (http_client.INTERNAL_SERVER_ERROR, http_client.NOT_FOUND):
            return response
        for header, text, prefixes, exempt in _site_policies():
            exempted = getattr(response, exempt, False) is not False or request.path_info.startswith(prefixes)
            if header not in response and not exempted:
                response[header] = text
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
